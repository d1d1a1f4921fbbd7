"""Disclosure language: words a child may use when telling an adult about harm ("hit me",
"touched me", "don't tell anyone"). The checker cannot know what happened; it reminds the writer
that a disclosure goes to the designated safeguarding lead (DSL) at once, as the school handbook's
child-protection protocol and Keeping Children Safe in Education require. A suggestion: it takes
nothing off the score and never stops a record being saved or submitted.

Each organisation edits its list on the Record-quality settings page (``DEFAULT_DISCLOSURE_PHRASES``
until it does). Matching ignores case and typographic apostrophes and allows any spacing between
words; a phrase inside quotation marks counts too (the child's own words are where it is most
likely)."""

from __future__ import annotations

import re
from functools import lru_cache

from tenancy.text import fold_apostrophes

from .parsing import _alternation
from .report import Finding

DEFAULT_DISCLOSURE_PHRASES = (
    "hit me",
    "hits me",
    "hurt me",
    "hurts me",
    "touched me",
    "touches me",
    "don't tell anyone",
    "don't tell anybody",
    "it's a secret",
    "not allowed to tell",
    "scared to go home",
    "kicked me",
    "slapped me",
    "punched me",
)
SUGGESTION = "Consider raising a safeguarding concern with the DSL."


@lru_cache(maxsize=64)
def _patterns(phrases: tuple[str, ...]) -> list[re.Pattern]:
    return _alternation(fold_apostrophes(p) for p in phrases)


def _safeguarding(name: str, text: str, phrases: tuple[str, ...]) -> list[Finding]:
    """One ``safeguarding`` finding per use of a disclosure phrase in ``text`` (already folded:
    ``'`` for typographic apostrophes)."""
    return [
        Finding(
            "safeguarding",
            name,
            match.start(),
            match.end(),
            match.group(0),
            f"“{match.group(0)}” may be a disclosure. If a child has told you about harm, pass it "
            "to the designated safeguarding lead today, in the child's own words.",
            SUGGESTION,
        )
        for pattern in _patterns(phrases)
        for match in pattern.finditer(text)
    ]
