"""Template filters of the evidence pages."""

import textwrap

from django import template

register = template.Library()


@register.filter
def svg_lines(text, width=38) -> list[str]:
    """``text`` in at most two lines of about ``width`` characters for an SVG label (SVG text does
    not wrap): whole words, the second line ending in "…" when the text is longer still. The
    label's full text goes in its ``<title>``."""
    lines = textwrap.wrap(str(text), int(width)) or [""]
    if len(lines) <= 2:
        return lines
    rest = " ".join(lines[1:])
    return [lines[0], rest[: int(width) - 1].rstrip() + "…"]
