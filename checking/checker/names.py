"""Another child named in a record: a possible disclosure.

What counts (issue 16): another child's full name ("Leah Jones", or with their preferred name,
"Lee Jones") always; a first or preferred name alone ("Leah") only where it points at one child: not
at the start of a sentence (a capitalised "Will" or "Grace" there is more likely a word), and not
when the name is also one the record has every reason to use — the chosen child's own names (their
surname above all: "Phoned Mr Quinn" in Logan Quinn's record is his parent), a recorded family
member's names, or a member of staff's first name. A surname alone is never taken as a disclosure.
Names match whatever the apostrophes (O’Brien, O'Brien) and whether or not their accents were typed
("Zoe" finds "Zoë")."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from tenancy.text import fold_apostrophes, normalise, search_key

from .inputs import Context
from .parsing import _inside
from .report import Finding


def _fold(name: str) -> str:
    return fold_apostrophes(normalise(name)).strip()


def _letter_regex(char: str) -> str:
    """One letter of a name: an accented letter also matches its plain form as typed."""
    plain = search_key(char)
    if len(plain) == 1 and plain != char.lower() and plain.isascii():
        base = plain.upper() if char.isupper() else plain
        return f"[{re.escape(char)}{base}]"
    return re.escape(char)


def _name_regex(name: str) -> str:
    return r"\s+".join("".join(_letter_regex(c) for c in word) for word in name.split())


@lru_cache(maxsize=64)
def _name_patterns(
    others: tuple[tuple[str, str, str], ...], own: tuple[str, ...], staff: tuple[str, ...]
) -> tuple[re.Pattern | None, re.Pattern | None]:
    """``own``: lower-case names a single name may also be (the chosen child's, their family's,
    staff first names): such a name alone is not a disclosure."""
    full = set()
    single = set()
    for first, last, preferred in others:
        for given in (first, preferred):
            if given:
                full.add(f"{given} {last}")
                if given.lower() not in own and given.lower() not in staff:
                    single.add(given)

    def alternation(names):
        if not names:
            return None
        body = "|".join(_name_regex(n) for n in sorted(names, key=lambda n: (-len(n), n)))
        return re.compile(rf"(?<![\w'’-])(?=[^\W\d_])(?:{body})(?![\w-])")

    return alternation(full), alternation(single)


@lru_cache(maxsize=64)
def _name_matchers(context: Context) -> tuple[re.Pattern | None, re.Pattern | None]:
    """The patterns for one context's other children (cached: a context is rebuilt equal on every
    request, so the 1,000-name patterns of a large organisation are compiled once)."""
    subject = next((p for p in context.children if p.child_id == context.child_id), None)
    others = tuple(
        sorted(
            (_fold(p.first), _fold(p.last), _fold(p.preferred))
            for p in context.children
            if p.child_id != context.child_id
        )
    )
    own: set[str] = set()
    for name in (
        *((subject.first, subject.last, subject.preferred) if subject else ()),
        *context.family_names,
    ):
        own.update(part.lower() for part in re.split(r"[\s\-]+", _fold(name)) if part)
    staff = tuple(sorted({_fold(n).split()[0].lower() for n in context.staff_names if n.split()}))
    return _name_patterns(others, tuple(sorted(own)), staff)


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
            if _inside(taken, match.start()):
                continue
            if not is_full and match.start() in starts_set:
                continue  # "Will you …", "Grace was …" at a sentence start: too likely a word
            bisect.insort(taken, (match.start(), match.end()))
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
