"""Which days a site is open: weekends, the site's own term calendar (holidays and closure days,
kept by ``compliance``) and the bank holidays of the site's region (``tenancy.bankholidays``).

Every due-date computation and every register check reads the calendar through here, so a bank
holiday is a closure everywhere. ``compliance`` owns the term calendar and registers a provider in
its ``AppConfig.ready()`` (``provide_closures``); lower apps (behaviour, contacts, plans) read it
without importing a higher layer.

Shapes:
    Closure(first: date, last: date, name: str, kind: str)     # kind: half_term | holiday |
                                                                 # closure | bank_holiday
    calendars(sites) -> dict[site_id, SiteCalendar]             # one query (the term calendars)
    SiteCalendar.why_closed(day) -> str | None                  # "a Saturday", "Good Friday
                                                                 # (bank holiday)", …
    SiteCalendar.closed_ranges() -> list[(date, date)]          # for compliance.calendar
    next_working_day(day, region) / previous_working_day(day, region) -> date
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from . import bankholidays

DAY = datetime.timedelta(days=1)
BANK_HOLIDAY = "bank_holiday"
# Kinds of closure the term calendar names (compliance.models.Holiday.Kind) and their words.
KIND_WORDS = {
    "half_term": "half-term holiday",
    "holiday": "school holiday",
    "closure": "closure day",
    BANK_HOLIDAY: "bank holiday",
}


@dataclass(frozen=True)
class Closure:
    first: datetime.date
    last: datetime.date
    name: str
    kind: str

    def covers(self, day: datetime.date) -> bool:
        return self.first <= day <= self.last


_provider: Callable[[list[int]], dict[int, list[Closure]]] | None = None


def provide_closures(provider: Callable[[list[int]], dict[int, list[Closure]]]) -> None:
    """Register the function that returns each site's own closures ({site id: [Closure]}) in one
    query. ``compliance`` calls this in ``ready()``."""
    global _provider
    _provider = provider


@dataclass
class SiteCalendar:
    """One site's closed days. ``own`` are the site's term-calendar entries (schools keep one;
    homes are open every day), ``region`` picks the bank-holiday list."""

    region: str = bankholidays.ENGLAND_AND_WALES
    own: list[Closure] = field(default_factory=list)

    def bank_holiday(self, day: datetime.date) -> str | None:
        return bankholidays.bank_holidays(self.region).get(day)

    def closure_on(self, day: datetime.date) -> Closure | None:
        """The site's own closure or the bank holiday on ``day`` (the site's own first)."""
        for closure in self.own:
            if closure.covers(day):
                return closure
        title = self.bank_holiday(day)
        if title:
            return Closure(day, day, title, BANK_HOLIDAY)
        return None

    def why_closed(self, day: datetime.date) -> str | None:
        """Why ``day`` is not a school day ("a Saturday", "Easter holiday (school holiday)",
        "Good Friday (bank holiday)"), or ``None`` on a school day."""
        if day.weekday() >= 5:
            return f"a {day:%A}"
        closure = self.closure_on(day)
        if closure is not None:
            return f"{closure.name} ({KIND_WORDS.get(closure.kind, closure.kind)})"
        return None

    def is_open(self, day: datetime.date) -> bool:
        return self.why_closed(day) is None

    def closed_ranges(self, *, own: bool = True) -> list[tuple[datetime.date, datetime.date]]:
        """(first, last) pairs that stop a term-time clock: the site's own closures (when ``own``)
        and every bank holiday of its region."""
        ranges = [(c.first, c.last) for c in self.own] if own else []
        ranges += [(d, d) for d in bankholidays.bank_holidays(self.region)]
        return sorted(ranges)


def calendars(sites: Iterable) -> dict[int, SiteCalendar]:
    """{site id: SiteCalendar} for ``sites`` (Site objects): one query for the term calendars,
    none when the provider is not registered (then only weekends and bank holidays close)."""
    sites = list(sites)
    own = _provider([s.pk for s in sites]) if (_provider and sites) else {}
    return {
        s.pk: SiteCalendar(region=getattr(s, "region", "") or "", own=own.get(s.pk, []))
        for s in sites
    }


def calendar_for(site) -> SiteCalendar:
    """The calendar of one site (one query)."""
    return calendars([site])[site.pk]


def is_working_day(day: datetime.date, region: str) -> bool:
    """A weekday that is not a bank holiday of ``region`` (offices of social workers, LAs)."""
    return day.weekday() < 5 and day not in bankholidays.bank_holidays(region)


def next_working_day(day: datetime.date, region: str) -> datetime.date:
    """``day`` itself when it is a working day, else the next one."""
    while not is_working_day(day, region):
        day += DAY
    return day


def previous_working_day(day: datetime.date, region: str) -> datetime.date:
    """``day`` itself when it is a working day, else the one before: a statutory deadline that
    falls on a closed day is met by the working day before it, never moved later."""
    while not is_working_day(day, region):
        day -= DAY
    return day
