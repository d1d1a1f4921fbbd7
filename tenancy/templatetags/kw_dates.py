"""Django's ``date`` and ``time`` filters, faster for the formats Keywork's templates use.

Loaded as a template builtin (settings: TEMPLATES OPTIONS "builtins"), so ``{{ d|date:"j M Y" }}``
everywhere comes here. Django's formatter looks every month and day name up through the
translation machinery: about 20-40 µs a value, and a list page writes 50-75 of them. In English,
for a format made only of the letters below and punctuation, the same text is written directly;
anything else (another language, other letters, escapes, no format) goes to Django's own filter,
and ``tests/tenancy/test_kw_dates.py`` holds the two to the same output. Shapes: ``value`` a date,
datetime or time (already in the page's time zone: ``expects_localtime`` as Django's), ``arg`` a
Django format string; returns a str ("" for no value, as Django's)."""

import datetime

from django import template
from django.template.defaultfilters import date as django_date
from django.template.defaultfilters import time as django_time
from django.utils import translation

register = template.Library()

MONTHS = (
    "January February March April May June July August September October November December"
).split()
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()

_DATE = {
    "d": lambda v: f"{v.day:02d}",
    "j": lambda v: str(v.day),
    "D": lambda v: DAYS[v.weekday()][:3],
    "l": lambda v: DAYS[v.weekday()],
    "m": lambda v: f"{v.month:02d}",
    "n": lambda v: str(v.month),
    "M": lambda v: MONTHS[v.month - 1][:3],
    "b": lambda v: MONTHS[v.month - 1][:3].lower(),
    "F": lambda v: MONTHS[v.month - 1],
    "y": lambda v: f"{v.year % 100:02d}",
    "Y": lambda v: f"{v.year:04d}",
}
_TIME = {
    "H": lambda v: f"{v.hour:02d}",
    "G": lambda v: str(v.hour),
    "i": lambda v: f"{v.minute:02d}",
    "s": lambda v: f"{v.second:02d}",
}
_PUNCTUATION = set(" .,:;/-–()")


def _fast(value, arg, letters: dict) -> str | None:
    """The formatted text, or None when Django's own filter must do it."""
    if not arg or not isinstance(arg, str) or not translation.get_language().startswith("en"):
        return None
    parts = []
    for char in arg:
        if char in letters:
            parts.append(letters[char](value))
        elif char in _PUNCTUATION:
            parts.append(char)
        else:
            return None
    return "".join(parts)


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Django's ``date`` filter (same output), fast for English names and common letters."""
    if value in (None, ""):
        return ""
    letters = _DATE_TIME if isinstance(value, datetime.datetime) else _DATE
    if isinstance(value, datetime.date):
        text = _fast(value, arg, letters)
        if text is not None:
            return text
    return django_date(value, arg)


@register.filter(expects_localtime=True, is_safe=False)
def time(value, arg=None):
    """Django's ``time`` filter (same output), fast for hours, minutes and seconds."""
    if value in (None, ""):
        return ""
    if isinstance(value, (datetime.time, datetime.datetime)):
        text = _fast(value, arg, _TIME)
        if text is not None:
            return text
    return django_time(value, arg)


_DATE_TIME = {**_DATE, **_TIME}
