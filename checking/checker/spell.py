"""The spelling rule: words not in the British English dictionary, the field's words or the
organisation's names and accepted words."""

from __future__ import annotations

import re
from functools import lru_cache

from tenancy.text import fold_apostrophes, is_latin, normalise

from .. import spelling
from .inputs import Context
from .parsing import WORD, _excerpt, mask_addresses
from .report import Finding

MAX_SUGGESTED = 100  # words a check works out suggestions for


@lru_cache(maxsize=64)
def _accepted(context: Context) -> frozenset[str]:
    """Lower-case words the spelling rule accepts: the organisation's children, family members,
    staff and places (each name and each of its parts) and its accepted words, normalised as the
    record's words are (NFC, ``'`` for typographic apostrophes)."""
    names: set[str] = set()
    people = [(p.first, p.last, p.preferred) for p in context.children]
    for value in (
        *(n for person in people for n in person),
        *context.family_names,
        *context.staff_names,
        *context.place_names,
        *context.accepted_words,
    ):
        if not value:
            continue
        value = fold_apostrophes(normalise(value))
        names.add(value)
        names.update(re.split(r"[\s\-]+", value))
    return frozenset(n.strip().lower() for n in names if n and n.strip())


def _spelling(
    name: str, text: str, accepted: frozenset[str], suggest: int = MAX_SUGGESTED
) -> list[Finding]:
    """Words the dictionary, the field's words and the organisation's names do not know.
    Suggestions are worked out for the first ``suggest`` of them (each is bounded by
    ``spelling.suggestions``); a word longer than any word gets none. Words in another script
    (Bengali, Urdu …: a child's own words) are not judged by an English dictionary."""
    found = []
    masked = mask_addresses(text)  # same offsets, no addresses
    for match in WORD.finditer(masked):
        word, start = match.group(0), match.start()
        if len(word) < 2 or (word.isupper() and len(word) <= 6):
            continue
        before = text[max(0, start - 1) : start]
        after = text[start + len(word) : start + len(word) + 1]
        if before.isdigit() or after.isdigit() or (before and before in "@/#_"):
            continue
        if not is_latin(word) or spelling.known(word, accepted):
            continue
        if len(word) > spelling.longest() and "-" not in word:
            found.append(
                Finding(
                    "spelling",
                    name,
                    start,
                    start + len(word),
                    _excerpt(word, 0, len(word)),
                    f"This run of {len(word):,} letters is longer than any word.",
                    "Check for letters typed or pasted by mistake, and for missing spaces.",
                )
            )
            continue
        options = spelling.suggestions(word) if len(found) < suggest else []
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
