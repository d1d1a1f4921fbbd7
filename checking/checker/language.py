"""Opinion, speculation, judgemental labels and sentences addressed to the child."""

from __future__ import annotations

import re
from functools import lru_cache

from tenancy.text import fold_apostrophes

from .parsing import _alternation, _bounded, _inside
from .report import Finding

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


@lru_cache(maxsize=64)
def _opinion_patterns(extra: tuple[str, ...]) -> list[tuple[re.Pattern, str]]:
    """The built-in patterns (one each, for their own advice) and the organisation's phrases
    (up to 500, folded like the text: one combined pattern)."""
    patterns = [(re.compile(_bounded(f, True), re.IGNORECASE), advice) for f, advice in OPINION]
    for pattern in _alternation(fold_apostrophes(p) for p in extra):
        patterns.append(
            (pattern, "Your organisation asks for this phrase to be left out: state the facts.")
        )
    return patterns


JUDGEMENTAL_RE = re.compile(_bounded("|".join(JUDGEMENTAL), True), re.IGNORECASE)


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
