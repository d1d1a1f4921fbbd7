"""SMART targets: vague wording, nothing measurable, no time frame."""

from __future__ import annotations

import re

from .inputs import FieldSpec
from .parsing import BULLET, _excerpt, _words
from .report import Finding

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
