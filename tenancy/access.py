"""Who may see and do what inside an organisation. One place decides; views and selectors ask it.

Another organisation's ids never reach here: every query runs under the request's organisation scope,
so they simply do not exist (404), which leaks nothing.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.http import Http404

from .models import Membership, Organisation, Role, Site


@dataclass(frozen=True, eq=False)
class Access:
    user: object
    organisation: Organisation
    memberships: tuple[Membership, ...]
    organisations: tuple[Organisation, ...] = field(default=())

    @cached_property
    def is_org_admin(self) -> bool:
        return any(m.role == Role.ORG_ADMIN for m in self.memberships)

    @cached_property
    def all_sites(self) -> list[Site]:
        if self.is_org_admin:
            return list(Site.objects.all())  # query: every site of the organisation
        sites = {m.site_id: m.site for m in self.memberships if m.site_id}
        return sorted(sites.values(), key=lambda s: s.name)

    def site_ids(self, *roles: str) -> frozenset[int]:
        """Sites where the user holds any of ``roles`` (any role when none given). Asked with
        roles (to act: manage, moderate), a closed site is left out: its records are read-only."""
        if self.is_org_admin:
            return frozenset(s.pk for s in self.all_sites if not (roles and s.is_closed))
        return frozenset(
            m.site_id
            for m in self.memberships
            if m.site_id and (not roles or (m.role in roles and not m.site.is_closed))
        )

    @cached_property
    def visible_site_ids(self) -> frozenset[int]:
        return self.site_ids()

    @cached_property
    def open_site_ids(self) -> frozenset[int]:
        """Sites where the user may add records: their sites that are not closed."""
        return self.site_ids(*Role.values)

    @cached_property
    def managed_site_ids(self) -> frozenset[int]:
        return self.site_ids(Role.MANAGER)

    @cached_property
    def moderated_site_ids(self) -> frozenset[int]:
        return self.site_ids(Role.MODERATOR, Role.MANAGER)

    @cached_property
    def is_manager_anywhere(self) -> bool:
        return bool(self.managed_site_ids)

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(m.role for m in self.memberships)

    def can_manage_site(self, site_id: int) -> bool:
        return site_id in self.managed_site_ids

    def get_site_or_404(self, site_id) -> Site:
        for site in self.all_sites:
            if str(site.pk) == str(site_id):
                return site
        raise Http404("No such site.")

    @cached_property
    def terms(self) -> dict[str, str]:
        """The words for this user's sites: pupil / young person / child when they hold both."""
        kinds = {s.kind for s in self.all_sites}
        if kinds == {Site.Kind.SCHOOL}:
            return {"child": "pupil", "children": "pupils", "contact": "parent"}
        if kinds == {Site.Kind.HOME}:
            return {"child": "young person", "children": "young people", "contact": "social worker"}
        return {"child": "child", "children": "children", "contact": "contact"}


def require_manager(access: Access, site_id: int) -> None:
    from django.core.exceptions import PermissionDenied

    if not access.can_manage_site(site_id):
        raise PermissionDenied("Only a manager of this site can do that.")
