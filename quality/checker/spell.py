"""The spelling rule: words not in the British English dictionary, the field's words or the
organisation's names and accepted words."""

from __future__ import annotations

import re
from functools import lru_cache

from .. import spelling
from .inputs import Context
from .parsing import ADDRESS, WORD
from .report import Finding


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
