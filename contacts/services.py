"""Every write about contacts. Keyword-only arguments, one transaction each, one audit entry per
changed record. Emails leave only from the Celery task, after the transaction commits."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from behaviour.models import Slip
from people.models import Child, Guardian, Professional
from tenancy.access import Access, require_manager
from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import save_if_unchanged
from tenancy.hooks import CHILDREN_CHANGED, publish
from tenancy.models import Site
from tenancy.timeutils import site_today

from . import selectors
from .models import (
    Contact,
    ContactSettings,
    ContactSlip,
    VisitRequest,
    WeeklyUpdate,
    email_subject_problem,
)
from .quality_link import check_contact

SITE_KINDS = {
    Contact.Kind.PARENT: None,
    Contact.Kind.PROFESSIONAL: None,
    Contact.Kind.MEETING: None,
    Contact.Kind.FAMILY_TIME: Site.Kind.HOME,
    Contact.Kind.VISIT: Site.Kind.HOME,
}


class NeedsConfirmation(ValidationError):
    """Saving needs the person to confirm they have seen these warnings (nothing was saved).
    ``confirmations`` names the checkboxes that are still unticked."""

    def __init__(self, warnings: list[str], confirmations: list[str]):
        super().__init__(warnings, code="needs_confirmation")
        self.warnings = warnings
        self.confirmations = confirmations


def can_record_contacts(access: Access, site_id: int) -> bool:
    """Calls, professional contacts and visits: tenancy.access.ACCESS_TABLE's "contacts" row."""
    return access.can("contacts", "write", site_id)


def can_write_update(access: Access, child: Child) -> bool:
    """The weekly update to the social worker: the child's key worker or cover, and managers
    (tenancy.access.ACCESS_TABLE's "weekly_update" row)."""
    from people.selectors import can

    return can(access, "weekly_update", "write", child)


def require_update_writer(access: Access, child: Child) -> None:
    if not can_write_update(access, child):
        raise PermissionDenied(
            "Only the young person's key worker (or cover) or a manager writes and sends their "
            "weekly update."
        )


def require_recorder(access: Access, site_id: int) -> None:
    if not can_record_contacts(access, site_id):
        raise PermissionDenied("Only key workers and managers of this site record contacts.")


def can_change_contact(access: Access, contact: Contact) -> bool:
    return contact.recorded_by_id == access.user.pk or access.can_manage_site(contact.site_id)


def _check_when(occurred_at: datetime.datetime) -> None:
    if occurred_at is None or timezone.is_naive(occurred_at):
        raise ValidationError({"occurred_at": "A date and time in the site's time zone is needed."})
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": "A contact cannot be recorded for the future."})


def _check_fields(child: Child, fields: dict) -> None:
    kind = fields.get("kind")
    if kind not in Contact.Kind.values:
        raise ValidationError({"kind": "Choose what kind of contact this was."})
    needs = SITE_KINDS[kind]
    if needs and child.site.kind != needs:
        raise ValidationError(
            {"kind": "Family time and statutory visits are for children's homes."}
        )
    if not (fields.get("summary") or "").strip():
        raise ValidationError({"summary": "Say what was discussed."})
    if not (fields.get("with_whom") or "").strip():
        raise ValidationError({"with_whom": "Say who the contact was with."})
    if kind == Contact.Kind.FAMILY_TIME and fields.get("supervised") is None:
        raise ValidationError({"supervised": "Say whether the family time was supervised."})
    guardian = fields.get("guardian")
    if guardian is not None and guardian.child_id != child.pk:
        raise ValidationError({"guardian": "Choose one of this child's family."})


def _check_slips(child: Child, slips) -> list[Slip]:
    slips = list(slips or [])
    for slip in slips:
        if slip.child_id != child.pk:
            raise ValidationError(
                {"slips": "A contact can only be about this child's own slips."}, code="other_child"
            )
        if slip.retracted_at is not None:
            raise ValidationError({"slips": "That slip has been retracted."})
    return slips


def contact_warnings(
    *,
    access: Access,
    child: Child,
    kind: str,
    occurred_at: datetime.datetime,
    slips,
    texts: list[str],
    exclude_pk: int | None = None,
) -> tuple[list[str], list[str]]:
    """What the person must see before saving, and the confirmations each needs."""
    warnings, confirmations = [], []
    if kind == Contact.Kind.PARENT and slips:
        day = occurred_at.astimezone(selectors.ZoneInfo(child.site.time_zone)).date()
        earlier = [
            c
            for c in selectors.contacts_today_about(child, [s.pk for s in slips], day)
            if c.pk != exclude_pk
        ]
        if earlier:
            who = "; ".join(
                f"{c.recorded_by.get_full_name()} at "
                f"{c.occurred_at.astimezone(selectors.ZoneInfo(child.site.time_zone)):%H:%M} "
                f"({c.get_method_display().lower()} with {c.with_whom})"
                for c in earlier
            )
            warnings.append(
                f"Someone has already been in touch today about the same slip: {who}. "
                "Check with them before calling again."
            )
            confirmations.append("confirm_duplicate")
    names = selectors.other_children_named(access, child, texts)
    if names:
        warnings.append(
            "The text names another child ("
            + ", ".join(names)
            + "). A contact must never disclose another child's information: refer to "
            "“another child” instead."
        )
        confirmations.append("confirm_names")
    if kind == Contact.Kind.FAMILY_TIME:
        restricted = selectors.restrictions_for(child)
        if restricted:
            warnings.append(
                "Recorded contact restrictions: "
                + "; ".join(
                    f"{g.name} ({g.relationship}): {g.contact_restrictions}" for g in restricted
                )
                + ". Check this family time keeps to them."
            )
            confirmations.append("confirm_restriction")
    return warnings, confirmations


@transaction.atomic
def contact_record(
    *,
    access: Access,
    child: Child,
    kind: str,
    method: str,
    occurred_at: datetime.datetime,
    with_whom: str,
    summary: str,
    direction: str = Contact.Direction.MADE,
    purpose: str = Contact.Purpose.GENERAL,
    outcome: str = "",
    follow_up: str = "",
    follow_up_by: datetime.date | None = None,
    professional_role: str = "",
    guardian: Guardian | None = None,
    professional: Professional | None = None,
    supervised: bool | None = None,
    placement_to_18: bool = False,
    slips=(),
    confirmed: tuple[str, ...] | list[str] = (),
) -> Contact:
    """Log a contact about ``child``. A parent contact about slips already contacted about today,
    text naming another child, or family time where a restriction is recorded needs the matching
    confirmation, else ``NeedsConfirmation`` is raised and nothing is saved."""
    require_recorder(access, child.site_id)
    _check_when(occurred_at)
    fields = dict(
        kind=kind,
        summary=summary,
        with_whom=with_whom,
        supervised=supervised,
        guardian=guardian,
    )
    _check_fields(child, fields)
    slips = _check_slips(child, slips)
    if kind == Contact.Kind.VISIT:
        professional_role = Contact.ProfessionalRole.SOCIAL_WORKER
    # Serialise contacts about one child so two people logging the same call cannot both miss
    # each other's (the duplicate guard reads, then writes).
    Child.objects.select_for_update().filter(pk=child.pk).first()
    warnings, needed = contact_warnings(
        access=access,
        child=child,
        kind=kind,
        occurred_at=occurred_at,
        slips=slips,
        texts=[summary, outcome, follow_up],
    )
    missing = [c for c in needed if c not in confirmed]
    if missing:
        raise NeedsConfirmation(warnings, missing)
    quality_score, quality_report = check_contact(
        access,
        child,
        {"summary": summary.strip(), "outcome": outcome.strip(), "follow_up": follow_up.strip()},
    )
    contact = Contact.objects.create(
        quality_score=quality_score,
        quality_report=quality_report,
        organisation_id=child.organisation_id,
        site_id=child.site_id,
        child=child,
        kind=kind,
        purpose=purpose,
        method=method,
        direction=direction,
        occurred_at=occurred_at,
        with_whom=with_whom.strip(),
        guardian=guardian,
        professional=professional,
        professional_role=professional_role,
        summary=summary.strip(),
        outcome=outcome.strip(),
        follow_up=follow_up.strip(),
        follow_up_by=follow_up_by,
        supervised=supervised if kind == Contact.Kind.FAMILY_TIME else None,
        placement_to_18=placement_to_18 if kind == Contact.Kind.VISIT else False,
        duplicate_confirmed="confirm_duplicate" in needed,
        recorded_by=access.user,
    )
    for slip in slips:
        ContactSlip.objects.create(
            organisation_id=child.organisation_id, contact=contact, slip=slip
        )
    audit_write(
        actor=access.user,
        action=Action.CREATE,
        instance=contact,
        before=None,
        after={**snapshot(contact), "slips": [s.pk for s in slips]},
        summary="; ".join(warnings)[:300] if warnings else "",
    )
    publish(CHILDREN_CHANGED, child_ids=[child.pk])
    publish("contacts.contact_recorded", contact_id=contact.pk)
    return contact


CORRECTABLE = (
    "method",
    "direction",
    "purpose",
    "occurred_at",
    "with_whom",
    "summary",
    "outcome",
    "follow_up",
    "follow_up_by",
    "professional_role",
    "supervised",
    "placement_to_18",
)


@transaction.atomic
def contact_correct(
    *,
    access: Access,
    contact: Contact,
    version: int | None,
    reason: str,
    confirmed: tuple[str, ...] | list[str] = (),
    **fields,
) -> Contact:
    """Correct a contact: a new version with a reason; the earlier one stays in the audit trail."""
    if not can_change_contact(access, contact):
        raise PermissionDenied("Only the person who recorded it or a manager can correct it.")
    if contact.is_retracted:
        raise ValidationError("This contact has been retracted.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the record is being corrected."})
    before = snapshot(contact)
    for name in CORRECTABLE:
        if name in fields:
            value = fields[name]
            setattr(contact, name, value.strip() if isinstance(value, str) else value)
    _check_when(contact.occurred_at)
    _check_fields(
        contact.child,
        {
            "kind": contact.kind,
            **{n: getattr(contact, n) for n in ("summary", "with_whom", "supervised", "guardian")},
        },
    )
    names = selectors.other_children_named(
        access, contact.child, [contact.summary, contact.outcome, contact.follow_up]
    )
    if names and "confirm_names" not in confirmed:
        raise NeedsConfirmation(
            [
                "The text names another child ("
                + ", ".join(names)
                + "). A contact must never disclose another child's information."
            ],
            ["confirm_names"],
        )
    contact.correction_reason = reason.strip()[:300]
    contact.quality_score, contact.quality_report = check_contact(access, contact.child, contact)
    save_if_unchanged(
        contact, version, [*CORRECTABLE, "correction_reason", "quality_score", "quality_report"]
    )
    audit_write(
        actor=access.user,
        action=Action.CORRECT,
        instance=contact,
        before=before,
        after=snapshot(contact),
        summary=reason.strip(),
    )
    publish(CHILDREN_CHANGED, child_ids=[contact.child_id])
    return contact


@transaction.atomic
def contact_retract(
    *, access: Access, contact: Contact, reason: str, version: int | None = None
) -> Contact:
    """Withdraw a contact recorded in error: hidden from lists (a call due it cleared is due
    again), kept for inspectors."""
    if not can_change_contact(access, contact):
        raise PermissionDenied("Only the person who recorded it or a manager can retract it.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the record is being retracted."})
    if contact.is_retracted:
        raise ValidationError("This contact has already been retracted.")
    before = snapshot(contact)
    contact.retracted_at = timezone.now()
    contact.retracted_by = access.user
    contact.retraction_reason = reason.strip()
    save_if_unchanged(contact, version, ["retracted_at", "retracted_by", "retraction_reason"])
    audit_write(
        actor=access.user,
        action=Action.RETRACT,
        instance=contact,
        before=before,
        after=snapshot(contact),
        summary=reason.strip(),
    )
    publish(CHILDREN_CHANGED, child_ids=[contact.child_id])  # a call it cleared is due again
    return contact


SETTINGS_FIELDS = (
    "low_level_threshold",
    "call_after_high_level",
    "call_after_reward",
    "first_visit_days",
    "first_year_interval_weeks",
    "long_term_interval_months",
    "later_interval_weeks",
)


@transaction.atomic
def contact_settings_update(
    *, access: Access, site: Site, version: int | None, **fields
) -> ContactSettings:
    require_manager(access, site.pk)
    current = ContactSettings.objects.select_for_update().filter(site=site).first()
    if current is None:
        current = ContactSettings.objects.create(
            organisation_id=site.organisation_id,
            site=site,
            **{k: v for k, v in fields.items() if k in SETTINGS_FIELDS},
        )
        audit_write(actor=access.user, action=Action.CREATE, instance=current, before=None)
        return current
    before = snapshot(current)
    for name in SETTINGS_FIELDS:
        if name in fields:
            setattr(current, name, fields[name])
    save_if_unchanged(current, version, list(SETTINGS_FIELDS))
    audit_write(actor=access.user, action=Action.UPDATE, instance=current, before=before)
    return current


# ---- the weekly social-worker update ----------------------------------------------------------


def _snap(update: WeeklyUpdate) -> dict:
    """The update's fields for the audit trail (its idempotency key is not one a person needs)."""
    return snapshot(update, exclude=("idempotency_key",))


def _require_home_writer(access: Access, child: Child) -> None:
    require_update_writer(access, child)
    if child.site.is_school:
        raise PermissionDenied("Weekly social-worker updates are for children's homes.")


@transaction.atomic
def weekly_update_save(
    *,
    access: Access,
    child: Child,
    week_start: datetime.date,
    subject: str,
    body: str,
    update: WeeklyUpdate | None = None,
    version: int | None = None,
) -> WeeklyUpdate:
    """Save the draft of a week's update (a new one, or edits to a draft or a failed send)."""
    _require_home_writer(access, child)
    if not subject.strip():
        raise ValidationError({"subject": "Give the email a subject."})
    if email_subject_problem(subject):
        raise ValidationError({"subject": email_subject_problem(subject)})
    if not body.strip():
        raise ValidationError({"body": "Write the update."})
    if update is None:
        if week_start.weekday() != 0:
            raise ValidationError({"week_start": "A week starts on a Monday."})
        if WeeklyUpdate.objects.filter(child=child, week_start=week_start).exists():
            raise ValidationError(
                "There is already an update for this week: open it from the contacts page."
            )
        update = WeeklyUpdate.objects.create(
            organisation_id=child.organisation_id,
            child=child,
            week_start=week_start,
            subject=subject.strip(),
            body=body.strip(),
            author=access.user,
        )
        audit_write(
            actor=access.user,
            action=Action.CREATE,
            instance=update,
            before=None,
            after=_snap(update),
        )
        return update
    if not update.is_editable:
        raise ValidationError("This update has been sent and can no longer be changed.")
    before = _snap(update)
    update.subject, update.body = subject.strip(), body.strip()
    save_if_unchanged(update, version, ["subject", "body"])
    audit_write(
        actor=access.user, action=Action.UPDATE, instance=update, before=before, after=_snap(update)
    )
    return update


@transaction.atomic
def weekly_update_send(
    *, access: Access, update: WeeklyUpdate, version: int | None = None
) -> WeeklyUpdate:
    """Queue the update for sending to the child's current social worker. With no social worker
    (or one without an email address) on record, the draft is kept and a clear error raised."""
    from .tasks import send_weekly_update

    child = update.child
    _require_home_writer(access, child)
    if not update.is_editable:
        raise ValidationError("This update is already sending or sent.")
    worker = selectors.social_worker(child, site_today(child.site))
    if worker is None:
        raise ValidationError(
            f"{child.display_name} has no social worker on record. Add one under Professionals on "
            "their page, then send: your draft is kept."
        )
    if not worker.email:
        raise ValidationError(
            f"{worker.name} has no email address on record. Add it, then send: your draft is kept."
        )
    before = _snap(update)
    update.to_name, update.to_email = worker.name, worker.email
    update.status = WeeklyUpdate.Status.QUEUED
    update.last_error = ""
    save_if_unchanged(update, version, ["to_name", "to_email", "status", "last_error"])
    audit_write(
        actor=access.user,
        action=Action.SUBMIT,
        instance=update,
        before=before,
        after=_snap(update),
        summary=f"Queued for sending to {worker.name}",
    )
    org_id, update_id = update.organisation_id, update.pk
    transaction.on_commit(lambda: send_weekly_update.delay(org_id, update_id))
    publish("contacts.weekly_update_sent", update_id=update.pk)
    return update


def weekly_update_deliver(*, update_id: int, final: bool) -> str:
    """Send one queued update, once. Runs in the Celery task. The row is locked while sending so
    two runs of the task cannot both send; a sent update is left alone. Returns ``sent``,
    ``already`` (sent before or no longer queued) or ``failed`` (the error is kept; ``final``
    marks it failed for the key worker to see, otherwise it stays queued for the retry)."""
    with transaction.atomic():
        update = (
            WeeklyUpdate.objects.select_for_update()
            .select_related("child", "child__site", "author")
            .filter(pk=update_id)
            .first()
        )
        if update is None or update.status != WeeklyUpdate.Status.QUEUED:
            return "already"
        before = _snap(update)
        message = EmailMessage(
            subject=update.subject,
            body=update.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[update.to_email],
            headers={
                "Message-ID": f"<weekly-update-{update.idempotency_key}@keywork>",
                "X-Keywork-Idempotency-Key": str(update.idempotency_key),
            },
        )
        update.attempts += 1
        try:
            message.send(fail_silently=False)
        except Exception as error:  # noqa: BLE001 - any transport failure is kept and retried
            update.last_error = f"{type(error).__name__}: {error}"[:300]
            if final:
                update.status = WeeklyUpdate.Status.FAILED
            WeeklyUpdate.objects.filter(pk=update.pk).update(
                attempts=update.attempts,
                last_error=update.last_error,
                status=update.status,
                version=update.version + 1,
            )
            update.version += 1
            audit_write(
                actor=None,
                action=Action.UPDATE,
                instance=update,
                before=before,
                after=_snap(update),
                summary=("Sending failed: " if final else "Sending failed, will retry: ")
                + update.last_error,
            )
            return "failed"
        now = timezone.now()
        child = update.child
        contact = Contact.objects.create(
            organisation_id=update.organisation_id,
            site_id=child.site_id,
            child=child,
            kind=Contact.Kind.PROFESSIONAL,
            purpose=Contact.Purpose.WEEKLY_UPDATE,
            method=Contact.Method.EMAIL,
            direction=Contact.Direction.MADE,
            occurred_at=now,
            with_whom=f"{update.to_name} <{update.to_email}>",
            professional_role=Contact.ProfessionalRole.SOCIAL_WORKER,
            summary=f"{update.subject}\n\n{update.body}",
            recorded_by=update.author,
        )
        audit_write(
            actor=update.author,
            action=Action.CREATE,
            instance=contact,
            before=None,
            summary="Weekly update sent to the social worker",
        )
        WeeklyUpdate.objects.filter(pk=update.pk).update(
            status=WeeklyUpdate.Status.SENT,
            sent_at=now,
            attempts=update.attempts,
            last_error="",
            contact=contact,
            version=update.version + 1,
        )
        update.status, update.sent_at, update.contact = WeeklyUpdate.Status.SENT, now, contact
        publish(CHILDREN_CHANGED, child_ids=[child.pk])
        update.version += 1
        update.last_error = ""
        audit_write(
            actor=update.author,
            action=Action.UPDATE,
            instance=update,
            before=before,
            after=_snap(update),
            summary=f"Sent to {update.to_email}",
        )
        return "sent"


@transaction.atomic
def visit_bring_forward(*, actor, child: Child, due_on: datetime.date, reason: str) -> VisitRequest:
    """Ask for the next statutory social-worker visit by ``due_on`` (sooner than reg. 28 asks):
    ``selectors.visits_due`` and the compliance sweep use the earlier date until a visit is
    recorded. For a children's home's young person only."""
    if child.site.is_school:
        raise ValidationError("Statutory social-worker visits are for children's homes.")
    request = VisitRequest.objects.create(
        organisation_id=child.organisation_id,
        child=child,
        due_on=due_on,
        reason=reason.strip()[:300],
        requested_by=actor,
        requested_at=timezone.now(),
    )
    audit_write(actor=actor, action=Action.CREATE, instance=request, before=None)
    publish(CHILDREN_CHANGED, child_ids=[child.pk])
    return request
