"""The compliance dashboards: counts by key worker and by child for a site, the overdue list, and
the on-time chart by week (cached under a stamp of the records it reads)."""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import BigIntegerField, Count, Func, Prefetch, Q, QuerySet
from django.db.models.functions import TruncWeek

from people.selectors import children_visible_to
from tenancy.access import Access
from tenancy.context import require_organisation_id
from tenancy.models import Site
from tenancy.timeutils import site_today

from ..calendar import (
    week_start,
)
from ..models import RAG, Obligation, Rule, Status, StatusChange

ON_TIME_CACHE_SECONDS = 600
STATUS_ORDER = [Status.OVERDUE, Status.DUE_TODAY, Status.DUE_SOON, Status.OK, Status.PAUSED]
WEEKS = 12

# ---------------------------------------------------------------- dashboards


@dataclass
class Cell:
    counts: dict = field(default_factory=dict)

    @property
    def worst(self) -> str:
        for status in STATUS_ORDER:
            if self.counts.get(status):
                return status
        return ""

    @property
    def rag(self) -> str:
        return RAG.get(self.worst, "")

    @property
    def overdue(self) -> int:
        return self.counts.get(Status.OVERDUE, 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class WorkerRow:
    staff_id: int | None
    name: str
    cells: dict  # rule -> Cell

    @property
    def overdue(self) -> int:
        return sum(c.overdue for c in self.cells.values())


def rules_for(site: Site) -> list[tuple[str, str]]:
    """The dashboard's columns. Contact rules appear once the contacts app supplies dates."""
    from ..adapters import contacts_available

    rules = [Rule.SESSION, Rule.PLAN_REVIEW]
    if site.is_school:
        rules.insert(1, Rule.HALF_TERM)
    if contacts_available():
        rules.insert(1, Rule.ROUTINE_CONTACT)
        if not site.is_school:
            rules.insert(2, Rule.SW_VISIT)
    if not site.is_school:
        rules.insert(0, Rule.KEY_WORKER)
    return [(r.value, r.label) for r in rules]


def by_key_worker(site: Site) -> list[WorkerRow]:
    """One query: the site's obligations counted by key worker, rule and status."""
    rows: dict = {}
    for r in (
        Obligation.objects.filter(site=site)
        .values("staff_id", "staff__first_name", "staff__last_name", "rule", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):  # query: counts by key worker, rule and status
        name = (
            f"{r['staff__first_name']} {r['staff__last_name']}".strip()
            if r["staff_id"]
            else "No key worker"
        )
        row = rows.setdefault(r["staff_id"], WorkerRow(r["staff_id"], name, defaultdict(Cell)))
        row.cells[r["rule"]].counts[r["status"]] = r["n"]
    return sorted(rows.values(), key=lambda w: (-w.overdue, w.name))


def by_child(site: Site, *, status: str = ""):
    """The site's current children with their obligations, for a paginated table: the children
    queryset (count and page queries) with the obligations prefetched (one query)."""
    today = site_today(site)
    children = (
        site.children.filter(Q(leaving_date__isnull=True) | Q(leaving_date__gt=today))
        .prefetch_related(
            Prefetch(
                "obligations",
                queryset=Obligation.objects.select_related("staff").order_by("rule", "detail"),
                to_attr="obligation_list",
            )
        )
        .order_by("last_name", "first_name", "pk")
    )
    if status:
        children = children.filter(obligations__status=status).distinct()
    return children


def child_cells(child) -> dict:
    cells = defaultdict(Cell)
    for ob in child.obligation_list:
        cells[ob.rule].counts[ob.status] = cells[ob.rule].counts.get(ob.status, 0) + 1
    return cells


def overdue_items(
    access: Access, site: Site, *, staff_id=None, rule: str = "", child_id=None
) -> QuerySet[Obligation]:
    """The drill-down: overdue obligations of a site, oldest first, with child and key worker."""
    qs = Obligation.objects.filter(
        site=site,
        status=Status.OVERDUE,
        child__in=children_visible_to(access),
    ).select_related("child", "staff")
    if staff_id == "none":
        qs = qs.filter(staff__isnull=True)
    elif staff_id:
        qs = qs.filter(staff_id=staff_id)
    if rule in Rule.values:
        qs = qs.filter(rule=rule)
    if child_id:
        qs = qs.filter(child_id=child_id)
    return qs.order_by("due_on", "child__last_name", "pk")


@dataclass
class Week:
    start: datetime.date
    due: int
    late: int
    # The current week, not over yet: shown "so far", never judged (a week's items done later this
    # week would otherwise count against it).
    partial: bool = False

    @property
    def on_time_percent(self) -> int | None:
        if not self.due or self.partial:
            return None
        return round(100 * (self.due - self.late) / self.due)


class _Item(Func):
    """One item falling due (an obligation and a due date) as one number, obligation id x 100,000
    + days since 2000, so the database counts distinct items as plain integers (counting distinct
    ROW(obligation, due date) pairs took three times as long)."""

    output_field = BigIntegerField()

    def as_sql(self, compiler, connection, **extra):
        obligation, params = compiler.compile(self.source_expressions[0])
        due_on, more = compiler.compile(self.source_expressions[1])
        return f"({obligation}::bigint * 100000 + ({due_on} - DATE '2000-01-01'))", [
            *params,
            *more,
        ]


def on_time_by_week(site_ids, today: datetime.date) -> list[Week]:
    """For each of the last 12 weeks (Monday to Sunday): the items that fell due that week and how
    many of them went overdue. Cached under the organisation's latest recorded change: a new
    change (the sweep records each flip) is a new key, so the chart is never older than the
    records; the cache only spares re-counting 12 weeks of changes (65,000 rows, 100+ ms, for
    the large bench organisation's 50 sites) on every view. Queries: the latest change; on a
    miss, the count."""
    org_id = require_organisation_id()
    with connection.cursor() as cursor:
        # The row-value bound makes PostgreSQL read status_change_latest (organisation_id, id)
        # backwards from this organisation's end: max(id) WHERE organisation_id = … was planned
        # as a walk back along the primary key past other organisations' changes (63-69 ms at
        # full bench scale, against 1.7 ms). The organisation's creation time too: ids start
        # again in a new database (tests).
        cursor.execute(
            "SELECT (SELECT id FROM compliance_statuschange"
            " WHERE organisation_id = %s AND (organisation_id, id) <= (%s, 9223372036854775807)"
            " ORDER BY organisation_id DESC, id DESC LIMIT 1), "
            "created_at FROM tenancy_organisation WHERE id = %s",
            [org_id, org_id, org_id],
        )  # query: the latest change
        latest, created = cursor.fetchone() or (None, None)
    if latest is None:
        return _on_time_by_week(site_ids, today)
    sites = ",".join(str(s) for s in sorted(site_ids))
    key = (
        "compliance:on-time:"
        + hashlib.sha256(
            f"{org_id}|{created.isoformat()}|{latest}|{today}|{sites}".encode()
        ).hexdigest()
    )
    weeks = cache.get(key)
    if weeks is None:
        weeks = _on_time_by_week(site_ids, today)
        cache.set(key, weeks, ON_TIME_CACHE_SECONDS)
    return weeks


def _on_time_by_week(site_ids, today: datetime.date) -> list[Week]:
    """Counted in the database by due week (it read every change of the 12 weeks into Python
    before: 0.6 s for the large bench organisation)."""
    first = week_start(today) - datetime.timedelta(weeks=WEEKS - 1)
    item = _Item("obligation_id", "due_on")
    found = {
        row["week"]: (row["due"], row["late"])
        for row in StatusChange.objects.filter(
            site_id__in=site_ids, due_on__gte=first, due_on__lte=today
        )
        .annotate(week=TruncWeek("due_on"))
        .values("week")
        .annotate(
            due=Count(item, distinct=True),
            # An item turns overdue once per due date (the unique constraint): no DISTINCT.
            late=Count("pk", filter=Q(status=Status.OVERDUE)),
        )
        .order_by()
    }  # query: items due and items late, by due week
    weeks = []
    for i in range(WEEKS):
        start = first + datetime.timedelta(weeks=i)
        due, late = found.get(start, (0, 0))
        # The week is over once its Sunday has ended: on that Sunday it is still "so far".
        weeks.append(Week(start, due, late, partial=start + datetime.timedelta(days=6) >= today))
    return weeks


def chart(weeks: list[Week], width: int = 600, height: int = 160) -> dict:
    """Bar geometry for the server-drawn SVG chart (no script, no CDN); ``empty`` when nothing
    fell due in the weeks (a new site, or rules switched off), which the page says in words."""
    gap, left, bottom, top = 6, 30, 24, 16
    bar = (width - left - gap * len(weeks)) / len(weeks)
    bars = []
    for i, week in enumerate(weeks):
        pct = week.on_time_percent
        h = 0 if pct is None else (height - bottom - top) * pct / 100
        x = left + i * (bar + gap)
        bars.append(
            {
                "x": round(x, 1),
                "y": round(height - bottom - h, 1),
                "w": round(bar, 1),
                "h": round(h, 1),
                "label": week.start.strftime("%d %b"),
                "text_x": round(x + bar / 2, 1),
                "pct": pct,
                "partial": getattr(week, "partial", False),
                "rag": "none"
                if pct is None
                else ("green" if pct >= 90 else "amber" if pct >= 75 else "red"),
            }
        )
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "base": height - bottom,
        "empty": not any(week.due for week in weeks),
        "empty_message": f"Nothing fell due in these {len(weeks)} weeks.",
    }
