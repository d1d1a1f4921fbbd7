"""Every table on a page scrolls sideways inside its own box on a narrow screen (Bootstrap's
``table-responsive``) instead of cutting columns off or widening the page: a new user on a 390 px
phone found the chronology, actions, My week, safeguarding and register tables cut off. Every
page template is read, so a table that only shows with certain data is held to it too (PDF
templates are paper, not screens)."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def test_every_table_on_a_page_is_in_a_responsive_box():
    wrong = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if "pdf" in path.relative_to(TEMPLATES).as_posix():
            continue
        text = path.read_text()
        for match in re.finditer(r'<table class="table', text):
            if "table-responsive" not in text[max(0, match.start() - 300) : match.start()]:
                wrong.append(f"{path.relative_to(TEMPLATES)}: {text[match.start() :][:60]}")
    assert not wrong, "\n".join(wrong)
