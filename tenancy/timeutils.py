import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone


def site_today(site) -> datetime.date:
    """Today's date where the site is (days change at the site's midnight, not UTC's)."""
    return timezone.localdate(timezone.now(), timezone=ZoneInfo(site.time_zone))
