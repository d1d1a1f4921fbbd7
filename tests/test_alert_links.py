"""A link inside a Bootstrap alert takes the alert's own link colour (``alert-link``): the default
link blue on an alert's pale background is below WCAG's 4.5:1 (axe's colour-contrast rule found
one on the new Regulation 45 review page). Every template is read, so an alert that only shows
with certain data (drafts started, calls due) is held to it too."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
ALERT = re.compile(r'<div class="alert alert-[a-z]+[^"]*"[^>]*>(.*?)</div>', re.S)


def test_every_link_in_an_alert_uses_the_alerts_link_colour():
    wrong = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for block in ALERT.findall(path.read_text()):
            for tag in re.findall(r"<a\s[^>]*>", block):
                if "alert-link" not in tag and "btn" not in tag:
                    wrong.append(f"{path.relative_to(TEMPLATES)}: {tag[:80]}")
    assert not wrong, "\n".join(wrong)
