"""Every write about children and their key workers. Keyword-only arguments, one transaction each."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tenancy import records
from tenancy.access import Access, require_manager
from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import CURRENT, save_if_unchanged
from tenancy.hooks import CHILDREN_CHANGED, publish

from .models import (
    Child,
    ChildProfessional,
    Guardian,
    KeyWorkerAllocation,
    PenPortrait,
    Placement,
    Professional,
)
from .selectors import allocated_staff_ids, assignable_staff, can_edit_child_details

Reason = KeyWorkerAllocation.Reason
Kind = KeyWorkerAllocation.Kind


def _lock_child(child: Child) -> Child:
    # Serialises concurrent allocation changes for one child.
    return Child.objects.select_for_update().get(pk=child.pk)


def _check_staff(child: Child, staff) -> None:
    if not assignable_staff(child.site).filter(pk=staff.pk).exists():
        raise ValidationError(
            {"staff": f"{staff.get_full_name() or staff} is not a key worker at {child.site}."}
        )


def _obligations_changed(child_id: int) -> None:
    """The child's compliance obligations follow their dates and key worker: recomputed after the
    commit by whoever subscribes (compliance depends on people, not the other way round)."""
    publish(CHILDREN_CHANGED, child_ids=[child_id])


def _save(allocation: KeyWorkerAllocation, *, actor, summary: str) -> KeyWorkerAllocation:
    before = snapshot(KeyWorkerAllocation.objects.get(pk=allocation.pk)) if allocation.pk else None
    try:
        with transaction.atomic():
            allocation.save()
    except IntegrityError:
        raise ValidationError(
            {"starts_on": "That period overlaps another allocation for this child."}
        )
    audit_write(
        actor=actor,
        action=Action.UPDATE if before else Action.CREATE,
        instance=allocation,
        before=before,
        summary=summary,
    )
    _obligations_changed(allocation.child_id)
    return allocation


@transaction.atomic
def allocation_change(
    *,
    access: Access,
    child: Child,
    staff,
    starts_on: datetime.date,
    reason: str,
    detail: str = "",
) -> KeyWorkerAllocation:
    """Appoint a child's key worker, or change them with one of the permitted reasons."""
    require_manager(access, child.site_id)
    child = _lock_child(child)
    _check_staff(child, staff)
    current = (
        KeyWorkerAllocation.objects.filter(child=child, kind=Kind.PRIMARY, ends_on__isnull=True)
        .select_for_update()
        .first()
    )
    if current is None:
        if reason != Reason.FIRST:
            raise ValidationError(
                {"reason": "This child has no key worker yet: choose “First allocation”."}
            )
        if child.leaving_date and starts_on >= child.leaving_date:
            raise ValidationError({"starts_on": "The child has left by that date."})
    else:
        if reason not in KeyWorkerAllocation.CHANGE_REASONS:
            raise ValidationError(
                {"reason": "A change of key worker needs one of the four reasons for a change."}
            )
        if current.staff_id == staff.pk:
            raise ValidationError({"staff": "That person is already the key worker."})
        if starts_on <= current.starts_on:
            raise ValidationError(
                {
                    "starts_on": "The change must start after the current key worker's start "
                    f"({current.starts_on:%d %b %Y})."
                }
            )
        current.ends_on = starts_on
        current.end_reason = reason
        _save(current, actor=access.user, summary="Key worker changed: allocation ended")
    return _save(
        KeyWorkerAllocation(
            organisation_id=child.organisation_id,
            child=child,
            staff=staff,
            kind=Kind.PRIMARY,
            starts_on=starts_on,
            reason=reason,
            detail=detail,
            changed_by=access.user,
        ),
        actor=access.user,
        summary="Key worker appointed" if current is None else "Key worker changed",
    )


@transaction.atomic
def cover_add(
    *,
    access: Access,
    child: Child,
    staff,
    starts_on: datetime.date,
    ends_on: datetime.date,
    detail: str = "",
) -> KeyWorkerAllocation:
    """Plan cover while the key worker is away. ``ends_on`` is the day the key worker is back."""
    require_manager(access, child.site_id)
    child = _lock_child(child)
    _check_staff(child, staff)
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": "The key worker must be back after the cover starts."})
    return _save(
        KeyWorkerAllocation(
            organisation_id=child.organisation_id,
            child=child,
            staff=staff,
            kind=Kind.COVER,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=Reason.PLANNED_ABSENCE,
            detail=detail,
            changed_by=access.user,
        ),
        actor=access.user,
        summary="Cover planned",
    )


@transaction.atomic
def child_create(*, access: Access, site, key_worker=None, **fields) -> Child:
    require_manager(access, site.pk)
    child = Child(organisation_id=site.organisation_id, site=site, **fields)
    child.full_clean()
    child.save()
    audit_write(actor=access.user, action=Action.CREATE, instance=child, before=None)
    PenPortrait.objects.create(organisation_id=child.organisation_id, child=child)
    if key_worker is not None:
        allocation_change(
            access=access,
            child=child,
            staff=key_worker,
            # From the day they start (before or at admission), never the day before: a pupil
            # starting tomorrow has their key worker "since" tomorrow.
            starts_on=child.start_date,
            reason=Reason.FIRST,
            detail="Appointed at admission.",
        )
    _obligations_changed(child.pk)
    return child


@transaction.atomic
def child_update(*, access: Access, child: Child, version: int | None = None, **fields) -> Child:
    require_manager(access, child.site_id)
    child = _lock_child(child)
    before = snapshot(child)
    leaving = fields.get("leaving_date")
    for name, value in fields.items():
        if name == "photo" and value is False:  # the form's "clear" box
            value = ""
        setattr(child, name, value)
    child.full_clean()
    save_if_unchanged(child, version, list(fields))
    audit_write(actor=access.user, action=Action.UPDATE, instance=child, before=before)
    if leaving:
        # The child has left: their allocations end on the leaving date, kept as history.
        for allocation in KeyWorkerAllocation.objects.filter(child=child, ends_on__isnull=True):
            allocation.ends_on = max(leaving, allocation.starts_on + datetime.timedelta(days=1))
            allocation.end_reason = Reason.CHILD_LEFT
            _save(allocation, actor=access.user, summary="Child left")
        for cover in KeyWorkerAllocation.objects.filter(
            child=child, kind=Kind.COVER, ends_on__gt=leaving, starts_on__lt=leaving
        ):
            cover.ends_on = leaving
            cover.end_reason = Reason.CHILD_LEFT
            _save(cover, actor=access.user, summary="Child left: cover ended")
    _obligations_changed(child.pk)
    return child


def _require_editor(access: Access, child: Child) -> None:
    if not can_edit_child_details(access, child, allocated_staff_ids(child)):
        raise PermissionDenied("Only the child's key worker or a manager can change this.")


@transaction.atomic
def pen_portrait_update(
    *, access: Access, child: Child, version: int | None = None, **fields
) -> PenPortrait:
    _require_editor(access, child)
    portrait, created = PenPortrait.objects.get_or_create(
        child=child, defaults={"organisation_id": child.organisation_id}
    )
    before = None if created else snapshot(portrait)
    for name, value in fields.items():
        setattr(portrait, name, value)
    portrait.updated_by = access.user
    save_if_unchanged(portrait, CURRENT if created else version, [*fields, "updated_by"])
    audit_write(
        actor=access.user,
        action=Action.CREATE if created else Action.UPDATE,
        instance=portrait,
        before=before,
    )
    return portrait


@transaction.atomic
def guardian_save(
    *,
    access: Access,
    child: Child,
    guardian: Guardian | None = None,
    version: int | None = None,
    **fields,
):
    _require_editor(access, child)
    before = snapshot(guardian) if guardian else None
    guardian = guardian or Guardian(organisation_id=child.organisation_id, child=child)
    for name, value in fields.items():
        setattr(guardian, name, value)
    guardian.full_clean()
    if before is None:
        guardian.save()
    else:
        save_if_unchanged(guardian, version, list(fields))
    audit_write(
        actor=access.user,
        action=Action.UPDATE if before else Action.CREATE,
        instance=guardian,
        before=before,
    )
    return guardian


@transaction.atomic
def professional_link(
    *, access: Access, child: Child, professional: Professional | None, started_on, **new_fields
) -> ChildProfessional:
    """Link an existing professional to the child, or create one from ``new_fields`` and link it."""
    _require_editor(access, child)
    if professional is None:
        professional = Professional(organisation_id=child.organisation_id, **new_fields)
        professional.full_clean()
        professional.save()
        audit_write(actor=access.user, action=Action.CREATE, instance=professional, before=None)
    if ChildProfessional.objects.filter(
        child=child, professional=professional, ended_on__isnull=True
    ).exists():
        raise ValidationError({"professional": f"{professional.name} is already linked."})
    link = ChildProfessional.objects.create(
        organisation_id=child.organisation_id,
        child=child,
        professional=professional,
        started_on=started_on,
    )
    audit_write(actor=access.user, action=Action.CREATE, instance=link, before=None)
    return link


@transaction.atomic
def professional_unlink(*, access: Access, link: ChildProfessional, ended_on) -> ChildProfessional:
    _require_editor(access, link.child)
    if ended_on < link.started_on:
        raise ValidationError({"ended_on": "The end cannot be before the start."})
    before = snapshot(link)
    link.ended_on = ended_on
    link.save(update_fields=["ended_on"])
    audit_write(actor=access.user, action=Action.UPDATE, instance=link, before=before)
    return link


GUARDIAN = "people.guardian"  # its kind in tenancy.records (people/records.py)


def can_change_guardian(access: Access, guardian: Guardian) -> bool:
    """The child's key worker (or cover) and the site's managers change family contacts."""
    child = guardian.child
    return can_edit_child_details(access, child, allocated_staff_ids(child))


def guardian_retract(
    *, access: Access, guardian: Guardian, reason: str, version: int | None = None
):
    """Withdraw a family contact recorded in error: hidden from the child's page, kept in history
    (``tenancy.records.retract``)."""
    return records.retract(
        GUARDIAN, access=access, instance=guardian, version=version, reason=reason
    )


def _professional_for(access: Access, child: Child, role: str, details: dict, started_on):
    """Link the social worker or IRO named at admission: someone already on record (matched on
    name, role and email) or a new professional."""
    name = (details.get("name") or "").strip()
    if not name:
        return None
    professional = Professional.objects.filter(
        name__iexact=name, role=role, email__iexact=details.get("email") or ""
    ).first()
    if professional is None:
        professional = Professional(
            organisation_id=child.organisation_id,
            name=name,
            role=role,
            agency=details.get("agency", ""),
            phone=details.get("phone", ""),
            email=details.get("email", ""),
        )
        professional.full_clean()
        professional.save()
        audit_write(actor=access.user, action=Action.CREATE, instance=professional, before=None)
    link = ChildProfessional.objects.create(
        organisation_id=child.organisation_id,
        child=child,
        professional=professional,
        started_on=started_on,
    )
    audit_write(actor=access.user, action=Action.CREATE, instance=link, before=None)
    return link


@transaction.atomic
def child_admit(
    *,
    access: Access,
    site,
    placing_authority: str,
    legal_status: str,
    until_18: bool,
    social_worker: dict,
    iro: dict,
    key_worker=None,
    **child_fields,
) -> Child:
    """Admit a young person to a children's home on the day they arrive: the child, their
    placement (start, placing authority, legal status, meant to last until 18), the social worker
    and Independent Reviewing Officer, and the key worker (appointed before or at admission; the
    compliance dashboard shows a placement without one as overdue from its first day).
    ``social_worker`` and ``iro`` are {"name", "phone", "email", "agency"}. Raises
    ``ValidationError`` by field; nothing is saved unless all of it is."""
    require_manager(access, site.pk)
    if site.is_school:
        raise ValidationError({"site": "Admission with a placement is for a children's home."})
    child = child_create(access=access, site=site, key_worker=key_worker, **child_fields)
    placement = Placement(
        organisation_id=child.organisation_id,
        child=child,
        starts_on=child.start_date,
        placing_authority=placing_authority.strip(),
        legal_status=legal_status,
        until_18=until_18,
        admitted_by=access.user,
    )
    placement.full_clean()
    placement.save()
    audit_write(actor=access.user, action=Action.CREATE, instance=placement, before=None)
    agency = {"agency": placing_authority.strip()}
    _professional_for(
        access,
        child,
        Professional.Role.SOCIAL_WORKER,
        {**agency, **social_worker},
        child.start_date,
    )
    _professional_for(access, child, Professional.Role.IRO, {**agency, **iro}, child.start_date)
    _obligations_changed(child.pk)
    return child
