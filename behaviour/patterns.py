"""Pattern detectors: pure functions over plain rows, so they are tested with planted and clean data.

Each returns ``Pattern`` objects a key worker can read aloud: what was seen, on which dates, and what
to do about it. Thresholds are chosen so that scattered, random absences raise nothing.
"""

import datetime
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from . import codes

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# Same weekday: absent on at least this many of that weekday, and on at least this share of them,
# and at least twice as often as on the other weekdays.
WEEKDAY_MIN_DAYS = 3
WEEKDAY_MIN_SHARE = 0.6
WEEKDAY_MIN_RATIO = 2.0
LATES_MIN = 3
MIN_SESSIONS_FOR_RATE = 10
RISING_MIN_LATE = 4
RISING_MAX_CHANCE = 0.02
BELOW_RADAR_SHARE = 0.6

APPOINTMENT_WORDS = re.compile(
    r"\b(appointment|appt|doctor|dentist|dental|gp|hospital|clinic|orthodont\w*|optician)\b", re.I
)


@dataclass
class Pattern:
    kind: str
    severity: str  # "alert" (act now), "warning" (watch), "office" (a coding error to raise)
    title: str
    detail: str
    dates: list[datetime.date] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "title": self.title,
            "detail": self.detail,
            "dates": [d.isoformat() for d in self.dates],
        }


@dataclass(frozen=True)
class MarkRow:
    date: datetime.date
    session: str
    code: str
    note: str = ""


@dataclass(frozen=True)
class AppointmentRow:
    date: datetime.date
    session: str
    kind: str


def tally(marks: list[MarkRow]) -> codes.Tally:
    result = codes.Tally(by_code={})
    for mark in marks:
        result.add(mark.code)
    return result


def _fmt(day: datetime.date) -> str:
    return f"{day.day} {day:%b}"


def same_weekday_absence(marks: list[MarkRow]) -> list[Pattern]:
    possible_days: dict[int, set] = defaultdict(set)
    absent_days: dict[int, set] = defaultdict(set)
    for mark in marks:
        code = codes.CODES[mark.code]
        if not code.is_possible:
            continue
        wd = mark.date.weekday()
        possible_days[wd].add(mark.date)
        if code.is_absence:
            absent_days[wd].add(mark.date)
    found = []
    for wd in sorted(possible_days):
        days, absent = len(possible_days[wd]), len(absent_days[wd])
        if absent < WEEKDAY_MIN_DAYS or absent / days < WEEKDAY_MIN_SHARE:
            continue
        other_days = sum(len(possible_days[o]) for o in possible_days if o != wd)
        other_absent = sum(len(absent_days[o]) for o in absent_days if o != wd)
        other_rate = other_absent / other_days if other_days else 0.0
        if other_rate and absent / days < WEEKDAY_MIN_RATIO * other_rate:
            continue
        dates = sorted(absent_days[wd])
        found.append(
            Pattern(
                kind="same_weekday",
                severity="alert",
                title=f"Absent on {absent} of {days} {WEEKDAYS[wd]}s",
                detail=(
                    f"Absent on {WEEKDAYS[wd]}s far more than on other days "
                    f"({round(100 * absent / days)}% against {round(100 * other_rate)}%): "
                    + ", ".join(_fmt(d) for d in dates)
                    + ". Ask the family what happens on that day."
                ),
                dates=dates,
            )
        )
    return found


def repeated_lates(marks: list[MarkRow]) -> list[Pattern]:
    lates = sorted(m.date for m in marks if codes.CODES[m.code].late)
    if len(lates) < LATES_MIN:
        return []
    after_close = sum(1 for m in marks if m.code == "U")
    return [
        Pattern(
            kind="lates",
            severity="warning",
            title=f"Late {len(lates)} times",
            detail=(
                f"Late on {', '.join(_fmt(d) for d in lates)}"
                + (
                    f" ({after_close} after the register closed, counted as absence)"
                    if after_close
                    else ""
                )
                + "."
            ),
            dates=lates,
        )
    ]


def absence_rate(marks: list[MarkRow]) -> list[Pattern]:
    t = tally(marks)
    if t.possible < MIN_SESSIONS_FOR_RATE or t.band not in ("persistent", "severe"):
        return []
    if t.band == "severe":
        title = f"Severe absence: {t.percent}% attendance"
        detail = (
            f"Below {codes.SEVERE_BELOW:g}% of possible sessions ({t.attended} of {t.possible})."
        )
        severity = "alert"
    else:
        title = f"Persistent absence: {t.percent}% attendance"
        detail = f"Below {codes.PERSISTENT_BELOW:g}% of possible sessions ({t.attended} of {t.possible})."
        severity = "warning"
    return [Pattern(kind=t.band, severity=severity, title=title, detail=detail)]


def coding_errors(marks: list[MarkRow], appointments: list[AppointmentRow]) -> list[Pattern]:
    by_session = {(m.date, m.session): m for m in marks}
    found: list[Pattern] = []
    flagged: set[tuple] = set()
    for appt in sorted(appointments, key=lambda a: a.date):
        sessions = [appt.session] if appt.session else ["AM", "PM"]
        for session in sessions:
            mark = by_session.get((appt.date, session))
            if mark and mark.code in codes.MEDICAL_MISCODES and (mark.date, session) not in flagged:
                flagged.add((mark.date, session))
                found.append(_miscode(mark, f"a {appt.kind} appointment was logged for that day"))
    for mark in marks:
        if (
            mark.code in codes.MEDICAL_MISCODES
            and APPOINTMENT_WORDS.search(mark.note or "")
            and (mark.date, mark.session) not in flagged
        ):
            flagged.add((mark.date, mark.session))
            found.append(_miscode(mark, f"the register note says “{mark.note}”"))
    return found


def _miscode(mark: MarkRow, why: str) -> Pattern:
    code = codes.CODES[mark.code]
    return Pattern(
        kind="coding_error",
        severity="office",
        title=f"Check the code for {mark.date:%a} {_fmt(mark.date)} {mark.session}",
        detail=(
            f"Marked {code.code} ({code.description}) but {why}: a medical or dental appointment "
            "is usually M (authorised). Raise it with the office."
        ),
        dates=[mark.date],
    )


def attendance_patterns(
    marks: list[MarkRow], appointments: list[AppointmentRow] = ()
) -> list[Pattern]:
    marks = sorted(marks, key=lambda m: (m.date, m.session))
    return (
        same_weekday_absence(marks)
        + absence_rate(marks)
        + repeated_lates(marks)
        + coding_errors(marks, list(appointments))
    )


def rising_incidents(weekly_high: list[int]) -> list[Pattern]:
    """High-level incidents per week, oldest first: flagged when the later half is clearly worse."""
    if len(weekly_high) < 4:
        return []
    half = len(weekly_high) // 2
    early, late = sum(weekly_high[:half]), sum(weekly_high[half:])
    if late < RISING_MIN_LATE or late < 2 * early + 2:
        return []
    # Were the incidents spread evenly, how likely is a split this lopsided? (binomial tail)
    total = early + late
    tail = sum(math.comb(total, k) for k in range(late, total + 1)) / 2**total
    if tail >= RISING_MAX_CHANCE:
        return []
    return [
        Pattern(
            kind="rising_incidents",
            severity="alert",
            title="High-level incidents are rising",
            detail=(
                f"{early} in the first {half} weeks, {late} in the last {len(weekly_high) - half} "
                "weeks. Look at when and where, and review the behaviour plan."
            ),
        )
    ]


def below_radar(*, slips: int, points_total: int, weeks: int, target: int) -> bool:
    """No slips of any kind and few class points: a pupil nobody is noticing."""
    if slips or weeks <= 0:
        return False
    return points_total / weeks < BELOW_RADAR_SHARE * target
