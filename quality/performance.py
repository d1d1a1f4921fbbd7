"""The performance view: per key worker over a period, the figures a manager or moderator brings to
an annual review. A fixed number of queries (twelve) whatever the number of key workers, children
or records; the arithmetic is done here in Python on aggregated rows.

- Sessions due: from each site's compliance policy and the key worker's allocations in the period
  (every N days of term time in schools, N a month in homes); done: their submitted records.
- Automatic score: the average of the check stored with each submitted record; by month for the
  chart.
- Moderation: the average score per rubric criterion of their records moderated in the period.
- Targets: set in the period's sessions, and how many are achieved (or partly).
- Behaviour and attendance trend: for each child they set targets for, the four weeks before the
  first target of the period against the weeks since (negative slips a week; attendance %).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Min, Q
from django.db.models.functions import TruncMonth, TruncWeek

from behaviour import codes
from behaviour.models import NEGATIVE_KINDS, AttendanceMark, Slip
from compliance.models import Holiday, Obligation, Policy, Rule, Status
from people.models import KeyWorkerAllocation
from sessions_app.models import KeyWorkSession, Target
from tenancy import bankholidays
from tenancy.models import Membership, Role

from .models import ModerationScore, RubricCriterion

BEFORE_WEEKS = 4
DAY = datetime.timedelta(days=1)


@dataclass
class Trend:
    before: float | None = None
    after: float | None = None

    @property
    def direction(self) -> str:
        if self.before is None or self.after is None:
            return ""
        if abs(self.after - self.before) < 0.05:
            return "same"
        return "up" if self.after > self.before else "down"


@dataclass
class Worker:
    user_id: int
    name: str
    children: set = field(default_factory=set)
    due: float = 0.0
    done: int = 0
    overdue_now: int = 0
    scored: int = 0
    score_total: int = 0
    by_month: dict = field(default_factory=dict)  # month -> (count, average)
    moderated: int = 0
    criteria: dict = field(default_factory=dict)  # criterion id -> average
    targets_set: int = 0
    targets_achieved: int = 0
    targets_partly: int = 0
    slips: Trend = field(default_factory=Trend)
    attendance: Trend = field(default_factory=Trend)
    chart: dict = field(default_factory=dict)
    criteria_row: list = field(default_factory=list)  # averages in the order of the criteria
    _criteria: list = field(default_factory=list)

    @property
    def criteria_pairs(self) -> list:
        return list(zip(self._criteria, self.criteria_row, strict=True))

    @property
    def sessions_due(self) -> int:
        return round(self.due)

    @property
    def auto_average(self) -> int | None:
        return round(self.score_total / self.scored) if self.scored else None

    @property
    def done_percent(self) -> int | None:
        return round(100 * self.done / self.due) if self.due >= 0.5 else None


@dataclass
class Performance:
    start: datetime.date
    end: datetime.date
    workers: list[Worker]
    criteria: list[RubricCriterion]
    months: list[datetime.date]


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


def _holiday_days(holidays, first: datetime.date, last: datetime.date) -> int:
    days = 0
    for a, b in holidays:
        lo, hi = max(a, first), min(b, last)
        if lo <= hi:
            days += (hi - lo).days + 1
    return days


def _expected(policy: Policy, holidays, first: datetime.date, last: datetime.date) -> float:
    """Sessions due between ``first`` and ``last`` (inclusive) for one child under ``policy``."""
    days = (last - first).days + 1
    if days <= 0:
        return 0.0
    if policy.session_mode == Policy.SessionMode.EVERY_N_DAYS:
        term_days = days - _holiday_days(holidays, first, last)
        return max(0, term_days) / policy.session_every_days
    return days * policy.sessions_per_month * 12 / 365.25


def _rate(counts: dict, weeks: list[datetime.date]) -> float | None:
    if not weeks:
        return None
    return round(sum(counts.get(w, 0) for w in weeks) / len(weeks), 1)


def _percent(attended: int, possible: int) -> float | None:
    return round(100 * attended / possible, 1) if possible else None


def performance(
    sites, *, start: datetime.date, end: datetime.date, today: datetime.date
) -> Performance:
    site_ids = [s.pk for s in sites]
    sites_by_id = {s.pk: s for s in sites}
    workers: dict[int, Worker] = {}
    for user_id, first, last in (
        Membership.objects.filter(site_id__in=site_ids, role=Role.KEY_WORKER, is_active=True)
        .values_list("user_id", "user__first_name", "user__last_name")
        .distinct()
    ):  # query 1: the key workers of the sites
        workers.setdefault(user_id, Worker(user_id, f"{first} {last}".strip()))
    ids = list(workers)

    # Sessions due: allocations, policies and holidays (queries 2-4).
    policies = {p.site_id: p for p in Policy.objects.filter(site_id__in=site_ids)}
    holidays = defaultdict(list)
    for site_id, a, b in Holiday.objects.filter(
        site_id__in=site_ids, ends_on__gte=start, starts_on__lte=end
    ).values_list("site_id", "starts_on", "ends_on"):
        holidays[site_id].append((a, b))
    for site in sites:  # a school's bank holidays stop its clock too (outside its own holidays)
        if site.is_school:
            own = list(holidays[site.pk])
            holidays[site.pk] += [
                (d, d)
                for d, _ in bankholidays.between(site.region, start, end)
                if not any(a <= d <= b for a, b in own)
            ]
    last_day = min(end, today)
    for staff_id, child_id, site_id, a, b in (
        KeyWorkerAllocation.objects.filter(
            staff_id__in=ids,
            kind=KeyWorkerAllocation.Kind.PRIMARY,
            child__site_id__in=site_ids,
            starts_on__lte=end,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=start))
        .values_list("staff_id", "child_id", "child__site_id", "starts_on", "ends_on")
    ):
        worker = workers[staff_id]
        worker.children.add(child_id)
        policy = policies.get(site_id) or Policy(**Policy.defaults_for(sites_by_id[site_id]))
        first = max(start, a)
        last = min(last_day, (b - DAY) if b else last_day)
        worker.due += _expected(policy, holidays[site_id], first, last)

    # Submitted records and their automatic scores, by month (query 5).
    for row in (
        KeyWorkSession.objects.filter(
            author_id__in=ids,
            child__site_id__in=site_ids,
            status__in=KeyWorkSession.COUNTED,
            date__gte=start,
            date__lte=end,
        )
        .annotate(month=TruncMonth("date"))
        .values("author_id", "month")
        .annotate(n=Count("pk"), scored=Count("quality_score"), average=Avg("quality_score"))
        .order_by()
    ):
        worker = workers[row["author_id"]]
        worker.done += row["n"]
        if row["scored"]:
            worker.scored += row["scored"]
            worker.score_total += round(row["average"] * row["scored"])
            worker.by_month[row["month"]] = (row["scored"], round(row["average"]))

    # Sessions overdue now, from the compliance engine (query 6).
    for row in (
        Obligation.objects.filter(
            staff_id__in=ids, site_id__in=site_ids, rule=Rule.SESSION, status=Status.OVERDUE
        )
        .values("staff_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        workers[row["staff_id"]].overdue_now = row["n"]

    # Moderation scores per criterion (queries 7-8).
    for row in (
        ModerationScore.objects.filter(
            moderation__author_id__in=ids,
            moderation__site_id__in=site_ids,
            moderation__session__date__gte=start,
            moderation__session__date__lte=end,
        )
        .values("moderation__author_id", "criterion_id")
        .annotate(average=Avg("score"), n=Count("moderation_id", distinct=True))
        .order_by()
    ):
        worker = workers[row["moderation__author_id"]]
        worker.criteria[row["criterion_id"]] = round(float(row["average"]), 1)
        worker.moderated = max(worker.moderated, row["n"])
    used = {c for w in workers.values() for c in w.criteria}
    criteria = list(
        RubricCriterion.objects.filter(Q(is_archived=False) | Q(pk__in=used)).order_by(
            "position", "pk"
        )
    )

    # Targets set in the period, and their outcomes (query 9); the first per child (query 10).
    targets = Target.objects.filter(
        set_in__author_id__in=ids,
        set_in__status__in=KeyWorkSession.COUNTED,
        child__site_id__in=site_ids,
        set_in__date__gte=start,
        set_in__date__lte=end,
    )
    for row in (
        targets.values("set_in__author_id")
        .annotate(
            n=Count("pk"),
            achieved=Count("pk", filter=Q(outcome=Target.Outcome.ACHIEVED)),
            partly=Count("pk", filter=Q(outcome=Target.Outcome.PARTLY)),
        )
        .order_by()
    ):
        worker = workers[row["set_in__author_id"]]
        worker.targets_set = row["n"]
        worker.targets_achieved = row["achieved"]
        worker.targets_partly = row["partly"]
    anchors: dict[int, list[tuple[int, datetime.date]]] = defaultdict(list)
    for author_id, child_id, first in (
        targets.values("set_in__author_id", "child_id")
        .annotate(first=Min("set_in__date"))
        .values_list("set_in__author_id", "child_id", "first")
        .order_by()
    ):
        anchors[author_id].append((child_id, first))
    _trends(workers, anchors, start=start, end=last_day)

    months = _months(start, end)
    for worker in workers.values():
        worker.chart = month_chart(months, worker.by_month)
        worker.criteria_row = [worker.criteria.get(c.pk) for c in criteria]
        worker._criteria = criteria
    return Performance(
        start=start,
        end=end,
        workers=sorted(workers.values(), key=lambda w: (w.name.lower(), w.user_id)),
        criteria=criteria,
        months=months,
    )


def _day(value) -> datetime.date:
    """A week truncated in the database: a datetime for a timestamp column, a date for a date."""
    return value.date() if isinstance(value, datetime.datetime) else value


def _trends(workers, anchors, *, start, end) -> None:
    """Negative slips a week and attendance %, before and since the first target (queries 11-12)."""
    child_ids = {c for rows in anchors.values() for c, _ in rows}
    if not child_ids:
        return
    window_start = start - datetime.timedelta(weeks=BEFORE_WEEKS + 1)
    slips: dict[int, dict] = defaultdict(dict)
    for row in (
        Slip.objects.filter(
            child_id__in=child_ids,
            kind__in=NEGATIVE_KINDS,
            retracted_at__isnull=True,
            occurred_at__date__gte=window_start,
            occurred_at__date__lte=end,
        )
        .annotate(week=TruncWeek("occurred_at"))
        .values("child_id", "week")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        slips[row["child_id"]][_day(row["week"])] = row["n"]
    marks: dict[int, dict] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for row in (
        AttendanceMark.objects.filter(child_id__in=child_ids, date__gte=window_start, date__lte=end)
        .annotate(week=TruncWeek("date"))
        .values("child_id", "week", "code")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        code = codes.CODES.get(row["code"])
        if code is None or not code.is_possible:
            continue
        cell = marks[row["child_id"]][_day(row["week"])]
        cell[1] += row["n"]
        if code.counts_as_attendance:
            cell[0] += row["n"]
    last_week = end - datetime.timedelta(days=end.weekday())
    for author_id, rows in anchors.items():
        worker = workers[author_id]
        slips_before = slips_after = weeks_before = weeks_after = 0
        att = [0, 0, 0, 0]  # attended before, possible before, attended after, possible after
        for child_id, anchor in rows:
            anchor_week = anchor - datetime.timedelta(days=anchor.weekday())
            before = [anchor_week - datetime.timedelta(weeks=k) for k in range(BEFORE_WEEKS, 0, -1)]
            after = []
            week = anchor_week
            while week <= last_week:
                after.append(week)
                week += datetime.timedelta(weeks=1)
            counts = slips.get(child_id, {})
            slips_before += sum(counts.get(w, 0) for w in before)
            slips_after += sum(counts.get(w, 0) for w in after)
            weeks_before += len(before)
            weeks_after += len(after)
            for w in before:
                a, p = marks[child_id].get(w, (0, 0))
                att[0] += a
                att[1] += p
            for w in after:
                a, p = marks[child_id].get(w, (0, 0))
                att[2] += a
                att[3] += p
        worker.slips = Trend(
            round(slips_before / weeks_before, 1) if weeks_before else None,
            round(slips_after / weeks_after, 1) if weeks_after else None,
        )
        worker.attendance = Trend(_percent(att[0], att[1]), _percent(att[2], att[3]))


def month_chart(months, by_month, *, width: int = 180, height: int = 64) -> dict:
    """Bar geometry of a small server-drawn SVG chart (as the compliance dashboard draws its
    on-time chart: no script, no CDN): the average automatic score of each month, 0 to 100;
    ``empty`` when no month has a record."""
    top, bottom = 10, 14
    count = max(1, len(months))
    gap = 2
    bar = max(2.0, (width - gap * count) / count)
    bars = []
    for i, month in enumerate(months):
        n, value = by_month.get(month, (0, None))
        h = 0 if value is None else (height - top - bottom) * value / 100
        x = i * (bar + gap)
        bars.append(
            {
                "x": round(x, 1),
                "y": round(height - bottom - h, 1),
                "w": round(bar, 1),
                "h": round(h, 1),
                "value": value,
                "records": n,
                "label": month.strftime("%b %Y"),
                "short": month.strftime("%b")[0],
                "text_x": round(x + bar / 2, 1),
                "band": ""
                if value is None
                else ("good" if value >= 80 else "fair" if value >= 60 else "poor"),
            }
        )
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "base": height - bottom,
        "empty": all(b["value"] is None for b in bars),
        "empty_message": "No records in these months.",
    }


CSV_HEADER = [
    "Key worker",
    "Children",
    "Sessions due",
    "Sessions done",
    "Sessions overdue now",
    "Average automatic score",
    "Records moderated",
]


def csv_rows(result: Performance) -> list[list]:
    header = CSV_HEADER + [f"Moderation: {c.name} (1-4)" for c in result.criteria]
    header += [
        "Targets set",
        "Targets achieved",
        "Targets partly achieved",
        "Negative slips a week before targets",
        "Negative slips a week since",
        "Attendance % before targets",
        "Attendance % since",
    ]
    rows = [header]
    for w in result.workers:
        rows.append(
            [
                w.name,
                len(w.children),
                w.sessions_due,
                w.done,
                w.overdue_now,
                "" if w.auto_average is None else w.auto_average,
                w.moderated,
                *["" if v is None else v for v in w.criteria_row],
                w.targets_set,
                w.targets_achieved,
                w.targets_partly,
                *["" if v is None else v for v in (w.slips.before, w.slips.after)],
                *["" if v is None else v for v in (w.attendance.before, w.attendance.after)],
            ]
        )
    return rows
