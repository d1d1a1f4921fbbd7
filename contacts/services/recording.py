"""Recording a contact (with its warnings), correcting and retracting one (the kind
``contacts.contact`` of tenancy.records), the site's contact settings, bringing a statutory
visit forward."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from people.models import Child, Guardian, Professional
from tenancy import records
from tenancy.access import Access, require_manager
from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import save_if_unchanged
from tenancy.hooks import CHILDREN_CHANGED, publish
from tenancy.models import Site
from tenancy.records import NeedsConfirmation

from .. import selectors
from ..models import (
    Contact,
    ContactSettings,
    ContactSlip,
    VisitRequest,
)
from ..quality_link import check_contact
from ._common import _check_fields, _check_slips, _check_when, require_recorder


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


# Everything a person types when logging a contact but its kind and the slips it is about
# (contacts.forms.CONTACT_FIXED says why, on the correction page).
CORRECTABLE = (
    "guardian",
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
