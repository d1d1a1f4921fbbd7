"""The DfE common transfer file (CTF): pupils, their contacts and attendance marks, read with
``defusedxml`` (no DTDs), bounded in elements, pupils and marks."""

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from behaviour import codes

from .base import (
    MAX_ELEMENTS,
    MAX_MARKS,
    MAX_PUPILS,
    RELATIONSHIPS,
    ContactRow,
    FileRefused,
    Parsed,
    PupilRow,
    _upn,
    gender,
    parse_date,
    sen_status,
    year_group,
    yes_no,
)

# ---- the common transfer file ------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]  # a namespace, if any, is ignored


def _child(element, *path):
    for name in path:
        if element is None:
            return None
        element = next((c for c in element if _local(c.tag) == name), None)
    return element


def _children(element, name):
    return [] if element is None else [c for c in element if _local(c.tag) == name]


def _text(element, *path) -> str:
    found = _child(element, *path)
    return (found.text or "").strip() if found is not None else ""


def _phone(element) -> str:
    phones = _children(_child(element, "Phones"), "Phone")
    ranked = sorted(phones, key=lambda p: 0 if _text(p, "TelephoneType") == "M" else 1)
    for phone in ranked:
        number = _text(phone, "PhoneNo")
        if number:
            return number[:40]
    return ""


def _ctf_pupil(element, where: str) -> tuple[PupilRow | None, list[str]]:
    problems: list[str] = []
    first, last = _text(element, "Forename"), _text(element, "Surname")
    if not first or not last:
        problems.append("the forename or surname is missing")
    dob = parse_date(_text(element, "DOB"))
    if dob is None:
        problems.append(f"the date of birth “{_text(element, 'DOB')}” is not a date")
    pupil_upn = _upn(_text(element, "UPN"), problems)
    details = _child(element, "BasicDetails")
    values: dict = {}
    try:
        values["gender"] = gender(
            _text(element, "Gender") or _text(element, "Sex") or _text(details, "Gender")
        )
    except ValueError as error:
        problems.append(str(error))
    try:
        values["year_group"] = year_group(_text(details, "NCyearActual"))
    except ValueError as error:
        problems.append(str(error))
    values["preferred_name"] = _text(details, "PreferredForename")[:100]
    entry = _text(details, "EntryDate")
    if entry:
        values["start_date"] = parse_date(entry)
        if values["start_date"] is None:
            problems.append(f"the entry date “{entry}” is not a date")
    try:
        in_care = yes_no(_text(element, "LookedAfter", "InCare"), "looked after (InCare)")
        values["looked_after"] = bool(in_care)
    except ValueError as error:
        problems.append(str(error))
    sen = _children(_child(element, "SENhistory"), "SEN")
    provision = _text(sen[-1], "SENprovision") if sen else ""
    try:
        values["sen_status"] = sen_status(provision) if provision else "N"
    except ValueError as error:
        problems.append(str(error))
    contacts = []
    for contact in _children(_child(element, "Contacts"), "Contact"):
        name = " ".join(
            p
            for p in (
                _text(contact, "Title"),
                _text(contact, "Forename"),
                _text(contact, "Surname"),
            )
            if p
        )
        if not name:
            problems.append("a contact has no name")
            continue
        code = _text(contact, "Relationship").upper()
        try:
            responsibility = bool(yes_no(_text(contact, "Responsibility"), "responsibility"))
        except ValueError as error:
            problems.append(f"contact {name}: {error}")
            responsibility = False
        order = _text(contact, "Order")
        contacts.append(
            ContactRow(
                name=name[:200],
                relationship=RELATIONSHIPS.get(code, code.title() or "Contact")[:100],
                parental_responsibility=responsibility,
                priority=int(order) if order.isdigit() else 99,
                phone=_phone(contact),
                email=_text(contact, "Email")[:254],
            )
        )
    values["contacts"] = contacts
    attendance = []
    for year in _children(_child(element, "Attendance"), "YearData"):
        sessions = _child(year, "AttendSessions")
        if sessions is None:
            continue
        start_text, marks = (
            _text(sessions, "AttendanceStartDate"),
            _text(sessions, "AttendanceMarks"),
        )
        start = parse_date(start_text)
        if start is None:
            problems.append(f"the attendance start date “{start_text}” is not a date")
            continue
        if len(marks) > MAX_MARKS:
            problems.append(f"the attendance from {start:%d/%m/%Y} covers more than a year")
            continue
        unknown = sorted({m for m in marks if m not in "- " and codes.lookup(m) is None})
        if unknown:
            problems.append(
                f"the attendance from {start:%d/%m/%Y} has codes that are not attendance codes: "
                + " ".join(f"“{u}”" for u in unknown)
            )
            continue
        attendance.append((start, marks))
    if problems:
        return None, problems
    return (
        PupilRow(
            where=where,
            first_name=first[:100],
            last_name=last[:100],
            date_of_birth=dob,
            upn=pupil_upn,
            attendance=attendance,
            **values,
        ),
        [],
    )


def parse_ctf(raw: bytes, name: str) -> Parsed:
    """A CTF or xml data transfer: ``CTfile`` with ``Header`` and ``CTFpupilData/Pupil``."""
    try:
        root = SafeET.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FileRefused(f"{name} declares a DTD or entities; a CTF never does. Not read.")
    except SafeET.ParseError as error:
        raise FileRefused(f"{name} is not well-formed XML ({error}).")
    if _local(root.tag) != "CTfile":
        raise FileRefused(f"{name} is not a common transfer file (its root is not CTfile).")
    if sum(1 for _ in root.iter()) > MAX_ELEMENTS:
        raise FileRefused(f"{name} is too large to read at once: export fewer pupils per file.")
    header = _child(root, "Header")
    file_date = parse_date(_text(header, "DateTime"))
    pupils_xml = _children(_child(root, "CTFpupilData"), "Pupil")
    if not pupils_xml:
        raise FileRefused(f"{name} has no pupils (no CTFpupilData/Pupil records).")
    if len(pupils_xml) > MAX_PUPILS:
        raise FileRefused(f"{name} has more than {MAX_PUPILS} pupils: export it in parts.")
    pupils, refused = [], []
    for number, element in enumerate(pupils_xml, start=1):
        label = f"Pupil {number}"
        pupil, problems = _ctf_pupil(element, label)
        if pupil is None:
            who = f"{_text(element, 'Forename')} {_text(element, 'Surname')}".strip()
            refused.append(f"{label} ({who}): " + "; ".join(problems) + ".")
        else:
            pupils.append(pupil)
    return Parsed(kind="ctf", pupils=pupils, refused=refused, file_date=file_date)
