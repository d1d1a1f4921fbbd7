"""Shared text helpers of the rules: words, sentence starts, quotations and excerpts."""

from __future__ import annotations

import bisect
import re

from tenancy import text

ABBREVIATIONS = {"e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "approx", "vs", "no", "st", "cf"}
WORD = text.WORD  # Unicode letters, inner apostrophes and hyphens
OPEN_QUOTE = re.compile(r"(?:(?<=^)|(?<=[\s(\[{—–-]))(['‘\"“])(?=\S)", re.MULTILINE)
# What ends a quotation: its closing mark (a single one not followed by a letter or digit, so
# "it's" does not end 'it's fine') or a blank line (quotes do not run across paragraphs).
CLOSER = {
    "double": re.compile(r'\n\n|["”]'),
    "single": re.compile(r"\n\n|['’](?![^\W_])"),
}
BULLET = re.compile(r"[ \t]*(?:(?:[-•*○·–—]|\d{1,2}[.)])[ \t]*)?")
SENTENCE_BREAK = re.compile(r"\A|\n|[.!?][ \t\n]+")
SENTENCE_LEAD = re.compile(r"[ \t]*(?:(?:[-•*○·–—]|\d{1,2}[.)])[ \t]+)?['‘\"“(\[]*")
TOKEN = re.compile(r"\S+")


def mask_addresses(value: str) -> str:
    """``value`` with web and email addresses blanked by spaces (same length, same offsets).
    Token by token: the pattern ``\\S*(?:://|@)\\S*`` it replaces backtracked over every
    position of a long run without spaces (11 s for 50,000 letters)."""
    parts = []
    last = 0
    for token in TOKEN.finditer(value):
        word = token.group(0)
        if "://" in word or "@" in word or "www." in word:
            parts.append(value[last : token.start()])
            parts.append(" " * len(word))
            last = token.end()
    parts.append(value[last:])
    return "".join(parts)


def _phrase_regex(phrase: str) -> str:
    words = [re.escape(w) for w in phrase.split()]
    return r"\s+".join(words)


def _bounded(fragment: str, word_start: bool = False) -> str:
    """``fragment`` as whole words. ``word_start``: every alternative starts with a letter or
    digit, so positions that are not the start of a word are skipped at once (a long alternation
    is then tried only where a word begins, not at each of 50,000 spaces)."""
    ahead = r"(?=\w)" if word_start else ""
    return rf"(?<![\w'’-]){ahead}(?:{fragment})(?![\w-])"


def _alternation(phrases, flags=re.IGNORECASE) -> list[re.Pattern]:
    """Phrases (each matched with any spacing between its words) as at most two patterns, the
    longest phrase first in each: one pass over the text whatever the number of phrases."""
    phrases = sorted({p.strip() for p in phrases if p.strip()}, key=lambda p: (-len(p), p))
    words = [p for p in phrases if p[0].isalnum()]
    others = [p for p in phrases if not p[0].isalnum()]
    patterns = []
    for group, word_start in ((words, True), (others, False)):
        if group:
            body = "|".join(_phrase_regex(p) for p in group)
            patterns.append(re.compile(_bounded(body, word_start), flags))
    return patterns


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks (the speaker's own words). Apostrophes (Amber's, kids') are not
    quotes: an opening mark follows a space, a bracket or the start of a line; a quote ends at its
    closing mark or at a blank line. Linear in the text: each kind of mark searches for its next
    closer at most once per stretch of text (a text of 16,000 unclosed quotes once took minutes)."""
    spans = []
    position = 0
    found: dict[str, re.Match | None] = {}  # kind of mark -> the last closer-or-break found
    while True:
        match = OPEN_QUOTE.search(text, position)
        if not match:
            return spans
        mark, start = match.group(1), match.end()
        kind = "double" if mark in '"“' else "single"
        closer = found.get(kind, False)
        if closer is False or (closer is not None and closer.start() < start):
            closer = CLOSER[kind].search(text, start)
            found[kind] = closer
        if closer is None or closer.group(0) == "\n\n":
            position = start
            continue
        spans.append((start, closer.start()))
        position = closer.start() + 1


def _inside(spans: list[tuple[int, int]], start: int) -> bool:
    """Is ``start`` inside one of ``spans`` (sorted, not overlapping)? A binary search."""
    index = bisect.bisect_right(spans, (start, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= start < spans[index][1]


def sentence_starts(text: str) -> list[int]:
    """Offsets of the first letter of each sentence: at the start, after a line break, or after
    . ! ? and a space (not after an abbreviation such as "e.g." or "Mr."); bullets, list numbers
    and opening quotes before the letter are skipped."""
    starts = []
    for match in SENTENCE_BREAK.finditer(text):
        if match.group(0)[:1] in ".!?":
            word = re.search(r"([\w.]+)$", text[max(0, match.start() - 6) : match.start()])
            if word and word.group(1).lower() in ABBREVIATIONS:
                continue
        position = SENTENCE_LEAD.match(text, match.end()).end()
        if (
            position < len(text)
            and text[position].isalpha()
            and (not starts or starts[-1] != position)
        ):
            starts.append(position)
    return starts


def _excerpt(text: str, start: int, end: int) -> str:
    excerpt = text[start:end]
    return excerpt if len(excerpt) <= 80 else excerpt[:77] + "…"


def _words(text: str) -> int:
    return len(WORD.findall(text))
