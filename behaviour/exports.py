"""Slip logs as Word, Excel and CSV, built from rows a selector has already read (no queries here).
Every file goes through the one export layer (tenancy.exports): cleaned text, a BOM on the CSV,
real dates and numbers in the workbook, names that say whose log it is."""

import datetime
import io

from django.utils import timezone

from tenancy.exports import csv_bytes, export_filename, file_text

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


def headers(child_word: str = "child") -> list[str]:
    """The columns, the second named in the site's word (Pupil, Young person)."""
    return [child_word.capitalize() if h == "Child" else h for h in HEADERS]


def row_values(slip, tz) -> list:
    local = timezone.localtime(slip.occurred_at, tz)
    outcome = slip.get_outcome_display() if slip.outcome else ""
    if slip.outcome_detail:
        outcome = f"{outcome}: {slip.outcome_detail}" if outcome else slip.outcome_detail
    return [
        local.strftime("%d/%m/%Y"),
        local.strftime("%H:%M"),
        slip.child.display_name,
        slip.type_name,
        slip.lesson,
        slip.location,
        slip.recorded_by.get_full_name() or slip.recorded_by.get_username(),
        slip.what_happened,
        slip.action_taken,
        outcome,
        slip.points,
    ]


def filename(subject: str, day: datetime.date, ext: str, *, site_name: str = "") -> str:
    """ "behaviour log - Ada Lovell - Oak School 2026-11-29.csv" (the site's name once)."""
    parts = [subject] if subject == site_name else [subject, site_name]
    return export_filename("behaviour log", *parts, day=day, ext=ext)


def to_csv(slips, tz, *, child_word: str = "child") -> bytes:
    return csv_bytes(headers(child_word), (row_values(slip, tz) for slip in slips))


def to_xlsx(slips, tz, *, title: str, child_word: str = "child") -> bytes:
    """Written with XlsxWriter, row by row in constant memory: 10,000 slips take under a second
    (openpyxl, styling each cell, took about six; see the README's benchmarks)."""
    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "constant_memory": True,
            # Text stays text: never a formula or a link, whatever a slip says.
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    wb.set_properties({"title": title})
    ws = wb.add_worksheet("Behaviour log")
    wrapped = wb.add_format({"text_wrap": True, "valign": "top"})
    as_date = wb.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
    as_time = wb.add_format({"num_format": "hh:mm", "valign": "top"})
    for i, width in enumerate([11, 7, 22, 20, 16, 16, 20, 60, 40, 24, 7]):
        ws.set_column(i, i, width)
    ws.freeze_panes(1, 0)
    ws.write_row(0, 0, headers(child_word), wb.add_format({"bold": True}))
    for n, slip in enumerate(slips, start=1):
        local = timezone.localtime(slip.occurred_at, tz).replace(tzinfo=None)
        values = [file_text(v) for v in row_values(slip, tz)]
        # Real date and time cells (sortable, filterable), the points a number; text as typed.
        ws.write_datetime(n, 0, datetime.datetime.combine(local.date(), datetime.time()), as_date)
        ws.write_datetime(n, 1, datetime.datetime(1899, 12, 31, local.hour, local.minute), as_time)
        ws.write_row(n, 2, values[2:-1], wrapped)
        if slip.points is None or values[-1] == "":
            ws.write_blank(n, len(HEADERS) - 1, None, wrapped)
        else:
            ws.write_number(n, len(HEADERS) - 1, slip.points, wrapped)
    wb.close()
    return out.getvalue()


def to_docx(slips, tz, *, title: str, subtitle: str, child_word: str = "child") -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    doc.core_properties.title = file_text(title)
    doc.add_heading(file_text(title), level=1)
    doc.add_paragraph(file_text(subtitle))
    table = doc.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers(child_word), strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.font.bold = True
    for slip in slips:
        cells = table.add_row().cells
        for cell, value in zip(cells, row_values(slip, tz), strict=True):
            cell.text = file_text(str(value))
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
