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

from collections.abc import Mapping

from .inputs import (
    CONTACT,
    HOME_SESSION,
    QUALITY_STANDARDS,
    SCHOOL_SESSION,
    SCHOOL_SESSION_MAX_MINUTES,
    SECTION_SPECS,
    SITE_DEFAULT,
    Context,
    FieldSpec,
    Person,
    specs_for,
)
from .language import _judgements, _opinions
from .names import _disclosures, _name_matchers
from .parsing import quoted_spans, sentence_starts
from .punctuation import _punctuation
from .report import (
    CONTACT_DISCLOSURE_WEIGHT,
    RULES,
    Deduction,
    Finding,
    Report,
    Rule,
    _dedupe,
    _score,
)
from .sections import _sections, _session_rules
from .spell import _accepted, _spelling
from .targets import _targets

__all__ = [
    "CONTACT",
    "CONTACT_DISCLOSURE_WEIGHT",
    "HOME_SESSION",
    "QUALITY_STANDARDS",
    "RULES",
    "SCHOOL_SESSION",
    "SCHOOL_SESSION_MAX_MINUTES",
    "SECTION_SPECS",
    "SITE_DEFAULT",
    "Context",
    "Deduction",
    "FieldSpec",
    "Finding",
    "Person",
    "Report",
    "Rule",
    "check",
    "quoted_spans",
    "sentence_starts",
    "specs_for",
]


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
