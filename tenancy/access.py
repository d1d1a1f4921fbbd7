"""Who may see and do what inside an organisation. One place decides; views and selectors ask it.

Another organisation's ids never reach here: every query runs under the request's organisation scope,
so they simply do not exist (404), which leaks nothing.
"""

from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property

from django.http import Http404

from .audit import Action as AuditAction
from .audit import audit_children, audit_read
from .models import Membership, Organisation, Role, Site


class Reach(IntEnum):
    """How far one role's right over a kind of record goes, at a site where the user holds it."""

    NONE = 0  # no access: a read is a 404 or the section is left out; a write is refused (403)
    OWN = 1  # the children the user is key worker or cover for today
    SITE = 2  # every child of the site


_ = Reach.NONE
O = Reach.OWN  # noqa: E741 - one letter keeps the table readable
S = Reach.SITE

#: Who inside a site sees and writes what: kind of record → role → (read, write). The README's
#: "Who sees what inside a site" table is this one (tests/test_access_table.py compares them) and
#: the same-organisation role walk in that file asserts every cell through the pages.
#: A new kind of record is a new row (and its words in RECORD_KINDS); a new role is a new entry in
#: COLUMNS and a cell in each row. Organisation admins hold their column at every site.
COLUMNS: tuple[str, ...] = (
    Role.KEY_WORKER, Role.MANAGER, Role.MODERATOR, Role.ORG_ADMIN, Role.INDEPENDENT_VISITOR
)  # fmt: skip
# The independent visitor (regulation 44(2)(b) of the Children's Homes (England) Regulations 2015:
# "inspect the premises and ... records", interview children and staff) reads the home's record of
# care — sessions, incidents, contacts and weekly updates, the placement plan and reviews — and
# writes nothing. Left out: the pen portrait, household, family, professionals, the risk assessment
# and behaviour management plan, health (need-to-know case records the regulation opens only with
# the child's consent, which the product does not record) and every safeguarding concern.
# fmt: off
_TABLE: dict[str, tuple[tuple[Reach, Reach], ...]] = {
    #                 key worker  manager  moderator  org admin  visitor    each (read, write)
    "child":          ((S, _),    (S, S),  (S, _),    (S, S),    (S, _)),
    "pen_portrait":   ((S, O),    (S, S),  (S, _),    (S, S),    (_, _)),
    "household":      ((O, O),    (S, S),  (_, _),    (S, S),    (_, _)),
    "family":         ((S, O),    (S, S),  (_, _),    (S, S),    (_, _)),
    "professionals":  ((S, O),    (S, S),  (S, _),    (S, S),    (_, _)),
    "sessions":       ((S, O),    (S, O),  (S, _),    (S, O),    (S, _)),
    "behaviour":      ((S, S),    (S, S),  (S, _),    (S, S),    (S, _)),
    "plans":          ((S, O),    (S, S),  (S, _),    (S, S),    (S, _)),
    "narrow_plans":   ((O, O),    (S, S),  (_, _),    (S, S),    (_, _)),
    "health":         ((S, O),    (S, S),  (S, _),    (S, S),    (_, _)),
    "contacts":       ((S, S),    (S, S),  (S, _),    (S, S),    (S, _)),
    "weekly_update":  ((S, O),    (S, S),  (S, _),    (S, S),    (S, _)),
    "reg45_review":   ((_, _),    (S, S),  (_, _),    (S, S),    (_, _)),
}
# fmt: on
ACCESS_TABLE: dict[str, dict[str, tuple[Reach, Reach]]] = {
    kind: dict(zip(COLUMNS, cells, strict=True)) for kind, cells in _TABLE.items()
}

#: The README's words for each kind of record (and what it covers).
RECORD_KINDS: dict[str, str] = {
    "child": "The child: name, photo, dates, key worker and its history",
    "pen_portrait": "Pen portrait: medical and behaviour",
    "household": "Pen portrait: household",
    "family": "Family members, contact arrangements and restrictions",
    "professionals": "Professionals involved (the picker offers those of the child's site)",
    "sessions": "Key-work sessions and targets: recording one (drafts: their author only)",
    "behaviour": "Behaviour slips, points, attendance marks, appointments for the register",
    "plans": "Placement plan, EHCP, IEP, monthly review, pupil on a page (once shared), documents",
    "narrow_plans": "Risk assessment, behaviour management plan, their documents",
    "health": "Health registrations and appointments, clothing log (homes)",
    "contacts": "Parent calls, professional contacts and visits",
    "weekly_update": "Weekly update to the social worker (write and send)",
    "reg45_review": "Regulation 45 review packs of a home: figures, excerpts, evaluations",
}
READ, WRITE = "read", "write"

#: Roles that record anything. The independent visitor is not one: a visitor's site is never among
#: ``open_site_ids``, and ``visitor_may`` refuses them every page outside the lists below.
WRITING_ROLES: tuple[str, ...] = (
    Role.KEY_WORKER, Role.MANAGER, Role.MODERATOR, Role.ORG_ADMIN
)  # fmt: skip

#: The pages (URL names) an independent visitor may open: the home's records regulation 44 lets
#: them inspect (the table above decides what each page shows of a child), the compliance figures,
#: the chronology (which never holds safeguarding concern text) and their own reports. Every other
#: page answers 403 to a visitor, whatever its own checks say (TenantMiddleware.process_view).
VISITOR_PAGES: frozenset[str] = frozenset({
    "home",
    "people:child_list", "people:child_detail", "people:child_photo",
    "sessions_app:site_sessions", "sessions_app:child_sessions", "sessions_app:session_detail",
    "sessions_app:session_pdf", "sessions_app:child_targets",
    "behaviour:slip_list", "behaviour:slip_detail", "behaviour:child_overview",
    "behaviour:child_panel",
    "contacts:contact_list", "contacts:child_contacts", "contacts:contact_detail",
    "contacts:weekly_update",
    "plans:child_plans", "plans:plan_detail", "plans:version_detail", "plans:version_pdf",
    "plans:document_file",
    "evidence:chronology", "evidence:chronology_pdf",
    "regulation44:index", "regulation44:report_detail", "regulation44:report_file",
    "regulation44:recommendation", "regulation44:figures",
})  # fmt: skip
#: The only pages a visitor may send a form to: their monthly report.
VISITOR_POSTS: frozenset[str] = frozenset({"regulation44:report_upload"})
#: Pages about the person's own sign-in, open to everyone signed in (choosing which of their
#: organisations to work in is one: a visitor of two providers' homes switches between them).
ACCOUNT_PAGES: frozenset[str] = frozenset({
    "logout", "confirm_identity", "two_factor_verify", "recovery_codes", "two_factor_setup",
    "session_status", "session_keepalive", "reauthenticate", "switch_organisation",
})  # fmt: skip


def current_memberships(memberships, now=None) -> list[Membership]:
    """The memberships that still give access: active ones (the caller's query) whose end date, if
    any, has not passed on their site's calendar (``Membership.is_current``). An independent
    visitor's role ends on its end date; after it, their sign-in reaches nothing of that site."""
    return [m for m in memberships if m.is_current(now)]


def visitor_may(access, view_name: str | None, method: str) -> bool:
    """May this request go ahead for an independent visitor? Everyone else: always (each view
    checks its own rights). A visitor: account pages; ``VISITOR_PAGES`` read (GET/HEAD);
    ``VISITOR_POSTS`` sent to. Everything else is refused, so no page a visitor reaches can
    write, whatever it checks itself."""
    if access is None or not access.is_independent_visitor:
        return True
    if view_name in ACCOUNT_PAGES:
        return True
    if method in ("GET", "HEAD"):
        return view_name in VISITOR_PAGES or view_name in VISITOR_POSTS
    return view_name in VISITOR_POSTS


@dataclass(frozen=True, eq=False)
class Access:
    user: object
    organisation: Organisation
    memberships: tuple[Membership, ...]
    organisations: tuple[Organisation, ...] = field(default=())
    #: What the request asked for ("GET /children/12/"), written into each view's audit entry.
    request_label: str = ""
    # Records whose view this request has already audited: one entry per record and action.
    _audited: set = field(default_factory=set, init=False, repr=False, compare=False)

    @cached_property
    def is_org_admin(self) -> bool:
        return any(m.role == Role.ORG_ADMIN for m in self.memberships)

    @cached_property
    def is_independent_visitor(self) -> bool:
        """Every role the user holds here is Independent visitor (regulation 44: the visitor is
        independent of the provider, so holds no other role in the organisation)."""
        return bool(self.memberships) and all(
            m.role == Role.INDEPENDENT_VISITOR for m in self.memberships
        )

    @cached_property
    def visited_site_ids(self) -> frozenset[int]:
        """The homes the user visits as independent visitor."""
        return frozenset(m.site_id for m in self.memberships if m.role == Role.INDEPENDENT_VISITOR)

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
        """Sites where the user may add records: their sites that are not closed, where they
        hold a role that records (never an independent visitor's home)."""
        return self.site_ids(*WRITING_ROLES)

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

    # ---- who sees what inside a site: ACCESS_TABLE ------------------------------------------

    def reach(self, kind: str, verb: str, site_id: int | None) -> Reach:
        """The widest reach any of the user's roles gives over ``kind`` (a key of ACCESS_TABLE)
        for ``verb`` ("read" or "write") at the site; Reach.NONE outside their sites.
        Raises KeyError for an unknown kind, so a typo fails loudly rather than closing quietly."""
        if verb not in (READ, WRITE):
            raise ValueError(f"verb must be {READ!r} or {WRITE!r}, not {verb!r}")
        row, index = ACCESS_TABLE[kind], (0 if verb == READ else 1)
        if site_id is None or site_id not in self.visible_site_ids:
            return Reach.NONE
        roles = [m.role for m in self.memberships if m.site_id == site_id or m.site_id is None]
        return max((row.get(role, (_, _))[index] for role in roles), default=Reach.NONE)

    def can(self, kind: str, verb: str, site_id: int | None, *, is_own=False) -> bool:
        """May the user ``verb`` a ``kind`` of record about a child of ``site_id``?

        ``is_own``: whether the user is the child's key worker or cover today — a bool, or a
        callable asked only when the answer depends on it (it costs a query in people.selectors,
        which callers use: ``people.selectors.can(access, kind, verb, child)``)."""
        reach = self.reach(kind, verb, site_id)
        if reach == Reach.SITE:
            return True
        if reach == Reach.OWN:
            return bool(is_own() if callable(is_own) else is_own)
        return False

    def site_ids_for(self, kind: str, verb: str) -> frozenset[int]:
        """Sites where the user may ``verb`` ``kind`` for every child (Reach.SITE)."""
        return frozenset(
            s for s in self.visible_site_ids if self.reach(kind, verb, s) == Reach.SITE
        )

    # ---- audit of every view: the access helpers call this ------------------------------------

    def audit_view(self, instance, *, action: str = AuditAction.VIEW, summary: str = "") -> None:
        """One audit entry for this request's view (or export) of ``instance``, a record about a
        child (or a site, for a site-wide export). The helpers that fetch a child or a child's
        record (``people.selectors.get_child_or_404`` and each app's ``get_<record>_or_404``) call
        it, so no page can show a child's data without an entry. A record seen twice in one request
        is written once per action; ``summary`` defaults to the request ("GET /children/12/")."""
        key = (action, instance._meta.label_lower, instance.pk)
        if key in self._audited:
            return
        audit_read(
            actor=self.user,
            instance=instance,
            action=action,
            summary=summary or self.request_label,
        )
        self._audited.add(key)

    def audit_export(self, child_ids, *, summary: str) -> None:
        """An export holding records of several children: one EXPORT entry per child in it
        (``tenancy.audit.audit_children``), so each child's access log shows the export."""
        audit_children(
            actor=self.user,
            organisation_id=self.organisation.pk,
            child_ids=child_ids,
            action=AuditAction.EXPORT,
            summary=summary or self.request_label,
        )

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
