"""What works as CSV and SVG, the chronology as PDF: built from the selectors' data only."""

import base64
import csv
import io

from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string

from sessions_app.exports import render_pdf
from tenancy.exports import csv_safe, file_text

from .selectors import MEASURE_LABELS


def _fmt(value) -> str:
    return "" if value is None else f"{value:.2f}"


def what_works_csv(result) -> bytes:
    """One row per kind of intervention: group, kind, children, targets, measure, before, after,
    change and its 95% interval (blank where too few to say), verdict."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Group", "Kind", "Children", "Targets", "Measure", "Before", "After", "Change",
         "95% interval low", "95% interval high", "Verdict"]
    )  # fmt: skip
    label = MEASURE_LABELS[result.filters.measure]
    for r in result.rows:
        writer.writerow(
            [csv_safe(v) for v in (
                r.group, r.kind, r.children, r.targets, label, _fmt(r.before.mean),
                _fmt(r.after.mean), _fmt(r.change.mean), _fmt(r.change.low),
                _fmt(r.change.high), r.verdict,
            )]
        )  # fmt: skip
    return out.getvalue().encode("utf-8-sig")


def what_works_svg(geometry: dict, *, title: str) -> bytes:
    return render_to_string(
        "evidence/_chart.svg", {"chart": geometry, "title": title, "standalone": True}
    ).encode()


def chronology_pdf(*, child, entries, organisation, start, end, generated) -> bytes:
    html = render_to_string(
        "evidence/chronology_pdf.html",
        {"child": child, "entries": entries, "organisation": organisation, "start": start,
         "end": end, "generated": generated},
    )  # fmt: skip
    return render_pdf(html)


def _png_uri(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode() if data else ""


def story_pdf(*, full, organisation, generated) -> bytes:
    """The key-work story (an EHCP annual review or a transition; a Looked After Review in a
    home) as a PDF, from ``story.full_story``: the pupil on a page first, then sessions, targets
    with their impact, the behaviour and attendance trends (the same PNG charts as the Word file)
    and the child's voice."""
    story = full.story
    html = render_to_string(
        "evidence/story_pdf.html",
        {"story": story, "child": story.child, "organisation": organisation,
         "generated": generated, "pupil": full.pupil, "trends": full.trends,
         "slips_chart": _png_uri(full.trends.slips_png),
         "attendance_chart": _png_uri(full.trends.attendance_png)},
    )  # fmt: skip
    return render_pdf(html)


def _figure(value) -> str:
    """A before/after/change figure as the PDF shows it (Django's ``floatformat``)."""
    return "too little data" if value is None else floatformat(value, 1)


def _percent(value) -> str:
    return "–" if value is None else f"{floatformat(value, 1)}%"


def story_docx(*, full, organisation, generated) -> bytes:
    """The same story as a Word document (python-docx, like the slip export): the same sections,
    figures and chart images as ``story_pdf``, text cleaned for the file (``file_text``)."""
    from docx import Document
    from docx.shared import Cm, Pt

    story, child, pupil, trends = full.story, full.story.child, full.pupil, full.trends
    school = child.site.is_school
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
    title = f"Key-work story: {child.display_name}"
    doc.core_properties.title = file_text(title)
    doc.add_heading(file_text(title), level=1)
    doc.add_paragraph(
        file_text(
            f"{organisation.name}, {child.site.name} · {story.start:%d.%m.%Y} to "
            f"{story.end:%d.%m.%Y} · produced {generated:%d.%m.%Y}. "
            + ("For an EHCP annual review or a transition." if school
               else "For a Looked After Review.")
        )
    )  # fmt: skip

    def table(headers, rows):
        t = doc.add_table(rows=1, cols=len(headers))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, headers, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.font.bold = True
        for row in rows:
            for cell, value in zip(t.add_row().cells, row, strict=True):
                cell.text = file_text(str(value))
        return t

    doc.add_heading(f"{'Pupil' if school else 'Young person'} on a page", level=2)
    table(["", ""], pupil.who)
    for heading, items in (("What matters to them", pupil.matters),
                           ("How best to support them", pupil.support)):  # fmt: skip
        doc.add_heading(heading, level=3)
        if not items:
            doc.add_paragraph("Not recorded.")
        for label, text in items:
            p = doc.add_paragraph()
            p.add_run(file_text(label) + ": ").bold = True
            p.add_run(file_text(text))
    if pupil.sources:
        doc.add_paragraph(file_text("From: " + "; ".join(pupil.sources)))
    doc.add_page_break()

    doc.add_heading(f"Key-work sessions ({len(story.sessions)})", level=2)
    table(
        ["Date", "Session", "Focus" if school else "Quality Standards", "Topics", "By"],
        [
            (f"{s.date:%d.%m.%Y}", s.display_title,
             s.get_focus_display() if school else "; ".join(s.quality_standard_labels()),
             ", ".join(s.topic_names), s.author.get_full_name())
            for s in story.sessions
        ] or [("No sessions in this period.", "", "", "", "")],
    )  # fmt: skip

    doc.add_heading("Targets, their outcomes and impact", level=2)
    if not story.targets:
        doc.add_paragraph("No target set in this period has an outcome yet.")
    for row in story.targets:
        p = doc.add_paragraph()
        p.add_run(file_text(row.target.what)).bold = True
        p.add_run(
            f"\nSet {row.target.set_in.date:%d.%m.%Y} · {row.target.get_area_display()} · "
            f"outcome: {row.target.get_outcome_display()}"
        )
        table(
            ["Measure", "Before", "After", "Change"],
            [
                (m["label"], _figure(m["before"]), _figure(m["after"]),
                 "–" if m["change"] is None else floatformat(m["change"], "+1"))
                for m in row.impact.rows()
            ],
        )  # fmt: skip

    doc.add_heading("Behaviour and attendance, week by week", level=2)
    doc.add_picture(io.BytesIO(trends.slips_png), width=Cm(16))
    if trends.attendance_png:
        doc.add_picture(io.BytesIO(trends.attendance_png), width=Cm(16))
    headers = ["Week of", "Negative slips", "Positive slips"]
    headers += (["Class points"] if school else []) + ["Attendance"]
    table(
        headers,
        [
            (f"{w.start:%d.%m.%Y}", w.negative, w.positive,
             *(["–" if w.points is None else w.points] if school else []),
             _percent(w.attendance))
            for w in trends.weeks
        ]
        + [("Whole period", trends.negative, trends.positive,
            *([trends.points] if school else []), _percent(trends.attendance))],
    )  # fmt: skip

    doc.add_heading(
        "The pupil's voice (student-voice sessions)" if school
        else "The young person's views (key child's agenda)",
        level=2,
    )  # fmt: skip
    if not story.voice:
        doc.add_paragraph("None recorded in this period.")
    for day, text in story.voice:
        p = doc.add_paragraph()
        p.add_run(f"{day:%d.%m.%Y}: ").bold = True
        p.add_run(file_text(text))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
