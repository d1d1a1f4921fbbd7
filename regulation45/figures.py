"""The pack's whole-home figures for a period: incidents per month and their trend, compliance
per rule, the records counted, moderation scores. Each a fixed number of SQL aggregates."""

from __future__ import annotations

import calendar
import datetime
from zoneinfo import ZoneInfo

from django.db.models import Avg, BigIntegerField, Count, Func, Q, QuerySet
from django.db.models.functions import TruncMonth

from behaviour.models import Kind, Slip
from behaviour.selectors import day_bounds
from compliance.models import Rule, Status, StatusChange
from contacts.models import Contact, WeeklyUpdate
from quality.models import Moderation, ModerationScore
from sessions_app.models import KeyWorkSession
from tenancy.models import Site

# The row of tenancy.access.ACCESS_TABLE that decides who reads and writes reviews.
PACK_RULES = [Rule.SESSION, Rule.ROUTINE_CONTACT, Rule.SW_VISIT, Rule.PLAN_REVIEW]
PACK_RULE_LABELS = {
    Rule.SESSION: "Key-work sessions",
    Rule.ROUTINE_CONTACT: "Weekly social-worker updates",
    Rule.SW_VISIT: "Statutory social-worker visits",
    Rule.PLAN_REVIEW: "Plan reviews",
}


# ---- who and where --------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by whole calendar months, clipped to the month's last day (31 Aug + 6 = 28
    or 29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def _period_sessions(site: Site, start, end) -> QuerySet[KeyWorkSession]:
    """Counted sessions (submitted or signed off) with the home's children in the period."""
    return KeyWorkSession.objects.filter(
        child__site=site, date__gte=start, date__lte=end, status__in=KeyWorkSession.COUNTED
    )


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = add_months(day, 1)
    return months


def incidents_by_month(site: Site, start, end) -> dict:
    """Low-level and high-level slips (incidents) at the home per calendar month of the period,
    on the site's clock, retracted slips left out (one query). The trend compares the mean per
    month of the first three months with that of the last three (fewer, more or the same); a
    period shorter than six months is too short to say."""
    tz = ZoneInfo(site.time_zone)
    first, after = day_bounds(site, start, end)
    rows = (
        Slip.objects.filter(
            site=site,
            occurred_at__gte=first,
            occurred_at__lt=after,
            kind__in=[Kind.LOW, Kind.HIGH],
            retracted_at__isnull=True,
        )
        .annotate(month=TruncMonth("occurred_at", tzinfo=tz))
        .values("month")
        .annotate(
            low=Count("pk", filter=Q(kind=Kind.LOW)), high=Count("pk", filter=Q(kind=Kind.HIGH))
        )
        .order_by()
    )  # query: incidents by month
    found = {r["month"].date(): (r["low"], r["high"]) for r in rows}
    months = []
    for month in _months(start, end):
        low, high = found.get(month, (0, 0))
        months.append(
            {"month": f"{month:%Y-%m}", "label": f"{month:%b %Y}", "low": low, "high": high,
             "total": low + high}
        )  # fmt: skip
    totals = [m["total"] for m in months]
    first_mean = last_mean = None
    trend = "too short to say"
    if len(totals) >= 6:
        first_mean = round(sum(totals[:3]) / 3, 2)
        last_mean = round(sum(totals[-3:]) / 3, 2)
        trend = (
            "fewer" if last_mean < first_mean else "more" if last_mean > first_mean else "the same"
        )
    return {
        "months": months,
        "total": sum(totals),
        "first_mean": first_mean,
        "last_mean": last_mean,
        "trend": trend,
    }


class _Item(Func):
    """One obligation falling due on one date as one integer (as compliance's on-time chart
    counts them): obligation id × 100,000 + days since 2000."""

    output_field = BigIntegerField()

    def as_sql(self, compiler, connection, **extra):
        obligation, params = compiler.compile(self.source_expressions[0])
        due_on, more = compiler.compile(self.source_expressions[1])
        return f"({obligation}::bigint * 100000 + ({due_on} - DATE '2000-01-01'))", [
            *params,
            *more,
        ]


def compliance_figures(site: Site, start, end) -> list[dict]:
    """For each rule: the items (child × rule × due date) that fell due in the period, how many
    went overdue, and the share on time, from the status changes the compliance sweep records
    (the on-time chart's definition). One query."""
    rows = {
        r["rule"]: r
        for r in StatusChange.objects.filter(
            site=site, due_on__gte=start, due_on__lte=end, rule__in=PACK_RULES
        )
        .values("rule")
        .annotate(
            due=Count(_Item("obligation_id", "due_on"), distinct=True),
            late=Count("pk", filter=Q(status=Status.OVERDUE)),
        )
        .order_by()
    }  # query: items due and late by rule
    figures = []
    for rule in PACK_RULES:
        due, late = (rows[rule]["due"], rows[rule]["late"]) if rule in rows else (0, 0)
        figures.append(
            {"rule": str(rule), "label": PACK_RULE_LABELS[rule], "due": due, "late": late,
             "on_time": round(100 * (due - late) / due) if due else None}
        )  # fmt: skip
    return figures


def record_counts(site: Site, start, end) -> dict[str, int]:
    """Sessions recorded, weekly social-worker updates sent (weeks starting in the period, not
    addenda) and statutory visits recorded (not retracted) in the period. Three queries."""
    first, after = day_bounds(site, start, end)
    return {
        "sessions": _period_sessions(site, start, end).count(),  # query: sessions
        "weekly_updates": WeeklyUpdate.objects.filter(
            child__site=site,
            week_start__gte=start,
            week_start__lte=end,
            status=WeeklyUpdate.Status.SENT,
            addendum_of__isnull=True,
        ).count(),  # query: updates sent
        "visits": Contact.objects.filter(
            site=site,
            kind=Contact.Kind.VISIT,
            occurred_at__gte=first,
            occurred_at__lt=after,
            retracted_at__isnull=True,
        ).count(),  # query: visits
    }


def moderation_figures(site: Site, start, end) -> dict:
    """Moderations of the home's sessions made in the period: how many, the mean score (1-4) of
    each rubric criterion and over every score. Two queries."""
    first, after = day_bounds(site, start, end)
    moderations = Moderation.objects.filter(site=site, created_at__gte=first, created_at__lt=after)
    count = moderations.count()  # query: moderations
    rows = list(
        ModerationScore.objects.filter(moderation__in=moderations)
        .values("criterion__name", "criterion__position", "criterion_id")
        .annotate(mean=Avg("score"), n=Count("pk"))
        .order_by("criterion__position", "criterion_id")
    )  # query: mean score per criterion
    scores = sum(r["n"] for r in rows)
    mean = round(sum(r["mean"] * r["n"] for r in rows) / scores, 2) if scores else None
    return {
        "count": count,
        "mean": mean,
        "criteria": [
            {"name": r["criterion__name"], "mean": round(r["mean"], 2), "count": r["n"]}
            for r in rows
        ],
    }
