"""Capital letters, full stops, repeated words and double spaces."""

from __future__ import annotations

import re

from .parsing import _excerpt, _words
from .report import Finding

WORD_CHARS = re.compile(r"\w+")


def _punctuation(name: str, text: str, starts: list[int], prose: bool) -> list[Finding]:
    found = []
    for start in starts:
        if text[start].islower():
            end = WORD_CHARS.match(text, start).end()
            found.append(
                Finding(
                    "capital",
                    name,
                    start,
                    end,
                    text[start:end],
                    "This sentence starts with a small letter.",
                    f"Start the sentence with a capital: “{text[start].upper()}{text[start + 1 : end]}”.",
                )
            )
    if prose:
        offset = 0
        for line in text.split("\n"):
            stripped = line.rstrip()
            if (
                _words(stripped) >= 4
                and stripped.lstrip()[:1] not in ("-", "•", "*", "○", "·")
                and stripped[-1] not in ".!?:;)\"'”’"
                and not re.search(r"https?://|\]\(", stripped)
            ):
                end = offset + len(stripped)
                last = stripped.rsplit(None, 1)[-1]  # "\S+$" backtracked: quadratic
                found.append(
                    Finding(
                        "full_stop",
                        name,
                        end - len(last),
                        end,
                        _excerpt(last, 0, len(last)),
                        "This paragraph does not end with a full stop.",
                        "End the sentence with a full stop, or finish it if it was cut short.",
                    )
                )
            offset += len(line) + 1
    for match in re.finditer(r"\b(\w+)\s+(\1)\b", text, re.IGNORECASE):
        word = match.group(1).lower()
        if word in ("had", "that") or word.isdigit():
            continue
        found.append(
            Finding(
                "repeated_word",
                name,
                match.start(),  # the excerpt shows both words, so the offsets cover both
                match.end(2),
                match.group(0),
                f"“{match.group(1)}” is repeated.",
                "Delete the second one.",
            )
        )
    for match in re.finditer(r"(?<=\S) {2,}(?=\S)", text):
        found.append(
            Finding(
                "double_space",
                name,
                match.start(),
                match.end(),
                match.group(0),
                "Two spaces where one is enough.",
                "Use a single space.",
            )
        )
    return found
