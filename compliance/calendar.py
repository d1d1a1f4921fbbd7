"""Pure date arithmetic for the rules: clocks that stop during school holidays, the pace of N
sessions a calendar month, and the default term calendar for England."""

import calendar
import datetime
import math
from collections.abc import Iterable

DAY = datetime.timedelta(days=1)

# A school holiday as (name, kind, first day, last day). Weekends either side are included so the
# clock stops for the whole break. A typical English local authority's pattern: each school edits.
ENGLAND_DEFAULT = [
    ("Autumn half term", "half_term", "2025-10-25", "2025-11-02"),
    ("Christmas holiday", "holiday", "2025-12-20", "2026-01-04"),
    ("February half term", "half_term", "2026-02-14", "2026-02-22"),
    ("Easter holiday", "holiday", "2026-03-28", "2026-04-12"),
    ("May half term", "half_term", "2026-05-23", "2026-05-31"),
    ("Summer holiday", "holiday", "2026-07-22", "2026-09-01"),
    ("Autumn half term", "half_term", "2026-10-24", "2026-11-01"),
    ("Christmas holiday", "holiday", "2026-12-19", "2027-01-03"),
    ("February half term", "half_term", "2027-02-13", "2027-02-21"),
    ("Easter holiday", "holiday", "2027-03-27", "2027-04-11"),
    ("May half term", "half_term", "2027-05-29", "2027-06-06"),
    ("Summer holiday", "holiday", "2027-07-22", "2027-09-01"),
    ("Autumn half term", "half_term", "2027-10-23", "2027-10-31"),
    ("Christmas holiday", "holiday", "2027-12-18", "2028-01-03"),
    ("February half term", "half_term", "2028-02-12", "2028-02-20"),
    ("Easter holiday", "holiday", "2028-04-01", "2028-04-17"),
    ("May half term", "half_term", "2028-05-27", "2028-06-04"),
    ("Summer holiday", "holiday", "2028-07-21", "2028-09-03"),
]
# Kinds of holiday that end a half term (a closure day does not).
BREAKS = ("half_term", "holiday")


def england_default() -> list[tuple[str, str, datetime.date, datetime.date]]:
    return [
        (name, kind, datetime.date.fromisoformat(a), datetime.date.fromisoformat(b))
        for name, kind, a, b in ENGLAND_DEFAULT
    ]


def add_term_days(
    anchor: datetime.date,
    days: int,
    holidays: Iterable[tuple[datetime.date, datetime.date]],
) -> datetime.date:
    """``days`` after ``anchor`` with the clock stopped on every holiday day in between (a due date
    that would fall in a holiday moves past it). ``holidays``: (first day, last day) pairs."""
    due = anchor + datetime.timedelta(days=days)
    for first, last in sorted(holidays):
        if last <= anchor:
            continue
        if first > due:
            break
        start = max(first, anchor + DAY)
        due += datetime.timedelta(days=(last - start).days + 1)
    return due


def skip_closed(
    due: datetime.date, closed: Iterable[tuple[datetime.date, datetime.date]]
) -> datetime.date:
    """``due`` moved past every closed (first day, last day) range it falls in: a pace date on a
    bank holiday or a closure day is owed on the next open day."""
    for first, last in sorted(closed):
        if first <= due <= last:
            due = last + DAY
    return due


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month_start(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def monthly_pace_due(today: datetime.date, done_this_month: int, per_month: int) -> datetime.date:
    """The day by which the next session is needed to keep pace with ``per_month`` sessions in the
    calendar month: the k-th is due by day ceil(k x days-in-month / per_month). A 31-day month with
    four a month: the 8th, 16th, 24th and 31st."""
    start = month_start(today)
    if done_this_month >= per_month:
        start = next_month_start(today)
        done_this_month = 0
    days = calendar.monthrange(start.year, start.month)[1]
    day = math.ceil((done_this_month + 1) * days / per_month)
    return start + datetime.timedelta(days=min(day, days) - 1)


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def half_term_bounds(
    day: datetime.date,
    breaks: Iterable[tuple[datetime.date, datetime.date]],
    *,
    in_break: str = "next",
) -> tuple[datetime.date, datetime.date] | None:
    """The half term ``day`` falls in: from the day after the break before it to the day before the
    break after it (``breaks``: the half-term and end-of-term holidays as (first, last) pairs). On a
    day inside a break, the half term that follows it (what is owed next), or with
    ``in_break="previous"`` the one just ended (what a list looks back on). ``None`` when the
    calendar does not reach."""
    breaks = sorted(breaks)
    for first, last in breaks:
        if first <= day <= last:
            day = last + DAY if in_break == "next" else first - DAY
    before = [last for first, last in breaks if last < day]
    after = [first for first, last in breaks if first > day]
    if not before or not after:
        return None
    return max(before) + DAY, min(after) - DAY


def default_breaks() -> list[tuple[datetime.date, datetime.date]]:
    return [(first, last) for _, kind, first, last in england_default() if kind in BREAKS]


def half_term_pace_due(
    bounds: tuple[datetime.date, datetime.date], done: int, per_half_term: int
) -> datetime.date:
    """The day by which the next of ``per_half_term`` sessions is needed to keep pace through the
    half term: the k-th by day ceil(k x length / N). Three in a 42-day half term: days 14, 28, 42."""
    start, end = bounds
    length = (end - start).days + 1
    k = min(done + 1, per_half_term)
    day = math.ceil(k * length / per_half_term)
    return start + datetime.timedelta(days=min(day, length) - 1)
