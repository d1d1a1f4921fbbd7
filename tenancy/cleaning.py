"""Text from outside is cleaned at the boundary, once, for every form and import (issue 14.7).

- **Every request**: ``RequestCleaningMiddleware`` removes NUL characters from every GET and POST
  key and value before any view or form reads them (PostgreSQL cannot store NUL, and a NUL
  reaching a query or a column was a 500: a hidden field of the session editor, a filter).
- **Every form text field** (``django.forms.CharField`` and its subclasses: email, slug, URL …),
  installed once from ``TenancyConfig.ready`` so a new form is covered without anyone remembering:
  multi-line fields (a ``Textarea``) keep line breaks and tabs, turn ``\\r\\n``, ``\\r`` and Unicode
  line separators into ``\\n`` and drop other control characters; one-line fields (inputs, hidden
  fields) refuse a line break or control character with a message (a surname with a line break
  broke every PDF of that child), and turn tabs into spaces. Both drop the invisible
  bidirectional-override characters that disguise text (``U+202A``–``U+202E``, ``U+2066``–``U+2069``).
- **Imports and services** that take text without a form call ``clean_text`` and
  ``check_lengths`` (the column's ``max_length``) before saving, so an over-long value is a
  message naming the row and field, never a ``DataError``.

Unicode normalisation is ``tenancy.text``'s, not this module's.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict

# C0 controls except tab, line feed and carriage return; DEL; C1 controls (NEL is a line break).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f]")
_BIDI_OVERRIDES = re.compile("[\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")

ONE_LINE_MESSAGE = "Use one line of plain text here: remove the line break or control character."


def clean_text(value: str, *, multiline: bool) -> str:
    """``value`` with control characters handled for a multi-line or a one-line field.

    Multi-line: line breaks normalised to ``\\n``, tabs kept, other controls and bidi overrides
    dropped. One-line: tabs become spaces, bidi overrides dropped; a line break or any other
    control character raises ``ValidationError`` (``ONE_LINE_MESSAGE``)."""
    if not value:
        return value
    value = _BIDI_OVERRIDES.sub("", value)
    if multiline:
        value = _LINE_BREAKS.sub("\n", value)
        return _CONTROLS.sub("", value)
    value = value.replace("\t", " ")
    if _LINE_BREAKS.search(value) or "\n" in value or _CONTROLS.search(value):
        raise ValidationError(ONE_LINE_MESSAGE, code="control_characters")
    return value


def _is_multiline(field: forms.Field) -> bool:
    return isinstance(field.widget, forms.Textarea)


_original_to_python = forms.CharField.to_python


def _clean_to_python(self, value):
    value = _original_to_python(self, value)
    if isinstance(value, str) and value:
        value = clean_text(value, multiline=_is_multiline(self))
    return value


def install() -> None:
    """Clean every form's text fields (idempotent; called from ``TenancyConfig.ready``)."""
    if forms.CharField.to_python is not _clean_to_python:
        forms.CharField.to_python = _clean_to_python


def check_lengths(instance: models.Model, fields: list[str] | None = None) -> None:
    """Refuse values longer than their column before saving: ``ValidationError({field:
    message})`` for each ``CharField`` of ``instance`` (or only ``fields``) over its
    ``max_length``."""
    errors: dict[str, str] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        limit = getattr(field, "max_length", None)
        if not limit or not isinstance(field, models.CharField):
            continue
        value = getattr(instance, field.attname, None)
        if isinstance(value, str) and len(value) > limit:
            errors[field.name] = (
                f"{str(field.verbose_name).capitalize()} is at most {limit} characters "
                f"(this has {len(value)})."
            )
    if errors:
        raise ValidationError(errors)


def cell_problems(row: dict, columns: dict[str, models.Field]) -> list[str]:
    """An imported row's text problems, as phrases for its row message: any cell with a line
    break or control character, and any cell in ``columns`` longer than its model field's
    ``max_length`` (so an import never reaches a ``DataError``)."""
    problems = []
    for name, value in row.items():
        if not isinstance(value, str) or not value:
            continue
        try:
            clean_text(value, multiline=False)
        except ValidationError:
            problems.append(f"the {name} contains a line break or control character")
            continue
        field = columns.get(name)
        limit = getattr(field, "max_length", None)
        if limit and len(value) > limit:
            problems.append(f"the {name} is longer than {limit} characters ({len(value)})")
    return problems


def _without_nul(query: QueryDict) -> QueryDict:
    if not any(
        "\x00" in key or any(isinstance(v, str) and "\x00" in v for v in values)
        for key, values in query.lists()
    ):
        return query
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        cleaned.setlist(
            key.replace("\x00", ""),
            [v.replace("\x00", "") if isinstance(v, str) else v for v in values],
        )
    cleaned._mutable = False
    return cleaned


class RequestCleaningMiddleware:
    """Removes NUL characters from every GET and form POST key and value, before the views (and
    the CSRF check) read them. Other bodies are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _without_nul(request.GET)
        # Reading a multipart body here fixes its upload handlers, as the CSRF check after this
        # does anyway: they are settings-wide (FILE_UPLOAD_HANDLERS), never changed by a view.
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            request.POST = _without_nul(request.POST)
        return self.get_response(request)
