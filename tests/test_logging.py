"""What the server's log holds: nothing for the routine steps of making a PDF (WeasyPrint logs
seven lines a document at INFO), while a warning still gets through."""

import logging
import logging.config

from django.conf import settings

from sessions_app.exports import render_pdf


class Kept(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def test_a_pdf_leaves_no_lines_in_the_log_and_warnings_still_reach_it():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    logging.config.dictConfig(settings.LOGGING)  # the server's own configuration
    kept = Kept()
    root.addHandler(kept)
    try:
        pdf = render_pdf("<html><body><h1>Key-work session</h1><p>Zoë’s words</p></body></html>")
        assert pdf.startswith(b"%PDF")
        assert [r.getMessage() for r in kept.records if r.name.startswith("weasyprint")] == []
        logging.getLogger("weasyprint").warning("a font is missing")
        assert [r.getMessage() for r in kept.records] == ["a font is missing"]
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
