"""Reads for the team, sites and settings pages, with their joins applied (a fixed number of
queries whatever the number of people)."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenancy.access import Access
from tenancy.models import Membership, Role, Site

from .models import Invitation

User = get_user_model()
PAGE_SIZE = 50


def _reach_q(access: Access, prefix: str = "") -> Q:
    """People ``access`` may see on the team page: everyone for an admin; for a manager, people
    with a role (now or before) at a site they manage."""
    if access.is_org_admin:
        return Q()
    return Q(**{f"{prefix}site_id__in": access.managed_site_ids})


@dataclass
class TeamRow:
    user: object
    memberships: list
    active: bool
    has_authenticator: bool


def team_page(access: Access, *, page: int | str = 1, show: str = "active"):
    """A page of people (PAGE_SIZE) with their roles here; ``show`` is "active" or "left".
    Queries: the count, the page of people, their memberships."""
    in_org = Membership.objects.filter(_reach_q(access), user=OuterRef("pk"))
    active_here = Membership.objects.filter(user=OuterRef("pk"), is_active=True)
    people = (
        User.objects.filter(Exists(in_org))
        .annotate(
            active_here=Exists(active_here),
            has_authenticator=Exists(
                TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
            ),
        )
        .filter(active_here=(show != "left"))
        .order_by("first_name", "last_name", "pk")
    )
    paginator = Paginator(people, PAGE_SIZE)
    page_obj = paginator.get_page(page)
    users = list(page_obj.object_list)
    by_user: dict[int, list] = {u.pk: [] for u in users}
    for m in (
        Membership.objects.filter(user_id__in=by_user)
        .select_related("site")
        .order_by("site__name", "role")
    ):
        by_user[m.user_id].append(m)
    rows = [
        TeamRow(
            user=u,
            memberships=[m for m in by_user[u.pk] if m.is_active or not u.active_here],
            active=u.active_here,
            has_authenticator=u.has_authenticator,
        )
        for u in users
    ]
    return page_obj, rows


@dataclass
class InvitationRow:
    invitation: Invitation
    status: str
    roles: list[str]


def open_invitations(access: Access) -> list[InvitationRow]:
    """Invitations not yet accepted or withdrawn that ``access`` may see (a manager: those whose
    roles are all at sites they manage), waiting or expired. One query (site names come from
    ``access.all_sites``, already loaded)."""
    now = timezone.now()
    names = {s.pk: s.name for s in access.all_sites}
    rows = []
    for invitation in Invitation.objects.filter(
        accepted_at__isnull=True, withdrawn_at__isnull=True
    ).select_related("invited_by")[:200]:
        if not can_see_invitation(access, invitation):
            continue
        roles = [
            f"{Role(g['role']).label} at {names.get(g['site'], '?')}"
            if g.get("site")
            else Role(g["role"]).label
            for g in invitation.roles
        ]
        rows.append(InvitationRow(invitation, invitation.status(now), roles))
    return rows


def can_see_invitation(access: Access, invitation: Invitation) -> bool:
    if access.is_org_admin:
        return True
    if invitation.is_org_admin():
        return False
    return bool(invitation.site_ids()) and invitation.site_ids() <= access.managed_site_ids


def get_invitation_or_404(access: Access, invitation_id) -> Invitation:
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None or not can_see_invitation(access, invitation):
        raise Http404("No such invitation.")
    return invitation


def get_member_or_404(access: Access, user_id) -> tuple[object, list]:
    """The person and their memberships here, if ``access`` may see them; 404 otherwise (another
    organisation's person, or outside a manager's sites, does not exist)."""
    if not (access.is_org_admin or access.managed_site_ids):
        raise Http404("No such person.")
    memberships = memberships_of(user_id)
    if not memberships:
        raise Http404("No such person.")
    if not access.is_org_admin and not any(
        m.site_id in access.managed_site_ids for m in memberships
    ):
        raise Http404("No such person.")
    return memberships[0].user, memberships


def describe_roles(grants: list[dict]) -> list[str]:
    """["Key worker at Oak House", "Organisation admin"], for emails and pages (one query)."""
    names = dict(
        Site.objects.filter(pk__in=[g["site"] for g in grants if g.get("site")]).values_list(
            "pk", "name"
        )
    )
    out = []
    for grant in grants:
        label = Role(grant["role"]).label
        if grant.get("ends_on"):
            label += f" until {datetime.date.fromisoformat(grant['ends_on']):%-d %B %Y}"
        out.append(f"{label} at {names.get(grant['site'], '?')}" if grant.get("site") else label)
    return out


def memberships_of(user_id: int) -> list[Membership]:
    """A person's memberships in the organisation in scope, active or not (sites joined)."""
    return list(
        Membership.objects.filter(user_id=user_id)
        .select_related("user", "site")
        .order_by("site__name")
    )


def invited_not_joined(*, site_ids) -> list[str]:
    """Names of people with an open invitation (not accepted, withdrawn or expired) to key-work
    or manage at any of ``site_ids``: they are not staff yet, so no key-worker picker lists them.
    Answers the hook ``people.invited_staff`` (one query). Returns "First Last" strings, sorted."""
    wanted = {int(s) for s in site_ids}
    names = set()
    for invitation in Invitation.objects.filter(
        accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
    ).only("first_name", "last_name", "roles"):
        for entry in invitation.roles or []:
            if entry.get("site") in wanted and entry.get("role") in (Role.KEY_WORKER, Role.MANAGER):
                names.add(f"{invitation.first_name} {invitation.last_name}".strip())
    return sorted(names)


def organisation_admins() -> list[str]:
    """The names of the organisation's admins (whom a manager asks to change what only they
    may), in name order. One query."""
    return [
        m.user.get_full_name() or m.user.get_username()
        for m in Membership.objects.of_staff(roles=[Role.ORG_ADMIN])
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user_id")
    ]


def settings_sites(access: Access) -> list[Site]:
    """The sites whose settings the user changes on *Sites*: every site for an organisation
    admin; the open sites they manage for a manager (no queries: memberships are loaded)."""
    if access.is_org_admin:
        return access.all_sites
    return [s for s in access.all_sites if access.can_manage_site(s.pk)]
