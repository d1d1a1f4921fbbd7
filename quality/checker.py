"""The record-quality checker: pure, deterministic functions from a record's text to findings and a
score. No database, no clock, no randomness: the same record and context always give the same report,
so a report stored with a submitted record can be reproduced and explained.

Input: the record's fields by name (``{"details": "...", "targets": "..."}``) and a ``Context`` (site
kind, the kind of record, the organisation's extra banned phrases and accepted words, the names of its
children, staff and places, and the child the record is about). Output: a ``Report`` with findings
(rule, field, start and end offsets in that field's text, excerpt, message, suggestion) and a score
from 0 to 100: 100 less the weighted findings, each rule capped so that one kind of slip cannot hide
the others; ``Report.explanation`` lists every deduction.

Decisions a reader should know:
- Words in quotation marks ('it just gets you high') are the child's or another person's own words:
  the opinion, judgement and "You did" rules skip them. Spelling is still checked.
- "appear" is speculation ("appeared upset", "appears to be") except when followed by in, at, before,
  on or for: "appeared in court", "appeared at the door" are facts. "disappeared" is never matched.
- A single first name of another child is a possible disclosure only in the middle of a sentence
  (a capitalised "Will" or "Grace" starting a sentence is more likely a word); a full name always is.
  The rule needs the child the record is about: without one it does not run.
- Short all-capital words (up to six letters) are taken as abbreviations and not spell-checked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import NamedTuple

from . import spelling

# ---------------------------------------------------------------------------------------- inputs


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

# ------------------------------------------------------------------------------------ the rules


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    weight: int
    cap: int


RULES = {
    r.code: r
    for r in (
        Rule("missing_section", "Required section missing", 15, 45),
        Rule("thin_section", "Section too short", 6, 24),
        Rule("opinion", "Opinion or speculation", 8, 40),
        Rule("judgemental", "Judgemental wording", 6, 24),
        Rule("you_did", "Sentence addressing the child (“You did …”)", 4, 12),
        Rule("disclosure", "Another child named (possible disclosure)", 15, 45),
        Rule("target_vague", "Vague target", 4, 12),
        Rule("target_not_measurable", "Target not measurable", 3, 9),
        Rule("target_no_timeframe", "Target without a date or time frame", 3, 9),
        Rule("spelling", "Spelling", 2, 20),
        Rule("capital", "Sentence without a capital letter", 1, 6),
        Rule("full_stop", "Paragraph without a full stop", 1, 6),
        Rule("repeated_word", "Repeated word", 2, 6),
        Rule("double_space", "Double space", 1, 3),
        Rule("session_too_long", "Session longer than the site allows", 5, 5),
        Rule("standard_not_discussed", "Quality Standard ticked but not discussed", 4, 12),
    )
}
# A parent or social-worker contact that names another child discloses it outside the setting.
CONTACT_DISCLOSURE_WEIGHT = 25

SPECULATE = "Record what was seen, heard or said, and by whom, rather than what may have happened."
OPINION: tuple[tuple[str, str], ...] = (
    (r"may\s+have", SPECULATE),
    (r"might\s+have", SPECULATE),
    (r"could\s+have\s+been", SPECULATE),
    (r"must\s+have\s+been", SPECULATE),
    (
        r"appear(?:s|ed|ing)?\b(?!\s+(?:in|at|before|on|for)\b)",
        "Describe what you saw or heard (“was crying”, “said she was tired”), not how it appeared.",
    ),
    (r"seem(?:s|ed|ing)?", "Describe what you saw or heard, not how it seemed."),
    (
        r"look(?:s|ed)?\s+(?:like|as\s+if|as\s+though)",
        "Describe what you saw, not what it looked like.",
    ),
    (
        r"(?:I|we)\s+(?:think|thought|feel|felt|believe|believed|assume|assumed|suspect|suspected|guess)",
        "Record the facts; if there is a concern, say what it rests on and who you told.",
    ),
    (r"in\s+my\s+(?:opinion|view)", "Record the facts; leave opinions out of the record."),
    (r"probably", SPECULATE),
    (r"possibly", SPECULATE),
    (r"perhaps", SPECULATE),
    (r"presumably", SPECULATE),
    (r"apparently", "Say who reported it: “Amber said …”, “the teacher reported …”."),
    (r"obviously", "Leave out “obviously”: state the fact."),
    (r"(?:is|was|are|were)\s+likely\s+to", SPECULATE),
)
LABEL_ADVICE = "Describe what was said or done, without a label or a generalisation."
JUDGEMENTAL: tuple[str, ...] = (
    r"naughty",
    r"attention[-\s]seek(?:ing|er)",
    r"manipulat(?:ive|ing|ion)",
    r"lazy",
    r"rude(?:ness)?",
    r"kick(?:ed|ing|s)?\s+off",
    r"silly",
    r"stupid",
    r"bad\s+attitude",
    r"attitude\s+problem",
    r"spoilt",
    r"sulk(?:ing|ed|y|s)?",
    r"tantrums?",
    r"hysterical",
    r"as\s+usual",
    r"yet\s+again",
    r"vile",
    r"disgusting",
    r"horrible",
    r"nasty",
    r"gobby",
    r"mardy",
    r"brat",
    r"defiant",
    r"insolent",
)
YOU_DID = re.compile(
    r"you\s+(?:did|didn['’]t|did\s+not|were|weren['’]t|was|should|shouldn['’]t|never|always)\b",
    re.IGNORECASE,
)
VAGUE_TARGET = re.compile(
    r"\b(?:try(?:ing)?\s+(?:to|and)|be\s+(?:good|better|nice|nicer|kind|respectful|sensible)"
    r"|behave(?:\s+well)?|improve|work\s+on|think\s+about|do\s+better|make\s+an\s+effort"
    r"|be\s+more\s+\w+|be\s+less\s+\w+|stay\s+out\s+of\s+trouble|not\s+get\s+into\s+trouble)\b",
    re.IGNORECASE,
)
NUMBERS = (
    r"\d|\b(?:once|twice|one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|hundred"
    r"|every|each|daily|weekly|per|all|times|at\s+least|no\s+more\s+than|fewer|without|not|no"
    r"|stop|none)\b"
)
MEASURABLE = re.compile(NUMBERS, re.IGNORECASE)
WEEKDAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
TIMEFRAME = re.compile(
    r"\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?|\b(?:by|before|until|within|for|over|this|next|end\s+of)"
    rf"\b|\b(?:{WEEKDAYS}|{MONTHS})\b|\b(?:today|tomorrow|fortnight|half[-\s]term|term|week|weeks"
    r"|month|months|session|review|daily|weekly)\b",
    re.IGNORECASE,
)
ABBREVIATIONS = {"e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "approx", "vs", "no", "st", "cf"}
WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]")
OPEN_QUOTE = re.compile(r"(?:(?<=^)|(?<=[\s(\[{—–-]))(['‘\"“])(?=\S)", re.MULTILINE)
CLOSERS = {"'": "'’", "‘": "’'", '"': '"”', "“": '”"'}
BULLET = re.compile(r"[ \t]*(?:(?:[-•*○·–—]|\d{1,2}[.)])[ \t]*)?")
SENTENCE_BREAK = re.compile(r"\A|\n|[.!?][ \t\n]+")
SENTENCE_LEAD = re.compile(r"[ \t]*(?:(?:[-•*○·–—]|\d{1,2}[.)])[ \t]+)?['‘\"“(\[]*")
ADDRESS = re.compile(r"\S*(?:://|@|www\.)\S*")

# ------------------------------------------------------------------------------------ outputs


@dataclass(frozen=True)
class Finding:
    rule: str
    field: str
    start: int
    end: int
    excerpt: str
    message: str
    suggestion: str

    @property
    def label(self) -> str:
        return RULES[self.rule].label

    @property
    def severity(self) -> str:
        """ "high" for what a moderator would return the record for, "medium" for targets and
        sections, "low" for spelling and punctuation."""
        weight = RULES[self.rule].weight
        return "high" if weight >= 6 else "medium" if weight >= 3 else "low"


@dataclass(frozen=True)
class Deduction:
    rule: str
    label: str
    count: int
    weight: int
    points: int
    capped: bool


@dataclass
class Report:
    findings: list[Finding]
    score: int
    deductions: list[Deduction]
    notes: list[str] = field(default_factory=list)

    @property
    def must_fix(self) -> int:
        return sum(1 for f in self.findings if f.severity == "high")

    @property
    def band(self) -> str:
        if self.must_fix and self.score >= 50:
            return "Fix what is marked “Must fix” before submitting"
        if self.score >= 90:
            return "Ready to submit"
        if self.score >= 70:
            return "Good: a few things to fix"
        if self.score >= 50:
            return "Needs work before it is submitted"
        return "Needs substantial revision"

    @property
    def explanation(self) -> list[str]:
        lines = ["Starts at 100."]
        for d in self.deductions:
            cap = " (the most this rule can take)" if d.capped else ""
            lines.append(f"{d.label}: {d.count} × {d.weight} → −{d.points}{cap}.")
        lines.append(f"Score: {self.score}.")
        return lines

    def by_field(self) -> dict[str, list[Finding]]:
        grouped: dict[str, list[Finding]] = {}
        for finding in self.findings:
            grouped.setdefault(finding.field, []).append(finding)
        return grouped

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        """The report stored with a record (``as_dict``), to show it again as it was."""
        return cls(
            findings=[Finding(**f) for f in data.get("findings", [])],
            score=data.get("score", 0),
            deductions=[Deduction(**d) for d in data.get("deductions", [])],
            notes=list(data.get("notes", [])),
        )

    def as_dict(self) -> dict:
        """What is stored with a submitted record (JSON-ready)."""
        return {
            "score": self.score,
            "band": self.band,
            "must_fix": self.must_fix,
            "findings": [asdict(f) for f in self.findings],
            "deductions": [asdict(d) for d in self.deductions],
            "notes": list(self.notes),
        }


# ---------------------------------------------------------------------------------- helpers


def _phrase_regex(phrase: str) -> str:
    words = [re.escape(w) for w in phrase.split()]
    return r"\s+".join(words)


def _bounded(fragment: str) -> str:
    return rf"(?<![\w'’-])(?:{fragment})(?![\w-])"


@lru_cache(maxsize=64)
def _opinion_patterns(extra: tuple[str, ...]) -> list[tuple[re.Pattern, str]]:
    patterns = [(re.compile(_bounded(f), re.IGNORECASE), advice) for f, advice in OPINION]
    for phrase in extra:
        if phrase.strip():
            patterns.append(
                (
                    re.compile(_bounded(_phrase_regex(phrase.strip())), re.IGNORECASE),
                    "Your organisation asks for this phrase to be left out: state the facts.",
                )
            )
    return patterns


JUDGEMENTAL_RE = re.compile(_bounded("|".join(JUDGEMENTAL)), re.IGNORECASE)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks (the speaker's own words). Apostrophes (Amber's, kids') are not
    quotes: an opening mark follows a space, a bracket or the start of a line."""
    spans = []
    position = 0
    while True:
        match = OPEN_QUOTE.search(text, position)
        if not match:
            return spans
        mark, start = match.group(1), match.end()
        closers = CLOSERS[mark]
        end = None
        for index in range(start, len(text)):
            char = text[index]
            if char == "\n" and index + 1 < len(text) and text[index + 1] == "\n":
                break  # quotes do not run across paragraphs
            if char in closers and (
                mark in '"“' or index + 1 == len(text) or not text[index + 1].isalnum()
            ):
                end = index
                break
        if end is None:
            position = start
            continue
        spans.append((start, end))
        position = end + 1


def _inside(spans: list[tuple[int, int]], start: int) -> bool:
    return any(a <= start < b for a, b in spans)


def sentence_starts(text: str) -> list[int]:
    """Offsets of the first letter of each sentence: at the start, after a line break, or after
    . ! ? and a space (not after an abbreviation such as "e.g." or "Mr."); bullets, list numbers
    and opening quotes before the letter are skipped."""
    starts = []
    for match in SENTENCE_BREAK.finditer(text):
        if match.group(0)[:1] in ".!?":
            word = re.search(r"([\w.]+)$", text[max(0, match.start() - 6) : match.start()])
            if word and word.group(1).lower() in ABBREVIATIONS:
                continue
        position = SENTENCE_LEAD.match(text, match.end()).end()
        if (
            position < len(text)
            and text[position].isalpha()
            and (not starts or starts[-1] != position)
        ):
            starts.append(position)
    return starts


def _excerpt(text: str, start: int, end: int) -> str:
    excerpt = text[start:end]
    return excerpt if len(excerpt) <= 80 else excerpt[:77] + "…"


def _words(text: str) -> int:
    return len(WORD.findall(text))


# ---------------------------------------------------------------------------------- checks


def _sections(fields: Mapping[str, str], specs: tuple[FieldSpec, ...]) -> list[Finding]:
    found = []
    for spec in specs:
        text = (fields.get(spec.name) or "").strip()
        if not text:
            if spec.required:
                found.append(
                    Finding(
                        "missing_section",
                        spec.name,
                        0,
                        0,
                        "",
                        f"“{spec.label}” is empty.",
                        f"Fill in “{spec.label}”: it is part of every record of this kind.",
                    )
                )
            continue
        count = _words(text)
        if spec.min_words and count < spec.min_words:
            found.append(
                Finding(
                    "thin_section",
                    spec.name,
                    0,
                    len(fields[spec.name]),
                    _excerpt(fields[spec.name], 0, len(fields[spec.name])),
                    f"“{spec.label}” has {count} word{'s' if count != 1 else ''}; "
                    f"a complete record usually has at least {spec.min_words}.",
                    "Add what was discussed, what was said and what was agreed.",
                )
            )
    return found


def _opinions(name: str, text: str, quotes, extra: tuple[str, ...]) -> list[Finding]:
    found = []
    for pattern, advice in _opinion_patterns(extra):
        for match in pattern.finditer(text):
            if _inside(quotes, match.start()):
                continue
            found.append(
                Finding(
                    "opinion",
                    name,
                    match.start(),
                    match.end(),
                    match.group(0),
                    f"“{match.group(0)}” is opinion or speculation.",
                    advice,
                )
            )
    return found


def _judgements(name: str, text: str, quotes, starts: list[int]) -> list[Finding]:
    found = []
    for match in JUDGEMENTAL_RE.finditer(text):
        if not _inside(quotes, match.start()):
            found.append(
                Finding(
                    "judgemental",
                    name,
                    match.start(),
                    match.end(),
                    match.group(0),
                    f"“{match.group(0)}” is a judgement, not a fact.",
                    LABEL_ADVICE,
                )
            )
    for start in starts:
        match = YOU_DID.match(text, start)
        if match and not _inside(quotes, start):
            found.append(
                Finding(
                    "you_did",
                    name,
                    match.start(),
                    match.end(),
                    match.group(0),
                    f"The sentence starting “{match.group(0)}” addresses the child.",
                    "Describe what happened in the third person (“Amber left the lesson at 10:15”),"
                    " without implying a judgement.",
                )
            )
    return found


def _targets(name: str, text: str, spec: FieldSpec | None) -> list[Finding]:
    found = []
    implied = bool(spec and spec.implied_timeframe)
    offset = 0
    for line in text.split("\n"):
        lead = BULLET.match(line).end()
        target = line[lead:].rstrip()
        start, end = offset + lead, offset + lead + len(target)
        offset += len(line) + 1
        if _words(target) < 2:
            continue
        vague = VAGUE_TARGET.search(target)
        if vague:
            found.append(
                Finding(
                    "target_vague",
                    name,
                    start + vague.start(),
                    start + vague.end(),
                    vague.group(0),
                    f"“{vague.group(0)}” makes the target vague.",
                    "Say exactly what the child will do (“attend all five morning registrations”).",
                )
            )
        if not MEASURABLE.search(target):
            found.append(
                Finding(
                    "target_not_measurable",
                    name,
                    start,
                    end,
                    _excerpt(target, 0, len(target)),
                    "Nothing in this target can be counted or checked.",
                    "Add how many, how often or what will show it is done (“3 times a week”, "
                    "“a written list of 5 effects”).",
                )
            )
        if not implied and not TIMEFRAME.search(target):
            found.append(
                Finding(
                    "target_no_timeframe",
                    name,
                    start,
                    end,
                    _excerpt(target, 0, len(target)),
                    "This target has no date or time frame.",
                    "Add when it is due (“by the next session”, “by Friday 14 March”).",
                )
            )
    return found


@lru_cache(maxsize=64)
def _accepted(context: Context) -> frozenset[str]:
    names: set[str] = set()
    for person in context.children:
        names.update((person.first, person.last, person.preferred))
    for value in (*context.staff_names, *context.place_names, *context.accepted_words):
        names.add(value)
        names.update(re.split(r"[\s\-]+", value))
    return frozenset(n.strip().lower() for n in names if n and n.strip())


def _spelling(name: str, text: str, accepted: frozenset[str]) -> list[Finding]:
    found = []
    masked = ADDRESS.sub(lambda m: " " * len(m.group(0)), text)  # same offsets, no addresses
    for match in WORD.finditer(masked):
        word, start = match.group(0), match.start()
        if len(word) < 2 or (word.isupper() and len(word) <= 6):
            continue
        before = text[max(0, start - 1) : start]
        after = text[start + len(word) : start + len(word) + 1]
        if before.isdigit() or after.isdigit() or (before and before in "@/#_"):
            continue
        if spelling.known(word, accepted):
            continue
        options = spelling.suggestions(word)
        found.append(
            Finding(
                "spelling",
                name,
                start,
                start + len(word),
                word,
                f"“{word}” is not in the British English dictionary.",
                ("Did you mean " + ", ".join(f"“{o}”" for o in options) + "?")
                if options
                else "Check the spelling, or ask a manager to add the word to your organisation's"
                " accepted words.",
            )
        )
    return found


def _punctuation(name: str, text: str, starts: list[int], prose: bool) -> list[Finding]:
    found = []
    for start in starts:
        if text[start].islower():
            end = start + len(re.match(r"\w+", text[start:]).group(0))
            found.append(
                Finding(
                    "capital",
                    name,
                    start,
                    end,
                    text[start:end],
                    "This sentence starts with a small letter.",
                    f"Start the sentence with a capital: “{text[start].upper()}{text[start + 1 : end]}”.",
                )
            )
    if prose:
        offset = 0
        for line in text.split("\n"):
            stripped = line.rstrip()
            if (
                _words(stripped) >= 4
                and stripped.lstrip()[:1] not in ("-", "•", "*", "○", "·")
                and stripped[-1] not in ".!?:;)\"'”’"
                and not re.search(r"https?://|\]\(", stripped)
            ):
                end = offset + len(stripped)
                last = re.search(r"\S+$", stripped)
                found.append(
                    Finding(
                        "full_stop",
                        name,
                        offset + last.start(),
                        end,
                        last.group(0),
                        "This paragraph does not end with a full stop.",
                        "End the sentence with a full stop, or finish it if it was cut short.",
                    )
                )
            offset += len(line) + 1
    for match in re.finditer(r"\b(\w+)\s+(\1)\b", text, re.IGNORECASE):
        word = match.group(1).lower()
        if word in ("had", "that") or word.isdigit():
            continue
        found.append(
            Finding(
                "repeated_word",
                name,
                match.start(),  # the excerpt shows both words, so the offsets cover both
                match.end(2),
                match.group(0),
                f"“{match.group(1)}” is repeated.",
                "Delete the second one.",
            )
        )
    for match in re.finditer(r"(?<=\S) {2,}(?=\S)", text):
        found.append(
            Finding(
                "double_space",
                name,
                match.start(),
                match.end(),
                match.group(0),
                "Two spaces where one is enough.",
                "Use a single space.",
            )
        )
    return found


@lru_cache(maxsize=64)
def _name_patterns(
    others: tuple[tuple[str, str, str], ...], own: tuple[str, ...], staff: tuple[str, ...]
) -> tuple[re.Pattern | None, re.Pattern | None]:
    full = set()
    single = set()
    for first, last, preferred in others:
        for given in (first, preferred):
            if given:
                full.add(f"{given} {last}")
                if given not in own and given not in staff:
                    single.add(given)

    def alternation(names):
        if not names:
            return None
        body = "|".join(_phrase_regex(n) for n in sorted(names, key=lambda n: (-len(n), n)))
        return re.compile(rf"(?<![\w'’-])(?:{body})(?![\w-])")

    return alternation(full), alternation(single)


@lru_cache(maxsize=64)
def _name_matchers(context: Context) -> tuple[re.Pattern | None, re.Pattern | None]:
    """The patterns for one context's other children (cached: a context is rebuilt equal on every
    request, so the 1,000-name patterns of a large organisation are compiled once)."""
    subject = next((p for p in context.children if p.child_id == context.child_id), None)
    others = tuple(
        sorted(
            (p.first, p.last, p.preferred)
            for p in context.children
            if p.child_id != context.child_id
        )
    )
    own = tuple(sorted(n for n in (subject.first, subject.preferred) if n)) if subject else ()
    staff = tuple(sorted({n.split()[0] for n in context.staff_names if n.split()}))
    return _name_patterns(others, own, staff)


def _disclosures(
    name: str, text: str, context: Context, starts: list[int], matchers
) -> list[Finding]:
    full, single = matchers
    starts_set = set(starts)
    weight_note = (
        " In a contact with a parent or social worker this discloses another child's information."
        if context.record_kind == "contact"
        else ""
    )
    found = []
    taken: list[tuple[int, int]] = []
    for pattern, is_full in ((full, True), (single, False)):
        if pattern is None:
            continue
        for match in pattern.finditer(text):
            if any(a <= match.start() < b for a, b in taken):
                continue
            if not is_full and match.start() in starts_set:
                continue  # "Will you …", "Grace was …" at a sentence start: too likely a word
            taken.append((match.start(), match.end()))
            found.append(
                Finding(
                    "disclosure",
                    name,
                    match.start(),
                    match.end(),
                    match.group(0),
                    f"“{match.group(0)}” is the name of another {context.child_word} here."
                    + weight_note,
                    f"Refer to “another {context.child_word}” and record anything about them in "
                    "their own file.",
                )
            )
    return found


def _session_rules(
    fields: Mapping[str, str],
    context: Context,
    duration_minutes: int | None,
    quality_standards: tuple[int, ...],
    max_minutes=SITE_DEFAULT,
) -> list[Finding]:
    found = []
    if max_minutes is SITE_DEFAULT:
        max_minutes = SCHOOL_SESSION_MAX_MINUTES if context.site_kind == "school" else None
    if max_minutes is not None and duration_minutes is not None and duration_minutes > max_minutes:
        found.append(
            Finding(
                "session_too_long",
                "duration",
                0,
                0,
                f"{duration_minutes} minutes",
                f"The session lasted {duration_minutes} minutes; this site's key-work sessions "
                f"are no longer than {max_minutes}.",
                f"Keep to {max_minutes} minutes, or record why this one needed longer.",
            )
        )
    if quality_standards:
        text = " ".join(fields.values()).lower()
        for number in sorted(set(quality_standards)):
            title, keywords = QUALITY_STANDARDS.get(number, (None, ()))
            if title is None:
                continue
            if not any(re.search(rf"\b{re.escape(k)}", text) for k in keywords):
                found.append(
                    Finding(
                        "standard_not_discussed",
                        "standards",
                        0,
                        0,
                        title,
                        f"“{title}” is ticked but the record does not say how it was discussed.",
                        "Write what was discussed under this standard, or untick it.",
                    )
                )
    return found


# ------------------------------------------------------------------------------------- entry


def specs_for(context: Context) -> tuple[FieldSpec, ...]:
    return SECTION_SPECS.get((context.record_kind, context.site_kind), ())


def check(
    fields: Mapping[str, str],
    context: Context,
    *,
    duration_minutes: int | None = None,
    quality_standards: tuple[int, ...] = (),
    max_minutes=SITE_DEFAULT,
) -> Report:
    """Check a record. ``fields`` maps each text field's name to its text; offsets in the findings
    are into that field's text exactly as given (line endings normalised to ``\\n`` by the caller).
    ``max_minutes``: the site's longest session (``None`` for no limit), else DOMAIN's default."""
    specs = {spec.name: spec for spec in specs_for(context)}
    findings = _sections(fields, tuple(specs.values()))
    accepted = _accepted(context)
    extra = tuple(sorted({p.strip() for p in context.extra_phrases if p.strip()}))
    notes = []
    matchers = _name_matchers(context) if context.child_id is not None else (None, None)
    if context.child_id is None:
        notes.append("No child chosen: other children's names were not looked for.")
    for name, text in fields.items():
        if not text or not text.strip():
            continue
        spec = specs.get(name)
        is_targets = (spec.kind == "targets") if spec else ("target" in name)
        quotes = quoted_spans(text)
        starts = sentence_starts(text)
        findings += _opinions(name, text, quotes, extra)
        findings += _judgements(name, text, quotes, starts)
        if is_targets:
            findings += _targets(name, text, spec)
        findings += _spelling(name, text, accepted)
        findings += _punctuation(
            name, text, starts, prose=not is_targets and (spec.prose if spec else True)
        )
        if context.child_id is not None:
            findings += _disclosures(name, text, context, starts, matchers)
    findings += _session_rules(
        fields, context, duration_minutes, tuple(quality_standards), max_minutes
    )
    order = {name: i for i, name in enumerate(fields)}
    findings = sorted(
        _dedupe(findings),
        key=lambda f: (order.get(f.field, len(order)), f.start, f.end, f.rule, f.excerpt),
    )
    return _score(findings, context, notes)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per rule and place: overlapping opinion phrases ("appeared" and an organisation's
    "appeared to") are reported once, the longer one kept."""
    kept: dict[tuple[str, str, int], Finding] = {}
    for finding in findings:
        key = (finding.rule, finding.field, finding.start)
        current = kept.get(key)
        if current is None or finding.end > current.end:
            kept[key] = finding
    return list(kept.values())


def _score(findings: list[Finding], context: Context, notes: list[str]) -> Report:
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
    deductions = []
    total = 0
    for code, rule in RULES.items():
        count = counts.get(code, 0)
        if not count:
            continue
        weight = rule.weight
        cap = rule.cap
        if code == "disclosure" and context.record_kind == "contact":
            weight, cap = CONTACT_DISCLOSURE_WEIGHT, CONTACT_DISCLOSURE_WEIGHT * 3
        points = min(cap, count * weight)
        total += points
        deductions.append(Deduction(code, rule.label, count, weight, points, count * weight > cap))
    return Report(findings, max(0, 100 - total), deductions, notes)
