"""Text as people type it, normalised in one place.

Phones and Word put typographic apostrophes and quotes into what staff write ("didn’t",
"O’Brien", “she said”); names and words carry letters outside ASCII ("Zoë", "Siân", "Łukasz",
"café"), sometimes decomposed (an "e" followed by a combining diaeresis, as macOS and some
browsers send). Every rule that reads words, every search and every name match goes through this
module, so that these forms are the same word everywhere:

- ``normalise(text)``: Unicode NFC and ``\\n`` line endings: what a field holds before it is
  checked or compared (the stored text keeps its typography; only equivalence is decided here).
- ``fold_apostrophes(text)``: typographic apostrophes to ``'``, the same length, so offsets found in
  the folded text point into the original.
- ``WORD``: a word of Unicode letters with inner apostrophes and hyphens (``o’clock``, ``Zoë``,
  ``Mary-Jane``); digits and underscores are not letters.
- ``search_key(text)``: the accent-, case- and apostrophe-folded form used to find people by name:
  "Zoë O’Brien" → "zoe obrien", so "Zoe", "zoë", "O'Brien" and "O’Brien" all find her. The same
  folding is a ``translate()`` in PostgreSQL (``search_key_sql``), so a generated column holds it
  without any database extension (the embedded server ships none).

Sources: Unicode Standard Annex #15 (normalisation forms); the apostrophe and quotation-mark code
points are those of Unicode's General Punctuation block that word processors substitute
("smart quotes"). Control characters are not this module's business (``tenancy.cleaning``).
"""

from __future__ import annotations

import re
import unicodedata

# Typographic apostrophes: right single quote (what "smart quotes" insert), modifier letter
# apostrophe, reversed-9 quote, prime, grave and acute accents typed as apostrophes.
APOSTROPHES = "’ʼ‛′`´"
# Every apostrophe and quotation mark, removed from a search key.
QUOTE_MARKS = "'’‘ʼ‛′`´\"“”„‟«»‹›"
_APOSTROPHE_TABLE = str.maketrans(dict.fromkeys(APOSTROPHES, "'"))

# The longest free-text field a form accepts (about 1,700 words): long enough for any account of a
# session or an incident, short enough that its PDF, Word export and check stay bounded.
MAX_FREE_TEXT = 10_000

LETTER = r"[^\W\d_]"  # any Unicode letter (Python's \w less digits and the underscore)
# A word: letters, with apostrophes, hyphens and combining marks inside (never at either end).
WORD = re.compile(rf"{LETTER}(?:(?:{LETTER}|[\u0300-\u036f'’ʼ\-])*(?:{LETTER}|[\u0300-\u036f]))?")


def normalise(text: str | None) -> str:
    """``text`` in Unicode NFC with ``\\r\\n`` and ``\\r`` turned into ``\\n``; ``None`` → ``""``.
    Idempotent. Offsets a checker reports refer to this form of the text."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def fold_apostrophes(text: str) -> str:
    """Typographic apostrophes (``’ ʼ ‛ ′ ` ´``) replaced by ``'``; same length as ``text``."""
    return text.translate(_APOSTROPHE_TABLE)


def is_latin(word: str) -> bool:
    """True when every letter of ``word`` is a Latin letter (with or without accents), so an
    English dictionary can judge it; a word in Bengali, Urdu or Greek script is not."""
    return all(not ch.isalpha() or "LATIN" in unicodedata.name(ch, "") or ch in "ʼ" for ch in word)


def _folding_pairs() -> tuple[str, str, str]:
    """(from, to, deleted): each Latin letter with or without accents → its lower-case base
    letter; combining marks, apostrophes and quotes deleted. Built from Unicode's own
    decompositions, so Python and PostgreSQL fold with the same table."""
    source, target = [], []
    extra = {"Ø": "o", "ø": "o", "Ł": "l", "ł": "l", "Đ": "d", "đ": "d", "ı": "i", "Ħ": "h"}
    extra |= {"ħ": "h", "-": " ", "‐": " ", "‑": " ", "–": " "}
    for code in [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        ).lower()
        if len(base) == 1 and "a" <= base <= "z" and base != char:
            source.append(char)
            target.append(base)
    for char, base in extra.items():
        source.append(char)
        target.append(base)
    deleted = QUOTE_MARKS + "".join(chr(c) for c in range(0x300, 0x370))
    return "".join(source), "".join(target), deleted


SEARCH_FROM, SEARCH_TO, SEARCH_DELETE = _folding_pairs()
_SEARCH_TABLE = str.maketrans(SEARCH_FROM, SEARCH_TO, SEARCH_DELETE)


def search_key(text: str | None) -> str:
    """The folded form people are found by: Latin letters without accents and in lower case,
    apostrophes and quotes removed, hyphens as spaces ("Zoë O’Brien" → "zoe obrien",
    "Mary-Jane" → "mary jane"). Other scripts are kept as they are (a database ``icontains``
    compares them without regard to case). The same table as ``search_key_sql``."""
    return (text or "").translate(_SEARCH_TABLE)


def search_words(query: str | None) -> list[str]:
    """A search box's text as folded words to match one by one (``[]`` for an empty search);
    a word that folds to nothing (a lone apostrophe) is dropped."""
    return [w for w in search_key(normalise(query)).split() if w]


def search_key_sql(expression):
    """A Django expression folding ``expression`` exactly as ``search_key`` does, with
    PostgreSQL's immutable ``translate()`` (usable in a generated column and in an index):
    characters of ``from`` beyond the length of ``to`` are deleted."""
    from django.db.models import CharField, Func, Value

    return Func(
        expression,
        Value(SEARCH_FROM + SEARCH_DELETE),
        Value(SEARCH_TO),
        function="translate",
        output_field=CharField(),
    )
