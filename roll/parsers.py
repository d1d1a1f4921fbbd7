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

import csv
import datetime
import io
import re
import unicodedata
from dataclasses import asdict, dataclass, field

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from behaviour import codes
from people import upn as upn_rules

MAX_BYTES = 5 * 1024 * 1024
MAX_PUPILS = 2000
MAX_ELEMENTS = 400_000
MAX_MARKS = 2 * 370  # two sessions a day for a year
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")

# CTF contact relationship codes (the DfE's common basic data set), in words.
RELATIONSHIPS = {
    "PAM": "Mother",
    "PAF": "Father",
    "PAR": "Parent",
    "STM": "Step-mother",
    "STF": "Step-father",
    "FOM": "Foster mother",
    "FOF": "Foster father",
    "GRM": "Grandmother",
    "GRF": "Grandfather",
    "CAR": "Carer",
    "REL": "Other relative",
    "FAM": "Other family member",
    "SWR": "Social worker",
    "CHM": "Childminder",
    "DOC": "Doctor",
    "HDT": "Head teacher",
    "OTH": "Other contact",
    "AUN": "Aunt",
    "UNC": "Uncle",
    "SIB": "Sibling",
}


class FileRefused(Exception):
    """The whole file cannot be read (wrong type, too big, no pupils): one message."""


@dataclass
class ContactRow:
    name: str
    relationship: str
    parental_responsibility: bool = False
    priority: int = 1
    phone: str = ""
    email: str = ""


@dataclass
class PupilRow:
    """One pupil as the file gives them. ``None`` means "not in this file" (not compared)."""

    where: str  # "Row 7" or "Pupil 3"
    first_name: str
    last_name: str
    date_of_birth: datetime.date
    upn: str = ""
    preferred_name: str | None = None
    gender: str | None = None
    year_group: str | None = None
    reg_group: str | None = None
    start_date: datetime.date | None = None
    leaving_date: datetime.date | None = None
    sen_status: str | None = None
    looked_after: bool | None = None
    contacts: list[ContactRow] | None = None
    # [(first day, marks string)]: two characters a day, AM then PM, from the first day.
    attendance: list[tuple[datetime.date, str]] = field(default_factory=list)

    def to_json(self) -> dict:
        data = asdict(self)
        for key in ("date_of_birth", "start_date", "leaving_date"):
            data[key] = data[key].isoformat() if data[key] else None
        data["attendance"] = [[d.isoformat(), m] for d, m in self.attendance]
        return data

    @classmethod
    def from_json(cls, data: dict) -> "PupilRow":
        data = dict(data)
        for key in ("date_of_birth", "start_date", "leaving_date"):
            data[key] = datetime.date.fromisoformat(data[key]) if data[key] else None
        if data.get("contacts") is not None:
            data["contacts"] = [ContactRow(**c) for c in data["contacts"]]
        data["attendance"] = [(datetime.date.fromisoformat(d), m) for d, m in data["attendance"]]
        return cls(**data)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class Parsed:
    kind: str  # "ctf", "csv" or "xlsx"
    pupils: list[PupilRow]
    refused: list[str]
    file_date: datetime.date | None = None
    ignored_columns: list[str] = field(default_factory=list)


def name_key(first: str, last: str, dob: datetime.date) -> tuple[str, str, datetime.date]:
    """How a pupil is matched when there is no UPN: names in Unicode NFC, case-folded, with spaces
    trimmed, and the date of birth. (A fuller normalisation, apostrophes and accents, comes with
    tenancy/text.py; this is the simple form until then.)"""

    def norm(text: str) -> str:
        return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())

    return norm(first), norm(last), dob


def parse_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    text = text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}T", text) else text
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


# ---- values ------------------------------------------------------------------------------------

GENDERS = {"m": "M", "male": "M", "f": "F", "female": "F", "u": "U", "not known": "U", "w": "F"}
SEN = {
    "n": "N",
    "no special educational need": "N",
    "none": "N",
    "k": "K",
    "sen support": "K",
    "e": "E",
    "ehc plan": "E",
    "ehcp": "E",
    "education, health and care plan": "E",
    "education health and care plan": "E",
}
YES = {"y", "yes", "true", "1", "t"}
NO = {"n", "no", "false", "0", "f"}


def gender(value: str) -> str:
    text = (value or "").strip().casefold()
    if not text:
        return ""
    if text in GENDERS:
        return GENDERS[text]
    raise ValueError(f"gender “{value}” is not M, F or U (not known)")


def sen_status(value: str) -> str:
    text = (value or "").strip().casefold()
    if not text:
        return ""
    code = text.split(" - ")[0].strip()  # "K - SEN Support"
    if code in SEN:
        return SEN[code]
    if text in SEN:
        return SEN[text]
    raise ValueError(f"SEN status “{value}” is not N (no SEN), K (SEN support) or E (EHC plan)")


def year_group(value) -> str:
    text = str(value if value is not None else "").strip().upper()
    if not text:
        return ""
    text = re.sub(r"^(NC\s*)?(YEAR|YR|Y)\s*", "", text)
    if text.endswith(".0"):
        text = text[:-2]
    if text in ("R", "N1", "N2", "X") or (text.isdigit() and 1 <= int(text) <= 14):
        return str(int(text)) if text.isdigit() else text
    raise ValueError(f"year “{value}” is not a national curriculum year (R, N1, N2, 1–14 or X)")


def yes_no(value, label: str) -> bool | None:
    text = str(value if value is not None else "").strip().casefold()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"{label} “{value}” is not yes or no")


def _upn(value, problems: list[str]) -> str:
    upn = upn_rules.normalise(str(value or ""))
    reason = upn_rules.problem(upn)
    if reason:
        problems.append(reason.rstrip("."))
        return ""
    return upn


# ---- CSV and XLSX ------------------------------------------------------------------------------

# Field: the headings MIS reports use for it, best first (compared without case, spaces or marks).
HEADINGS = {
    "upn": ["upn", "uniquepupilnumber"],
    "last_name": ["legalsurname", "surname", "lastname", "familyname"],
    "first_name": ["legalforename", "forename", "firstname"],
    "preferred_name": ["preferredforename", "preferredname", "knownas", "chosenforename"],
    "date_of_birth": ["dob", "dateofbirth", "birthdate"],
    "gender": ["gender", "sex"],
    "year_group": ["ncyear", "year", "yeargroup", "ncyearactual", "curriculumyear"],
    "reg_group": ["reggroup", "registrationgroup", "regroup", "form", "tutorgroup"],
    "start_date": ["admissiondate", "dateofadmission", "entrydate", "startdate"],
    "leaving_date": ["leavingdate", "dateofleaving", "leavedate"],
    "sen_status": ["senstatus", "senprovision", "sen"],
    "looked_after": ["lookedafter", "incare", "cla"],
}
REQUIRED = ("last_name", "first_name", "date_of_birth")
LABELS = {
    "upn": "UPN",
    "last_name": "Surname",
    "first_name": "Forename",
    "date_of_birth": "DOB",
}


def _heading_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").casefold())


def _columns(headers: list[str]) -> tuple[dict[str, int], list[str]]:
    keys = [_heading_key(h) for h in headers]
    columns: dict[str, int] = {}
    for fieldname, aliases in HEADINGS.items():
        for alias in aliases:
            if alias in keys:
                columns[fieldname] = keys.index(alias)
                break
    used = set(columns.values())
    ignored = [h for i, h in enumerate(headers) if i not in used and (h or "").strip()]
    return columns, ignored


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="strict")


def _table_rows(raw: bytes, name: str) -> tuple[str, list[list]]:
    if raw[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except Exception:  # a damaged or password-protected workbook
            raise FileRefused(f"{name} could not be opened as an Excel workbook.")
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True, max_row=MAX_PUPILS + 2):
            rows.append(["" if v is None else v for v in row])
        book.close()
        return "xlsx", rows
    if b"\x00" in raw[:4096] or raw[:4] in (b"%PDF", b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            f"{name} is not a CSV or XLSX file. Export the roll from your MIS as CSV or Excel."
        )
    try:
        text = _decode(raw)
    except UnicodeDecodeError:
        raise FileRefused(f"{name} is not a text file in UTF-8 or Windows-1252.")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    if first_line.count(";") > max(first_line.count(","), first_line.count("\t")):
        delimiter = ";"
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    for row in reader:
        rows.append(row)
        if len(rows) > MAX_PUPILS + 1:
            raise FileRefused(f"{name} has more than {MAX_PUPILS} pupils: split it by year group.")
    return "csv", rows


def parse_table(raw: bytes, name: str) -> Parsed:
    """A CSV (UTF-8 with or without BOM, or Windows-1252; comma, tab or semicolon) or XLSX roll."""
    kind, rows = _table_rows(raw, name)
    while rows and not any(str(v).strip() for v in rows[0]):
        rows.pop(0)
    if not rows:
        raise FileRefused(f"{name} is empty.")
    headers = [str(h or "").strip() for h in rows[0]]
    columns, ignored = _columns(headers)
    missing = [LABELS[f] for f in REQUIRED if f not in columns]
    if missing:
        raise FileRefused(
            f"{name} has no column for {', '.join(missing)} in its first row. Use the template's "
            "headings (or your MIS's: Legal Surname, Forename, DOB …)."
        )
    pupils, refused = [], []
    for number, row in enumerate(rows[1:], start=2):
        values = {f: row[i] if i < len(row) else "" for f, i in columns.items()}
        if not any(str(v).strip() for v in values.values()):
            continue
        where = f"Row {number}"
        problems: list[str] = []
        first = str(values["first_name"]).strip()
        last = str(values["last_name"]).strip()
        if not first or not last:
            problems.append("the forename or surname is missing")
        if len(first) > 100 or len(last) > 100:
            problems.append("a name is longer than 100 characters")
        dob = parse_date(values["date_of_birth"])
        if dob is None:
            problems.append(f"the date of birth “{values['date_of_birth']}” is not a date")
        row_upn = _upn(values.get("upn"), problems) if "upn" in columns else ""
        pupil = {}
        for fieldname, convert in (
            ("gender", gender),
            ("sen_status", sen_status),
            ("year_group", year_group),
        ):
            if fieldname in columns:
                try:
                    pupil[fieldname] = convert(values[fieldname])
                except ValueError as error:
                    problems.append(str(error))
        if "looked_after" in columns:
            try:
                pupil["looked_after"] = bool(yes_no(values["looked_after"], "looked after"))
            except ValueError as error:
                problems.append(str(error))
        for fieldname in ("preferred_name", "reg_group"):
            if fieldname in columns:
                pupil[fieldname] = str(values[fieldname]).strip()[:100]
        for fieldname, label in (("start_date", "admission"), ("leaving_date", "leaving")):
            if fieldname in columns and str(values[fieldname]).strip():
                day = parse_date(values[fieldname])
                if day is None:
                    problems.append(f"the {label} date “{values[fieldname]}” is not a date")
                pupil[fieldname] = day
            elif fieldname == "leaving_date" and fieldname in columns:
                pupil[fieldname] = None
        if problems:
            refused.append(f"{where} ({first} {last}): " + "; ".join(problems) + ".")
            continue
        pupils.append(
            PupilRow(
                where=where,
                first_name=first,
                last_name=last,
                date_of_birth=dob,
                upn=row_upn,
                **pupil,
            )
        )
    if not pupils and not refused:
        raise FileRefused(f"{name} has no pupils under its headings.")
    return Parsed(kind=kind, pupils=pupils, refused=refused, ignored_columns=ignored)


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
