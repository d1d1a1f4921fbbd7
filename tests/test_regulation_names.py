"""The standards' names read the same everywhere a person reads them: "Regulation 44" and
"Regulation 45" in full (the top bar said "Reg 45" beside "Regulation 44"). An abbreviation
("Reg 45", "reg. 28") is written out, or marked up with ``<abbr title="…">`` where space forces
it; in a name (a heading, the title, a link, a button, a label) the standard is capitalised. The
walk reads every page as the people who see the most of them, and every template (emails and
PDFs are not pages)."""

import re
from pathlib import Path

import pytest

from .pages import html_pages

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
ABBREVIATION = re.compile(r"\b[Rr]egs?\.?\s?\d+")
WITH_TITLE = re.compile(r'<abbr\s+title="[^"]+">.*?</abbr>', re.S)
HIDDEN = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->", re.S)
# Where the text names something: the tab title, headings, links, buttons, labels, options.
NAMES = re.compile(
    r"<(title|h[1-6]|a|button|label|option|th)\b[^>]*>(.*?)</\1>", re.S | re.IGNORECASE
)
LOWER_NAME = re.compile(r"\bregulation 4[45]\b")


def abbreviations(text: str) -> list[str]:
    """Abbreviated regulations in ``text`` (HTML or plain) that no ``<abbr title>`` explains."""
    return ABBREVIATION.findall(WITH_TITLE.sub("", HIDDEN.sub("", text)))


def lower_case_names(page: str) -> list[str]:
    found = []
    for _tag, inner in NAMES.findall(HIDDEN.sub("", page)):
        text = " ".join(re.sub(r"<[^>]+>", " ", inner).split())
        found += [text for _ in LOWER_NAME.findall(text)]
    return found


def test_the_checks_catch_what_the_walkthrough_saw():
    assert abbreviations('<a class="nav-link" href="/regulation45/">Reg 45</a>') == ["Reg 45"]
    assert abbreviations("Care Planning Regulations 2010, reg. 28).") == ["reg. 28"]
    assert abbreviations('<abbr title="Regulation 45">Reg 45</abbr> and Regulation 44') == []
    assert lower_case_names("<title>Upload a regulation 44 report</title>") == [
        "Upload a regulation 44 report"
    ]
    # A citation in running text keeps the legal style.
    assert lower_case_names("<p>You may read these records (regulation 44(2)(b)).</p>") == []


def test_no_template_abbreviates_a_regulation():
    found = {
        str(path.relative_to(TEMPLATES)): abbreviations(path.read_text())
        for path in TEMPLATES.rglob("*")
        if path.suffix in (".html", ".txt")
    }
    assert {name: hits for name, hits in found.items() if hits} == {}


@pytest.mark.django_db
def test_every_page_names_the_regulations_in_full(client, org):
    users = [org.users["org_admin"], org.users["manager"], org.visitor]
    seen = set()
    for name, user, page in html_pages(client, org, users):
        assert abbreviations(page) == [], f"{name} as {user.username}"
        assert lower_case_names(page) == [], f"{name} as {user.username}"
        seen |= {n for n in ("Regulation 44", "Regulation 45") if n in page}
    assert seen == {"Regulation 44", "Regulation 45"}
    # The top bar of a person who has both: the same words, in full.
    client.force_login(org.users["org_admin"])
    top_bar = client.get("/").content.decode().split('aria-label="Main"')[1].split("</nav>")[0]
    assert ">Regulation 45</a>" in top_bar and ">Regulation 44</a>" in top_bar
