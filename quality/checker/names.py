"""Another child named in a record: a possible disclosure."""

from __future__ import annotations

import re
from functools import lru_cache

from .inputs import Context
from .parsing import _phrase_regex
from .report import Finding


@lru_cache(maxsize=64)
def _name_patterns(
    others: tuple[tuple[str, str, str], ...], own: tuple[str, ...], staff: tuple[str, ...]
) -> tuple[re.Pattern | None, re.Pattern | None]:
    full = set()
    single = set()
    for first, last, preferred in others:
        for given in (first, preferred):
            if given:
                full.add(f"{given} {last}")
                if given not in own and given not in staff:
                    single.add(given)

    def alternation(names):
        if not names:
            return None
        body = "|".join(_phrase_regex(n) for n in sorted(names, key=lambda n: (-len(n), n)))
        return re.compile(rf"(?<![\w'’-])(?:{body})(?![\w-])")

    return alternation(full), alternation(single)


@lru_cache(maxsize=64)
def _name_matchers(context: Context) -> tuple[re.Pattern | None, re.Pattern | None]:
    """The patterns for one context's other children (cached: a context is rebuilt equal on every
    request, so the 1,000-name patterns of a large organisation are compiled once)."""
    subject = next((p for p in context.children if p.child_id == context.child_id), None)
    others = tuple(
        sorted(
            (p.first, p.last, p.preferred)
            for p in context.children
            if p.child_id != context.child_id
        )
    )
    own = tuple(sorted(n for n in (subject.first, subject.preferred) if n)) if subject else ()
    staff = tuple(sorted({n.split()[0] for n in context.staff_names if n.split()}))
    return _name_patterns(others, own, staff)


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
            if any(a <= match.start() < b for a, b in taken):
                continue
            if not is_full and match.start() in starts_set:
                continue  # "Will you …", "Grace was …" at a sentence start: too likely a word
            taken.append((match.start(), match.end()))
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
