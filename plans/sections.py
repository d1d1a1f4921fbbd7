"""What each plan type holds: its sections and their fields. A version's ``content`` is a dict keyed by
section: ``{"health": {"title": "Health", "needs": "...", ...}}``; list sections (risks, EHCP
outcomes, IEP targets) hold ``{"title": ..., "items": [{"ref": "a1b2c3d4", ...}, ...]}``. Each item
keeps a stable ``ref`` across versions so sessions and targets can refer to it.

Pure data and functions: the organisation's own Placement Plan titles come in as an argument.
"""

from dataclasses import dataclass

from .models import PlanType


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | line | date | choice | outcome
    required: bool = False
    choices: tuple = ()
    help: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple[Field, ...]
    many: bool = False  # a list of items (risks, outcomes, targets)
    help: str = ""
    extra_rows: int = 2
    required: bool = True  # publishing needs something here
    prefill: str = ""

    @property
    def required_fields(self) -> list[Field]:
        return [f for f in self.fields if f.required]


DEFAULT_PLACEMENT_SECTIONS = [
    ("health", "Health"),
    ("education", "Education"),
    ("emotional-behavioural", "Emotional and behavioural development"),
    ("identity", "Identity and social presentation"),
    ("family-social", "Family and social relationships"),
    ("self-care", "Self-care and independence skills"),
]

LEVELS = (
    ("1", "1 – very low"),
    ("2", "2 – low"),
    ("3", "3 – medium"),
    ("4", "4 – high"),
    ("5", "5 – very high"),
)

PLACEMENT_FIELDS = (
    Field("needs", "Needs", required=True),
    Field("actions", "Actions", required=True),
    Field("who", "Who", kind="line"),
    Field("by_when", "By when", kind="date"),
)

RISK = Section(
    "risks",
    "Risks",
    (
        Field("risk", "Risk", kind="line", required=True),
        Field("likelihood", "Likelihood", kind="choice", choices=LEVELS, required=True),
        Field("impact", "Impact", kind="choice", choices=LEVELS, required=True),
        Field("triggers", "Triggers"),
        Field("control_measures", "Control measures", required=True),
        Field("review_date", "Review this risk by", kind="date"),
    ),
    many=True,
    help="One row per risk. Leave a row empty to add nothing.",
)

BMP = [
    Section("triggers", "Triggers", (Field("text", "Triggers", required=True),)),
    Section("early_signs", "Early signs", (Field("text", "Early signs", required=True),)),
    Section("what_helps", "What helps", (Field("text", "What helps", required=True),)),
    Section("de_escalation", "De-escalation", (Field("text", "De-escalation", required=True),)),
    Section(
        "agreed_responses", "Agreed responses", (Field("text", "Agreed responses", required=True),)
    ),
]


def _text(key, title, required=True, help=""):
    return Section(
        key, title, (Field("text", title, required=required),), help=help, required=required
    )


EHCP = [
    _text("A", "A. Views, interests and aspirations"),
    Section(
        "B",
        "B. Special educational needs",
        (Field("need", "Need", required=True),),
        many=True,
    ),
    _text("C", "C. Health needs", required=False),
    _text("D", "D. Social care needs", required=False),
    Section(
        "E",
        "E. Outcomes",
        (
            Field("outcome", "Outcome", required=True),
            Field("by_when", "By when", kind="date"),
        ),
        many=True,
        help="Sessions and IEP targets can refer to each outcome.",
    ),
    Section(
        "F",
        "F. Special educational provision",
        (
            Field("provision", "Provision", required=True),
            Field("outcome_ref", "For outcome", kind="outcome"),
        ),
        many=True,
    ),
    _text("G", "G. Health provision", required=False),
    _text(
        "H1",
        "H1. Social care provision (Chronically Sick and Disabled Persons Act 1970)",
        required=False,
    ),
    _text("H2", "H2. Other social care provision", required=False),
    _text("I", "I. Placement"),
    _text("J", "J. Personal budget", required=False),
    _text("K", "K. Advice and information", required=False),
]

# A review's follow-ups: each becomes an action (``actions`` subscribes to ``plans.plan_published``).
FOLLOW_UPS = Section(
    "follow_ups",
    "Follow-ups agreed at this review",
    (
        Field("what", "Follow-up", kind="line", required=True),
        Field("by_when", "By when", kind="date"),
    ),
    many=True,
    required=False,
    help="Each becomes an action for the plan's author when it is published, due by the date "
    "given (or by the next key-work session). Leave a row empty to add nothing.",
)

IEP = [
    Section(
        "targets",
        "Targets",
        (
            Field("target", "Target", kind="line", required=True),
            Field("success", "How we will know"),
            Field("outcome_ref", "EHCP outcome it serves", kind="outcome"),
            Field("progress", "Progress at review"),
        ),
        many=True,
    ),
    _text(
        "review",
        "Termly review meeting",
        required=False,
        help="Who came, what was agreed. The next meeting is the next review date.",
    ),
    FOLLOW_UPS,
]

PUPIL_ON_A_PAGE = [
    _text("like", "What people like and admire about me"),
    _text("matters", "What is important to me"),
    _text("support", "How best to support me"),
]


def placement_sections(titles: list[tuple[str, str]]) -> list[Section]:
    return [Section(key, title, PLACEMENT_FIELDS) for key, title in titles]


def monthly_sections(titles: list[tuple[str, str]]) -> list[Section]:
    sections = [
        _text(
            "records",
            "The month in records",
            required=False,
            help="Filled in from the month's sessions, incidents, contacts and attendance.",
        )
    ]
    sections += [_text(key, title) for key, title in titles]
    sections.append(_text("views", "The young person's views", required=False))
    sections.append(_text("summary", "Key worker's summary"))
    sections.append(FOLLOW_UPS)
    return sections


def sections_for(plan_type: str, placement_titles: list[tuple[str, str]]) -> list[Section]:
    """The sections of ``plan_type``; Placement Plan and Monthly Review follow the organisation's
    placement-plan titles."""
    if plan_type == PlanType.PLACEMENT_PLAN:
        return placement_sections(placement_titles)
    if plan_type == PlanType.MONTHLY_REVIEW:
        return monthly_sections(placement_titles)
    if plan_type == PlanType.RISK_ASSESSMENT:
        return [RISK]
    if plan_type == PlanType.BEHAVIOUR_PLAN:
        return list(BMP)
    if plan_type == PlanType.EHCP:
        return list(EHCP)
    if plan_type == PlanType.IEP:
        return list(IEP)
    if plan_type == PlanType.PUPIL_ON_A_PAGE:
        return list(PUPIL_ON_A_PAGE)
    raise ValueError(plan_type)


HOME_PLANS = [
    PlanType.PLACEMENT_PLAN,
    PlanType.RISK_ASSESSMENT,
    PlanType.BEHAVIOUR_PLAN,
    PlanType.MONTHLY_REVIEW,
]
SCHOOL_PLANS = [PlanType.EHCP, PlanType.IEP, PlanType.PUPIL_ON_A_PAGE]
# Only the allocated key worker (or cover) and managers see these ("risk details narrower").
NARROW_PLANS = {PlanType.RISK_ASSESSMENT, PlanType.BEHAVIOUR_PLAN}
# How long a version lasts before its review, by default.
REVIEW_DAYS = {
    PlanType.PLACEMENT_PLAN: 30,
    PlanType.RISK_ASSESSMENT: 30,
    PlanType.BEHAVIOUR_PLAN: 30,
    PlanType.MONTHLY_REVIEW: 30,
    PlanType.EHCP: 365,
    PlanType.IEP: 91,
    PlanType.PUPIL_ON_A_PAGE: 91,
}


# Plans whose publication is a review with follow-ups (``FOLLOW_UPS``).
REVIEW_PLANS = {PlanType.MONTHLY_REVIEW, PlanType.IEP}


def plan_types_for(site) -> list[str]:
    return list(SCHOOL_PLANS if site.is_school else HOME_PLANS)


def missing_sections(sections: list[Section], content: dict) -> list[str]:
    """Titles of the required sections that are still empty (publishing is refused while any are)."""
    missing = []
    for section in sections:
        if not section.required:
            continue
        data = content.get(section.key) or {}
        if section.many:
            items = data.get("items") or []
            if not items:
                missing.append(section.title)
        else:
            if any(not str(data.get(f.name) or "").strip() for f in section.required_fields):
                missing.append(section.title)
    return missing


def outcomes(content: dict) -> list[dict]:
    """The EHCP outcomes (section E) of a version's content, each with its stable ``ref``."""
    return list(((content or {}).get("E") or {}).get("items") or [])


def changed_sections(before: dict | None, after: dict) -> list[str]:
    """Titles of the sections whose content differs between two versions (all, for a first one)."""
    before = before or {}
    titles = []
    for key in dict.fromkeys([*after, *before]):
        old, new = dict(before.get(key) or {}), dict(after.get(key) or {})
        old.pop("title", None)
        title = new.pop("title", None) or (before.get(key) or {}).get("title") or key
        if old != new:
            titles.append(title)
    return titles


def risk_rating(item: dict) -> str:
    """Likelihood × impact, in words as well as a number (colour is never the only signal)."""
    try:
        score = int(item.get("likelihood")) * int(item.get("impact"))
    except (TypeError, ValueError):
        return ""
    band = "high" if score >= 15 else "medium" if score >= 8 else "low"
    return f"{score} of 25 ({band})"
