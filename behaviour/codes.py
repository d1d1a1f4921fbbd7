"""DfE school attendance codes (England, from August 2024) and what each counts as.

A code table in Python, not free text: the register, the import and the arithmetic all read it, so an
unknown code is refused everywhere in the same words. Source: *Working together to improve school
attendance* (DfE, 2024), summarised in DOMAIN.md.
"""

from dataclasses import dataclass
from enum import StrEnum


class Meaning(StrEnum):
    PRESENT = "present"  # attendance
    APPROVED_ACTIVITY = "approved_activity"  # attendance (off site)
    AUTHORISED = "authorised"  # authorised absence
    UNAUTHORISED = "unauthorised"  # unauthorised absence
    NOT_POSSIBLE = "not_possible"  # not counted as a possible session


MEANING_LABELS = {
    Meaning.PRESENT: "Attendance",
    Meaning.APPROVED_ACTIVITY: "Attendance (approved educational activity)",
    Meaning.AUTHORISED: "Authorised absence",
    Meaning.UNAUTHORISED: "Unauthorised absence",
    Meaning.NOT_POSSIBLE: "Not a possible session",
}


@dataclass(frozen=True)
class Code:
    code: str
    description: str
    group: str
    meaning: Meaning
    late: bool = False

    @property
    def meaning_label(self) -> str:
        """What the code counts as, in words (the register's legend)."""
        return MEANING_LABELS[self.meaning]

    @property
    def counts_as_attendance(self) -> bool:
        return self.meaning in (Meaning.PRESENT, Meaning.APPROVED_ACTIVITY)

    @property
    def is_absence(self) -> bool:
        return self.meaning in (Meaning.AUTHORISED, Meaning.UNAUTHORISED)

    @property
    def is_possible(self) -> bool:
        return self.meaning != Meaning.NOT_POSSIBLE

    @property
    def label(self) -> str:
        return f"{self.code} — {self.description}"


PRESENT = "Present"
ACTIVITY = "Attending an approved educational activity"
LEAVE = "Leave of absence (authorised)"
OTHER_AUTH = "Other authorised absence"
UNAUTH = "Unauthorised absence"
UNAVOIDABLE = "Unable to attend (unavoidable cause)"
ADMIN = "Administrative"

_ROWS = [
    ("/", "present (AM)", PRESENT, Meaning.PRESENT, False),
    ("\\", "present (PM)", PRESENT, Meaning.PRESENT, False),
    ("L", "late, arrived before the register closed", PRESENT, Meaning.PRESENT, True),
    ("K", "provision arranged by the local authority", ACTIVITY, Meaning.APPROVED_ACTIVITY, False),
    ("V", "educational visit or trip", ACTIVITY, Meaning.APPROVED_ACTIVITY, False),
    ("P", "approved sporting activity", ACTIVITY, Meaning.APPROVED_ACTIVITY, False),
    ("W", "work experience", ACTIVITY, Meaning.APPROVED_ACTIVITY, False),
    ("B", "other approved educational activity", ACTIVITY, Meaning.APPROVED_ACTIVITY, False),
    ("C1", "regulated performance or employment abroad", LEAVE, Meaning.AUTHORISED, False),
    ("M", "medical or dental appointment", LEAVE, Meaning.AUTHORISED, False),
    ("J1", "interview", LEAVE, Meaning.AUTHORISED, False),
    ("S", "study leave", LEAVE, Meaning.AUTHORISED, False),
    ("C2", "part-time timetable", LEAVE, Meaning.AUTHORISED, False),
    ("C", "exceptional circumstances", LEAVE, Meaning.AUTHORISED, False),
    ("T", "parent travelling for occupational purposes", OTHER_AUTH, Meaning.AUTHORISED, False),
    ("R", "religious observance", OTHER_AUTH, Meaning.AUTHORISED, False),
    ("I", "illness", OTHER_AUTH, Meaning.AUTHORISED, False),
    ("E", "suspended or excluded, no alternative provision", OTHER_AUTH, Meaning.AUTHORISED, False),
    ("G", "holiday not granted by the school", UNAUTH, Meaning.UNAUTHORISED, False),
    ("U", "arrived after the register closed", UNAUTH, Meaning.UNAUTHORISED, True),
    ("O", "other or unknown circumstances", UNAUTH, Meaning.UNAUTHORISED, False),
    ("N", "reason not yet provided", UNAUTH, Meaning.UNAUTHORISED, False),
    ("Q", "lack of access arrangements", UNAVOIDABLE, Meaning.NOT_POSSIBLE, False),
    ("Y1", "transport not available", UNAVOIDABLE, Meaning.NOT_POSSIBLE, False),
    ("Y2", "widespread travel disruption", UNAVOIDABLE, Meaning.NOT_POSSIBLE, False),
    ("Y3", "part of the premises closed", UNAVOIDABLE, Meaning.NOT_POSSIBLE, False),
    ("Y4", "whole site unexpectedly closed", UNAVOIDABLE, Meaning.NOT_POSSIBLE, False),
    ("Y5", "criminal-justice detention", UNAVOIDABLE, Meaning.NOT_POSSIBLE, False),
    ("Y6", "public-health guidance or law", UNAVOIDABLE, Meaning.NOT_POSSIBLE, False),
    ("Y7", "any other unavoidable cause", UNAVOIDABLE, Meaning.NOT_POSSIBLE, False),
    (
        "X",
        "not of compulsory school age, not required to attend",
        ADMIN,
        Meaning.NOT_POSSIBLE,
        False,
    ),
    ("D", "dual registered, at another school", ADMIN, Meaning.NOT_POSSIBLE, False),
    ("Z", "prospective pupil, not yet on roll", ADMIN, Meaning.NOT_POSSIBLE, False),
    ("#", "planned whole-school closure", ADMIN, Meaning.NOT_POSSIBLE, False),
]

CODES: dict[str, Code] = {row[0]: Code(*row) for row in _ROWS}
CHOICES = [(c.code, c.label) for c in CODES.values()]
GROUPS = [PRESENT, ACTIVITY, LEAVE, OTHER_AUTH, UNAUTH, UNAVOIDABLE, ADMIN]

# Codes a missed medical appointment is often wrongly recorded as (should usually be M).
MEDICAL_MISCODES = {"I", "O", "N"}

PERSISTENT_BELOW = 90.0
SEVERE_BELOW = 50.0


def lookup(code: str) -> Code | None:
    """The code as typed in a register or an MIS export (case and spaces forgiven)."""
    code = (code or "").strip()
    return CODES.get(code) or CODES.get(code.upper())


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    return [(g, [(c.code, c.label) for c in CODES.values() if c.group == g]) for g in GROUPS]


@dataclass
class Tally:
    """Attendance arithmetic over a set of marks: attendance % = attended ÷ possible sessions."""

    possible: int = 0
    attended: int = 0
    authorised: int = 0
    unauthorised: int = 0
    not_possible: int = 0
    lates: int = 0
    by_code: dict | None = None

    def add(self, code: str, n: int = 1) -> None:
        c = CODES[code]
        if self.by_code is None:
            self.by_code = {}
        self.by_code[code] = self.by_code.get(code, 0) + n
        if c.late:
            self.lates += n
        if not c.is_possible:
            self.not_possible += n
            return
        self.possible += n
        if c.counts_as_attendance:
            self.attended += n
        elif c.meaning == Meaning.AUTHORISED:
            self.authorised += n
        else:
            self.unauthorised += n

    @property
    def percent(self) -> float | None:
        return round(100.0 * self.attended / self.possible, 1) if self.possible else None

    def pct_of_possible(self, n: int) -> float | None:
        return round(100.0 * n / self.possible, 1) if self.possible else None

    @property
    def band(self) -> str:
        pct = self.percent
        if pct is None:
            return "none"
        if pct < SEVERE_BELOW:
            return "severe"
        if pct < PERSISTENT_BELOW:
            return "persistent"
        return "ok"

    def as_dict(self) -> dict:
        return {
            "possible_sessions": self.possible,
            "attended_sessions": self.attended,
            "authorised_absence_sessions": self.authorised,
            "unauthorised_absence_sessions": self.unauthorised,
            "not_possible_sessions": self.not_possible,
            "lates": self.lates,
            "attendance_percent": self.percent,
            "band": self.band,
            "by_code": dict(sorted((self.by_code or {}).items())),
        }
