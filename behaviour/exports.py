"""Slip logs as Word, Excel and CSV, built from rows a selector has already read (no queries here)."""

import csv
import datetime
import io

from django.utils import timezone

HEADERS = [
    "Date",
    "Time",
    "Child",
    "Type",
    "Lesson or period",
    "Location",
    "Recorded by",
    "What happened",
    "Action taken",
    "Outcome",
    "Points",
]


def row_values(slip, tz) -> list:
    local = timezone.localtime(slip.occurred_at, tz)
    outcome = slip.get_outcome_display() if slip.outcome else ""
    if slip.outcome_detail:
        outcome = f"{outcome}: {slip.outcome_detail}" if outcome else slip.outcome_detail
    return [
        local.strftime("%d/%m/%Y"),
        local.strftime("%H:%M"),
        slip.child.full_name,
        slip.type_name,
        slip.lesson,
        slip.location,
        slip.recorded_by.get_full_name() or slip.recorded_by.get_username(),
        slip.what_happened,
        slip.action_taken,
        outcome,
        slip.points,
    ]


def filename(subject: str, day: datetime.date, ext: str) -> str:
    safe = "".join(c for c in subject if c.isalnum() or c in " -'").strip() or "all"
    return f"behaviour log {safe} {day:%Y-%m-%d}.{ext}"


def _csv_safe(value):
    # Spreadsheet formula injection: text starting with = + - @ is shown as text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_csv(slips, tz) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for slip in slips:
        writer.writerow([_csv_safe(v) for v in row_values(slip, tz)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(slips, tz, *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Behaviour log"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for slip in slips:
        ws.append([_csv_safe(v) for v in row_values(slip, tz)])
    widths = [11, 7, 22, 20, 16, 16, 20, 60, 40, 24, 7]
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    wb.properties.title = title
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_docx(slips, tz, *, title: str, subtitle: str) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    doc.core_properties.title = title
    doc.add_heading(title, level=1)
    doc.add_paragraph(subtitle)
    table = doc.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADERS, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.font.bold = True
    for slip in slips:
        cells = table.add_row().cells
        for cell, value in zip(cells, row_values(slip, tz), strict=True):
            cell.text = str(value)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
