"""Reads of the evidence pages: each target's impact, What works, the child's chronology.

Queries are fixed in number whatever the number of targets or children: the behaviour and
attendance in every target's two windows are counted in one SQL statement (aggregates with
FILTER over the windows, ``_COUNTS``); What works is cached under a version stamp of the records
it reads, like compliance's on-time chart (compliance.selectors.on_time_by_week)."""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection

from behaviour import codes
from behaviour.models import NEGATIVE_KINDS, POSITIVE_KINDS, Slip
from compliance.models import Holiday
from contacts.models import Contact
from people.models import Child, KeyWorkerAllocation
from people.selectors import allocated_staff_ids
from plans.models import PlanVersion
from plans.sections import NARROW_PLANS
from sessions_app.models import KeyWorkSession, QualityStandard, SessionTopic, Target
from tenancy.access import Access
from tenancy.context import require_organisation_id
from tenancy.models import Site
from tenancy.timeutils import site_today

from . import impact

CACHE_SECONDS = 600  # a safety net: a new record makes a new key (see _stamp)

# (key, label, school only, a fall is good)
MEASURES = [
    ("negative", "Negative slips a week", False, True),
    ("positive", "Positive slips a week", False, False),
    ("points", "Class points a week", True, False),
    ("attendance", "Attendance %", True, False),
]
MEASURE_LABELS = {key: label for key, label, _, _ in MEASURES}
KIND_GROUPS = ["Session topic", "School focus", "Quality Standard", "Target area"]

_ATTENDED = [c.code for c in codes.CODES.values() if c.counts_as_attendance]
_POSSIBLE = [c.code for c in codes.CODES.values() if c.is_possible]

# One row per target window pair in, one row of counts out. Slips and points on days that do not
# count (a school's weekends and holidays) are left out, as the days are.
_COUNTS = """
WITH w AS (
    SELECT * FROM unnest(%(ids)s::bigint[], %(child)s::bigint[], %(site)s::bigint[],
        %(school)s::bool[], %(tz)s::text[], %(b0)s::date[], %(b1)s::date[], %(a0)s::date[],
        %(a1)s::date[]) AS w(id, child_id, site_id, school, tz, b0, b1, a0, a1)
), slips AS (
    SELECT w.id,
        count(*) FILTER (WHERE x.d <= w.b1 AND x.kind = ANY(%(neg)s)) AS neg_b,
        count(*) FILTER (WHERE x.d >= w.a0 AND x.kind = ANY(%(neg)s)) AS neg_a,
        count(*) FILTER (WHERE x.d <= w.b1 AND x.kind = ANY(%(pos)s)) AS pos_b,
        count(*) FILTER (WHERE x.d >= w.a0 AND x.kind = ANY(%(pos)s)) AS pos_a
    FROM w JOIN LATERAL (
        SELECT s.kind, (s.occurred_at AT TIME ZONE w.tz)::date AS d FROM behaviour_slip s
        WHERE s.organisation_id = %(org)s AND s.child_id = w.child_id AND s.retracted_at IS NULL
          AND s.occurred_at >= (w.b0::timestamp AT TIME ZONE w.tz)
          AND s.occurred_at < ((w.a1 + 1)::timestamp AT TIME ZONE w.tz)
    ) x ON true
    WHERE (NOT w.school OR (extract(isodow FROM x.d) < 6 AND NOT EXISTS (
        SELECT 1 FROM compliance_holiday h WHERE h.organisation_id = %(org)s
          AND h.site_id = w.site_id AND x.d BETWEEN h.starts_on AND h.ends_on)))
    GROUP BY w.id
), points AS (
    SELECT w.id,
        coalesce(sum(p.points) FILTER (WHERE p.date <= w.b1), 0) AS pts_b,
        coalesce(sum(p.points) FILTER (WHERE p.date >= w.a0), 0) AS pts_a,
        count(*) FILTER (WHERE p.date <= w.b1) AS ptn_b,
        count(*) FILTER (WHERE p.date >= w.a0) AS ptn_a
    FROM w JOIN behaviour_classpoints p ON p.organisation_id = %(org)s
        AND p.child_id = w.child_id AND p.date BETWEEN w.b0 AND w.a1
    WHERE w.school AND extract(isodow FROM p.date) < 6 AND NOT EXISTS (
        SELECT 1 FROM compliance_holiday h WHERE h.organisation_id = %(org)s
          AND h.site_id = w.site_id AND p.date BETWEEN h.starts_on AND h.ends_on)
    GROUP BY w.id
), marks AS (
    SELECT w.id,
        count(*) FILTER (WHERE m.date <= w.b1 AND m.code = ANY(%(possible)s)) AS poss_b,
        count(*) FILTER (WHERE m.date <= w.b1 AND m.code = ANY(%(attended)s)) AS att_b,
        count(*) FILTER (WHERE m.date >= w.a0 AND m.code = ANY(%(possible)s)) AS poss_a,
        count(*) FILTER (WHERE m.date >= w.a0 AND m.code = ANY(%(attended)s)) AS att_a
    FROM w JOIN behaviour_attendancemark m ON m.organisation_id = %(org)s
        AND m.child_id = w.child_id AND m.date BETWEEN w.b0 AND w.a1
    WHERE w.school
    GROUP BY w.id
)
SELECT w.id,
    coalesce(neg_b, 0), coalesce(neg_a, 0), coalesce(pos_b, 0), coalesce(pos_a, 0),
    coalesce(pts_b, 0), coalesce(pts_a, 0), coalesce(ptn_b, 0), coalesce(ptn_a, 0),
    coalesce(poss_b, 0), coalesce(att_b, 0), coalesce(poss_a, 0), coalesce(att_a, 0)
FROM w LEFT JOIN slips USING (id) LEFT JOIN points USING (id) LEFT JOIN marks USING (id)
"""


@dataclass
class TargetImpact:
    """One target's windows and, per measure key, (before, after): a rate a week or a
    percentage, None where the window has too little data (or the measure is not the site's)."""

    target_id: int
    before: impact.Window
    after: impact.Window
    figures: dict[str, tuple[float | None, float | None]]

    def rows(self) -> list[dict]:
        out = []
        for key, label, _school_only, fall_is_good in MEASURES:
            if key not in self.figures:
                continue
            before, after = self.figures[key]
            change = None if before is None or after is None else after - before
            better = None
            if change is not None and round(change, 1) != 0:
                better = (change < 0) == fall_is_good
            out.append(
                {"key": key, "label": label, "before": before, "after": after,
                 "change": change, "better": better}
            )  # fmt: skip
        return out


@dataclass(frozen=True)
class _Spec:
    """What the counting needs of one target (plain values, so it can be cached)."""

    id: int
    child_id: int
    site_id: int
    school: bool
    tz: str
    set_on: datetime.date
    start: datetime.date
    leaving: datetime.date | None


def _holidays(site_ids) -> dict[int, list[tuple[datetime.date, datetime.date]]]:
    found: dict[int, list] = defaultdict(list)
    for site_id, first, last in Holiday.objects.filter(site_id__in=list(site_ids)).values_list(
        "site_id", "starts_on", "ends_on"
    ):  # query: the sites' holidays (the term calendar)
        found[site_id].append((first, last))
    return found


def _impacts(specs: list[_Spec], today: datetime.date) -> dict[int, TargetImpact]:
    """Each target's impact: two queries (holidays, the counts) whatever the number of targets."""
    if not specs:
        return {}
    holidays = _holidays({s.site_id for s in specs})
    wins = {
        s.id: impact.windows(
            s.set_on,
            school=s.school,
            holidays=holidays.get(s.site_id, ()),
            on_roll=(s.start, s.leaving),
            today=today,
        )
        for s in specs
    }
    params = {
        "org": require_organisation_id(),
        "ids": [s.id for s in specs],
        "child": [s.child_id for s in specs],
        "site": [s.site_id for s in specs],
        "school": [s.school for s in specs],
        "tz": [s.tz for s in specs],
        "b0": [wins[s.id][0].first for s in specs],
        "b1": [wins[s.id][0].last for s in specs],
        "a0": [wins[s.id][1].first for s in specs],
        "a1": [min(wins[s.id][1].last, today) for s in specs],
        "neg": list(NEGATIVE_KINDS),
        "pos": list(POSITIVE_KINDS),
        "possible": _POSSIBLE,
        "attended": _ATTENDED,
    }
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS, params)  # query: slips, points and marks in every window
        rows = cursor.fetchall()
    school = {s.id: s.school for s in specs}
    out = {}
    for row in rows:
        tid, neg_b, neg_a, pos_b, pos_a, pts_b, pts_a, ptn_b, ptn_a = row[:9]
        poss_b, att_b, poss_a, att_a = row[9:]
        before, after = wins[tid]
        figures = {
            "negative": (before.per_week(neg_b), after.per_week(neg_a)),
            "positive": (before.per_week(pos_b), after.per_week(pos_a)),
        }
        if school[tid]:
            # No points recorded in a window at all: the site may not use them, not "0 a week".
            figures["points"] = (
                before.per_week(pts_b) if ptn_b else None,
                after.per_week(pts_a) if ptn_a else None,
            )
            figures["attendance"] = (_percent(att_b, poss_b), _percent(att_a, poss_a))
        out[tid] = TargetImpact(tid, before, after, figures)
    return out


def _percent(attended: int, possible: int) -> float | None:
    if possible < impact.MIN_POSSIBLE_SESSIONS:
        return None
    return 100 * attended / possible


def _spec(target: Target) -> _Spec:
    child, site = target.child, target.child.site
    return _Spec(
        target.pk, child.pk, site.pk, site.is_school, site.time_zone, target.set_in.date,
        child.start_date, child.leaving_date,
    )  # fmt: skip


def _measured(qs):
    """Targets with an outcome (withdrawn ones are not an outcome of the work)."""
    return qs.exclude(outcome="").exclude(outcome=Target.Outcome.WITHDRAWN)


# ---------------------------------------------------------------- 20.1 each target's impact


@dataclass
class ChildImpactRow:
    target: Target
    impact: TargetImpact


def child_impact(child: Child) -> list[ChildImpactRow]:
    """The child's targets with an outcome, newest first, each with its impact. Three queries
    (the targets, the site's holidays, the counts)."""
    targets = list(
        _measured(Target.objects.filter(child=child))
        .select_related("set_in", "set_in__author")
        .order_by("-set_in__date", "-pk")
    )  # query: the child's targets with an outcome and the sessions that set them
    for t in targets:
        t.child = child
    impacts = _impacts([_spec(t) for t in targets], site_today(child.site))
    return [ChildImpactRow(t, impacts[t.pk]) for t in targets]


# ---------------------------------------------------------------- 20.2 what works


def can_see_what_works(access: Access) -> bool:
    return access.is_org_admin or access.is_manager_anywhere


def what_works_sites(access: Access) -> list[Site]:
    """Sites whose figures the user may see: all (organisation admins) or those they manage.
    Raises PermissionDenied for others (key workers, moderators)."""
    if not can_see_what_works(access):
        raise PermissionDenied("What works is for managers and organisation admins.")
    if access.is_org_admin:
        return list(access.all_sites)
    return [s for s in access.all_sites if s.pk in access.managed_site_ids]


@dataclass(frozen=True)
class Filters:
    """site_ids: the sites to count; start/end: when the targets were set (inclusive);
    key_worker_id: the author of the session that set them; min_age/max_age: the child's age
    in years on the day the target was set; measure: a MEASURES key."""

    site_ids: tuple[int, ...]
    start: datetime.date
    end: datetime.date
    key_worker_id: int | None = None
    min_age: int | None = None
    max_age: int | None = None
    measure: str = "negative"


@dataclass
class KindRow:
    """One kind of intervention's figures for one measure: ``children`` and ``targets`` behind
    them; ``before``/``after`` the means of the children's means (None: too few to say);
    ``change`` the mean per-child change with its 95% t-interval."""

    group: str
    kind: str
    children: int
    targets: int
    before: impact.Interval
    after: impact.Interval
    change: impact.Interval
    fall_is_good: bool

    @property
    def too_few(self) -> bool:
        return self.change.mean is None

    @property
    def verdict(self) -> str:
        c = self.change
        if c.mean is None:
            return "Too few to say"
        if c.low <= 0 <= c.high:
            return "No clear change"
        better = (c.mean < 0) == self.fall_is_good
        return "Better after" if better else "Worse after"


@dataclass
class WhatWorks:
    filters: Filters
    rows: list[KindRow] = field(default_factory=list)
    measured_targets: int = 0


def _kinds(row: dict, topics: dict[int, list[str]]) -> list[tuple[str, str]]:
    kinds = [("Session topic", name) for name in topics.get(row["set_in_id"], ())]
    focus = row["set_in__focus"]
    if focus:
        kinds.append(("School focus", KeyWorkSession.Focus(focus).label))
    for qs in row["set_in__quality_standards"] or ():
        kinds.append(("Quality Standard", QualityStandard(qs).label))
    kinds.append(("Target area", Target.Area(row["area"]).label))
    return kinds


def _stamp(org_id: int) -> str:
    """A version of everything What works reads: a new or changed record makes a new stamp."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT max(updated_at) FROM behaviour_slip WHERE organisation_id = %(o)s),"
            " (SELECT max(updated_at) FROM behaviour_classpoints WHERE organisation_id = %(o)s),"
            " (SELECT max(updated_at) FROM behaviour_attendancemark"
            "  WHERE organisation_id = %(o)s),"
            " (SELECT max(updated_at) FROM sessions_app_keyworksession"
            "  WHERE organisation_id = %(o)s),"
            " (SELECT count(*) || '.' || coalesce(max(id), 0) FROM compliance_holiday"
            "  WHERE organisation_id = %(o)s),"
            " (SELECT max(updated_at) FROM people_child WHERE organisation_id = %(o)s),"
            " (SELECT created_at FROM tenancy_organisation WHERE id = %(o)s)",
            {"o": org_id},
        )  # query: the version stamp of the records counted
        return "|".join(str(v) for v in cursor.fetchone())


def what_works(filters: Filters, today: datetime.date) -> WhatWorks:
    """What works for ``filters``: for each kind of intervention (session topic, school focus,
    Quality Standard, target area) the children and targets behind it and the before, after and
    change of the chosen measure (MEASURES), a 95% Student's t-interval over per-child changes,
    "too few to say" under ``impact.MIN_CHILDREN`` children. Queries: the stamp; on a cache miss
    the targets, their sessions' topics, the holidays and the counts."""
    org_id = require_organisation_id()
    key = (
        "evidence:what-works:"
        + hashlib.sha256(f"{org_id}|{_stamp(org_id)}|{today}|{filters}".encode()).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        found = _what_works(filters, today)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _what_works(filters: Filters, today: datetime.date) -> WhatWorks:
    qs = _measured(Target.objects.filter(child__site_id__in=filters.site_ids)).filter(
        set_in__date__gte=filters.start, set_in__date__lte=filters.end
    )
    if filters.key_worker_id:
        qs = qs.filter(set_in__author_id=filters.key_worker_id)
    rows = list(
        qs.values(
            "id", "child_id", "area", "set_in_id", "set_in__date", "set_in__focus",
            "set_in__quality_standards", "child__site_id", "child__site__kind",
            "child__site__time_zone", "child__start_date", "child__leaving_date",
            "child__date_of_birth",
        ).order_by("id")
    )  # query: the targets with an outcome, their sessions and children  # fmt: skip
    if filters.min_age is not None or filters.max_age is not None:
        lo = filters.min_age if filters.min_age is not None else 0
        hi = filters.max_age if filters.max_age is not None else 200
        rows = [r for r in rows if lo <= _age(r["child__date_of_birth"], r["set_in__date"]) <= hi]
    topics: dict[int, list[str]] = defaultdict(list)
    if rows:
        for session_id, name in SessionTopic.objects.filter(
            session_id__in={r["set_in_id"] for r in rows}
        ).values_list("session_id", "topic__name"):  # query: the sessions' topics
            topics[session_id].append(name)
    specs = [
        _Spec(
            r["id"], r["child_id"], r["child__site_id"], r["child__site__kind"] == Site.Kind.SCHOOL,
            r["child__site__time_zone"], r["set_in__date"], r["child__start_date"],
            r["child__leaving_date"],
        )
        for r in rows
    ]  # fmt: skip
    impacts = _impacts(specs, today)
    measure = filters.measure
    fall_is_good = next(f for k, _, _, f in MEASURES if k == measure)
    # kind -> child -> [(before, after)] of the child's targets with both figures
    per_kind: dict[tuple[str, str], dict[int, list]] = defaultdict(lambda: defaultdict(list))
    measured = 0
    for r in rows:
        before, after = impacts[r["id"]].figures.get(measure, (None, None))
        if before is None or after is None:
            continue
        measured += 1
        for kind in _kinds(r, topics):
            per_kind[kind][r["child_id"]].append((before, after))
    out = []
    for (group, kind), children in per_kind.items():
        befores, afters, changes = [], [], []
        for pairs in children.values():
            b = sum(p[0] for p in pairs) / len(pairs)
            a = sum(p[1] for p in pairs) / len(pairs)
            befores.append(b)
            afters.append(a)
            changes.append(a - b)
        out.append(
            KindRow(
                group, kind, len(children), sum(len(p) for p in children.values()),
                impact.mean_interval(befores), impact.mean_interval(afters),
                impact.mean_interval(changes), fall_is_good,
            )
        )  # fmt: skip
    out.sort(key=lambda k: (KIND_GROUPS.index(k.group), k.too_few, -k.children, k.kind))
    return WhatWorks(filters, out, measured)


def _age(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def key_worker_choices(sites: list[Site]) -> list[tuple[int, str]]:
    """Staff who set targets at ``sites`` (one query)."""
    users = (
        get_user_model()
        .objects.filter(key_work_sessions__child__site__in=sites)
        .distinct()
        .order_by("first_name", "last_name")
    )  # query: the authors of the sites' sessions
    return [(u.pk, u.get_full_name() or u.username) for u in users]


def chart(rows: list[KindRow], *, width: int = 720) -> dict:
    """Geometry of the server-drawn SVG: per kind with a figure, a before and an after bar (the
    means) with a whisker for each mean's 95% interval. Kinds with too few children are left out
    (the table says so)."""
    shown = [r for r in rows if not r.too_few]
    left, label_w, row_h, bar_h = 10, 230, 34, 12
    top = 24
    height = top + row_h * max(1, len(shown)) + 20
    hi = max(
        [max(r.before.high or 0, r.after.high or 0, r.before.mean, r.after.mean) for r in shown]
        or [1]
    )
    hi = hi or 1
    span = width - left - label_w - 60

    def x(v):
        return round(left + label_w + span * max(0.0, v) / hi, 1)

    bars = []
    for i, r in enumerate(shown):
        y = top + i * row_h
        item = {"label": f"{r.kind} ({r.group.lower()}, {r.children} children)", "y": y + 12,
                "bars": []}  # fmt: skip
        for j, (name, iv) in enumerate((("before", r.before), ("after", r.after))):
            by = y + j * (bar_h + 2)
            item["bars"].append(
                {
                    "name": name, "y": by, "h": bar_h, "x0": x(0), "w": round(x(iv.mean) - x(0), 1),
                    "lo": x(iv.low), "hi": x(iv.high), "mid": by + bar_h / 2,
                    "value": f"{iv.mean:.1f}", "tx": x(max(iv.high, iv.mean)) + 4,
                }
            )  # fmt: skip
        bars.append(item)
    return {"width": width, "height": height, "rows": bars, "x0": x(0), "label_x": left,
            "empty": not shown}  # fmt: skip


# ---------------------------------------------------------------- 20.6 chronology

CHRONOLOGY_KINDS = {
    "session": ("Key-work session", "sessions"),
    "target": ("Target set", "sessions"),
    "slip": ("Behaviour slip", "behaviour"),
    "contact": ("Contact", "contacts"),
    "plan": ("Plan published", "plans"),
    "allocation": ("Key worker", "child"),
}


@dataclass
class Entry:
    """One record in the chronology: ``when`` a date (site calendar), ``kind`` a
    CHRONOLOGY_KINDS key, ``title`` and ``detail`` short text, ``url`` the record's page or ''."""

    when: datetime.date
    kind: str
    title: str
    detail: str
    who: str
    url: str = ""
    sort: tuple = ()

    @property
    def kind_label(self) -> str:
        return CHRONOLOGY_KINDS[self.kind][0]


def chronology_kinds(access: Access, child: Child) -> list[str]:
    """The kinds of record the user may read about the child (the access table)."""
    own = None

    def is_own():
        nonlocal own
        if own is None:
            own = access.user.pk in allocated_staff_ids(child)
        return own

    return [
        k
        for k, (_, record) in CHRONOLOGY_KINDS.items()
        if access.can(record, "read", child.site_id, is_own=is_own)
    ]


def chronology(
    child: Child,
    *,
    kinds: list[str],
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    narrow_plans: bool = False,
) -> list[Entry]:
    """Every record about ``child`` of ``kinds`` between ``start`` and ``end`` (inclusive, the
    site's calendar), oldest first: key-work sessions submitted or signed off (drafts are their
    author's), targets set, behaviour slips (not retracted), contacts (not retracted), plan
    versions published (risk assessments and behaviour plans only with ``narrow_plans``) and key
    worker allocations. Safeguarding concern text is never part of it. One query per kind."""
    from django.urls import reverse

    tz = ZoneInfo(child.site.time_zone)
    entries: list[Entry] = []

    def in_range(day):
        return (start is None or day >= start) and (end is None or day <= end)

    if "session" in kinds:
        for s in KeyWorkSession.objects.filter(
            child=child, status__in=KeyWorkSession.COUNTED
        ).select_related("author"):  # query: the child's sessions
            if in_range(s.date):
                detail = s.get_focus_display() if s.focus else s.get_engagement_display()
                entries.append(
                    Entry(s.date, "session", s.display_title, detail, _name(s.author),
                          reverse("sessions_app:session_detail", args=[s.pk]), (s.start_time,))
                )  # fmt: skip
    if "target" in kinds:
        for t in Target.objects.filter(
            child=child, set_in__status__in=KeyWorkSession.COUNTED
        ).select_related("set_in", "set_in__author"):  # query: the targets set
            if in_range(t.set_in.date):
                outcome = t.get_outcome_display() if t.outcome else "Open"
                entries.append(
                    Entry(t.set_in.date, "target", t.what[:200],
                          f"{t.get_area_display()}; by {t.due_on:%d %b %Y}; {outcome}",
                          _name(t.set_in.author),
                          reverse("sessions_app:child_targets", args=[child.pk]),
                          (t.set_in.start_time,))
                )  # fmt: skip
    if "slip" in kinds:
        for s in Slip.objects.filter(child=child, retracted_at__isnull=True).select_related(
            "slip_type", "recorded_by"
        ):  # query: the child's slips
            day = s.occurred_at.astimezone(tz)
            if in_range(day.date()):
                entries.append(
                    Entry(day.date(), "slip",
                          s.get_kind_display() + (f": {s.slip_type.name}" if s.slip_type else ""),
                          s.what_happened[:300], _name(s.recorded_by),
                          reverse("behaviour:slip_detail", args=[s.pk]), (day.time(),))
                )  # fmt: skip
    if "contact" in kinds:
        for c in Contact.objects.filter(child=child, retracted_at__isnull=True).select_related(
            "recorded_by"
        ):  # query: the child's contacts
            day = c.occurred_at.astimezone(tz)
            if in_range(day.date()):
                entries.append(
                    Entry(day.date(), "contact", f"{c.get_kind_display()} with {c.with_whom}",
                          f"{c.get_method_display()}, {c.get_purpose_display().lower()}",
                          _name(c.recorded_by),
                          reverse("contacts:contact_detail", args=[c.pk]), (day.time(),))
                )  # fmt: skip
    if "plan" in kinds:
        versions = PlanVersion.objects.filter(child=child, published_at__isnull=False)
        if not narrow_plans:
            versions = versions.exclude(plan__plan_type__in=NARROW_PLANS)
        for v in versions.select_related("plan", "published_by"):  # query: plans published
            day = v.published_at.astimezone(tz)
            if in_range(day.date()):
                entries.append(
                    Entry(day.date(), "plan", f"{v.plan.get_plan_type_display()} published",
                          f"Plan date {v.plan_date:%d %b %Y}", _name(v.published_by),
                          "", (day.time(),))
                )  # fmt: skip
    if "allocation" in kinds:
        for a in KeyWorkerAllocation.objects.filter(child=child).select_related(
            "staff"
        ):  # query: the key-worker allocations
            if in_range(a.starts_on):
                until = f" until {a.ends_on:%d %b %Y}" if a.ends_on else ""
                entries.append(
                    Entry(a.starts_on, "allocation",
                          f"{a.get_kind_display()}: {_name(a.staff)}{until}",
                          a.get_reason_display(), "")
                )  # fmt: skip
    order = list(CHRONOLOGY_KINDS)  # on one day and time: the session before the targets it set
    entries.sort(key=lambda e: (e.when, str(e.sort[0]) if e.sort else "", order.index(e.kind)))
    return entries


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


# ---------------------------------------------------------------- 20.3 the key-work story


@dataclass
class Story:
    """The child's key-work story over ``start``..``end`` (inclusive): sessions submitted or
    signed off with their topics; targets set in the period with their outcome and impact; the
    child's own voice (student-voice sessions' accounts in schools, the key child's agenda in
    homes)."""

    child: Child
    start: datetime.date
    end: datetime.date
    sessions: list
    targets: list[ChildImpactRow]
    voice: list[tuple[datetime.date, str]]


def story(child: Child, start: datetime.date, end: datetime.date) -> Story:
    """Five queries: the sessions, their topics, the targets, the holidays, the counts."""
    sessions = list(
        KeyWorkSession.objects.filter(
            child=child, status__in=KeyWorkSession.COUNTED, date__gte=start, date__lte=end
        )
        .select_related("author")
        .order_by("date", "pk")
    )  # query: the period's sessions
    topics: dict[int, list[str]] = defaultdict(list)
    for session_id, name in SessionTopic.objects.filter(session__in=sessions).values_list(
        "session_id", "topic__name"
    ):  # query: their topics
        topics[session_id].append(name)
    for s in sessions:
        s.topic_names = topics.get(s.pk, [])
    targets = [
        row for row in child_impact(child) if start <= row.target.set_in.date <= end
    ]  # queries: the targets, the holidays, the counts
    voice = []
    for s in sessions:
        if child.site.is_school and s.focus == KeyWorkSession.Focus.STUDENT_VOICE and s.account:
            voice.append((s.date, s.account))
        elif not child.site.is_school and s.child_agenda:
            voice.append((s.date, s.child_agenda))
    return Story(child, start, end, sessions, targets, voice)
