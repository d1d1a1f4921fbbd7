"""Reads about slips, points, attendance and progress. Each starts from ``Access`` (or from a child
the caller has already fetched through ``people.selectors.get_child_or_404``) and runs a fixed number
of queries whatever the number of rows."""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay, TruncWeek

from people.models import Child
from people.selectors import children_visible_to
from tenancy.access import Access
from tenancy.models import Site

from . import codes, patterns, periods
from .models import (
    DEFAULT_WEEKLY_POINTS_TARGET,
    NEGATIVE_KINDS,
    Appointment,
    AssessmentPoint,
    AttendanceMark,
    ClassPoints,
    Grade,
    Kind,
    PointsSettings,
    SavedFilter,
    Slip,
    SlipType,
    Subject,
)

PATTERN_WEEKS = 12


def _tz(site: Site) -> ZoneInfo:
    return ZoneInfo(site.time_zone)


def day_bounds(site: Site, start: datetime.date, end: datetime.date):
    """Aware datetimes from the start of ``start`` to the end of ``end`` in the site's time zone."""
    tz = _tz(site)
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
    )


def current_children(site: Site, day: datetime.date) -> QuerySet[Child]:
    return Child.objects.filter(site=site, start_date__lte=day).filter(
        Q(leaving_date__isnull=True) | Q(leaving_date__gt=day)
    )


def recording_sites(access: Access) -> list[Site]:
    return [s for s in access.all_sites if s.pk in access.visible_site_ids]


def slip_types(access: Access) -> QuerySet[SlipType]:
    return SlipType.objects.filter(is_active=True)


def type_choices(types) -> list[tuple[str, str]]:
    """The slip-type filter: the four kinds, then each organisation type as ``t<id>``."""
    return list(Kind.choices) + [(f"t{t.pk}", t.name) for t in types]


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
    return qs.select_related("child", "recorded_by", "slip_type").order_by("-occurred_at", "-pk")


def slip_totals(qs: QuerySet[Slip]) -> list[dict]:
    """Counts by type of an already-filtered slip list (one query)."""
    rows = qs.order_by().values("kind", "slip_type__name").annotate(n=Count("pk"))
    labels = dict(Kind.choices)
    totals: dict[str, int] = {}
    for row in rows:
        name = row["slip_type__name"] or labels[row["kind"]]
        totals[name] = totals.get(name, 0) + row["n"]
    return [{"name": k, "count": v} for k, v in sorted(totals.items())]


def saved_filters(access: Access) -> QuerySet[SavedFilter]:
    return SavedFilter.objects.filter(user=access.user)


def weekly_target(site: Site) -> int:
    found = PointsSettings.objects.filter(site=site).values_list("weekly_target", flat=True)
    return next(iter(found), DEFAULT_WEEKLY_POINTS_TARGET)


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

    @property
    def sections(self) -> list[tuple[str, str, list[dict]]]:
        return [
            ("By day of the week", "Day", self.by_weekday),
            ("By time of day", "Hour", self.by_hour),
            ("By lesson or period", "Lesson or period", self.by_lesson),
            ("By location", "Location", self.by_location),
            ("By member of staff", "Recorded by", self.by_staff),
        ]

    @property
    def kind_totals(self) -> list[tuple[str, int]]:
        return [
            (label, sum(w["counts"].get(kind, 0) for w in self.by_week))
            for kind, label in Kind.choices
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


# ---- attendance -------------------------------------------------------------------------------


def marks_for(child: Child, start: datetime.date, end: datetime.date) -> list[patterns.MarkRow]:
    return [
        patterns.MarkRow(*row)
        for row in AttendanceMark.objects.filter(child=child, date__gte=start, date__lte=end)
        .order_by("date", "session")
        .values_list("date", "session", "code", "note")
    ]


def appointments_for(child: Child, start, end) -> list[patterns.AppointmentRow]:
    return [
        patterns.AppointmentRow(*row)
        for row in Appointment.objects.filter(child=child, date__gte=start, date__lte=end)
        .order_by("date")
        .values_list("date", "session", "kind")
    ]


def pattern_window(end: datetime.date) -> tuple[datetime.date, datetime.date]:
    return end - datetime.timedelta(weeks=PATTERN_WEEKS) + datetime.timedelta(days=1), end


def patterns_for(children: list[Child], end: datetime.date) -> dict[int, list[patterns.Pattern]]:
    """Attendance and behaviour patterns of several children over the 12 weeks to ``end``
    (3 queries however many children). Weeks are the first child's site's weeks."""
    if not children:
        return {}
    start, end = pattern_window(end)
    ids = [c.pk for c in children]
    site = children[0].site
    tz = _tz(site)
    lo, hi = day_bounds(site, start, end)
    marks: dict[int, list] = {pk: [] for pk in ids}
    for child_id, *row in (
        AttendanceMark.objects.filter(child_id__in=ids, date__gte=start, date__lte=end)
        .order_by("child_id", "date", "session")
        .values_list("child_id", "date", "session", "code", "note")
    ):
        marks[child_id].append(patterns.MarkRow(*row))
    appointments: dict[int, list] = {pk: [] for pk in ids}
    for child_id, *row in (
        Appointment.objects.filter(child_id__in=ids, date__gte=start, date__lte=end)
        .order_by("date")
        .values_list("child_id", "date", "session", "kind")
    ):
        appointments[child_id].append(patterns.AppointmentRow(*row))
    weekly: dict[int, dict] = {pk: {} for pk in ids}
    for row in (
        Slip.objects.filter(
            child_id__in=ids,
            kind=Kind.HIGH,
            retracted_at__isnull=True,
            occurred_at__gte=lo,
            occurred_at__lt=hi,
        )
        .annotate(week=TruncWeek("occurred_at", tzinfo=tz))
        .values("child_id", "week")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        weekly[row["child_id"]][row["week"].astimezone(tz).date()] = row["n"]
    week_list = periods.weeks(start, end)
    return {
        pk: patterns.attendance_patterns(marks[pk], appointments[pk])
        + patterns.rising_incidents([weekly[pk].get(w, 0) for w in week_list])
        for pk in ids
    }


def child_patterns(child: Child, end: datetime.date) -> list[patterns.Pattern]:
    """One child's patterns over the 12 weeks to ``end`` (3 queries)."""
    return patterns_for([child], end)[child.pk]


@dataclass
class PatternRow:
    child: Child
    patterns: list


def my_children_patterns(access: Access, end: datetime.date) -> list[PatternRow]:
    """The key worker's own children (key worker or cover today) and their patterns (4 queries)."""
    from people.selectors import my_children

    children = list(my_children(access).order_by("last_name", "first_name"))
    found = patterns_for(children, end)
    return [PatternRow(child=c, patterns=found[c.pk]) for c in children]


@dataclass
class Certificate:
    child: Child
    start: datetime.date
    end: datetime.date
    tally: codes.Tally
    rows: list[dict]  # per code: code, description, group, meaning, count


def certificate(child: Child, start: datetime.date, end: datetime.date) -> Certificate:
    marks = marks_for(child, start, end)
    tally = patterns.tally(marks)
    rows = [
        {
            "code": c.code,
            "description": c.description,
            "group": c.group,
            "meaning": c.meaning.value,
            "count": tally.by_code.get(c.code, 0),
        }
        for c in codes.CODES.values()
        if tally.by_code.get(c.code)
    ]
    return Certificate(child=child, start=start, end=end, tally=tally, rows=rows)


def academic_year_start(day: datetime.date) -> datetime.date:
    year = day.year if day.month >= 9 else day.year - 1
    return datetime.date(year, 9, 1)


@dataclass
class RegisterRow:
    child: Child
    mark: AttendanceMark | None


def register(site: Site, day: datetime.date, session: str) -> list[RegisterRow]:
    """The site's current children and their mark for one session (2 queries)."""
    marks = {
        m.child_id: m for m in AttendanceMark.objects.filter(site=site, date=day, session=session)
    }
    return [
        RegisterRow(child=c, mark=marks.get(c.pk))
        for c in current_children(site, day).order_by("last_name", "first_name")
    ]


# ---- class points -----------------------------------------------------------------------------


def points_sheet(site: Site, day: datetime.date, lesson: str) -> list[tuple[Child, int | None]]:
    existing = dict(
        ClassPoints.objects.filter(site=site, date=day, lesson=lesson).values_list(
            "child_id", "points"
        )
    )
    return [
        (c, existing.get(c.pk))
        for c in current_children(site, day).order_by("last_name", "first_name")
    ]


def lessons_used(site: Site) -> list[str]:
    return list(
        ClassPoints.objects.filter(site=site)
        .order_by("lesson")
        .values_list("lesson", flat=True)
        .distinct()[:30]
    )


# ---- progress ---------------------------------------------------------------------------------


@dataclass
class GradeSheet:
    points: list[AssessmentPoint]
    rows: list[dict]  # {"subject", "cells": [Grade|None], "trend": float|None, "latest": Grade}


def grade_sheet(child: Child) -> GradeSheet:
    grades = list(Grade.objects.filter(child=child).select_related("subject", "assessment_point"))
    points = sorted({g.assessment_point for g in grades}, key=lambda p: (p.date, p.name))
    subjects = sorted({g.subject for g in grades}, key=lambda s: s.name)
    index = {(g.subject_id, g.assessment_point_id): g for g in grades}
    rows = []
    for subject in subjects:
        cells = [index.get((subject.pk, p.pk)) for p in points]
        present = [c for c in cells if c is not None]
        trend = float(present[-1].working_at - present[0].working_at) if len(present) > 1 else None
        rows.append({"subject": subject, "cells": cells, "trend": trend, "latest": present[-1]})
    return GradeSheet(points=points, rows=rows)


def subjects_for(site: Site) -> QuerySet[Subject]:
    return Subject.objects.filter(site=site)


# ---- the key-work summary (frozen into each school key-work session record) ------------------------


def key_work_summary(child: Child, start: datetime.date, end: datetime.date) -> dict:
    """What a key worker reviews before a session, JSON-ready (dates as ISO strings).

    The caller has fetched ``child`` through the access helpers and runs inside its organisation
    scope. Patterns look back 12 weeks from ``end`` (a fortnight is too short to see a weekday)."""
    site = child.site
    lo, hi = day_bounds(site, start, end)
    slips = Slip.objects.filter(
        child=child, retracted_at__isnull=True, occurred_at__gte=lo, occurred_at__lt=hi
    )
    by_kind = {k: 0 for k in Kind.values}
    by_type: dict[str, int] = {}
    labels = dict(Kind.choices)
    for row in slips.order_by().values("kind", "slip_type__name").annotate(n=Count("pk")):
        by_kind[row["kind"]] += row["n"]
        name = row["slip_type__name"] or labels[row["kind"]]
        by_type[name] = by_type.get(name, 0) + row["n"]
    target = weekly_target(site)
    weeks = []
    pts = {
        r["week"]: r["total"]
        for r in ClassPoints.objects.filter(child=child, date__gte=start, date__lte=end)
        .order_by()
        .annotate(week=TruncWeek("date"))
        .values("week")
        .annotate(total=Sum("points"))
    }
    for w in periods.weeks(start, end):
        total = pts.get(w, pts.get(datetime.datetime.combine(w, datetime.time.min), 0)) or 0
        days = periods.weekdays_covered(w, start, end)
        # A week the period covers only part of is never judged against the whole week's target:
        # it carries a target prorated by its weekdays, and "met" only for complete weeks.
        weeks.append(
            {
                "week_start": w.isoformat(),
                "points": total,
                "target": target,
                "days": days,
                "partial": days < 5,
                "prorated_target": round(target * days / 5) if target else target,
                "met": (total >= target) if days >= 5 else None,
            }
        )
    tally = patterns.tally(marks_for(child, start, end))
    window = pattern_window(end)
    return {
        "child_id": child.pk,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "slips": {
            "total": sum(by_kind.values()),
            "by_kind": by_kind,
            "by_type": dict(sorted(by_type.items())),
            "negative": sum(by_kind[k] for k in NEGATIVE_KINDS),
        },
        "positives": {
            "green_slips": by_kind[Kind.GREEN],
            "growth_mindset": by_kind[Kind.GROWTH],
            "total": by_kind[Kind.GREEN] + by_kind[Kind.GROWTH],
        },
        "class_points": {
            "total": sum(w["points"] for w in weeks),
            "weekly_target": target,
            "weeks": weeks,
        },
        "attendance": tally.as_dict(),
        "patterns": [p.as_dict() for p in child_patterns(child, end)],
        "patterns_window": {"start": window[0].isoformat(), "end": window[1].isoformat()},
    }
