"""Reads about slips, points, attendance and progress. Each starts from ``Access`` (or from a child
the caller has already fetched through ``people.selectors.get_child_or_404``) and runs a fixed number
of queries whatever the number of rows."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay, TruncWeek

from people.models import Child
from people.selectors import children_visible_to
from tenancy.access import Access
from tenancy.models import Site

from .. import patterns, periods
from ..models import (
    ClassPoints,
    Kind,
    SavedFilter,
    Slip,
    SlipType,
)
from ..words import Words, for_site, for_sites
from .attendance import (
    Certificate,
    PatternRow,
    RegisterRow,
    academic_year_start,
    appointments_for,
    certificate,
    child_patterns,
    lessons_used,
    marks_for,
    my_children_patterns,
    pattern_window,
    patterns_for,
    points_sheet,
    register,
)
from .base import (
    PATTERN_WEEKS,
    _tz,
    current_children,
    day_bounds,
    weekly_target,
)
from .progress import (
    GradeSheet,
    grade_sheet,
    subjects_for,
)
from .summary import (
    key_work_summary,
)


def recording_sites(access: Access) -> list[Site]:
    return [s for s in access.all_sites if s.pk in access.visible_site_ids]


def slip_types(access: Access) -> QuerySet[SlipType]:
    return SlipType.objects.filter(is_active=True)


def type_choices(types, words=None) -> list[tuple[str, str]]:
    """The slip-type filter: the four kinds (in the sites' words, behaviour.words), then each
    organisation type as ``t<id>``."""
    kinds = words.kind_choices if words is not None else list(Kind.choices)
    return kinds + [(f"t{t.pk}", t.name) for t in types]


def visible_slips(access: Access) -> QuerySet[Slip]:
    """Live (not retracted) slips of the children this user may see."""
    return Slip.objects.filter(child__in=children_visible_to(access), retracted_at__isnull=True)


def get_slip_or_404(access: Access, slip_id) -> Slip:
    from django.http import Http404

    try:
        slip = (
            Slip.objects.filter(child__in=children_visible_to(access))
            .select_related("child", "child__site", "recorded_by", "slip_type", "retracted_by")
            .get(pk=slip_id)
        )
    except (Slip.DoesNotExist, ValueError, TypeError):
        raise Http404("No such slip.")
    access.audit_view(slip)
    return slip


@dataclass
class SlipQuery:
    child: Child | None = None
    types: list[str] = field(default_factory=list)
    start: datetime.date | None = None
    end: datetime.date | None = None
    staff_id: int | None = None
    lesson: str = ""
    location: str = ""
    site: Site | None = None  # whose days the dates are (the child's site, else the user's first)


def slip_list(access: Access, query: SlipQuery) -> QuerySet[Slip]:
    qs = visible_slips(access)
    if query.child is not None:
        qs = qs.filter(child=query.child)
    if query.types:
        kinds = [t for t in query.types if t in Kind.values]
        type_ids = [int(t[1:]) for t in query.types if t.startswith("t") and t[1:].isdigit()]
        qs = qs.filter(Q(kind__in=kinds) | Q(slip_type_id__in=type_ids))
    if query.start and query.end and query.site is not None:
        lo, hi = day_bounds(query.site, query.start, query.end)
        qs = qs.filter(occurred_at__gte=lo, occurred_at__lt=hi)
    if query.staff_id:
        qs = qs.filter(recorded_by_id=query.staff_id)
    if query.lesson:
        qs = qs.filter(lesson__iexact=query.lesson.strip())
    if query.location:
        qs = qs.filter(location__iexact=query.location.strip())
    return qs.select_related("child", "site", "recorded_by", "slip_type").order_by(
        "-occurred_at", "-pk"
    )


def slip_totals(qs: QuerySet[Slip], words=None) -> list[dict]:
    """Counts by type of an already-filtered slip list (one query); kinds in ``words``."""
    rows = qs.order_by().values("kind", "slip_type__name").annotate(n=Count("pk"))
    labels = words.kind_labels if words is not None else dict(Kind.choices)
    totals: dict[str, int] = {}
    for row in rows:
        name = row["slip_type__name"] or labels[row["kind"]]
        totals[name] = totals.get(name, 0) + row["n"]
    return [{"name": k, "count": v} for k, v in sorted(totals.items())]


def saved_filters(access: Access) -> QuerySet[SavedFilter]:
    return SavedFilter.objects.filter(user=access.user)


# ---- analysis -----------------------------------------------------------------------------------


@dataclass
class Analysis:
    start: datetime.date
    end: datetime.date
    weeks: list[datetime.date]
    by_week: list[dict]  # {"week": date, "counts": {kind: n}, "total": n}
    by_weekday: list[dict]
    by_hour: list[dict]
    by_lesson: list[dict]
    by_location: list[dict]
    by_staff: list[dict]
    points_weeks: list[dict]  # {"week", "points", "pupils", "per_pupil", "target", "met"}
    target: int
    total: int
    max_week: int
    words: Words = field(default_factory=lambda: for_sites([]))  # the site's (behaviour.words)

    @property
    def sections(self) -> list[tuple[str, str, list[dict]]]:
        found = [
            ("By day of the week", "Day", self.by_weekday),
            ("By time of day", "Hour", self.by_hour),
            ("By lesson or period", "Lesson or period", self.by_lesson),
            ("By location", "Location", self.by_location),
            ("By member of staff", "Recorded by", self.by_staff),
        ]
        return [s for s in found if self.words.lessons or s[2] is not self.by_lesson]

    @property
    def kind_totals(self) -> list[tuple[str, int]]:
        return [
            (label, sum(w["counts"].get(kind, 0) for w in self.by_week))
            for kind, label in self.words.kind_choices
        ]

    @property
    def week_rows(self) -> list[tuple[dict, dict]]:
        return list(zip(self.by_week, self.points_weeks, strict=True))


def _top(rows, key: str, empty: str) -> list[dict]:
    return [{"name": r[key] or empty, "count": r["n"]} for r in rows]


def analysis(
    slips: QuerySet[Slip],
    points: QuerySet[ClassPoints],
    *,
    site: Site,
    start: datetime.date,
    end: datetime.date,
    target: int,
) -> Analysis:
    """Where, when, why and who, for an already-narrowed set of slips and points (6 queries)."""
    tz = _tz(site)
    lo, hi = day_bounds(site, start, end)
    slips = slips.filter(occurred_at__gte=lo, occurred_at__lt=hi).order_by()
    week_list = periods.weeks(start, end)
    counts: dict[datetime.date, dict[str, int]] = {w: {} for w in week_list}
    for row in (
        slips.annotate(week=TruncWeek("occurred_at", tzinfo=tz))
        .values("week", "kind")
        .annotate(n=Count("pk"))
    ):
        week = (
            row["week"].astimezone(tz).date() if hasattr(row["week"], "astimezone") else row["week"]
        )
        counts.setdefault(week, {})[row["kind"]] = row["n"]
    by_week = [
        {"week": w, "counts": counts.get(w, {}), "total": sum(counts.get(w, {}).values())}
        for w in week_list
    ]
    weekday_counts = {
        r["d"]: r["n"]
        for r in slips.annotate(d=ExtractIsoWeekDay("occurred_at", tzinfo=tz))
        .values("d")
        .annotate(n=Count("pk"))
    }
    by_weekday = [
        {"name": patterns.WEEKDAYS[d - 1], "count": weekday_counts.get(d, 0)} for d in range(1, 8)
    ]
    by_weekday = [r for i, r in enumerate(by_weekday) if i < 5 or r["count"]]
    by_hour = [
        {"name": f"{r['h']:02d}:00", "count": r["n"]}
        for r in slips.annotate(h=ExtractHour("occurred_at", tzinfo=tz))
        .values("h")
        .annotate(n=Count("pk"))
        .order_by("h")
    ]
    by_lesson = _top(
        slips.values("lesson").annotate(n=Count("pk")).order_by("-n", "lesson")[:12],
        "lesson",
        "Not recorded",
    )
    by_location = _top(
        slips.values("location").annotate(n=Count("pk")).order_by("-n", "location")[:12],
        "location",
        "Not recorded",
    )
    by_staff = [
        {
            "name": f"{r['recorded_by__first_name']} {r['recorded_by__last_name']}".strip(),
            "count": r["n"],
        }
        for r in slips.values("recorded_by__first_name", "recorded_by__last_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "recorded_by__first_name")[:12]
    ]
    pts = {
        r["week"]: r
        for r in points.filter(date__gte=start, date__lte=end)
        .order_by()
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(total=Sum("points"), pupils=Count("child", distinct=True))
    }
    points_weeks = []
    for w in week_list:
        row = pts.get(w) or pts.get(datetime.datetime.combine(w, datetime.time.min)) or {}
        total, pupils = row.get("total") or 0, row.get("pupils") or 0
        per = round(total / pupils) if pupils else 0
        days = periods.weekdays_covered(w, start, end)
        points_weeks.append(
            {
                "week": w,
                "points": total,
                "pupils": pupils,
                "per_pupil": per,
                "target": target,
                "days": days,
                "partial": days < 5,  # a part week is shown as such, never judged "not met"
                "met": per >= target if days >= 5 else None,
            }
        )
    return Analysis(
        start=start,
        end=end,
        weeks=week_list,
        by_week=by_week,
        by_weekday=by_weekday,
        by_hour=by_hour,
        by_lesson=by_lesson,
        by_location=by_location,
        by_staff=by_staff,
        points_weeks=points_weeks,
        target=target,
        total=sum(r["total"] for r in by_week),
        max_week=max([r["total"] for r in by_week] + [1]),
        words=for_site(site),
    )


def site_analysis(access: Access, site: Site, start, end) -> Analysis:
    return analysis(
        visible_slips(access).filter(child__site=site),
        ClassPoints.objects.filter(site=site),
        site=site,
        start=start,
        end=end,
        target=weekly_target(site),
    )


def child_analysis(child: Child, start, end, *, target: int) -> Analysis:
    return analysis(
        Slip.objects.filter(child=child, retracted_at__isnull=True),
        ClassPoints.objects.filter(child=child),
        site=child.site,
        start=start,
        end=end,
        target=target,
    )


@dataclass
class RadarRow:
    child: Child
    points: int
    per_week: int


def below_the_radar(
    access: Access, site: Site, start: datetime.date, end: datetime.date, target: int
) -> list[RadarRow]:
    """Current pupils of the site with no slips in the period and few class points (1 query)."""
    lo, hi = day_bounds(site, start, end)
    n_weeks = max(1, round(((end - start).days + 1) / 7))
    # The period's slips counted per child in a subquery on (child, occurred_at): a join with
    # every slip of each child, filtered in the aggregate, read three years of slips (68 ms for a
    # school of 30 at full bench size; see the README's benchmarks).
    period_slips = (
        Slip.objects.filter(
            child=OuterRef("pk"), occurred_at__gte=lo, occurred_at__lt=hi, retracted_at__isnull=True
        )
        .order_by()
        .values("child")
        .annotate(n=Count("pk"))
        .values("n")
    )
    children = (
        current_children(site, end)
        .filter(pk__in=children_visible_to(access).values("pk"))
        .annotate(slip_count=Coalesce(Subquery(period_slips), 0))
        .order_by("last_name", "first_name")
    )
    points = dict(
        ClassPoints.objects.filter(site=site, date__gte=start, date__lte=end)
        .order_by()
        .values("child_id")
        .annotate(total=Sum("points"))
        .values_list("child_id", "total")
    )
    if not points:
        return []  # no class points recorded at the site in the period: nothing to compare with
    rows = []
    for child in children:
        total = points.get(child.pk, 0)
        if patterns.below_radar(
            slips=child.slip_count, points_total=total, weeks=n_weeks, target=target
        ):
            rows.append(RadarRow(child=child, points=total, per_week=round(total / n_weeks)))
    return rows
