"""A CSV or XLSX roll: columns found by the usual MIS report headings (without case, spaces or
marks), one ``PupilRow`` per readable row and the reason for each refused one."""

import csv
import io
import re

from .base import (
    MAX_PUPILS,
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
