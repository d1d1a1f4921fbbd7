"""Date-range presets for slip lists and summaries: last fortnight, since the last key-work session,
this half term (a school's) or this month (a children's home's: it keeps no terms), or custom
dates. Days are the site's days (``site_today``)."""

import datetime
from dataclasses import dataclass

from tenancy.hooks import collect
from tenancy.timeutils import site_today

FORTNIGHT = "fortnight"
SINCE_SESSION = "since_session"
HALF_TERM = "half_term"
MONTH = "month"
CUSTOM = "custom"
YEAR = "year"
PRESETS = [
    (FORTNIGHT, "Last fortnight"),
    (SINCE_SESSION, "Since the last key-work session"),
    (HALF_TERM, "This half term"),
    (MONTH, "This month"),
    (CUSTOM, "Custom dates"),
]


def presets(words, *, summary: bool = False) -> list[tuple[str, str]]:
    """The presets in the words of the sites (behaviour.words): a school's half term, a home's
    month; both for a person at both. ``summary``: with the whole year (a school year, or a
    home's last 12 months)."""
    out = [
        (key, label)
        for key, label in PRESETS
        if (key != HALF_TERM or words.schools) and (key != MONTH or words.homes)
    ]
    if summary:
        out.append((YEAR, "This school year" if words.schools else "The last 12 months"))
    return out


@dataclass
class Period:
    start: datetime.date
    end: datetime.date
    label: str
    note: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


# Asked of the apps above (``tenancy.hooks.collect``): handlers take ``child`` and return the dates
# of its last counted key-work session (``sessions_app`` subscribes in its ready()).
LAST_SESSION_DATE = "behaviour.last_session_date"


def last_session_date(child) -> datetime.date | None:
    """The date of the child's last key-work session, as the sessions app answers it (``None``
    when there is none, or no app answers)."""
    return max(collect(LAST_SESSION_DATE, child=child), default=None)


def half_term_start(site, day: datetime.date) -> datetime.date:
    """The first day of the half term ``day`` falls in, by the site's own term calendar (kept by
    compliance, read through tenancy.siterules), England's default where the site keeps none."""
    from tenancy.siterules import half_term

    return half_term([site.pk], day)[0]


def resolve(
    preset: str | None,
    *,
    site,
    child=None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Period:
    today = site_today(site)
    fortnight = Period(today - datetime.timedelta(days=13), today, "Last fortnight")
    if preset == SINCE_SESSION:
        last = last_session_date(child) if child is not None else None
        if last is None:
            fortnight.note = (
                "No earlier key-work session is recorded"
                + ("" if child is not None else " (choose one child)")
                + ", so this shows the last fortnight."
            )
            return fortnight
        return Period(last, today, f"Since the last key-work session ({last:%-d %b %Y})")
    if preset == HALF_TERM and site.is_school:
        begun = min(half_term_start(site, today), today)
        return Period(begun, today, f"This half term (from {begun:%-d %b})")
    if preset in (HALF_TERM, MONTH):  # a children's home keeps months, not terms
        begun = today.replace(day=1)
        return Period(begun, today, f"This month (from {begun:%-d %b})")
    if preset == CUSTOM and (start or end):
        start = start or (end - datetime.timedelta(days=13))
        end = end or today
        return Period(start, end, f"{start:%-d %b %Y} to {end:%-d %b %Y}")
    return fortnight


def weeks(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    first = start - datetime.timedelta(days=start.weekday())
    out = []
    while first <= end:
        out.append(first)
        first += datetime.timedelta(days=7)
    return out


def weekdays_covered(monday: datetime.date, start: datetime.date, end: datetime.date) -> int:
    """How many of the week's five weekdays (Monday ``monday`` to Friday) lie within ``start`` ..
    ``end``: 5 for a complete week, fewer for a part week at either end of a period."""
    return sum(1 for i in range(5) if start <= monday + datetime.timedelta(days=i) <= end)
