"""What every behaviour read shares: the site's day bounds in its own time zone, the children on
roll on a day, the site's weekly points target and the patterns window (weeks)."""

import datetime
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from people.models import Child
from tenancy.models import Site

from ..models import (
    DEFAULT_WEEKLY_POINTS_TARGET,
    PointsSettings,
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


def weekly_target(site: Site) -> int:
    found = PointsSettings.objects.filter(site=site).values_list("weekly_target", flat=True)
    return next(iter(found), DEFAULT_WEEKLY_POINTS_TARGET)
