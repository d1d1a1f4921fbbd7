"""What the contact reads share: the site's day bounds and weeks, and each site's contact rules
(``ContactSettings``, or the unsaved defaults)."""

import datetime
from zoneinfo import ZoneInfo

from behaviour.models import week_start
from tenancy.models import Site

from ..models import (
    ContactSettings,
)

# ---- time -------------------------------------------------------------------------------------


def day_bounds(site: Site, start: datetime.date, end: datetime.date):
    """Aware datetimes from the start of ``start`` to the end of ``end`` in the site's time zone."""
    tz = ZoneInfo(site.time_zone)
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
    )


def week_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday to Sunday of the week ``day`` falls in."""
    monday = week_start(day)
    return monday, monday + datetime.timedelta(days=6)


# ---- settings ---------------------------------------------------------------------------------


def settings_for(site: Site) -> ContactSettings:
    """The site's rules, or the defaults (unsaved) when the site has never set any."""
    found = ContactSettings.objects.filter(site=site).first()
    return found or ContactSettings(site=site, organisation_id=site.organisation_id)


def settings_by_site(site_ids) -> dict[int, ContactSettings]:
    return {s.site_id: s for s in ContactSettings.objects.filter(site_id__in=site_ids)}
