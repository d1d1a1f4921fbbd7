"""A chart with nothing to draw says so in words, in the chart's place.

A walkthrough retracted a child's only slip: the child's behaviour page then drew the slip chart's
axis and week labels with nothing on them, which read as broken. Every chart (the slips and the
class points on a child's and a site's page, compliance's on-time chart, the record-quality
month chart, What works and the story's picture) now says "No slips in this period." or the
like instead. The walk reads every template that draws a chart, so a new chart is held to it."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from behaviour import charts as behaviour_charts
from behaviour.services import slip_retract
from behaviour.words import for_site
from compliance.selectors.dashboards import Week
from compliance.selectors.dashboards import chart as on_time_chart
from evidence import charts as evidence_charts
from quality.performance import month_chart
from tenancy.context import organisation_scope

from .behaviour.factories import SlipFactory
from .factories import ChildFactory
from .sessions_app.conftest import access_for

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# A server-drawn chart: an SVG sized from a chart's geometry.
DRAWS_A_CHART = re.compile(r"<svg\b[^>]*viewBox=\"0 0 \{\{ chart\.width \}\}")


def chart_templates() -> dict[str, str]:
    return {
        str(path.relative_to(TEMPLATES)): path.read_text()
        for path in TEMPLATES.rglob("*")
        if path.suffix in (".html", ".svg") and DRAWS_A_CHART.search(path.read_text())
    }


def test_every_chart_template_says_so_when_it_has_nothing_to_draw():
    found = chart_templates()
    assert {
        "behaviour/_slip_chart.html",
        "behaviour/_points_chart.html",
        "compliance/_chart.html",
        "quality/_month_chart.html",
        "evidence/_chart.svg",
    } <= set(found)
    for name, text in found.items():
        assert "chart.empty" in text, name
        if name.endswith(".html"):  # a page's chart: the words in its place, not the axis
            assert '{% include "chart_empty.html" with message=chart.empty_message %}' in text
            empty_branch = text.split("{% if chart.empty %}", 1)[1].split("{% else %}", 1)[0]
            assert "<svg" not in empty_branch, name


WEEKS = [datetime.date(2026, 11, 2) + datetime.timedelta(weeks=i) for i in range(3)]


def _points(value):
    return [
        {"week": w, "points": value, "per_pupil": value, "target": 100, "partial": False}
        for w in WEEKS
    ]


@pytest.mark.parametrize(
    "template, empty, full, message",
    [
        (
            "behaviour/_slip_chart.html",
            behaviour_charts.weekly_slips([{"week": w, "counts": {}, "total": 0} for w in WEEKS]),
            behaviour_charts.weekly_slips(
                [{"week": w, "counts": {"low": 2}, "total": 2} for w in WEEKS]
            ),
            "No slips in this period.",
        ),
        (
            "behaviour/_points_chart.html",
            behaviour_charts.weekly_points(_points(0)),
            behaviour_charts.weekly_points(_points(80)),
            "No class points in this period.",
        ),
        (
            "compliance/_chart.html",
            on_time_chart([Week(w, 0, 0) for w in WEEKS]),
            on_time_chart([Week(w, 4, 1) for w in WEEKS]),
            "Nothing fell due in these 3 weeks.",
        ),
        (
            "quality/_month_chart.html",
            month_chart(WEEKS, {}),
            month_chart(WEEKS, {WEEKS[0]: (2, 70)}),
            "No records in these months.",
        ),
    ],
)
def test_each_chart_says_what_is_missing_and_draws_when_there_is_data(
    template, empty, full, message
):
    context = {"chart_id": "c", "weeks": [], "name": "Ann"}
    shown = render_to_string(template, {**context, "chart": empty})
    assert message in shown and "<svg" not in shown.split("<details")[0]
    drawn = render_to_string(template, {**context, "chart": full})
    assert message not in drawn and "<rect" in drawn


def test_a_homes_empty_chart_says_incidents():
    from tenancy.models import Site

    home = Site(kind=Site.Kind.HOME, name="Oak House")
    chart = behaviour_charts.weekly_slips(
        [{"week": w, "counts": {}, "total": 0} for w in WEEKS], for_site(home)
    )
    assert chart["empty"] and chart["empty_message"] == "No incidents in this period."


def _colours(png: bytes) -> set:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return {colour for _count, colour in image.getcolors(maxcolors=1 << 20)}


def test_the_storys_picture_says_no_slips_instead_of_an_empty_axis():
    empty = evidence_charts.slips_png([{"week": w, "counts": {}, "total": 0} for w in WEEKS])
    full = evidence_charts.slips_png([{"week": w, "counts": {"low": 2}, "total": 2} for w in WEEKS])
    amber = (0xD9, 0x77, 0x06)  # the low-level bars
    assert amber in _colours(full) and amber not in _colours(empty)
    grey = (0x6C, 0x75, 0x7D)  # the axis
    assert grey not in _colours(empty)


@pytest.mark.django_db
def test_after_the_only_slip_is_retracted_the_childs_page_says_there_are_none(client, org):
    """The walkthrough: one slip this fortnight, retracted; the child's behaviour page."""
    client.force_login(org.users["key_worker"])
    url = reverse("behaviour:child_overview", args=[org.child.pk])
    with organisation_scope(org.org.pk):
        slip = org.slip
        slip.occurred_at = timezone.now() - datetime.timedelta(days=2)
        slip.save()
    page = client.get(url).content.decode()
    assert 'id="child-slips-title"' in page and "No slips in this period." not in page
    with organisation_scope(org.org.pk):
        slip_retract(
            access=access_for(org.users["key_worker"], org),
            slip=org.slip,
            reason="Recorded for the wrong pupil.",
            version=org.slip.version,
        )
    page = client.get(url).content.decode()
    assert "No slips in this period." in page
    assert 'id="child-slips-title"' not in page  # no empty axis drawn
    assert "No class points in this period." in page


@pytest.mark.django_db
def test_a_homes_child_and_analysis_pages_say_no_incidents(client, org):
    young = ChildFactory(site=org.home)
    client.force_login(org.users["other_site_key_worker"])
    page = client.get(reverse("behaviour:child_overview", args=[young.pk])).content.decode()
    assert "No incidents in this period." in page
    assert "class points" not in page.lower()  # a home keeps none (behaviour.words)
    analysis = client.get(reverse("behaviour:site_analysis")).content.decode()
    assert "No incidents in this period." in analysis
    SlipFactory(child=young, lesson="", occurred_at=timezone.now() - datetime.timedelta(hours=2))
    page = client.get(reverse("behaviour:child_overview", args=[young.pk])).content.decode()
    assert "No incidents in this period." not in page and 'id="child-slips-title"' in page


@pytest.mark.django_db
def test_a_site_with_nothing_due_yet_says_so_on_its_compliance_dashboard(client, org):
    client.force_login(org.users["org_admin"])
    page = client.get(reverse("compliance:site_dashboard", args=[org.home.pk])).content.decode()
    assert "Nothing fell due in these 12 weeks." in page
