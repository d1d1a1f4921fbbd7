"""Reads about plans and documents, shared by views, exports, other apps and the compliance engine.
Views start from ``request.access`` and ``people.selectors.get_child_or_404``; who sees what is decided
here (``can_view_plan`` / ``can_view_document``) and nowhere else."""

import datetime
import logging
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from people.models import Child, KeyWorkerAllocation
from people.selectors import (
    allocated_staff_ids,
    can_edit_child_details,
    children_visible_to,
    current_allocations_q,
)
from tenancy.access import Access
from tenancy.hooks import collect
from tenancy.timeutils import site_today

from .models import (
    ClothingPurchase,
    HealthAppointment,
    HealthRegistration,
    Plan,
    PlanDocument,
    PlanSectionTitle,
    PlanType,
    PlanUpdateTask,
    PlanVersion,
)
from .sections import (
    DEFAULT_PLACEMENT_SECTIONS,
    NARROW_PLANS,
    Section,
    outcomes,
    plan_types_for,
    sections_for,
)

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------- who may see and do what


def can_edit_plans(access: Access, child: Child, allocated_ids: set[int]) -> bool:
    """Writing plans, uploads, health and clothing: the allocated key worker (or cover) and managers."""
    return can_edit_child_details(access, child, allocated_ids)


def can_view_plan(
    access: Access, child: Child, plan_type: str, plan: Plan | None, allocated_ids: set[int]
) -> bool:
    """Risk assessment and BMP: key worker (or cover) and managers only. Pupil on a page: every staff
    member of the site once shared, otherwise the key worker and managers. Other plans: site staff."""
    if can_edit_plans(access, child, allocated_ids):
        return True
    if plan_type in NARROW_PLANS:
        return False
    if plan_type == PlanType.PUPIL_ON_A_PAGE:
        return bool(plan and plan.shared_with_staff)
    return True


def can_view_document(access: Access, child: Child, document, allocated_ids: set[int]) -> bool:
    if can_edit_plans(access, child, allocated_ids):
        return True
    return not document.is_narrow and document.retracted_at is None


# ---------------------------------------------------------------- sections


def placement_titles() -> list[tuple[str, str]]:
    """The organisation in scope's Placement Plan sections (the six defaults until it sets its own)."""
    rows = list(
        PlanSectionTitle.objects.filter(
            plan_type=PlanType.PLACEMENT_PLAN, is_active=True
        ).values_list("key", "title")
    )  # query: the organisation's section titles
    return rows or list(DEFAULT_PLACEMENT_SECTIONS)


def sections(plan_type: str) -> list[Section]:
    follows_placement = plan_type in (PlanType.PLACEMENT_PLAN, PlanType.MONTHLY_REVIEW)
    return sections_for(plan_type, placement_titles() if follows_placement else [])


# ---------------------------------------------------------------- a child's plans


@dataclass
class PlanCard:
    plan_type: str
    label: str
    plan: Plan | None
    current: PlanVersion | None
    draft: PlanVersion | None
    open_tasks: list
    review_status: str
    visible: bool


@dataclass
class ChildPlans:
    child: Child
    allocated_ids: set[int]
    can_edit: bool
    cards: list[PlanCard]
    documents: list
    registrations: list
    appointments: list
    clothing: list
    today: datetime.date
    open_tasks: list = field(default_factory=list)
    health_visible: bool = False  # a home's health and clothing (ACCESS_TABLE "health" read)


def _plans_with_versions(child: Child) -> dict[str, Plan]:
    plans = Plan.objects.filter(child=child).prefetch_related(
        Prefetch(
            "versions",
            queryset=PlanVersion.objects.filter(status__in=["draft", "current"]).select_related(
                "author", "published_by"
            ),
            to_attr="live_versions",
        )
    )
    return {p.plan_type: p for p in plans}


def child_plans(access: Access, child: Child) -> ChildPlans:
    """Everything on a child's plans page, in a fixed number of queries."""
    today = site_today(child.site)
    allocated = allocated_staff_ids(child, today)  # query: current allocations
    editor = can_edit_plans(access, child, allocated)
    plans = _plans_with_versions(child)  # queries: plans, their draft/current versions
    tasks = list(
        PlanUpdateTask.objects.filter(child=child, status="open").select_related("created_by")
    )  # query: open tasks
    cards = []
    for plan_type in plan_types_for(child.site):
        plan = plans.get(plan_type)
        live = getattr(plan, "live_versions", []) if plan else []
        current = next((v for v in live if v.status == "current"), None)
        draft = next((v for v in live if v.status == "draft"), None)
        cards.append(
            PlanCard(
                plan_type=plan_type,
                label=PlanType(plan_type).label,
                plan=plan,
                current=current,
                draft=draft if editor else None,
                open_tasks=[t for t in tasks if t.plan_type == plan_type],
                review_status=current.review_status(today) if current else "missing",
                visible=can_view_plan(access, child, plan_type, plan, allocated),
            )
        )
    documents = [
        d
        for d in PlanDocument.objects.filter(child=child, retracted_at__isnull=True).select_related(
            "uploaded_by"
        )  # query: documents
        if can_view_document(access, child, d, allocated)
    ]
    registrations, appointments, clothing = [], [], []
    health_visible = not child.site.is_school and access.can(
        "health", "read", child.site_id, is_own=lambda: access.user.pk in allocated
    )
    if health_visible:
        registrations = list(HealthRegistration.objects.filter(child=child))  # query
        appointments = list(HealthAppointment.objects.filter(child=child))  # query
        clothing = list(ClothingPurchase.objects.filter(child=child)[:20])  # query
    return ChildPlans(
        child=child,
        allocated_ids=allocated,
        can_edit=editor,
        cards=cards,
        documents=documents,
        registrations=registrations,
        appointments=appointments,
        clothing=clothing,
        today=today,
        open_tasks=tasks,
        health_visible=health_visible,
    )


def get_plan_for_child(child: Child, plan_type: str) -> Plan | None:
    if plan_type not in plan_types_for(child.site):
        raise Http404("No such plan for this child.")
    plan = Plan.objects.filter(child=child, plan_type=plan_type).first()
    if plan is not None:
        plan.child = child  # already loaded: no second query for it
    return plan


def plan_versions(plan: Plan) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(plan=plan).select_related("author", "published_by")


def get_version_or_404(plan: Plan, version_id) -> PlanVersion:
    try:
        version = plan_versions(plan).get(pk=version_id)
    except (PlanVersion.DoesNotExist, ValueError, TypeError):
        raise Http404("No such version.")
    version.plan = plan
    return version


def ehcp_outcomes(child: Child) -> list[dict]:
    """The current (or else draft) EHCP's outcomes, for IEP targets and sessions to refer to."""
    version = (
        PlanVersion.objects.filter(plan__child=child, plan__plan_type=PlanType.EHCP)
        .exclude(status="superseded")
        .order_by("status")  # "current" before "draft"
        .first()
    )
    return outcomes(version.content) if version else []


def link_choices(child: Child) -> list[tuple[str, str]]:
    """What a session or target can say it serves: a Placement Plan section (homes) or an EHCP
    outcome (schools). Values are stable strings, e.g. ``placement_plan:health`` or ``ehcp:E:1a2b3c4d``."""
    if child.site.is_school:
        return [
            (f"ehcp:E:{item['ref']}", f"EHCP outcome: {item.get('outcome', '')[:80]}")
            for item in ehcp_outcomes(child)
            if item.get("ref")
        ]
    return [
        (f"placement_plan:{key}", f"Placement Plan: {title}") for key, title in placement_titles()
    ]


def link_label(child: Child, value: str) -> str:
    """The words for a stored link (see ``link_choices``); a link to an outcome or section that has
    since gone says so rather than failing."""
    return dict(link_choices(child)).get(value, "A plan section or outcome no longer in the plan")


# ---------------------------------------------------------------- documents


def get_document_or_404(access: Access, child: Child, document_id) -> PlanDocument:
    try:
        document = PlanDocument.objects.select_related("uploaded_by").get(
            pk=document_id, child=child
        )
    except (PlanDocument.DoesNotExist, ValueError, TypeError):
        raise Http404("No such document.")
    access.audit_view(document)
    return document


def get_appointment_or_404(child: Child, appointment_id) -> HealthAppointment:
    try:
        appointment = HealthAppointment.objects.get(pk=appointment_id, child=child)
    except (HealthAppointment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such appointment.")
    appointment.child = child
    return appointment


# ---------------------------------------------------------------- tasks


def _my_plans_scope(access: Access) -> Q:
    """Children whose plans a user looks after: every child at the sites they manage, and the
    children they are key worker (or cover) for. Both are people who may see every plan."""
    mine = KeyWorkerAllocation.objects.filter(
        current_allocations_q(timezone.localdate()), staff=access.user
    ).values("child_id")
    scope = Q(child_id__in=mine)
    if access.managed_site_ids:
        scope |= Q(child__site_id__in=access.managed_site_ids)
    return scope


def open_tasks(access: Access) -> QuerySet[PlanUpdateTask]:
    """Open plan-update tasks: every child's at the sites a user manages, and their own children's."""
    scope = _my_plans_scope(access)
    children = children_visible_to(access)
    return (
        PlanUpdateTask.objects.filter(status="open", child__in=children)
        .filter(scope)
        .select_related("child", "child__site", "created_by")
        .order_by("created_at", "pk")
    )


def reviews_due(access: Access, *, within_days: int = 14) -> QuerySet[PlanVersion]:
    """Current versions whose review is overdue or due within ``within_days``, soonest first, for
    the children a user looks after (see ``_my_plans_scope``)."""
    until = timezone.localdate() + datetime.timedelta(days=within_days)
    return (
        PlanVersion.objects.filter(
            status="current",
            next_review_date__lte=until,
            child__in=children_visible_to(access).filter(leaving_date__isnull=True),
        )
        .filter(_my_plans_scope(access))
        .select_related("plan", "child", "child__site")
        .order_by("next_review_date", "pk")
    )


# ---------------------------------------------------------------- review dates (compliance engine)


@dataclass(frozen=True)
class ReviewDate:
    child_id: int
    site_id: int
    plan_type: str
    plan_id: int | None
    version_id: int | None
    next_review_date: datetime.date | None
    paperwork_deadline: datetime.date | None


def review_dates(*, site_ids=None, child_ids=None) -> list[ReviewDate]:
    """Each current child's plans with their next review date (``None`` where no version has been
    published yet, so a missing plan is due at once). Runs in the organisation in scope (a request
    or ``organisation_scope``); two queries whatever the number of children."""
    children = Child.objects.filter(leaving_date__isnull=True).select_related("site")
    if site_ids is not None:
        children = children.filter(site_id__in=site_ids)
    if child_ids is not None:
        children = children.filter(pk__in=child_ids)
    children = list(children)  # query: children
    current = {
        (v.plan.child_id, v.plan.plan_type): v
        for v in PlanVersion.objects.filter(
            status="current", plan__child__in=[c.pk for c in children]
        ).select_related("plan")  # query: current versions with their plans
    }
    rows = []
    for child in children:
        for plan_type in plan_types_for(child.site):
            version = current.get((child.pk, plan_type))
            rows.append(
                ReviewDate(
                    child_id=child.pk,
                    site_id=child.site_id,
                    plan_type=plan_type,
                    plan_id=version.plan_id if version else None,
                    version_id=version.pk if version else None,
                    next_review_date=version.next_review_date if version else None,
                    paperwork_deadline=version.paperwork_deadline if version else None,
                )
            )
    return rows


def appointments_due(*, site_ids=None) -> QuerySet[HealthAppointment]:
    """Health appointments not yet attended, by due date, for the compliance engine (LAC health
    assessments, dentist, optician). Runs in the organisation in scope."""
    qs = HealthAppointment.objects.filter(
        attended_on__isnull=True, child__leaving_date__isnull=True
    ).select_related("child")
    if site_ids is not None:
        qs = qs.filter(child__site_id__in=site_ids)
    return qs.order_by("due_on", "pk")


# ---------------------------------------------------------------- the month's records (monthly review)


@dataclass
class MonthRecords:
    lines: dict[str, list[str]]  # source name -> one line per record
    by_section: dict[str, list[str]]  # Placement Plan section key -> sessions that served it


# Asked of the apps above (``tenancy.hooks.collect``): handlers take ``child``, ``start`` and ``end``
# (dates, inclusive) and return ``(source, rows)`` pairs, ``source`` one of ``MONTH_SOURCES`` and
# ``rows`` a list (evaluated inside the handler, so a failing query is that handler's failure)
# of records with ``date`` / ``occurred_on`` and ``title`` / ``summary`` (``sessions_app``
# answers "sessions" in its ready()).
MONTH_RECORDS = "plans.month_records"
#: The sources of the Monthly Review's lines, in the order they are listed.
MONTH_SOURCES = ("sessions", "incidents", "attendance", "contacts")


def month_records(child: Child, start: datetime.date, end: datetime.date) -> MonthRecords:
    """Lines for the Monthly Review from what other apps have recorded between ``start`` and ``end``
    (inclusive), as they answer ``MONTH_RECORDS``: a source no app answers is left out, and so is
    one whose handler fails (``collect`` logs it). A record that names the Placement Plan section
    it served (``plan_link`` or ``plan_links``, values from ``link_choices``) is also listed under
    that section."""
    answered: dict[str, list] = {}
    for source, rows in collect(MONTH_RECORDS, child=child, start=start, end=end):
        if source in MONTH_SOURCES:
            answered.setdefault(source, []).extend(rows)
        else:
            logger.warning("Monthly Review: unknown source %r left out", source)
    found = MonthRecords(lines={}, by_section={})
    for name in MONTH_SOURCES:
        if name not in answered:
            continue
        rows = answered[name]
        found.lines[name] = [_describe(row) for row in rows]
        for row in rows:
            for key in _placement_links(row):
                found.by_section.setdefault(key, []).append(_describe(row))
    return found


def _placement_links(row) -> list[str]:
    links = getattr(row, "plan_links", None) or [getattr(row, "plan_link", None)]
    prefix = "placement_plan:"
    return [
        link[len(prefix) :] for link in links if isinstance(link, str) and link.startswith(prefix)
    ]


def _describe(row) -> str:
    if isinstance(row, str):
        return row
    when = getattr(row, "date", None) or getattr(row, "occurred_on", None)
    title = getattr(row, "title", None) or getattr(row, "summary", None) or str(row)
    return f"{when:%d %b}: {title}" if isinstance(when, datetime.date) else str(title)


def open_tasks_for(child: Child, plan_type: str) -> QuerySet[PlanUpdateTask]:
    return PlanUpdateTask.objects.filter(
        child=child, plan_type=plan_type, status="open"
    ).select_related("created_by")
