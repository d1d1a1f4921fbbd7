"""Roles per site, a member's details, leavers (their children handed over) and lost
authenticators."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import services as accounts_services
from people.models import KeyWorkerAllocation
from people.services import allocation_change
from tenancy.access import Access
from tenancy.audit import Action, audit_write, snapshot
from tenancy.context import user_scope
from tenancy.models import Membership, Role
from tenancy.timeutils import site_today

from ..selectors import memberships_of
from ._common import (
    LAST_ADMIN,
    Grant,
    Reason,
    _active_admin_count,
    _lock_organisation,
    _require,
    can_act_on,
    can_grant,
)

# ---------------------------------------------------------------- roles


def _membership_grant(
    *, user, organisation_id, site_id, role, job_title, actor, ends_on=None
) -> Membership:
    membership = Membership.objects.filter(
        user=user, organisation_id=organisation_id, site_id=site_id, role=role
    ).first()
    if membership is None:
        membership = Membership.objects.create(
            user=user,
            organisation_id=organisation_id,
            site_id=site_id,
            role=role,
            job_title=job_title,
            ends_on=ends_on,
        )
        audit_write(actor=actor, action=Action.CREATE, instance=membership, before=None)
    elif not membership.is_active or (ends_on and membership.ends_on != ends_on):
        before = snapshot(membership)
        membership.is_active = True
        membership.ends_on = ends_on or membership.ends_on
        if job_title:
            membership.job_title = job_title
        membership.save(update_fields=["is_active", "job_title", "ends_on"])
        audit_write(actor=actor, action=Action.UPDATE, instance=membership, before=before)
    return membership


VISITOR_ALONE = (
    "An independent visitor holds no other role (regulation 43: independent of the provider)."
)


def check_visitor_alone(memberships, grants) -> None:
    """Regulation 43: an independent visitor holds no other role in the organisation. Only roles
    that still give access count (``Membership.is_current``, ``site`` loaded): a visitor whose last
    day has passed may become staff; a current visitor may not, nor current staff a visitor.
    ``memberships``: the person's in this organisation; ``grants``: the roles to be held.
    Errors: ValidationError."""
    held = {(m.site_id, m.role) for m in memberships if m.is_active and m.is_current()}
    roles = held | set(grants)
    if len(roles) > 1 and any(role == Role.INDEPENDENT_VISITOR for _, role in roles):
        raise ValidationError(VISITOR_ALONE)


def _current_allocation_count(user, site_id: int) -> int:
    return KeyWorkerAllocation.objects.filter(
        staff=user, child__site_id=site_id, kind="primary", ends_on__isnull=True
    ).count()


@transaction.atomic
def member_roles_set(*, access: Access, user, grants: set[Grant]) -> list[str]:
    """Make ``user``'s active roles, among those ``access`` may give, exactly ``grants``; roles
    outside the actor's reach are left as they are. Returns what changed, in words.

    Errors: PermissionDenied (out of reach), ValidationError (the last organisation admin; no role
    left; a key worker role taken away while they still hold children there)."""
    organisation_id = access.organisation.pk
    _lock_organisation(organisation_id)
    memberships = memberships_of(user.pk)
    _require(
        access.is_org_admin
        or any(m.site_id in access.managed_site_ids for m in memberships if m.is_active),
        "You cannot change this person's roles.",
    )
    for grant in grants:
        _require(can_grant(access, grant), "You cannot give that role.")
    if grants:
        check_visitor_alone(memberships, grants)
    in_reach = {
        (m.site_id, m.role)
        for m in memberships
        if m.is_active and can_grant(access, (m.site_id, m.role))
    }
    kept_elsewhere = {
        (m.site_id, m.role)
        for m in memberships
        if m.is_active and (m.site_id, m.role) not in in_reach
    }
    if not grants and not kept_elsewhere:
        raise ValidationError(
            "Leave at least one role. To end someone's access, use “Deactivate” instead."
        )
    changes = []
    for site_id, role in sorted(in_reach - grants, key=str):
        membership = next(
            m for m in memberships if m.is_active and (m.site_id, m.role) == (site_id, role)
        )
        if role in (Role.KEY_WORKER, Role.MANAGER) and not (
            {(site_id, Role.KEY_WORKER), (site_id, Role.MANAGER)} & grants
        ):
            held = _current_allocation_count(user, site_id)
            if held:
                raise ValidationError(
                    f"{user.get_full_name()} is still key worker for {held} "
                    f"{'child' if held == 1 else 'children'} at {membership.site.name}: change "
                    "their key worker first, or deactivate this person (which asks who takes each)."
                )
        before = snapshot(membership)
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        audit_write(
            actor=access.user,
            action=Action.UPDATE,
            instance=membership,
            before=before,
            summary="Role removed",
        )
        changes.append(f"removed {membership}")
    for site_id, role in sorted(grants - in_reach, key=str):
        membership = _membership_grant(
            user=user,
            organisation_id=organisation_id,
            site_id=site_id,
            role=role,
            job_title="",
            actor=access.user,
        )
        changes.append(f"added {membership}")
    if _active_admin_count(organisation_id) == 0:
        raise ValidationError(LAST_ADMIN)
    return changes


@transaction.atomic
def member_details_update(
    *, access: Access, user, first_name: str, last_name: str, job_title: str
) -> None:
    """A member's name (their account's, seen in every organisation they belong to) and their
    job title here, audited on their memberships. Errors: PermissionDenied when out of reach."""
    memberships = [m for m in memberships_of(user.pk) if m.is_active]
    _require(bool(memberships) and can_act_on(access, memberships), "You cannot do that.")
    first_name, last_name, job_title = first_name.strip(), last_name.strip(), job_title.strip()
    if (user.first_name, user.last_name) != (first_name, last_name):
        before = {"first_name": user.first_name, "last_name": user.last_name}
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])
        audit_write(
            actor=access.user,
            action=Action.UPDATE,
            instance=memberships[0],
            before=before,
            after={"first_name": first_name, "last_name": last_name},
            summary="Name changed",
        )
    for membership in memberships:
        if membership.job_title != job_title:
            before = snapshot(membership)
            membership.job_title = job_title
            membership.save(update_fields=["job_title"])
            audit_write(actor=access.user, action=Action.UPDATE, instance=membership, before=before)


# ---------------------------------------------------------------- leavers and lost authenticators


def current_caseload(user) -> list[KeyWorkerAllocation]:
    """The leaver's current key-worker allocations in this organisation (child and site joined)."""
    return list(
        KeyWorkerAllocation.objects.filter(
            staff=user, kind=KeyWorkerAllocation.Kind.PRIMARY, ends_on__isnull=True
        )
        .select_related("child", "child__site")
        .order_by("child__last_name", "child__first_name")
    )


def _other_active_memberships(user, *, organisation_id: int) -> bool:
    # Explicit escape: the leaver's memberships in other organisations decide whether their
    # account stays usable. Row-level security shows a user's own memberships in user scope.
    with user_scope(user.pk):
        return (
            Membership.unscoped.filter(user=user, is_active=True, organisation__is_active=True)
            .exclude(organisation_id=organisation_id)
            .exists()
        )


@transaction.atomic
def member_deactivate(
    *, access: Access, user, successors: dict[int, object], detail: str = ""
) -> int:
    """A leaver: each child they are key worker for goes to the colleague in ``successors``
    (child id → user) with the reason "staff member leaving"; their roles here end; every record
    they wrote stays. Their sign-in stops at once: their sessions are ended, and an account with no
    other organisation is closed (no password, no authenticator). Returns children moved.

    Errors: PermissionDenied; ValidationError (themselves, the last admin, a child with no
    successor, a successor who cannot hold that child)."""
    organisation_id = access.organisation.pk
    _lock_organisation(organisation_id)
    memberships = [m for m in memberships_of(user.pk) if m.is_active]
    _require(can_act_on(access, memberships), "You cannot deactivate this person.")
    if user.pk == access.user.pk:
        raise ValidationError("You cannot deactivate yourself: ask another organisation admin.")
    if not memberships:
        raise ValidationError("This person is not active in this organisation.")
    moved = 0
    errors = {}
    for allocation in current_caseload(user):
        child = allocation.child
        successor = successors.get(child.pk)
        if successor is None:
            errors[f"child_{child.pk}"] = f"Choose who takes {child.first_name} {child.last_name}."
            continue
        starts_on = site_today(child.site)
        if starts_on <= allocation.starts_on:
            starts_on = allocation.starts_on + datetime.timedelta(days=1)
        try:
            allocation_change(
                access=access,
                child=child,
                staff=successor,
                starts_on=starts_on,
                reason=Reason.STAFF_LEAVING,
                detail=detail or f"{user.get_full_name()} left.",
            )
        except ValidationError as error:
            messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            errors[f"child_{child.pk}"] = " ".join(m for ms in messages.values() for m in ms)
            continue
        moved += 1
    if errors:
        raise ValidationError(errors)
    # Cover they were giving now ends today (cover planned for later is listed on the page).
    today = timezone.localdate()
    for cover in KeyWorkerAllocation.objects.filter(
        staff=user, kind=KeyWorkerAllocation.Kind.COVER, starts_on__lt=today, ends_on__gt=today
    ):
        before = snapshot(cover)
        cover.ends_on = today
        cover.end_reason = Reason.STAFF_LEAVING
        cover.save(update_fields=["ends_on", "end_reason"])
        audit_write(
            actor=access.user,
            action=Action.UPDATE,
            instance=cover,
            before=before,
            summary="Cover ended: staff member leaving",
        )
    for membership in memberships:
        before = snapshot(membership)
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        audit_write(
            actor=access.user,
            action=Action.UPDATE,
            instance=membership,
            before=before,
            summary="Deactivated: staff member leaving",
        )
    if _active_admin_count(organisation_id) == 0:
        raise ValidationError(LAST_ADMIN)
    if not _other_active_memberships(user, organisation_id=organisation_id):
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
        accounts_services.authenticator_remove(user=user)
    accounts_services.sessions_end(user=user)
    return moved


@transaction.atomic
def member_authenticator_reset(*, access: Access, user, reason: str) -> None:
    """A member lost their phone: their authenticator and recovery codes are removed and their
    sessions ended, so at their next sign-in (password) they set up a new one. The caller has
    re-authenticated ``access.user`` (accounts.decorators.confirmation_needed)."""
    memberships = [m for m in memberships_of(user.pk) if m.is_active]
    _require(bool(memberships) and can_act_on(access, memberships), "You cannot do that.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the authenticator is being reset."})
    if user.pk == access.user.pk:
        raise ValidationError(
            "You cannot reset your own authenticator here: use one of your recovery codes, or "
            "ask another organisation admin."
        )
    accounts_services.authenticator_remove(user=user)
    audit_write(
        actor=access.user,
        action=Action.UPDATE,
        instance=memberships[0],
        before=None,
        after={"authenticator": "reset"},
        summary=f"Authenticator reset for {user.get_full_name() or user.username}: {reason}",
    )
