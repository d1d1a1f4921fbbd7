import io

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from behaviour.models import Kind

from ..browser import browser, page, sign_in  # noqa: F401 - fixtures
from ..factories import ChildFactory
from .factories import SlipFactory
from .test_views import ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_key_worker_filters_a_pupils_slips_for_the_fortnight_and_downloads_word_and_excel(
    page,  # noqa: F811
    org,
):
    other = ChildFactory(site=org.school, first_name="Someone", last_name="Else")
    SlipFactory(child=org.child, kind=Kind.LOW, occurred_at=ago(3), what_happened="Low in range")
    SlipFactory(child=org.child, kind=Kind.HIGH, occurred_at=ago(9), what_happened="High in range")
    SlipFactory(child=org.child, kind=Kind.GREEN, occurred_at=ago(4), what_happened="Green slip")
    SlipFactory(child=org.child, kind=Kind.HIGH, occurred_at=ago(25), what_happened="Too old")
    SlipFactory(child=other, kind=Kind.LOW, occurred_at=ago(2), what_happened="Other pupil")
    sign_in(page, org.users["key_worker"].username)

    page.get_by_role("button", name="Behaviour", exact=True).click()  # the top bar's dropdown
    page.get_by_role("link", name="Slips").first.click()
    page.get_by_label("Pupil").select_option(label=org.child.full_name)
    page.get_by_label("Low level").check()
    page.get_by_label("High level / incident").check()
    page.get_by_label("Dates").select_option(label="Last fortnight")
    page.get_by_role("button", name="Filter", exact=True).click()

    table = page.get_by_test_id("slips")
    # The two planted in range, and the walk's low-level slip from yesterday.
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).to_contain_text("Low in range")
    expect(table).to_contain_text("High in range")
    expect(table).not_to_contain_text("Green slip")
    expect(table).not_to_contain_text("Too old")
    expect(table).not_to_contain_text("Other pupil")
    page.screenshot(path="test-artifacts/behaviour-filtered.png", full_page=True)

    with page.expect_download() as word:
        page.get_by_role("link", name="Word").click()
    assert word.value.suggested_filename.startswith(
        f"behaviour log - {org.child.full_name} - {org.school.name} "
    )
    assert word.value.suggested_filename.endswith(".docx")
    document = Document(io.BytesIO(open(word.value.path(), "rb").read()))
    assert len(document.tables[0].rows) == 1 + 3

    with page.expect_download() as excel:
        page.get_by_role("link", name="Excel").click()
    assert excel.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(open(excel.value.path(), "rb").read())).active
    assert sheet.max_row == 1 + 3
    assert {sheet.cell(row=r, column=4).value for r in range(2, 5)} == {
        "Low level",
        "High level / incident",
    }
