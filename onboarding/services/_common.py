"""Who may do what (decided here, from ``tenancy.access.Access``), and the checks every
write shares."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from people.models import KeyWorkerAllocation
from tenancy.access import Access
from tenancy.models import Membership, Organisation, Role, Site

User = get_user_model()
Reason = KeyWorkerAllocation.Reason
SITE_ROLES = (Role.KEY_WORKER, Role.MODERATOR, Role.MANAGER)

Grant = tuple[int | None, str]  # (site id, or None for organisation admin; role)

User = get_user_model()
Reason = KeyWorkerAllocation.Reason
SITE_ROLES = (Role.KEY_WORKER, Role.MODERATOR, Role.MANAGER)

Grant = tuple[int | None, str]  # (site id, or None for organisation admin; role)


# ---------------------------------------------------------------- who may do what


def can_manage_staff(access: Access) -> bool:
    """Organisation admins, and managers (for their own sites)."""
    return access.is_org_admin or bool(access.managed_site_ids)


def grantable_sites(access: Access) -> list[Site]:
    """Sites where ``access`` may give roles: every open site for an admin, managed ones otherwise."""
    # managed_site_ids already leaves closed sites out, and is every open site for an admin.
    return [s for s in access.all_sites if s.pk in access.managed_site_ids]


def can_grant(access: Access, grant: Grant) -> bool:
    site_id, role = grant
    if role == Role.ORG_ADMIN:
        return access.is_org_admin and site_id is None
    return role in SITE_ROLES and site_id in {s.pk for s in grantable_sites(access)}


def can_act_on(access: Access, memberships: list[Membership]) -> bool:
    """A person (their memberships in this organisation) is within reach of ``access``: an admin
    reaches everyone; a manager reaches people whose every role is at a site they manage."""
    if access.is_org_admin:
        return True
    if not memberships or not access.managed_site_ids:
        return False
    return all(
        m.role != Role.ORG_ADMIN and m.site_id in access.managed_site_ids for m in memberships
    )


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _lock_organisation(organisation_id: int) -> None:
    # Serialises every change of who holds which role in one organisation, so two admins
    # removing each other at the same moment cannot leave it with none.
    Organisation.objects.select_for_update().filter(pk=organisation_id).first()


def _active_admin_count(organisation_id: int) -> int:
    return Membership.objects.filter(
        organisation_id=organisation_id, role=Role.ORG_ADMIN, is_active=True, user__is_active=True
    ).count()


LAST_ADMIN = (
    "This is the organisation's only organisation admin: make someone else an organisation "
    "admin first, so that someone can still run the organisation."
)
