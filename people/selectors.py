"""Reads about children and staff, shared by views and tasks. Every one starts from ``Access`` so the
answer is already narrowed to what the user may see."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from tenancy.access import Access
from tenancy.models import STAFF_ROLES, Membership, Role, Site
from tenancy.text import normalise, search_words

from .models import Child, ChildProfessional, Guardian, KeyWorkerAllocation

MAX_SEARCH = 100  # characters of a search box read (bounded work: a name is never longer)
MAX_SEARCH_WORDS = 6

User = get_user_model()


def _today() -> datetime.date:
    return timezone.localdate()


def current_allocations_q(day: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}starts_on__lte": day}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gt": day})
    )


def children_visible_to(access: Access) -> QuerySet[Child]:
    """The one answer to "which children may this user see": those of the sites they belong to."""
    return Child.objects.filter(site_id__in=access.visible_site_ids)


def get_child_or_404(access: Access, child_id, *, audit: bool = True) -> Child:
    """The child, if ``access`` may see them, else Http404. Writes the request's audit entry for
    the child (once per request: ``Access.audit_view``): every page about a child comes here.
    ``audit=False`` only where nothing recorded about the child is shown (the record-quality
    checker's live check reads the name to accept it in the typed text)."""
    try:
        child = children_visible_to(access).select_related("site").get(pk=child_id)
    except (Child.DoesNotExist, ValueError, TypeError):
        raise Http404("No such child.")
    if audit:
        access.audit_view(child)
    return child


def _with_current_allocations(qs: QuerySet[Child], day: datetime.date) -> QuerySet[Child]:
    return qs.prefetch_related(
        Prefetch(
            "allocations",
            queryset=KeyWorkerAllocation.objects.filter(current_allocations_q(day))
            .select_related("staff")
            .order_by("kind"),
            to_attr="current_allocations",
        )
    )


def child_list(
    access: Access,
    *,
    search: str = "",
    site_id: int | None = None,
    key_worker_id: int | None = None,
    include_left: bool = False,
    no_key_worker: bool = False,
) -> QuerySet[Child]:
    """The children list; ``no_key_worker`` keeps those with no key worker today (cover alone
    does not count), as Home's "N without" counts them."""
    day = _today()
    qs = children_visible_to(access).select_related("site")
    if no_key_worker:
        qs = qs.exclude(
            Exists(
                KeyWorkerAllocation.objects.filter(
                    current_allocations_q(day), child=OuterRef("pk"), kind="primary"
                )
            )
        )
    if not include_left:
        qs = qs.filter(Q(leaving_date__isnull=True) | Q(leaving_date__gt=day))
    if site_id:
        qs = qs.filter(site_id=site_id)
    if key_worker_id:
        qs = qs.filter(
            allocations__in=KeyWorkerAllocation.objects.filter(
                current_allocations_q(day), staff_id=key_worker_id
            )
        ).distinct()
    return _with_current_allocations(qs.filter(name_search_q(search)), day)


def name_search_q(search: str, prefix: str = "") -> Q:
    """A search box's words as one filter on children (``prefix`` "child__" from a related
    model): each word matches the folded names ("Zoe", "zoë", "O’Brien" and "obrien" all find
    Zoë O'Brien; tenancy.text.search_key), or is the UPN or local-authority reference. Only the
    first ``MAX_SEARCH`` characters are read (a name is never longer): bounded work."""
    condition = Q()
    for raw in normalise(search[:MAX_SEARCH]).split()[:MAX_SEARCH_WORDS]:
        names = Q()
        for part in search_words(raw):
            names &= Q(**{f"{prefix}search_name__icontains": part})
        condition &= (
            names | Q(**{f"{prefix}upn__iexact": raw}) | Q(**{f"{prefix}la_reference__iexact": raw})
        )
    return condition


def my_children(access: Access) -> QuerySet[Child]:
    """Children the user is key worker or cover for today."""
    day = _today()
    allocated = KeyWorkerAllocation.objects.filter(
        current_allocations_q(day), staff=access.user
    ).values("child_id")
    qs = children_visible_to(access).filter(pk__in=allocated).select_related("site")
    return _with_current_allocations(qs, day)


def allocated_staff_ids(child: Child, day: datetime.date | None = None) -> set[int]:
    day = day or _today()
    return set(
        KeyWorkerAllocation.objects.filter(current_allocations_q(day), child=child).values_list(
            "staff_id", flat=True
        )
    )


def can(
    access: Access, kind: str, verb: str, child: Child, allocated_ids: set[int] | None = None
) -> bool:
    """``tenancy.access.ACCESS_TABLE`` for one child: may the user ``verb`` ("read"/"write") the
    ``kind`` of record? ``allocated_ids`` (today's key worker and cover) is looked up, one query,
    only when the answer depends on it."""

    def is_own() -> bool:
        ids = allocated_ids if allocated_ids is not None else allocated_staff_ids(child)
        return access.user.pk in ids

    return access.can(kind, verb, child.site_id, is_own=is_own)


def can_see_household(access: Access, child: Child, allocated_ids: set[int]) -> bool:
    return can(access, "household", "read", child, allocated_ids)


def can_edit_child_details(access: Access, child: Child, allocated_ids: set[int]) -> bool:
    """Pen portrait, family and professionals: the allocated key worker (or cover) and managers."""
    return all(
        can(access, kind, "write", child, allocated_ids)
        for kind in ("pen_portrait", "family", "professionals")
    )


@dataclass
class ChildPage:
    child: Child
    pen_portrait: object
    guardians: list
    professional_links: list
    allocations: list
    current_key_worker: KeyWorkerAllocation | None
    current_cover: KeyWorkerAllocation | None
    allocated_ids: set[int]
    can_see_household: bool
    can_see_family: bool
    can_edit: bool
    can_manage: bool
    can_see_pen_portrait: bool = True
    can_see_professionals: bool = True


def child_page(access: Access, child: Child) -> ChildPage:
    day = _today()
    allocations = list(
        KeyWorkerAllocation.objects.filter(child=child).select_related("staff", "changed_by")
    )
    current = [a for a in allocations if a.is_current_on(day)]
    allocated_ids = {a.staff_id for a in current}
    can_see_pen_portrait = can(access, "pen_portrait", "read", child, allocated_ids)
    pen_portrait = (
        getattr(child, "pen_portrait", None)
        if can_see_pen_portrait and _has_portrait(child)
        else None
    )
    can_see_family = can(access, "family", "read", child, allocated_ids)
    can_see_professionals = can(access, "professionals", "read", child, allocated_ids)
    return ChildPage(
        child=child,
        pen_portrait=pen_portrait,
        guardians=list(Guardian.objects.filter(child=child, retracted_at__isnull=True))
        if can_see_family
        else [],
        professional_links=list(
            ChildProfessional.objects.filter(child=child).select_related("professional")
        )
        if can_see_professionals
        else [],
        allocations=allocations,
        current_key_worker=next((a for a in current if a.kind == a.Kind.PRIMARY), None),
        current_cover=next((a for a in current if a.kind == a.Kind.COVER), None),
        allocated_ids=allocated_ids,
        can_see_household=can_see_household(access, child, allocated_ids),
        can_see_family=can_see_family,
        can_edit=can_edit_child_details(access, child, allocated_ids),
        can_manage=access.can_manage_site(child.site_id),
        can_see_pen_portrait=can_see_pen_portrait,
        can_see_professionals=can_see_professionals,
    )


def _has_portrait(child: Child) -> bool:
    from .models import PenPortrait

    try:
        child.pen_portrait  # noqa: B018 - one query; cached on the instance afterwards
    except PenPortrait.DoesNotExist:
        return False
    return True


# Who can hold a caseload: key workers and managers.
CASELOAD_ROLES = (Role.KEY_WORKER, Role.MANAGER)


def staff_users(site_ids, roles=STAFF_ROLES) -> QuerySet:
    """``site_ids``: ids or sites. The people every staff picker offers (an action's owner, a key worker, a DSL, "recorded
    by" and "key worker" filters): active accounts holding one of ``roles`` at any of
    ``site_ids`` today (``Membership.objects.of_staff``), by name. Never an independent visitor:
    they are not staff (regulation 44). Services check a choice against the same list."""
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.of_staff(roles)
        .filter(site_id__in=[getattr(site, "pk", site) for site in site_ids])
        .values("user_id"),
    ).order_by("first_name", "last_name", "pk")


def assignable_staff(site: Site) -> QuerySet:
    """Staff who can hold a caseload at a site: its key workers and managers."""
    return staff_users([site.pk], CASELOAD_ROLES)


def caseloads(site: Site, day: datetime.date | None = None) -> dict[int, int]:
    """``{user id: children they are key worker for at ``site`` on ``day``}`` (one query)."""
    day = day or _today()
    return dict(
        KeyWorkerAllocation.objects.filter(current_allocations_q(day), child__site=site)
        .filter(kind="primary")
        .values("staff_id")
        .annotate(n=Count("pk"))
        .values_list("staff_id", "n")
    )


@dataclass
class StaffRow:
    user: object
    site: Site
    roles: list[str]
    caseload: int
    cover: int
    over_limit: bool


def staff_with_caseloads(access: Access, *, site_id: int | None = None) -> list[StaffRow]:
    day = _today()
    site_ids = access.visible_site_ids if not site_id else {site_id} & access.visible_site_ids
    memberships = (
        Membership.objects.filter(site_id__in=site_ids, is_active=True)
        .select_related("user", "site")
        .order_by("site__name", "user__first_name", "user__last_name")
    )
    counts = {
        (row["staff_id"], row["child__site_id"]): row
        for row in KeyWorkerAllocation.objects.filter(
            current_allocations_q(day), child__site_id__in=site_ids
        )
        .values("staff_id", "child__site_id")
        .annotate(
            primary=Count("pk", filter=Q(kind="primary")),
            cover=Count("pk", filter=Q(kind="cover")),
        )
    }
    rows: dict[tuple[int, int], StaffRow] = {}
    for m in memberships:
        key = (m.user_id, m.site_id)
        if key in rows:
            rows[key].roles.append(m.get_role_display())
            continue
        count = counts.get(key, {})
        caseload = count.get("primary", 0)
        rows[key] = StaffRow(
            user=m.user,
            site=m.site,
            roles=[m.get_role_display()],
            caseload=caseload,
            cover=count.get("cover", 0),
            over_limit=caseload > m.site.caseload_limit,
        )
    return list(rows.values())


def child_history(child: Child, *, show: str = "all"):
    """Every audit entry about the child and the records that hang off it, newest first."""
    from tenancy.models import AuditEvent

    qs = AuditEvent.objects.filter(child_id=child.pk).select_related("actor")
    if show == "changes":
        qs = qs.exclude(action__in=[AuditEvent.Action.VIEW, AuditEvent.Action.EXPORT])
    elif show == "access":
        qs = qs.filter(action__in=[AuditEvent.Action.VIEW, AuditEvent.Action.EXPORT])
    return qs


HOME_RETENTION_YEARS = 75  # Children's Homes (England) Regulations 2015, reg. 36: the 75th birthday


class _AddYears(Func):
    """``(date + make_interval(years => n))::date`` in the database."""

    arg_joiner = " + make_interval(years => "
    template = "(%(expressions)s))::date"
    output_field = DateField()


def retention_report(access: Access, *, reached_only: bool = False) -> QuerySet[Child]:
    """Children who have left, with the date their records come up for review: the 75th birthday in
    children's homes, the organisation's policy in schools. Nothing is removed before that date,
    and the application removes nothing itself: the report is for a person to act on."""
    years = Case(
        When(site__kind="home", then=Value(HOME_RETENTION_YEARS)),
        default=Value(access.organisation.school_retention_years),
        output_field=IntegerField(),
    )
    qs = (
        children_visible_to(access)
        .filter(site_id__in=access.managed_site_ids, leaving_date__isnull=False)
        .select_related("site")
        .annotate(review_on=_AddYears(F("date_of_birth"), years))
        .order_by("review_on", "last_name", "pk")
    )
    if reached_only:
        qs = qs.filter(review_on__lte=_today())
    return qs


def site_summaries(access: Access) -> list[dict]:
    """Per visible site: how many current children, and how many have no key worker today."""
    day = timezone.localdate()
    has_key_worker = Exists(
        KeyWorkerAllocation.objects.filter(child=OuterRef("pk"), kind="primary").filter(
            current_allocations_q(day)
        )
    )
    rows = (
        children_visible_to(access)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gt=day))
        .annotate(has_key_worker=has_key_worker)
        .values("site_id")
        .annotate(
            children=Count("pk"),
            unallocated=Count("pk", filter=Q(has_key_worker=False)),
        )
    )
    by_site = {row["site_id"]: row for row in rows}
    return [
        {
            "site": site,
            "children": by_site.get(site.pk, {}).get("children", 0),
            "unallocated": by_site.get(site.pk, {}).get("unallocated", 0),
        }
        for site in access.all_sites
    ]
