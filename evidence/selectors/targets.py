"""Each target's impact: the slips, points and attendance in the windows before and after it, on
the site's calendar, counted for every target in one SQL statement (``_COUNTS``)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from behaviour import codes
from behaviour.models import NEGATIVE_KINDS, POSITIVE_KINDS
from compliance.models import Holiday
from people.models import Child
from sessions_app.models import Target
from tenancy.context import require_organisation_id
from tenancy.timeutils import site_today

from .. import impact

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
        count(DISTINCT p.date) FILTER (WHERE p.date <= w.b1) AS ptn_b,
        count(DISTINCT p.date) FILTER (WHERE p.date >= w.a0) AS ptn_a
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
            # Points over the school days that have any recorded: days before the school began
            # recording them are no data, not "0 points" (a new user saw 28 → 115 a week).
            figures["points"] = (
                _points_a_week(before, pts_b, ptn_b),
                _points_a_week(after, pts_a, ptn_a),
            )
            figures["attendance"] = (_percent(att_b, poss_b), _percent(att_a, poss_a))
        out[tid] = TargetImpact(tid, before, after, figures)
    return out


def _points_a_week(window: impact.Window, total: int, recorded_days: int) -> float | None:
    """Class points a week over the window's school days that have points recorded (``total``
    over ``recorded_days``, times the days of a week); None, "too little data", when fewer than
    ``impact.MIN_SHARE`` of the window's full length has any (the school not yet recording them,
    or recording began part-way through the window)."""
    if not window.enough or recorded_days < window.length * impact.MIN_SHARE:
        return None
    return total * window.week / recorded_days


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
