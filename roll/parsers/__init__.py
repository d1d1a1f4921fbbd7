"""Reading a pupil roll from a school's MIS: the DfE common transfer file (CTF) or xml data transfer,
and a CSV or XLSX roll with the usual MIS report headings.

Each reader returns a ``Parsed``: the pupils it could read (``PupilRow``, one per pupil) and every
row it refused, with its reason, in words an office manager can act on. Nothing here touches the
database.

Bounds (the files come from outside): at most ``MAX_BYTES`` per file, ``MAX_PUPILS`` pupils,
``MAX_ELEMENTS`` XML elements and ``MAX_MARKS`` attendance marks per pupil and year. XML is parsed
with ``defusedxml`` with DTDs forbidden, so no entity expansion and no external fetches.

CTF element names follow the DfE's CTF specification and schema (``CTfile`` → ``Header`` and
``CTFpupilData`` → ``Pupil``: ``UPN``, ``Surname``, ``Forename``, ``DOB``, ``Gender`` (``Sex`` in
later versions), ``BasicDetails`` (``PreferredForename``, ``PreferredSurname``, ``NCyearActual``,
``EntryDate``), ``LookedAfter/InCare``, ``SENhistory/SEN/SENprovision``, ``Phones/Phone/PhoneNo``,
``Email``, ``Contacts/Contact`` (``Order``, ``Title``, ``Forename``, ``Surname``, ``Relationship``,
``Responsibility``, ``Phones``, ``Email``) and ``Attendance/YearData/AttendSessions``
(``AttendanceStartDate``, ``AttendanceMarks``)).
"""

import datetime

from .base import (
    DATE_FORMATS,
    GENDERS,
    MAX_BYTES,
    MAX_ELEMENTS,
    MAX_MARKS,
    MAX_PUPILS,
    NO,
    RELATIONSHIPS,
    SEN,
    YES,
    ContactRow,
    FileRefused,
    Parsed,
    PupilRow,
    _upn,
    gender,
    name_key,
    parse_date,
    sen_status,
    year_group,
    yes_no,
)
from .ctf import (
    _child,
    _children,
    _ctf_pupil,
    _local,
    _phone,
    _text,
    parse_ctf,
)
from .table import (
    HEADINGS,
    LABELS,
    REQUIRED,
    _columns,
    _decode,
    _heading_key,
    _table_rows,
    parse_table,
)


def parse(raw: bytes, name: str) -> Parsed:
    """Any roll file: by content (an XML declaration or ``<CTfile`` is a CTF), not by its name."""
    if len(raw) > MAX_BYTES:
        raise FileRefused(f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    head = raw[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return parse_ctf(raw, name)
    return parse_table(raw, name)


def marks_by_day(start: datetime.date, marks: str):
    """Yields (date, "AM"/"PM", code) from a CTF marks string: one character per session, AM then
    PM, every calendar day from ``start``; ``-`` (or a space) is a session with no mark (a weekend,
    or before the pupil was on roll) and is skipped."""
    for index, mark in enumerate(marks):
        if mark in "- ":
            continue
        yield start + datetime.timedelta(days=index // 2), "AM" if index % 2 == 0 else "PM", mark
