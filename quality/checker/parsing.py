"""Shared text helpers of the rules: words, sentence starts, quotations and excerpts."""

from __future__ import annotations

import re

ABBREVIATIONS = {"e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "approx", "vs", "no", "st", "cf"}
WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]")
OPEN_QUOTE = re.compile(r"(?:(?<=^)|(?<=[\s(\[{—–-]))(['‘\"“])(?=\S)", re.MULTILINE)
CLOSERS = {"'": "'’", "‘": "’'", '"': '"”', "“": '”"'}
BULLET = re.compile(r"[ \t]*(?:(?:[-•*○·–—]|\d{1,2}[.)])[ \t]*)?")
SENTENCE_BREAK = re.compile(r"\A|\n|[.!?][ \t\n]+")
SENTENCE_LEAD = re.compile(r"[ \t]*(?:(?:[-•*○·–—]|\d{1,2}[.)])[ \t]+)?['‘\"“(\[]*")
ADDRESS = re.compile(r"\S*(?:://|@|www\.)\S*")


def _phrase_regex(phrase: str) -> str:
    words = [re.escape(w) for w in phrase.split()]
    return r"\s+".join(words)


def _bounded(fragment: str) -> str:
    return rf"(?<![\w'’-])(?:{fragment})(?![\w-])"


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks (the speaker's own words). Apostrophes (Amber's, kids') are not
    quotes: an opening mark follows a space, a bracket or the start of a line."""
    spans = []
    position = 0
    while True:
        match = OPEN_QUOTE.search(text, position)
        if not match:
            return spans
        mark, start = match.group(1), match.end()
        closers = CLOSERS[mark]
        end = None
        for index in range(start, len(text)):
            char = text[index]
            if char == "\n" and index + 1 < len(text) and text[index + 1] == "\n":
                break  # quotes do not run across paragraphs
            if char in closers and (
                mark in '"“' or index + 1 == len(text) or not text[index + 1].isalnum()
            ):
                end = index
                break
        if end is None:
            position = start
            continue
        spans.append((start, end))
        position = end + 1


def _inside(spans: list[tuple[int, int]], start: int) -> bool:
    return any(a <= start < b for a, b in spans)


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
