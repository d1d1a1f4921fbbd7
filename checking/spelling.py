"""British English spelling: a word list loaded once per process, then one set lookup a word.

The list (``data/en_GB.words.gz``) is the LibreOffice en_GB Hunspell dictionary expanded into every
word form by ``data/build_wordlist.py``; it needs no spelling library at run time, so a fresh machine
with only Python has it. British spellings ("colour", "organisation", "behaviour") are in it; American
ones ("color", "behavior", "analyze") are not, and are suggested their British form. Oxford "-ize"
forms ("realize") are accepted, as British dictionaries do. ``data/domain_words.txt`` adds the words
of the field (EHCP, CAMHS, wellbeing, de-escalation, MOSAIC, Ofsted …); each organisation adds its
accepted words and the names of its children, staff and places.
"""

import gzip
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

from tenancy.text import fold_apostrophes, normalise, search_key

DATA = Path(__file__).parent / "data"
LETTERS = "abcdefghijklmnopqrstuvwxyz"


@cache
def dictionary() -> frozenset[str]:
    with gzip.open(DATA / "en_GB.words.gz", "rt", encoding="utf-8") as handle:
        return frozenset(handle.read().split("\n")) - {""}


@cache
def domain_words() -> frozenset[str]:
    lines = (DATA / "domain_words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


@cache
def longest() -> int:
    """The length of the longest word form in the dictionary (47: "pneumonoultramicroscopic…"):
    nothing longer is a word, so nothing longer is looked up or given suggestions."""
    return max(map(len, dictionary()))


def known(word: str, extra: frozenset[str] = frozenset()) -> bool:
    """Is ``word`` spelt correctly? ``extra`` holds lower-cased accepted words and names.
    Typographic apostrophes count as ``'`` ("didn’t" is "didn't"); a word with accents is known
    when the dictionary has it, or has it without them ("Zoe" accepted, "Zoë" written).
    Words longer than any dictionary word (``longest()``, hyphenated compounds aside) are not."""
    word = fold_apostrophes(normalise(word))
    if "-" not in word and len(word) > longest():
        return False
    if _known(word, extra):
        return True
    if not word.isascii():
        plain = search_key(word).replace(" ", "-")
        return plain != word.lower() and _known(plain, extra)
    return False


def _known(word: str, extra: frozenset[str]) -> bool:
    words = dictionary()
    lower = word.lower()
    if word in words or lower in extra or lower in domain_words():
        return True
    if lower in words and (word[0].isupper() or word.isupper()):
        return True  # "Cannabis" at the start of a sentence, "CANNABIS" in a heading
    if word.istitle() and word.lower().capitalize() in words:
        return True
    for ending in ("'s", "'"):
        if lower.endswith(ending) and len(lower) > len(ending) + 1:
            return _known(word[: -len(ending)], extra)
    if "-" in word:
        return all(_known(part, extra) for part in word.split("-") if part)
    return False


def _edits(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return {
        *(a + b[1:] for a, b in splits if b),
        *(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1),
        *(a + c + b[1:] for a, b in splits if b for c in LETTERS),
        *(a + c + b for a, b in splits for c in LETTERS),
    }


AMERICAN = (("or", "our"), ("ize", "ise"), ("yze", "yse"), ("er", "re"), ("og", "ogue"))


def suggestions(word: str, limit: int = 3) -> list[str]:
    """Likely intended words: the British form of an American spelling first, then one edit away.

    Bounded: a word longer than ``longest()`` + 1 letters gets none (one edit cannot make it a
    word), so the candidates built are at most 54 × 49 strings of at most 49 letters (about
    2,600, well under a megabyte) whatever is typed; answers are cached per process."""
    if len(word) > longest() + 1:
        return []
    return list(_suggestions(fold_apostrophes(unicodedata.normalize("NFC", word)), limit))


@lru_cache(maxsize=4096)
def _suggestions(word: str, limit: int) -> tuple[str, ...]:
    words = dictionary()
    lower = word.lower()
    found: list[str] = []
    for us, gb in AMERICAN:
        if lower.endswith(us) and lower[: -len(us)] + gb in words:
            found.append(lower[: -len(us)] + gb)
    for candidate in sorted(_edits(lower)):
        if candidate in words and candidate not in found:
            found.append(candidate)
    if word[:1].isupper():
        found = [f[:1].upper() + f[1:] for f in found]
    return tuple(found[:limit])
