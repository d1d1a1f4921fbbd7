"""Issue 21's PDF budget: one session's PDF at most 1.5 × a plain WeasyPrint document of the same
text, measured side by side in one run. Both are laid out from HTML already made (the queries and
the page template are the "session PDF" page row's business) and both use the same font set-up,
kept per thread (``sessions_app.exports.font_config``), so the ratio is what Keywork's layout adds:
its stylesheet, tables, headings and page furniture. The plain document is the PDF's own text, one
paragraph a line, with no stylesheet."""

import statistics
import time

from django.utils.html import escape, strip_tags

from bench.measure import Row, _p95

PDF_RATIO_BUDGET = 1.5


def plain_html(html: str) -> str:
    """The text of ``html`` (tags, styles and scripts dropped) as paragraphs, one a line."""
    body = html.split("<body", 1)[-1]
    lines = (line.strip() for line in strip_tags(body.split(">", 1)[-1]).splitlines())
    return (
        "<html><body>"
        + "".join(f"<p>{escape(line)}</p>" for line in lines if line)
        + "</body></html>"
    )


def _timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def compare(session, organisation, *, repeat: int = 7) -> list[Row]:
    """Two rows: the session's PDF as Keywork lays it out, then the plain document; the first
    carries the ratio and is held to 1.5 × the second's median."""
    from django.template.loader import render_to_string
    from django.utils import timezone
    from weasyprint import HTML

    from sessions_app.exports import font_config, render_pdf, session_context

    html = render_to_string(
        "sessions_app/pdf/session.html",
        {
            "sessions": [session_context(session, organisation=organisation)],
            "title": session.display_title,
            "generated_at": timezone.now(),
        },
    )
    plain = plain_html(html)
    render_pdf(html), HTML(string=plain).write_pdf(font_config=font_config())  # warm both
    ours, theirs = [], []
    for _ in range(repeat):  # interleaved, so a busy moment falls on both alike
        ours += _timed(lambda: render_pdf(html), 1)
        theirs += _timed(lambda: HTML(string=plain).write_pdf(font_config=font_config()), 1)
    plain_median = statistics.median(theirs)
    ratio = statistics.median(ours) / plain_median
    return [
        Row(
            name="session PDF layout (Keywork's)",
            median_ms=round(statistics.median(ours), 1),
            p95_ms=round(_p95(ours), 1),
            queries=0,
            raw_sql_ms=0.0,
            budget_ms=round(PDF_RATIO_BUDGET * plain_median, 1),
            raw_rule=False,
            note=f"{ratio:.2f} × the plain document (budget {PDF_RATIO_BUDGET} ×)",
        ),
        Row(
            name="the same text, plain WeasyPrint",
            median_ms=round(plain_median, 1),
            p95_ms=round(_p95(theirs), 1),
            queries=0,
            raw_sql_ms=0.0,
            budget_ms=None,
            raw_rule=False,
            note=f"{len(plain):,} characters of HTML",
        ),
    ]
