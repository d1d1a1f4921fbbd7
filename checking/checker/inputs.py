"""What the checker is given: the sections of each kind of record, the organisation's context
(children, staff, places, its own phrases and words) and the nine Quality Standards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class FieldSpec:
    """One section of a record form: what it is called, whether it must be filled, and how much."""

    name: str
    label: str
    kind: str = "text"  # "text" or "targets" (one target a line)
    required: bool = True
    min_words: int = 0
    implied_timeframe: bool = False  # the form itself says "by the next session"
    prose: bool = True  # sentences that end with a full stop (a title does not)


class Person(NamedTuple):
    """A child of the organisation (a named tuple: hashing a thousand of them for the pattern cache
    is then cheap)."""

    first: str
    last: str
    preferred: str = ""
    child_id: int | None = None


@dataclass(frozen=True)
class Context:
    site_kind: str = "school"  # "school" or "home"
    record_kind: str = "note"  # "session", "contact" or "note"
    extra_phrases: tuple[str, ...] = ()
    accepted_words: tuple[str, ...] = ()
    children: tuple[Person, ...] = ()
    staff_names: tuple[str, ...] = ()
    place_names: tuple[str, ...] = ()
    child_id: int | None = None  # the child the record is about
    # Names of the chosen child's recorded family members ("Mr Quinn", "Kerry O'Brien"): their
    # surnames are not another child's, whoever else shares them.
    family_names: tuple[str, ...] = ()
    # The organisation's disclosure language ("hit me", "don't tell anyone"): a record using it
    # gets a suggestion to raise a safeguarding concern (never a deduction, never a block).
    disclosure_phrases: tuple[str, ...] = ()

    @property
    def child_word(self) -> str:
        return "pupil" if self.site_kind == "school" else "young person"


# The sections of each kind of record. Field names are the contract with the forms that call the
# checker (the sessions form posts fields with these names; other names are checked as free text).
SCHOOL_SESSION = (
    FieldSpec("details", "Details (areas discussed)", min_words=30),
    FieldSpec("review", "Review of last time's targets", required=False, min_words=5),
    FieldSpec("targets", "SMART targets", kind="targets", min_words=4, implied_timeframe=True),
)
HOME_SESSION = (
    FieldSpec("summary", "Summary title", min_words=3, prose=False),
    FieldSpec("standards_discussed", "Details of the Quality Standards discussed", min_words=20),
    FieldSpec("child_agenda", "Key child's agenda", min_words=4),
    FieldSpec("key_worker_agenda", "Key worker's agenda", min_words=4),
    FieldSpec("targets", "Targets by the next session", kind="targets", implied_timeframe=True),
    FieldSpec("follow_up", "Work the key worker will follow up", min_words=4),
    FieldSpec("matters", "Matters for the manager, social worker or parents", required=False),
    FieldSpec("account", "Full account of the session", min_words=60),
)
CONTACT = (FieldSpec("summary", "Summary of the contact", min_words=15),)

SECTION_SPECS: dict[tuple[str, str], tuple[FieldSpec, ...]] = {
    ("session", "school"): SCHOOL_SESSION,
    ("session", "home"): HOME_SESSION,
    ("contact", "school"): CONTACT,
    ("contact", "home"): CONTACT,
}

SCHOOL_SESSION_MAX_MINUTES = 20
# ``check(max_minutes=...)`` when the site's policy is not known: 20 minutes in a school, no limit
# in a home (DOMAIN.md's defaults).
SITE_DEFAULT = object()

QUALITY_STANDARDS = {
    1: (
        "The quality and purpose of care standard",
        ("quality and purpose", "purpose of care", "statement of purpose", "placement", "care"),
    ),
    2: (
        "The children's views, wishes and feelings standard",
        ("view", "wish", "feeling", "voice", "agenda", "wanted", "asked", "said"),
    ),
    3: (
        "The education standard",
        (
            "educat",
            "school",
            "college",
            "learning",
            "lesson",
            "tutor",
            "homework",
            "course",
            "exam",
        ),
    ),
    4: (
        "The enjoyment and achievement standard",
        ("enjoy", "hobb", "activit", "achiev", "club", "sport", "interest", "fun"),
    ),
    5: (
        "The health and well-being standard",
        (
            "health",
            "wellbeing",
            "well-being",
            "mental",
            "gp",
            "doctor",
            "dentist",
            "cannabis",
            "alcohol",
            "drug",
            "smok",
            "diet",
            "eating",
            "sleep",
            "medication",
            "emotional",
        ),
    ),
    6: (
        "The positive relationships standard",
        ("relationship", "friend", "family", "contact", "peer", "mum", "dad", "sibling", "trust"),
    ),
    7: (
        "The protection of children standard",
        (
            "safe",
            "risk",
            "protect",
            "exploit",
            "missing",
            "harm",
            "danger",
            "online",
            "drug",
            "cannabis",
            "county lines",
            "radicalis",
        ),
    ),
    8: (
        "The leadership and management standard",
        ("manager", "management", "leadership", "supervision"),
    ),
    9: (
        "The care planning standard",
        (
            "care plan",
            "placement plan",
            "pathway plan",
            "review",
            "social worker",
            "planning",
            "plan",
        ),
    ),
}


def specs_for(context: Context) -> tuple[FieldSpec, ...]:
    return SECTION_SPECS.get((context.record_kind, context.site_kind), ())
