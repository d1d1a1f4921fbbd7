"""The key-work summary frozen into each school key-work session record: slips by week and type,
points against the target, attendance and its patterns for the period."""

import datetime

from django.db.models import Count, Sum
from django.db.models.functions import TruncWeek

from people.models import Child

from .. import patterns, periods
from ..models import (
    NEGATIVE_KINDS,
    ClassPoints,
    Kind,
    Slip,
)
from .attendance import child_patterns, marks_for, pattern_window
from .base import day_bounds, weekly_target

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
