"""One export layer (issue 16, kind 8): every CSV starts with a byte-order mark, every file opens
whatever a record holds (U+000B from Word or PowerPoint), the workbook keeps text as typed and
dates as dates, and file names say whose file it is."""

import csv
import datetime
import io
import zipfile
from urllib.parse import unquote

import pytest
from django.urls import get_resolver
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from accounts.testing import confirm_recently
from tenancy.context import organisation_scope
from tenancy.exports import csv_safe, export_filename, file_text
from tests.behaviour.factories import SlipFactory
from tests.contacts.factories import ContactFactory

NASTY = "Renée said\x0bshe’d – \x01 - threw a cup\x0c=1+1"


def _export_routes() -> set[str]:
    """Every URL pattern that answers with a file (by its route's extension)."""
    found = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, route)
            elif route.rstrip("$").endswith((".csv", ".xlsx", ".docx")):
                found.add(route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns)
    return found


def _urls(org) -> dict[str, str]:
    today = timezone.localdate()
    start = today - datetime.timedelta(days=60)
    return {
        "behaviour/export.csv": f"/behaviour/export.csv?child={org.child.pk}&preset=fortnight",
        "behaviour/export.xlsx": f"/behaviour/export.xlsx?child={org.child.pk}&preset=fortnight",
        "behaviour/export.docx": f"/behaviour/export.docx?child={org.child.pk}&preset=fortnight",
        "contacts/export.csv": f"/contacts/export.csv?child={org.child.pk}",
        "compliance/sites/<int:site_id>/export.csv": f"/compliance/sites/{org.school.pk}/export.csv",
        "quality/performance.csv": f"/quality/performance.csv?start={start}&end={today}"
        f"&site={org.school.pk}",
        "evidence/what-works.csv": f"/evidence/what-works.csv?site={org.school.pk}",
        "roll/template.csv": "/roll/template.csv",
        "evidence/child/<int:child_id>/story.docx": f"/evidence/child/{org.child.pk}/story.docx",
    }


def test_file_text_cleans_controls_and_the_guard_is_for_csv_only():
    assert file_text("a\x0bb\x0cc\r\nd\x00e\x1f") == "a\nb\nc\nde"
    assert csv_safe("- threw a cup") == "'- threw a cup"
    assert file_text("- threw a cup") == "- threw a cup"
    assert (
        export_filename("compliance", "Oak / School", day=datetime.date(2026, 11, 2), ext="csv")
        == "compliance - Oak School 2026-11-02.csv"
    )


@pytest.mark.django_db
def test_walk_every_export_url_opens_cleanly(client, org):
    with organisation_scope(org.org.pk):
        SlipFactory(
            child=org.child,
            occurred_at=timezone.now() - datetime.timedelta(days=1),
            what_happened=NASTY,
            points=3,
        )
        ContactFactory(child=org.child, summary=NASTY)
    urls = _urls(org)
    routes = _export_routes()
    assert routes == set(urls), f"an export URL is not walked: {routes ^ set(urls)}"
    client.force_login(org.users["manager"])
    confirm_recently(client)
    for url in urls.values():
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content
        disposition = unquote(response["Content-Disposition"])
        assert "attachment" in disposition, url
        # Names say whose file it is: a child's or the site's name, never an id.
        assert org.child.full_name in disposition or org.school.name in disposition, disposition
        if url.split("?")[0].endswith(".csv"):
            assert body.startswith("\ufeff".encode()), f"{url}: no byte-order mark"
            text = body.decode("utf-8-sig")
            assert "\x0b" not in text and "\x01" not in text, url
            list(csv.reader(io.StringIO(text)))
        else:
            assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None, url


@pytest.mark.django_db
def test_word_export_of_a_slip_with_a_vertical_tab_opens(client, org):
    with organisation_scope(org.org.pk):
        SlipFactory(
            child=org.child,
            occurred_at=timezone.now() - datetime.timedelta(days=1),
            what_happened="Line one\x0bLine two",
        )
    client.force_login(org.users["key_worker"])
    response = client.get(f"/behaviour/export.docx?child={org.child.pk}&preset=fortnight")
    assert response.status_code == 200
    cells = [r.cells[7].text for r in Document(io.BytesIO(response.content)).tables[0].rows]
    assert "Line one\nLine two" in cells


@pytest.mark.django_db
def test_workbook_keeps_text_as_typed_and_dates_as_dates(client, org):
    when = timezone.now() - datetime.timedelta(days=1)
    with organisation_scope(org.org.pk):
        SlipFactory(child=org.child, occurred_at=when, what_happened="- threw a cup", points=2)
    client.force_login(org.users["key_worker"])
    response = client.get(f"/behaviour/export.xlsx?child={org.child.pk}&preset=fortnight")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {sheet.cell(row=r, column=8).value: r for r in range(2, sheet.max_row + 1)}
    row = rows["- threw a cup"]
    assert isinstance(sheet.cell(row=row, column=1).value, datetime.datetime)
    local = timezone.localtime(when)
    assert sheet.cell(row=row, column=1).value.date() == local.date()
    assert sheet.cell(row=row, column=11).value == 2
