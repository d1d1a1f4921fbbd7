"""Every write about contacts. Keyword-only arguments, one transaction each, one audit entry per
changed record. Emails leave only from the Celery task, after the transaction commits."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from behaviour.models import Slip
from people.models import Child, Guardian, Professional
from tenancy import records
from tenancy.access import Access, require_manager
from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import EditConflict, parse_version, save_if_unchanged
from tenancy.hooks import CHILDREN_CHANGED, publish
from tenancy.models import Site
from tenancy.records import NeedsConfirmation
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


CONTACT = "contacts.contact"  # its kind in tenancy.records (contacts/records.py)


def contact_check(access: Access, contact: Contact, *, options: dict) -> list[str]:
    """A corrected contact passes the checks of a new one (when, the fields its kind needs, no
    other child named without the person confirming) and is checked for quality again
    (tenancy.records' ``validate`` hook). ``options["confirmed"]``: the warnings ticked."""
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
    if names and "confirm_names" not in options.get("confirmed", ()):
        raise NeedsConfirmation(
            [
                "The text names another child ("
                + ", ".join(names)
                + "). A contact must never disclose another child's information."
            ],
            ["confirm_names"],
        )
    contact.quality_score, contact.quality_report = check_contact(access, contact.child, contact)
    return ["quality_score", "quality_report"]


def contact_correct(
    *,
    access: Access,
    contact: Contact,
    version: int | None,
    reason: str,
    confirmed: tuple[str, ...] | list[str] = (),
    **fields,
) -> Contact:
    """Correct a contact (``CORRECTABLE`` fields): a new version with a reason; the earlier one
    stays in the audit trail. Refusals: ``tenancy.records.correct`` and ``contact_check``."""
    return records.correct(
        CONTACT,
        access=access,
        instance=contact,
        version=version,
        reason=reason,
        fields=fields,
        options={"confirmed": tuple(confirmed)},
    )


def contact_retract(
    *, access: Access, contact: Contact, reason: str, version: int | None = None
) -> Contact:
    """Withdraw a contact recorded in error: hidden from lists (a call due it cleared is due
    again: ``records.children_changed`` is published), kept for inspectors."""
    return records.retract(CONTACT, access=access, instance=contact, version=version, reason=reason)


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
        if WeeklyUpdate.objects.filter(
            child=child, week_start=week_start, addendum_of__isnull=True
        ).exists():
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


QUEUED_EVENT = "contacts.weekly_update_queued"


def _queue(update: WeeklyUpdate) -> None:
    """After the commit, hand the update to the sending task (``contacts.tasks`` subscribes to
    this event in ``ContactsConfig.ready``). If the hand-over is lost (a broker outage, a process
    that dies first), the update stays "Waiting to send" and ``weekly_update_recover`` hands it
    over again."""
    publish(QUEUED_EVENT, organisation_id=update.organisation_id, update_id=update.pk)


@transaction.atomic
def weekly_update_send(
    *,
    access: Access,
    update: WeeklyUpdate,
    version: int | None = None,
    to_email: str = "",
    checked_not_received: bool = False,
) -> WeeklyUpdate:
    """Record the intent to send the update to the child's current social worker (status
    "Waiting to send", committed with this transaction); the task sends it after the commit.

    ``to_email``: an address typed on the page (a failed send's corrected address), used for
    this email and saved on the social worker's record. With no social worker (or no address)
    the draft is kept and a clear error raised. An update that "may have been sent" (the worker
    stopped while sending) is sent again only with ``checked_not_received``: the person has
    checked with the social worker that it did not arrive."""
    child = update.child
    _require_home_writer(access, child)
    if update.status == WeeklyUpdate.Status.UNCERTAIN:
        if not checked_not_received:
            raise ValidationError(
                {
                    "checked_not_received": (
                        "This update may already have been sent. Check with the social worker "
                        "(or your sent mail) that it did not arrive, tick the box, then send again."
                    )
                }
            )
    elif not update.is_editable:
        raise ValidationError("This update is already sending or sent.")
    worker = selectors.social_worker(child, site_today(child.site))
    if worker is None:
        raise ValidationError(
            f"{child.display_name} has no social worker on record. Add one under Professionals on "
            "their page, then send: your draft is kept."
        )
    to_email = (to_email or "").strip()
    if to_email:
        try:
            validate_email(to_email)
        except ValidationError:
            raise ValidationError({"to_email": "Enter the social worker's email address."})
    if to_email and to_email != worker.email:
        before_worker = snapshot(worker)
        worker.email = to_email
        worker.save(update_fields=["email"])
        audit_write(
            actor=access.user,
            action=Action.UPDATE,
            instance=worker,
            before=before_worker,
            after=snapshot(worker),
            summary="Email address corrected from a weekly update",
        )
    if not worker.email:
        raise ValidationError(
            {
                "to_email": f"{worker.name} has no email address on record. Add it here, then "
                "send: your draft is kept."
            }
        )
    before = _snap(update)
    update.to_name, update.to_email = worker.name, worker.email
    update.status = WeeklyUpdate.Status.QUEUED
    update.queued_at = timezone.now()
    update.sending_started_at = None
    update.last_error = ""
    update.attempts = 0
    save_if_unchanged(
        update,
        version,
        [
            "to_name",
            "to_email",
            "status",
            "queued_at",
            "sending_started_at",
            "last_error",
            "attempts",
        ],
    )
    audit_write(
        actor=access.user,
        action=Action.SUBMIT,
        instance=update,
        before=before,
        after=_snap(update),
        summary=(
            f"Sent again to {worker.name} after checking it had not arrived"
            if checked_not_received
            else f"Queued for sending to {worker.name}"
        ),
    )
    _queue(update)
    publish("contacts.weekly_update_sent", update_id=update.pk)
    return update


def _sending_lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.OUTBOX_SENDING_LEASE_SECONDS)


def _mark_uncertain(update: WeeklyUpdate, *, reason: str) -> None:
    """The worker stopped between claiming the email and recording what the mail server said:
    it may have gone. Never sent again automatically; a person checks (see weekly_update_send)."""
    before = _snap(update)
    WeeklyUpdate.objects.filter(pk=update.pk).update(
        status=WeeklyUpdate.Status.UNCERTAIN,
        last_error=reason[:300],
        version=update.version + 1,
    )
    update.status, update.last_error = WeeklyUpdate.Status.UNCERTAIN, reason[:300]
    update.version += 1
    audit_write(
        actor=None,
        action=Action.UPDATE,
        instance=update,
        before=before,
        after=_snap(update),
        summary="May have been sent: " + reason,
    )


INTERRUPTED = (
    "the sending worker stopped before the mail server's answer was recorded, so this email may "
    "or may not have gone"
)


def _claim(update_id: int) -> tuple[str, WeeklyUpdate | None]:
    """Step 2 of the outbox, in its own committed transaction: take a queued update for sending.
    Returns ``("claimed", update)``, or a result for the task with ``None``."""
    with transaction.atomic():
        update = (
            WeeklyUpdate.objects.select_for_update()
            .select_related("child", "child__site", "author")
            .filter(pk=update_id)
            .first()
        )
        if update is None:
            return "already", None
        if update.status == WeeklyUpdate.Status.SENDING:
            started = update.sending_started_at or update.updated_at
            if started > timezone.now() - _sending_lease():
                return "in_progress", None  # another worker is sending it now
            _mark_uncertain(update, reason=INTERRUPTED)
            return "uncertain", None
        if update.status != WeeklyUpdate.Status.QUEUED:
            return "already", None
        before = _snap(update)
        update.status = WeeklyUpdate.Status.SENDING
        update.sending_started_at = timezone.now()
        update.attempts += 1
        WeeklyUpdate.objects.filter(pk=update.pk).update(
            status=update.status,
            sending_started_at=update.sending_started_at,
            attempts=update.attempts,
            version=update.version + 1,
        )
        update.version += 1
        audit_write(
            actor=None,
            action=Action.UPDATE,
            instance=update,
            before=before,
            after=_snap(update),
            summary=f"Sending (attempt {update.attempts})",
        )
    return "claimed", update


def _message(update: WeeklyUpdate) -> EmailMessage:
    return EmailMessage(
        subject=update.subject,
        body=update.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[update.to_email],
        headers={
            # The same Message-ID on every attempt: a receiving server that saw it may drop a copy.
            "Message-ID": f"<weekly-update-{update.idempotency_key}@keywork>",
            "X-Keywork-Idempotency-Key": str(update.idempotency_key),
        },
    )


def weekly_update_deliver(*, update_id: int, final: bool) -> str:
    """Send one queued update, at most once, as an outbox (issue 14.3). Runs in the Celery task.

    1. the intent ("Waiting to send") was committed by ``weekly_update_send``;
    2. claim it — "Sending", committed — so a second run of the task never sends it too;
    3. talk to the mail server, outside any transaction (no lock is held while it answers);
    4. record the result in a new transaction: "Sent" with its professional contact, or the
       error (back to "Waiting to send" for the task's retry, "Failed to send" when ``final``).

    A worker killed between 2 and 4 leaves "Sending"; the redelivered task (``acks_late``) or
    ``weekly_update_recover`` marks it "May have been sent" once the lease has passed, and it
    is never sent again without a person's check. Returns ``sent``, ``failed``, ``already``
    (not waiting to send), ``in_progress`` (another worker holds it) or ``uncertain``."""
    state, update = _claim(update_id)
    if update is None:
        return state
    try:
        _message(update).send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 - any transport failure is kept and retried
        return _record_failure(update_id, error=error, final=final)
    return _record_sent(update_id)


def _record_failure(update_id: int, *, error: Exception, final: bool) -> str:
    with transaction.atomic():
        update = WeeklyUpdate.objects.select_for_update().filter(pk=update_id).first()
        if update is None or update.status not in (
            WeeklyUpdate.Status.SENDING,
            WeeklyUpdate.Status.UNCERTAIN,
        ):
            return "already"
        before = _snap(update)
        update.last_error = f"{type(error).__name__}: {error}"[:300]
        update.status = WeeklyUpdate.Status.FAILED if final else WeeklyUpdate.Status.QUEUED
        WeeklyUpdate.objects.filter(pk=update.pk).update(
            last_error=update.last_error,
            status=update.status,
            sending_started_at=None,
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


def _record_contact(update: WeeklyUpdate, *, when, recorded_by, summary: str) -> Contact:
    child = update.child
    contact = Contact.objects.create(
        organisation_id=update.organisation_id,
        site_id=child.site_id,
        child=child,
        kind=Contact.Kind.PROFESSIONAL,
        purpose=(
            Contact.Purpose.WEEKLY_ADDENDUM if update.is_addendum else Contact.Purpose.WEEKLY_UPDATE
        ),
        method=Contact.Method.EMAIL,
        direction=Contact.Direction.MADE,
        occurred_at=when,
        with_whom=f"{update.to_name} <{update.to_email}>"[:200],
        professional_role=Contact.ProfessionalRole.SOCIAL_WORKER,
        summary=f"{update.subject}\n\n{update.body}",
        recorded_by=recorded_by,
    )
    audit_write(
        actor=recorded_by, action=Action.CREATE, instance=contact, before=None, summary=summary
    )
    return contact


def _record_sent(update_id: int, *, actor=None, summary: str = "") -> str:
    with transaction.atomic():
        update = (
            WeeklyUpdate.objects.select_for_update()
            .select_related("child", "child__site", "author")
            .filter(pk=update_id)
            .first()
        )
        if update is None or update.status not in (
            WeeklyUpdate.Status.SENDING,
            WeeklyUpdate.Status.UNCERTAIN,
        ):
            return "already"
        before = _snap(update)
        now = timezone.now()
        contact = _record_contact(
            update,
            when=now,
            recorded_by=actor or update.author,
            summary=(
                "Addendum to the weekly update sent to the social worker"
                if update.is_addendum
                else "Weekly update sent to the social worker"
            ),
        )
        WeeklyUpdate.objects.filter(pk=update.pk).update(
            status=WeeklyUpdate.Status.SENT,
            sent_at=now,
            last_error="",
            contact=contact,
            version=update.version + 1,
        )
        update.status, update.sent_at, update.contact = WeeklyUpdate.Status.SENT, now, contact
        update.version += 1
        update.last_error = ""
        audit_write(
            actor=actor or update.author,
            action=Action.UPDATE,
            instance=update,
            before=before,
            after=_snap(update),
            summary=summary or f"Sent to {update.to_email}",
        )
        publish(CHILDREN_CHANGED, child_ids=[update.child_id])
    return "sent"


def weekly_update_confirm_received(
    *, access: Access, update: WeeklyUpdate, version: int | None
) -> WeeklyUpdate:
    """The person checked that an update which "may have been sent" did arrive: record it as
    sent (with its professional contact), without sending it again."""
    _require_home_writer(access, update.child)
    if update.status != WeeklyUpdate.Status.UNCERTAIN:
        raise ValidationError("Only an update that may have been sent can be confirmed.")
    if parse_version(version) != update.version:
        raise EditConflict()
    _record_sent(
        update.pk,
        actor=access.user,
        summary=f"Confirmed as received by {access.user.get_full_name() or access.user}",
    )
    update.refresh_from_db()
    return update


def weekly_update_recover(*, now=None) -> dict[str, int]:
    """The outbox's periodic recovery for the organisation in scope (Celery beat, every few
    minutes; ``contacts.outbox_recover_all``):

    - "Sending" for longer than ``OUTBOX_SENDING_LEASE_SECONDS``: its worker died after claiming
      it; marked "May have been sent" (never sent again without a person's check);
    - "Waiting to send" for longer than the lease: its hand-over to the task was lost; handed
      over again (the task's claim makes a duplicate hand-over harmless).

    Returns ``{"uncertain": n, "requeued": n}``."""
    cutoff = (now or timezone.now()) - _sending_lease()
    uncertain = 0
    stuck = WeeklyUpdate.objects.filter(
        status=WeeklyUpdate.Status.SENDING, sending_started_at__lt=cutoff
    ).values_list("pk", flat=True)
    for update_id in list(stuck):
        with transaction.atomic():
            update = (
                WeeklyUpdate.objects.select_for_update()
                .filter(pk=update_id, status=WeeklyUpdate.Status.SENDING)
                .first()
            )
            if update is not None:
                _mark_uncertain(update, reason=INTERRUPTED)
                uncertain += 1
    waiting = list(
        WeeklyUpdate.objects.filter(status=WeeklyUpdate.Status.QUEUED, queued_at__lt=cutoff)
    )
    for update in waiting:
        _queue(update)
    return {"uncertain": uncertain, "requeued": len(waiting)}


@transaction.atomic
def weekly_update_addendum_save(
    *,
    access: Access,
    original: WeeklyUpdate,
    subject: str,
    body: str,
) -> WeeklyUpdate:
    """Start an addendum to a sent update (issue 17.9): something to add after the week's update
    has gone (Sunday's session, a late incident). It is drafted, sent and recorded as its own
    professional contact, like the update. One addendum at a time is in progress; a sent one
    can be followed by another."""
    child = original.child
    _require_home_writer(access, child)
    if original.is_addendum:
        original = original.addendum_of
    if original.status != WeeklyUpdate.Status.SENT:
        raise ValidationError("An addendum follows an update that has been sent.")
    open_one = (
        WeeklyUpdate.objects.filter(addendum_of=original)
        .exclude(status=WeeklyUpdate.Status.SENT)
        .first()
    )
    if open_one is not None:
        raise ValidationError(
            "There is already an addendum to this update that has not been sent: open it from "
            "the update's page."
        )
    if not subject.strip():
        raise ValidationError({"subject": "Give the email a subject."})
    if not body.strip():
        raise ValidationError({"body": "Write the addendum."})
    addendum = WeeklyUpdate.objects.create(
        organisation_id=child.organisation_id,
        child=child,
        week_start=original.week_start,
        addendum_of=original,
        subject=subject.strip(),
        body=body.strip(),
        author=access.user,
    )
    audit_write(
        actor=access.user,
        action=Action.CREATE,
        instance=addendum,
        before=None,
        after=_snap(addendum),
    )
    return addendum


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
