"""What works' chart keeps a long kind of intervention readable: its label wraps onto two lines of
whole words (SVG text does not wrap by itself) and the full text is the label's title."""

import os
import re
import xml.etree.ElementTree as ET

import pytest
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


@pytest.mark.django_db
def test_what_works_chart_as_a_png_for_a_report(client, org):
    """The PNG download draws the page's chart: one before and one after bar per kind shown."""
    import io

    from PIL import Image

    from .test_views import add_targets

    add_targets(org, 5)
    client.force_login(org.users["org_admin"])
    png = client.get("/evidence/what-works.png")
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert 'filename="what-works.png"' in png["Content-Disposition"]
    image = Image.open(io.BytesIO(png.content))
    # 720 wide at twice the scale; a 34-point row per kind shown (the topic, the focus, the area).
    assert image.format == "PNG" and image.size[0] == 1440 and (image.size[1] / 2 - 44) % 34 == 0
    os.makedirs("test-artifacts", exist_ok=True)
    image.save("test-artifacts/evidence-what-works-chart.png")
    colours = {c for _n, c in image.getcolors(maxcolors=1 << 20)}
    assert (0x0D, 0x6E, 0xFD) in colours and (0xAD, 0xB5, 0xBD) in colours  # after, before
    assert client.get("/evidence/what-works.png", {"start": "x"}).status_code == 400
