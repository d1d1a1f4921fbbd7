"""The one export layer: what every CSV, XLSX and DOCX file the product writes shares, so a file
opens cleanly in Excel, Numbers, LibreOffice and Word whatever a record says.

- Text is cleaned for files (``file_text``): control characters that text pasted from Word or
  PowerPoint carries (U+000B vertical tab, U+000C, other C0/C1 controls) are made line breaks or
  dropped; XML 1.0 cannot hold them, so a DOCX or XLSX with one would not open (or the export
  would fail). Tab and line breaks stay.
- CSV: UTF-8 with a byte-order mark on EVERY file (Excel on Windows otherwise reads "Renée" as
  "RenÃ©e"), and the formula guard (OWASP "CSV injection"): a cell starting ``= + - @`` (or tab /
  carriage return) is prefixed with ``'`` — only in CSV, where the reader would run it.
- XLSX: real dates, times and numbers in their cells; text is written as text (XlsxWriter with
  ``strings_to_formulas`` off), so no guard and "- threw a cup" stays as typed.
- File names say what is in the file: the child's or the site's name and the date, never ids
  (``export_filename``); Django's ``content_disposition_header`` quotes them.

Shapes:
    file_text(value) -> value               # str cleaned; other types unchanged
    csv_safe(value) -> value                # file_text + the formula guard (CSV only)
    csv_bytes(header: list[str], rows: Iterable[list]) -> bytes     # BOM + UTF-8
    CsvStream: a file-like writer for HttpResponse (BOM first, cells guarded)
    export_filename(*parts: str, day: date | None, ext: str) -> str
    place_name(organisation, site) -> str   # a document's "Organisation, Site", named once
    attach(response, filename) -> response  # Content-Disposition: attachment
    stored_file(field_file) -> an open file, or Http404 when storage no longer has it
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import re
from collections.abc import Iterable

from django.http import Http404
from django.utils.http import content_disposition_header

logger = logging.getLogger(__name__)

BOM = "\ufeff"
# A cell starting with one of these is read by spreadsheets as a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Line-breaking controls from Word and PowerPoint (vertical tab = Shift+Enter, form feed = page
# break) become a line break; every other C0/C1 control, and the non-characters XML refuses, go.
_BREAKS = re.compile("[\x0b\x0c\x85\u2028\u2029]")
_DROP = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff\ud800-\udfff]")


def file_text(value):
    """``value`` cleaned for any file format: line-breaking controls to ``\\n``, ``\\r\\n`` to
    ``\\n``, other control characters removed. Non-strings are returned unchanged."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _DROP.sub("", _BREAKS.sub("\n", value))


def csv_safe(value):
    """A CSV cell: cleaned text, prefixed with ' when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + file_text(value)
    return file_text(value)


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return csv_safe(value)


class CsvStream:
    """``csv.writer`` over an ``HttpResponse`` (or any ``write``-able): the BOM first, every cell
    cleaned and guarded. ``CsvStream(response).writerow([...])``."""

    def __init__(self, out):
        out.write(BOM)
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([_csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_bytes(header: list[str], rows: Iterable[Iterable]) -> bytes:
    """A whole CSV file as UTF-8 bytes with a byte-order mark."""
    out = io.StringIO()
    writer = CsvStream(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


_UNSAFE_NAME = re.compile(r"[^\w\s'().,&-]", re.UNICODE)


def place_name(organisation, site) -> str:
    """Where a document is from, for its header: "Brightwater Care, Oak House"; a standalone
    school or home whose organisation bears its own name is named once ("Penkford School", not
    "Penkford School, Penkford School")."""
    org, where = (getattr(organisation, "name", "") or "").strip(), (site.name or "").strip()
    if not org or " ".join(org.split()).casefold() == " ".join(where.split()).casefold():
        return where
    return f"{org}, {where}"


def export_filename(*parts: str, day: datetime.date | None = None, ext: str) -> str:
    """A file name a person recognises: "behaviour log - Ada Lovell - Oak School 2026-11-29.csv".
    Parts are cleaned of path and control characters; empty parts are left out."""
    words = []
    for part in parts:
        text = " ".join(_UNSAFE_NAME.sub(" ", file_text(str(part or ""))).split())
        if text:
            words.append(text)
    name = " - ".join(words) or "export"
    if day is not None:
        name += f" {day:%Y-%m-%d}"
    return f"{name[:150]}.{ext}"


def attach(response, filename: str):
    """Mark ``response`` as a download named ``filename`` (RFC 6266 quoting by Django)."""
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def stored_file(field_file):
    """``field_file`` (a model's FieldFile) opened for reading, for a FileResponse. A row that
    names a file its storage no longer holds (lost from the volume, an interrupted upload) is a
    404 the person can read — "This file is missing", with what to do — and an error in the log
    naming the file, never a server error."""
    try:
        return field_file.open("rb")
    except OSError as error:  # FileNotFoundError and the storage's other read failures
        logger.error("Stored file missing: %s (%s)", field_file.name, error)
        raise Http404(
            "This file is missing from storage. Tell your organisation's administrator: it may "
            "need uploading again."
        ) from error
