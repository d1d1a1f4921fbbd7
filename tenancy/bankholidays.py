"""The UK's bank holidays, from GOV.UK's list kept in the repository (``tenancy/data/
bank-holidays.json``, in the shape of https://www.gov.uk/bank-holidays.json, with the day it was
retrieved). ``python manage.py refresh_bank_holidays`` replaces the file with GOV.UK's current list.

Shapes:
    REGIONS: the site regions GOV.UK publishes a list for (England and Wales, Scotland, Northern
        Ireland), as (value, label) pairs for a choice field.
    bank_holidays(region) -> dict[date, str]        # every listed day -> its title
    between(region, first, last) -> list[(date, str)]
    retrieved_on() -> date                          # when the file was last refreshed
    parse(document: dict) -> dict[str, dict[date, str]]   # raises ValueError on a bad document

Source of the rule: GOV.UK "UK bank holidays" (substitute days are the listed dates; a bank
holiday on a weekend is listed on the weekday that replaces it)."""

from __future__ import annotations

import datetime
import json
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "bank-holidays.json"
SOURCE_URL = "https://www.gov.uk/bank-holidays.json"
ENGLAND_AND_WALES = "england-and-wales"
SCOTLAND = "scotland"
NORTHERN_IRELAND = "northern-ireland"
REGIONS = [
    (ENGLAND_AND_WALES, "England and Wales"),
    (SCOTLAND, "Scotland"),
    (NORTHERN_IRELAND, "Northern Ireland"),
]


def parse(document: dict) -> dict[str, dict[datetime.date, str]]:
    """{region: {date: title}} from a GOV.UK bank-holidays document. Raises ``ValueError`` when a
    region is missing or an event has no ISO date or title (a refresh never writes such a file)."""
    if not isinstance(document, dict):
        raise ValueError("The bank-holiday list is not a JSON object.")
    found: dict[str, dict[datetime.date, str]] = {}
    for region, _label in REGIONS:
        division = document.get(region)
        if not isinstance(division, dict) or not isinstance(division.get("events"), list):
            raise ValueError(f"The bank-holiday list has no events for {region}.")
        days = {}
        for event in division["events"]:
            try:
                day = datetime.date.fromisoformat(event["date"])
                title = str(event["title"]).strip()
            except (KeyError, TypeError, ValueError) as error:
                raise ValueError(
                    f"A {region} event is not a dated bank holiday: {event!r}"
                ) from error
            if not title:
                raise ValueError(f"The {region} bank holiday on {day} has no title.")
            days[day] = title
        if not days:
            raise ValueError(f"The bank-holiday list for {region} is empty.")
        found[region] = days
    return found


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, dict[datetime.date, str]], datetime.date]:
    document = json.loads(DATA.read_text(encoding="utf-8"))
    return parse(document), datetime.date.fromisoformat(document["_retrieved"])


def reload() -> None:
    """Forget the cached list (after a refresh, and in tests)."""
    _load.cache_clear()


def bank_holidays(region: str = ENGLAND_AND_WALES) -> dict[datetime.date, str]:
    """Every bank holiday of ``region`` in the shipped list: {date: title}. An unknown region is
    England and Wales (the default of every site)."""
    lists = _load()[0]
    return lists.get(region) or lists[ENGLAND_AND_WALES]


def between(
    region: str, first: datetime.date, last: datetime.date
) -> list[tuple[datetime.date, str]]:
    """The bank holidays of ``region`` from ``first`` to ``last`` inclusive, in date order."""
    return sorted((d, t) for d, t in bank_holidays(region).items() if first <= d <= last)


def retrieved_on() -> datetime.date:
    """The day the shipped list was retrieved."""
    return _load()[1]


def write(document: dict, retrieved: datetime.date) -> int:
    """Validate ``document`` and store it as the shipped list; returns the number of events."""
    parsed = parse(document)
    stored = {
        "_source": SOURCE_URL,
        "_retrieved": retrieved.isoformat(),
        **{region: document[region] for region, _ in REGIONS},
    }
    DATA.write_text(json.dumps(stored, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    reload()
    return sum(len(days) for days in parsed.values())
