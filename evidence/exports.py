"""What works as CSV and SVG, the chronology as PDF: built from the selectors' data only."""

import csv
import io

from django.template.loader import render_to_string

from sessions_app.exports import render_pdf
from tenancy.exports import csv_safe

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


def story_pdf(*, story, organisation, generated) -> bytes:
    """The key-work story (an EHCP annual review or a transition; a Looked After Review in a
    home) as a PDF, from ``selectors.story``."""
    html = render_to_string(
        "evidence/story_pdf.html",
        {"story": story, "child": story.child, "organisation": organisation,
         "generated": generated},
    )  # fmt: skip
    return render_pdf(html)
