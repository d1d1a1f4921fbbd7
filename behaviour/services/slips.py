"""Slips: recording (with linked slips), correcting and retracting (the kind ``behaviour.slip`` of
tenancy.records), slip types and saved filters."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from people.models import Child
from tenancy import records
from tenancy.access import Access
from tenancy.audit import Action, audit_write
from tenancy.hooks import publish

from ..models import (
    SLIP_TYPED_FIELDS,
    Kind,
    Outcome,
    SavedFilter,
    Slip,
    SlipType,
)
from ._common import _require_site_member

# ---- slips ------------------------------------------------------------------------------------


@transaction.atomic
def slip_record(
    *,
    access: Access,
    child: Child,
    kind: str,
    occurred_at: datetime.datetime,
    what_happened: str,
    slip_type: SlipType | None = None,
    lesson: str = "",
    location: str = "",
    action_taken: str = "",
    outcome: str = "",
    outcome_detail: str = "",
    points: int = 0,
    worth_a_call: bool = False,
    others: list[Child] | tuple = (),
) -> Slip:
    """Record a slip for ``child``, recorded by the signed-in user, and a linked slip for each other
    child involved (each child's slip shows nothing of the others). The one place slips are made, so
    later hooks (same-day calls home) attach here."""
    _require_site_member(access, child.site_id)
    _check_when(occurred_at)
    if slip_type is not None:
        kind = slip_type.kind
    if kind not in Kind.values:
        raise ValidationError({"kind": "Choose a type of slip."})
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose an outcome from the list."})
    if not what_happened.strip():
        raise ValidationError({"what_happened": "Say what happened."})
    errors = slip_site_fields(
        child.site,
        {"lesson": lesson, "points": points, "worth_a_call": worth_a_call, "outcome": outcome},
    )
    if errors:
        raise ValidationError(errors)
    for other in others:
        if other.pk == child.pk:
            raise ValidationError(
                {"others": f"{child.display_name} is the child this slip is for: remove them."}
            )
        if other.site_id != child.site_id:
            raise ValidationError(
                {"others": f"{other.display_name} is at another site: record their slip there."}
            )
    ref = uuid.uuid4().hex
    common = dict(
        organisation_id=child.organisation_id,
        site=child.site,
        kind=kind,
        slip_type=slip_type,
        occurred_at=occurred_at,
        lesson=lesson.strip(),
        location=location.strip(),
        recorded_by=access.user,
        what_happened=what_happened.strip(),
        action_taken=action_taken.strip(),
        outcome=outcome,
        outcome_detail=outcome_detail.strip(),
        points=points,
        worth_a_call=worth_a_call,
        incident_ref=ref,
    )
    slip = Slip.objects.create(child=child, **common)
    audit_write(actor=access.user, action=Action.CREATE, instance=slip, before=None)
    for other in others:
        linked = Slip.objects.create(child=other, is_linked=True, **common)
        audit_write(
            actor=access.user,
            action=Action.CREATE,
            instance=linked,
            before=None,
            summary="Linked slip: named as involved in an incident",
        )
    publish("behaviour.slip_recorded", slip_id=slip.pk)
    return slip


def _check_when(occurred_at) -> None:
    if occurred_at is None or timezone.is_naive(occurred_at):
        raise ValidationError({"occurred_at": "A date and time in the site's time zone is needed."})
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": "A slip cannot be recorded for the future."})


def slip_site_fields(site, fields: dict) -> dict[str, str]:
    """Errors, by field, for a school's fields given for a slip at a children's home (no lessons,
    class points, school sanctions or same-day calls home: behaviour.words). Only the fields in
    ``fields`` are checked; empty values pass."""
    if site.is_school:
        return {}
    from ..words import HOME_OUTCOMES

    where = f"{site.name} is a children's home"
    errors = {}
    if (fields.get("lesson") or "").strip():
        errors["lesson"] = f"{where}: it has no lessons. Leave this empty."
    if fields.get("points"):
        errors["points"] = f"{where}: class points are a school's. Leave this at 0."
    if fields.get("worth_a_call"):
        errors["worth_a_call"] = f"{where}: there is no same-day call home. Untick this box."
    if fields.get("outcome") and fields["outcome"] not in HOME_OUTCOMES:
        errors["outcome"] = f"{where}: a school's sanction is not an outcome there. Choose another."
    return errors


def can_change_slip(access: Access, slip: Slip) -> bool:
    return slip.recorded_by_id == access.user.pk or access.can_manage_site(slip.site_id)


SLIP = "behaviour.slip"  # its kind in tenancy.records (behaviour/records.py)
# Everything a person types when recording a slip, but who it is about and the other children
# involved (each has a linked slip of their own: behaviour/records.py says so on the page).
SLIP_CORRECTABLE = ("kind", "slip_type", "occurred_at", *SLIP_TYPED_FIELDS)


def slip_check(access: Access, slip: Slip, *, options: dict) -> list[str]:
    """A corrected slip passes a new slip's checks (tenancy.records' ``validate`` hook): what
    happened is said, the time is not in the future, the type is one of the kinds (an
    organisation's type sets its kind), the outcome is a known one, and a children's home's slip
    has none of a school's fields. ``options["before"]``: the values it had (a home's slip keeps
    a school field it already had)."""
    if slip.slip_type_id:
        slip.kind = slip.slip_type.kind
    if slip.kind not in Kind.values:
        raise ValidationError({"kind": "Choose a type of slip."})
    _check_when(slip.occurred_at)
    if not slip.what_happened:
        raise ValidationError({"what_happened": "Say what happened."})
    if slip.outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose an outcome from the list."})
    before = options.get("before") or {}
    changed = {
        name: getattr(slip, name)
        for name in ("lesson", "points", "worth_a_call", "outcome")
        if getattr(slip, name) != before.get(name, object())
    }
    errors = slip_site_fields(slip.child.site, changed)
    if errors:
        raise ValidationError(errors)
    return []


def slip_before_correct(access: Access, slip: Slip, *, reason: str, options: dict) -> None:
    """Remember the values the slip had, for ``slip_check``."""
    options["before"] = {
        n: getattr(slip, n) for n in ("lesson", "points", "worth_a_call", "outcome")
    }


def slip_after_correct(access: Access, slip: Slip, *, options: dict) -> None:
    """A slip corrected into a home's high-level incident alerts its managers as a new one does
    (once per slip)."""
    publish("behaviour.slip_corrected", slip_id=slip.pk)


def slip_correct(*, access: Access, slip: Slip, version: int | None, reason: str, **fields) -> Slip:
    """A new version of the slip (``SLIP_CORRECTABLE``: its type, when, where, what happened and
    the outcome), with the reason; the earlier one is audited. Refusals:
    ``tenancy.records.correct`` and ``slip_check``."""
    return records.correct(
        SLIP, access=access, instance=slip, version=version, reason=reason, fields=fields
    )


def slip_retract(*, access: Access, slip: Slip, reason: str, version: int | None = None) -> Slip:
    """Hide a slip recorded in error, keeping it and the reason (``tenancy.records.retract``)."""
    return records.retract(SLIP, access=access, instance=slip, version=version, reason=reason)


@transaction.atomic
def slip_type_add(*, access: Access, name: str, kind: str) -> SlipType:
    if not access.is_manager_anywhere and not access.is_org_admin:
        raise PermissionDenied("Only managers add slip types.")
    name = name.strip()
    if SlipType.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"There is already a slip type called “{name}”."})
    slip_type = SlipType.objects.create(
        organisation_id=access.organisation.pk, name=name, kind=kind
    )
    audit_write(actor=access.user, action=Action.CREATE, instance=slip_type, before=None)
    return slip_type


@transaction.atomic
def saved_filter_save(*, access: Access, name: str, query: str) -> SavedFilter:
    name = name.strip()[:80]
    if not name:
        raise ValidationError({"name": "Give the filter a name."})
    found, created = SavedFilter.objects.update_or_create(
        organisation_id=access.organisation.pk,
        user=access.user,
        name=name,
        defaults={"query": query[:1000]},
    )
    return found


@transaction.atomic
def saved_filter_delete(*, access: Access, saved: SavedFilter) -> None:
    if saved.user_id != access.user.pk:
        raise PermissionDenied("That is someone else's filter.")
    saved.delete()  # a user's own shortcut, not a record about a child
