"""The template builtins' ``date`` and ``time`` filters write what Django's own write, for every
format the templates use and every kind of value, across the clock changes."""

import datetime
import re
import zoneinfo
from pathlib import Path

import pytest
from django.template import Context, Engine, Template
from django.template.defaultfilters import date as django_date
from django.template.defaultfilters import time as django_time
from django.utils import timezone, translation

from tenancy.templatetags import kw_dates

ROOT = Path(__file__).resolve().parents[2]
LONDON = zoneinfo.ZoneInfo("Europe/London")


def formats_in_templates() -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / "templates").rglob("*.html"):
        for kind, fmt in re.findall(r"\|(date|time):[\"']([^\"']*)[\"']", path.read_text()):
            found.add((kind, fmt))
    return found


FORMATS = sorted(
    formats_in_templates()
    | {("date", f) for f in ("d/m/Y", "n/j/y", "b", "N j, Y", "jS F", r"j \o\f F", "e", "")}
    | {("time", f) for f in ("G:i", "H:i:s", "P", "")}
)
VALUES = [
    datetime.date(2026, 1, 1),
    datetime.date(2026, 9, 30),  # "Sep", not "Sept"
    datetime.date(1999, 12, 31),
    datetime.date(5, 3, 7),  # a year below 1000 is zero-padded
    datetime.datetime(2026, 3, 29, 0, 59, tzinfo=datetime.UTC),  # just before the clocks go forward
    datetime.datetime(2026, 3, 29, 1, 0, tzinfo=datetime.UTC),  # just after: 02:00 BST
    datetime.datetime(2026, 10, 25, 0, 30, tzinfo=datetime.UTC),  # 01:30 BST
    datetime.datetime(2026, 10, 25, 1, 30, tzinfo=datetime.UTC),  # 01:30 GMT, the hour again
    datetime.datetime(2026, 7, 4, 23, 5, 9),  # naive
    datetime.time(0, 0),
    datetime.time(9, 5, 7),
    datetime.time(23, 59),
    None,
    "",
]


def outcome(render, *args):
    """The text, or the kind of error (a date with a time letter fails in both alike)."""
    try:
        return render(*args)
    except (TypeError, ValueError) as error:
        return type(error)


def test_the_templates_use_formats_the_test_covers():
    assert ("date", "j M Y") in FORMATS and ("time", "H:i") in FORMATS


@pytest.mark.parametrize("kind,fmt", FORMATS)
def test_same_text_as_djangos_filter_for_every_value(kind, fmt):
    ours, theirs = (kw_dates.date, django_date) if kind == "date" else (kw_dates.time, django_time)
    for value in VALUES:
        assert outcome(ours, value, fmt or None) == outcome(theirs, value, fmt or None), (
            value,
            fmt,
        )


@pytest.mark.parametrize("kind,fmt", FORMATS)
def test_in_a_page_aware_times_are_shown_in_the_sites_zone(kind, fmt):
    """Through the template engine (the builtin replaces Django's filter): an aware time is
    turned into the page's zone first, exactly as Django's filter has it."""
    text = "{{ v|" + kind + ":'" + fmt + "' }}"
    ours = Template(text)
    theirs = Engine(builtins=["django.template.defaultfilters"]).from_string(text)
    with timezone.override(LONDON):
        for value in VALUES:
            context = Context({"v": value})
            assert outcome(ours.render, context) == outcome(theirs.render, context), (value, fmt)


def test_the_builtin_is_ours_and_other_languages_go_to_django():
    page = Template("{{ d|date:'l j F Y' }}")
    assert page.render(Context({"d": datetime.date(2026, 11, 3)})) == "Tuesday 3 November 2026"
    with translation.override("fr"):
        assert kw_dates.date(datetime.date(2026, 11, 3), "l j F Y") == django_date(
            datetime.date(2026, 11, 3), "l j F Y"
        )
        assert "novembre" in kw_dates.date(datetime.date(2026, 11, 3), "F")
