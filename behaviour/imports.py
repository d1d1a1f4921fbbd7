"""Reading CSV files from a school's MIS: every row checked, every bad row named, nothing saved
unless the whole file is good (the services save all-or-nothing)."""

import csv
import datetime
import io
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Q

from people import upn as upn_rules
from people.models import Child
from tenancy.cleaning import cell_problems
from tenancy.models import Site
from tenancy.uploads import check_upload

from . import codes
from .models import AttendanceMark, Subject
from .services import GradeInput, MarkInput, MarksRefused

MAX_BYTES = 2 * 1024 * 1024
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
ATTENDANCE_COLUMNS = ("upn", "date", "session", "code")
PROGRESS_COLUMNS = ("upn", "subject", "assessment", "assessment_date", "working_at")


def _rows(upload, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    name = getattr(upload, "name", "") or ""
    try:  # tenancy.uploads: counted while reading, text judged from the content
        check_upload(upload, kinds=("csv",), max_bytes=MAX_BYTES)
    except ValidationError as error:
        message = error.message_dict["file"][0]
        if "larger than" in message:
            raise MarksRefused([f"{name} is larger than 2 MB: split it into smaller files."])
        raise MarksRefused(
            [f"{name} is not a CSV file. Export the data from your MIS as CSV (comma separated)."]
        )
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise MarksRefused([f"{name} is not a text CSV file."])
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in headers]
    if missing:
        raise MarksRefused(
            [
                f"{name or 'The file'} does not have the columns "
                + ", ".join(missing)
                + f" in its first row (it needs {', '.join(required)})."
            ]
        )
    rows = []
    for number, row in enumerate(reader, start=2):
        clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
        if any(clean.values()):
            rows.append((number, clean))
    if not rows:
        raise MarksRefused([f"{name or 'The file'} has no rows under its headings."])
    return rows


def _date(value: str) -> datetime.date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _children_by_ref(site: Site, refs: set[str]) -> dict[str, list[Child]]:
    """{reference in capitals: every child of the site it names} (a UPN or an LA reference).
    UPNs are normalised as people.upn stores them."""
    refs = refs | {upn_rules.normalise(r) for r in refs}
    found = Child.objects.filter(site=site).filter(Q(upn__in=refs) | Q(la_reference__in=refs))
    out: dict[str, list[Child]] = {}
    for child in found:
        for ref in {child.upn.upper(), child.la_reference.upper()} - {""}:
            out.setdefault(ref, []).append(child)
    return out


def _match(children: dict[str, list[Child]], ref: str, site: Site) -> tuple[Child | None, str]:
    """The one child a row's reference names, or the problem: a UPN with a wrong check letter,
    no such child, or more than one (never "whichever was found last")."""
    upn = upn_rules.normalise(ref)
    found = children.get(upn) or children.get(ref.strip().upper()) or []
    if not found and len(upn) == 13 and upn_rules.problem(upn):
        return None, upn_rules.problem(upn).rstrip(".")
    if not found:
        return None, f"no child with UPN or reference “{ref}” at {site.name}"
    if len(found) > 1:
        names = ", ".join(c.full_name for c in found)
        return None, f"“{ref}” matches more than one child ({names}): correct it in the product"
    return found[0], ""


def _columns(model, names: dict[str, str]) -> dict:
    """CSV column -> the model field it is saved to, for ``cell_problems``' length check."""
    return {column: model._meta.get_field(field) for column, field in names.items()}


def attendance_rows(upload, site: Site) -> list[MarkInput]:
    rows = _rows(upload, ATTENDANCE_COLUMNS)
    children = _children_by_ref(
        site, {r["upn"].upper() for _, r in rows} | {r["upn"] for _, r in rows}
    )
    errors, marks = [], []
    for line, row in rows:
        problems = []
        child, problem = _match(children, row["upn"], site)
        if child is None:
            problems.append(problem)
        day = _date(row["date"])
        if day is None:
            problems.append(f"“{row['date']}” is not a date (use 2026-11-02 or 02/11/2026)")
        session = row["session"].upper()
        if session not in ("AM", "PM"):
            problems.append(f"the session “{row['session']}” must be AM or PM")
        if codes.lookup(row["code"]) is None:
            problems.append(f"“{row['code']}” is not an attendance code")
        problems += cell_problems(row, _columns(AttendanceMark, {"note": "note"}))
        if problems:
            errors.append(f"Row {line}: " + "; ".join(problems) + ".")
            continue
        marks.append(
            MarkInput(
                child=child,
                date=day,
                session=session,
                code=row["code"],
                note=row.get("note", ""),
                line=line,
            )
        )
    if errors:
        raise MarksRefused(errors)
    return marks


def _decimal(value: str) -> Decimal | None:
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number < 0 or number >= 1000:
        return None
    return number.quantize(Decimal("0.1"))


def progress_rows(upload, site: Site) -> list[GradeInput]:
    rows = _rows(upload, PROGRESS_COLUMNS)
    children = _children_by_ref(
        site, {r["upn"].upper() for _, r in rows} | {r["upn"] for _, r in rows}
    )
    errors, grades = [], []
    for line, row in rows:
        problems = []
        child, problem = _match(children, row["upn"], site)
        if child is None:
            problems.append(problem)
        problems += cell_problems(row, _columns(Subject, {"subject": "name"}))
        if not row["subject"] or len(row["subject"]) > 60:
            problems.append("the subject is missing or longer than 60 characters")
        if not row["assessment"] or len(row["assessment"]) > 60:
            problems.append("the assessment is missing or longer than 60 characters")
        day = _date(row["assessment_date"])
        if day is None:
            problems.append(f"“{row['assessment_date']}” is not a date")
        working_at = _decimal(row["working_at"])
        if working_at is None:
            problems.append(f"working at “{row['working_at']}” is not a number like 4 or 3.5")
        target = None
        if row.get("target"):
            target = _decimal(row["target"])
            if target is None:
                problems.append(f"target “{row['target']}” is not a number like 4 or 3.5")
        if problems:
            errors.append(f"Row {line}: " + "; ".join(problems) + ".")
            continue
        grades.append(
            GradeInput(
                child=child,
                subject=row["subject"],
                assessment=row["assessment"],
                assessment_date=day,
                working_at=working_at,
                target=target,
                line=line,
            )
        )
    if errors:
        raise MarksRefused(errors)
    return grades
