"""Who records and changes contacts, and the checks every contact passes (when, kind, slips)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from behaviour.models import Slip
from people.models import Child
from tenancy.access import Access
from tenancy.audit import snapshot
from tenancy.models import Site

from ..models import (
    Contact,
    WeeklyUpdate,
)

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


def _snap(update: WeeklyUpdate) -> dict:
    """The update's fields for the audit trail (its idempotency key is not one a person needs)."""
    return snapshot(update, exclude=("idempotency_key",))
