"""The pack's whole-home figures for a period: incidents per month and their trend, compliance
per rule (regulation45.duties), the records counted, moderation scores. Each a fixed number of
SQL aggregates."""

from __future__ import annotations

import calendar
import datetime
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from behaviour.models import Kind, Slip
from behaviour.selectors import day_bounds
from contacts.models import Contact
from quality.models import Moderation, ModerationScore
from sessions_app.models import KeyWorkSession
from tenancy.models import Site

# The compliance table is replayed from the records (regulation45.duties).
from .duties import PACK_RULE_LABELS, PACK_RULES, compliance_figures  # noqa: F401

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
        "low": sum(m["low"] for m in months),
        "high": sum(m["high"] for m in months),
        "total": sum(totals),
        "first_mean": first_mean,
        "last_mean": last_mean,
        "trend": trend,
    }


def record_counts(site: Site, start, end) -> dict[str, int]:
    """Sessions recorded, weekly social-worker updates sent (not addenda) and statutory visits
    recorded in the period, on the home's calendar, retracted contacts left out: the contacts
    list filtered to the home, the purpose or kind and the same dates counts the same. Two
    queries."""
    first, after = day_bounds(site, start, end)
    contacts = Contact.objects.filter(
        site=site, occurred_at__gte=first, occurred_at__lt=after, retracted_at__isnull=True
    ).aggregate(
        weekly_updates=Count("pk", filter=Q(purpose=Contact.Purpose.WEEKLY_UPDATE)),
        visits=Count("pk", filter=Q(kind=Contact.Kind.VISIT)),
    )  # query: updates sent and visits recorded
    return {
        "sessions": _period_sessions(site, start, end).count(),  # query: sessions
        "weekly_updates": contacts["weekly_updates"],
        "visits": contacts["visits"],
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
        "scores": scores,
        "criteria": [
            {"name": r["criterion__name"], "mean": round(r["mean"], 2), "count": r["n"]}
            for r in rows
        ],
    }
