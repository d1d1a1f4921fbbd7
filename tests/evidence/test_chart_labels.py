"""What works' chart keeps a long kind of intervention readable: its label wraps onto two lines of
whole words (SVG text does not wrap by itself) and the full text is the label's title."""

import re
import xml.etree.ElementTree as ET

from django.template.loader import render_to_string

from evidence.templatetags.evidence_tags import svg_lines

LONG = "Independence skills and pathway planning (the care planning standard, 14 children)"


def test_a_long_label_wraps_on_whole_words_and_keeps_its_full_text_as_the_title():
    chart = {"width": 720, "height": 80, "x0": 240, "label_x": 10, "empty": False,
             "rows": [{"label": LONG, "y": 36, "bars": []}]}  # fmt: skip
    svg = render_to_string(
        "evidence/_chart.svg", {"chart": chart, "title": "What works", "standalone": True}
    )
    assert svg.startswith('<?xml version="1.0"')
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    label = next(t for t in root.iter(f"{ns}text") if t.find(f"{ns}title") is not None)
    assert label.find(f"{ns}title").text == LONG
    lines = [t.text for t in label.findall(f"{ns}tspan")]
    assert len(lines) == 2 and all(len(line) <= 38 for line in lines)
    assert lines == ["Independence skills and pathway", "planning (the care planning standard,…"]
    assert all(not re.search(r"\w…\w", line) for line in lines)


def test_short_labels_stay_on_one_line_and_two_lines_are_not_cut():
    assert svg_lines("Friendships (topic, 7 children)") == ["Friendships (topic, 7 children)"]
    two = "Online and phone safety (topic, 12 children)"
    assert " ".join(svg_lines(two)) == two
