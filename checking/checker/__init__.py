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
from dataclasses import replace

from tenancy.text import fold_apostrophes, normalise

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
from .safeguarding import _safeguarding
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
    "MAX_CHECKED_CHARS",
    "MAX_LISTED",
    "check",
    "quoted_spans",
    "sentence_starts",
    "specs_for",
]


# Bounds on the work one check does, whatever it is given (issue 14: one 49,990-letter word once
# took 23 GB). The views refuse longer input with a message; the checker bounds itself as well, for
# every other caller.
MAX_CHECKED_CHARS = 50_000  # all fields together; beyond this the text is not checked
MAX_LISTED = 100  # findings listed per rule (the score still counts every one)


def check(
    fields: Mapping[str, str],
    context: Context,
    *,
    duration_minutes: int | None = None,
    quality_standards: tuple[int, ...] = (),
    max_minutes=SITE_DEFAULT,
) -> Report:
    """Check a record. ``fields`` maps each text field's name to its text; offsets in the findings
    are into ``tenancy.text.normalise(text)`` (Unicode NFC, ``\\n`` line endings: the text as
    given when the caller normalised it, as the views do). Typographic apostrophes count as ``'``
    ("didn’t" is a word). ``max_minutes``: the site's longest session (``None`` for no limit),
    else DOMAIN's default.

    Bounded: at most ``MAX_CHECKED_CHARS`` characters are checked (a note says so when more were
    given), every rule is linear in the text, and at most ``MAX_LISTED`` findings a rule are listed
    (the score counts them all). ``bench/worst_case.py`` measures the longest accepted input."""
    fields, notes = _bounded_fields(fields)
    specs = {spec.name: spec for spec in specs_for(context)}
    findings = _sections(fields, tuple(specs.values()))
    accepted = _accepted(context)
    extra = tuple(sorted({p.strip() for p in context.extra_phrases if p.strip()}))
    alarms = tuple(sorted({p.strip() for p in context.disclosure_phrases if p.strip()}))
    matchers = _name_matchers(context) if context.child_id is not None else (None, None)
    if context.child_id is None:
        notes.append("No child chosen: other children's names were not looked for.")
    for name, original in fields.items():
        if not original or not original.strip():
            continue
        text = fold_apostrophes(original)  # same length: offsets hold for the original
        spec = specs.get(name)
        is_targets = (spec.kind == "targets") if spec else ("target" in name)
        quotes = quoted_spans(text)
        starts = sentence_starts(text)
        found = _opinions(name, text, quotes, extra)
        found += _judgements(name, text, quotes, starts)
        if is_targets:
            found += _targets(name, text, spec)
        spelt = sum(1 for f in findings if f.rule == "spelling")
        found += _spelling(name, text, accepted, suggest=max(0, MAX_LISTED - spelt))
        found += _punctuation(
            name, text, starts, prose=not is_targets and (spec.prose if spec else True)
        )
        if context.child_id is not None:
            found += _disclosures(name, text, context, starts, matchers)
        found += _safeguarding(name, text, alarms)
        findings += [_in_original(f, text, original) for f in found]
    findings += _session_rules(
        fields, context, duration_minutes, tuple(quality_standards), max_minutes
    )
    order = {name: i for i, name in enumerate(fields)}
    findings = sorted(
        _dedupe(findings),
        key=lambda f: (order.get(f.field, len(order)), f.start, f.end, f.rule, f.excerpt),
    )
    report = _score(findings, context, notes)
    return _listed(report)


def _bounded_fields(fields: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The fields normalised (NFC, ``\\n``), cut to ``MAX_CHECKED_CHARS`` in all, with a note
    when anything was cut."""
    bounded, notes, room = {}, [], MAX_CHECKED_CHARS
    for name, value in fields.items():
        value = normalise(value)
        if len(value) > room:
            value = value[:room]
            if not notes:
                notes.append(
                    f"Only the first {MAX_CHECKED_CHARS:,} characters were checked: "
                    "the rest of the record was not."
                )
        room -= len(value)
        bounded[name] = value
    return bounded, notes


def _in_original(finding: Finding, folded: str, original: str) -> Finding:
    """A finding found in the apostrophe-folded text, quoting the text as written."""
    if finding.end > finding.start and finding.excerpt == folded[finding.start : finding.end]:
        written = original[finding.start : finding.end]
        if written != finding.excerpt:
            message = finding.message.replace(f"“{finding.excerpt}”", f"“{written}”")
            return replace(finding, excerpt=written, message=message)
    return finding


def _listed(report: Report) -> Report:
    """At most ``MAX_LISTED`` findings of each rule listed, with a note for the rest."""
    counts: dict[str, int] = {}
    kept = []
    for finding in report.findings:
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
        if counts[finding.rule] <= MAX_LISTED:
            kept.append(finding)
    for code, count in counts.items():
        if count > MAX_LISTED:
            report.notes.append(
                f"{RULES[code].label}: the first {MAX_LISTED} of {count:,} are listed "
                "(the score counts them all)."
            )
    report.findings = kept
    return report
