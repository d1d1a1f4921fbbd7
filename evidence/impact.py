"""Pure arithmetic of the impact measures: the before and after windows of a target, rates a
week, and the 95% confidence interval of a mean change. No queries (selectors.py feeds it).

The rule (issue 20.1): a window before the target was set and the same window after (default four
weeks each). In a school a week is five school days: a window is 20 school days (Monday to Friday,
not in the site's holidays from compliance's term calendar), so a window that meets a holiday
reaches past it and the holiday's days count for nothing. In a children's home a window is 28
calendar days. Only days the child was on roll and that have happened count; a window with fewer
than half its days counted shows "too little data" rather than a figure.
"""

import datetime
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

DAY = datetime.timedelta(days=1)
WEEKS = 4
SCHOOL_WEEK = 5  # school days a week
HOME_WEEK = 7
MIN_SHARE = 0.5  # of a window's days, counted, to show a figure
MIN_POSSIBLE_SESSIONS = 10  # attendance: register sessions (five school days) to show a percentage
MIN_CHILDREN = 5  # What works: no figure from fewer children

# Two-sided 95% critical values of Student's t by degrees of freedom (standard tables; 1.96 for
# large samples, the normal limit).
T95 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
    10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110,
    18: 2.101, 19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060,
    26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980,
}  # fmt: skip


def t95(df: int) -> float:
    """The 95% two-sided t critical value for ``df`` degrees of freedom (the next lower tabled
    df between 30 and 120, 1.96 beyond)."""
    if df in T95:
        return T95[df]
    if df > 120:
        return 1.96
    return T95[max(k for k in T95 if k <= df)]


@dataclass(frozen=True)
class Window:
    """Days ``first``..``last`` (inclusive) of a window, and how many of them count: ``days`` of
    the window's full length ``length`` (school days or calendar days)."""

    first: datetime.date
    last: datetime.date
    days: int
    length: int
    week: int  # days in a week of this kind (5 school, 7 home)

    @property
    def enough(self) -> bool:
        return self.days >= self.length * MIN_SHARE

    def per_week(self, count: float) -> float | None:
        """``count`` events in the counted days as a rate a week; None with too little data."""
        if not self.enough:
            return None
        return count * self.week / self.days


def _holiday(day: datetime.date, holidays) -> bool:
    return any(first <= day <= last for first, last in holidays)


def is_counted(day: datetime.date, *, school: bool, holidays) -> bool:
    """A school day (Monday to Friday, not in a holiday) in a school; any day in a home."""
    if not school:
        return True
    return day.weekday() < 5 and not _holiday(day, holidays)


def windows(
    set_on: datetime.date,
    *,
    school: bool,
    holidays: Iterable[tuple[datetime.date, datetime.date]] = (),
    on_roll: tuple[datetime.date, datetime.date | None] | None = None,
    today: datetime.date,
    weeks: int = WEEKS,
) -> tuple[Window, Window]:
    """The window before ``set_on`` (ending the day before) and after (from ``set_on``), each
    ``weeks`` weeks of school days (schools) or calendar days (homes). ``holidays``: (first, last)
    day pairs of the site's holidays. ``on_roll``: the child's start and leaving dates; days
    outside it, and days after ``today``, are not counted (the window keeps its length)."""
    holidays = sorted(holidays)
    week = SCHOOL_WEEK if school else HOME_WEEK
    length = weeks * week
    start, leaving = on_roll or (datetime.date.min, None)

    def counts(day):
        return (
            day >= start
            and (leaving is None or day <= leaving)
            and day <= today
            and is_counted(day, school=school, holidays=holidays)
        )

    def walk(day, step):
        found, counted, first = 0, 0, day
        limit = 0
        while found < length and limit < 400:  # bounded: a year of holidays at most
            if is_counted(day, school=school, holidays=holidays):
                found += 1
                counted += counts(day)
                first = day
            day += step
            limit += 1
        return first, counted

    before_first, before_days = walk(set_on - DAY, -DAY)
    after_last, after_days = walk(set_on, DAY)
    return (
        Window(before_first, set_on - DAY, before_days, length, week),
        Window(set_on, after_last, after_days, length, week),
    )


@dataclass(frozen=True)
class Interval:
    """A mean change with its 95% t-interval over per-child changes; ``mean`` None = too few."""

    n: int
    mean: float | None
    low: float | None
    high: float | None


def mean_interval(values: list[float], *, min_n: int = MIN_CHILDREN) -> Interval:
    """Mean of ``values`` (one per child) and its 95% Student's t confidence interval,
    mean ± t(n-1) · s/√n with s the sample standard deviation. Fewer than ``min_n`` values: no
    figure (mean None), "too few to say"."""
    n = len(values)
    if n < min_n or n < 2:
        return Interval(n, None, None, None)
    mean = statistics.fmean(values)
    half = t95(n - 1) * statistics.stdev(values) / math.sqrt(n)
    return Interval(n, mean, mean - half, mean + half)
