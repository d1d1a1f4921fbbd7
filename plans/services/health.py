"""Health registrations, appointments and the clothing log (children's homes)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from tenancy.access import Access
from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import save_if_unchanged
from tenancy.timeutils import site_today

from ..models import (
    ClothingPurchase,
    HealthAppointment,
    HealthRegistration,
)
from ._common import _require_editor

# ---------------------------------------------------------------- health and clothing (homes)


def _home_only(child) -> None:
    if child.site.is_school:
        raise ValidationError("Health registrations and the clothing log are kept by homes.")


@transaction.atomic
def health_registration_add(
    *,
    access: Access,
    child,
    kind: str,
    practice: str,
    registered_on: datetime.date,
    phone: str = "",
) -> HealthRegistration:
    _require_editor(access, child)
    _home_only(child)
    if registered_on > site_today(child.site):
        raise ValidationError({"registered_on": "The registration date cannot be in the future."})
    row = HealthRegistration.objects.create(
        organisation_id=child.organisation_id,
        child=child,
        kind=kind,
        practice=practice.strip(),
        phone=phone.strip(),
        registered_on=registered_on,
        created_by=access.user,
    )
    audit_write(actor=access.user, action=Action.CREATE, instance=row, before=None)
    return row


@transaction.atomic
def health_appointment_add(
    *,
    access: Access,
    child,
    kind: str,
    due_on: datetime.date,
    attended_on: datetime.date | None = None,
    notes: str = "",
) -> HealthAppointment:
    _require_editor(access, child)
    _home_only(child)
    if attended_on and attended_on > site_today(child.site):
        raise ValidationError({"attended_on": "An appointment cannot be attended in the future."})
    row = HealthAppointment.objects.create(
        organisation_id=child.organisation_id,
        child=child,
        kind=kind,
        due_on=due_on,
        attended_on=attended_on,
        notes=notes.strip(),
        created_by=access.user,
    )
    audit_write(actor=access.user, action=Action.CREATE, instance=row, before=None)
    return row


@transaction.atomic
def clothing_add(
    *,
    access: Access,
    child,
    bought_on: datetime.date,
    items: str,
    amount: Decimal,
    shop: str = "",
) -> ClothingPurchase:
    _require_editor(access, child)
    _home_only(child)
    if bought_on > site_today(child.site):
        raise ValidationError({"bought_on": "The date cannot be in the future."})
    if amount < 0:
        raise ValidationError({"amount": "The amount cannot be negative."})
    row = ClothingPurchase.objects.create(
        organisation_id=child.organisation_id,
        child=child,
        bought_on=bought_on,
        items=items.strip(),
        amount=amount,
        shop=shop.strip(),
        created_by=access.user,
    )
    audit_write(actor=access.user, action=Action.CREATE, instance=row, before=None)
    return row


@transaction.atomic
def health_appointment_update(
    *,
    access: Access,
    appointment: HealthAppointment,
    expected_version: int | None,
    kind: str,
    due_on: datetime.date,
    attended_on: datetime.date | None = None,
    notes: str = "",
) -> HealthAppointment:
    """Correct an appointment or record that it happened. Refused if someone saved it meanwhile."""
    child = appointment.child
    _require_editor(access, child)
    if attended_on and attended_on > site_today(child.site):
        raise ValidationError({"attended_on": "An appointment cannot be attended in the future."})
    before = snapshot(appointment)
    appointment.kind, appointment.due_on = kind, due_on
    appointment.attended_on, appointment.notes = attended_on, notes.strip()
    save_if_unchanged(appointment, expected_version, ["kind", "due_on", "attended_on", "notes"])
    audit_write(actor=access.user, action=Action.UPDATE, instance=appointment, before=before)
    return appointment
