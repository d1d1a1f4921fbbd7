import pytest
from playwright.sync_api import expect

from ..browser import browser, page, sign_in  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_key_worker_sees_findings_appear_while_writing_and_fixes_them(page, org):  # noqa: F811
    sign_in(page, org.users["key_worker"].username)
    page.get_by_role("link", name="Check a text").click()
    expect(page.get_by_role("heading", name="Check a text")).to_be_visible()

    page.get_by_label("The child the record is about").select_option(
        label=f"{org.child.full_name} ({org.school.name})"
    )
    record = page.get_by_label("Record", exact=True)
    record.fill(f"{org.child.first_name} came back at 22:10. She may have been drinking.")
    findings = page.get_by_test_id("findings")
    # No button pressed: the check runs by itself once typing pauses.
    expect(findings.locator('[data-rule="opinion"]')).to_contain_text("may have")
    expect(page.get_by_test_id("quality-score")).to_contain_text("92")
    page.screenshot(path="test-artifacts/quality-live-check.png", full_page=True)

    record.fill(
        f"{org.child.first_name} came back at 22:10. She said she had drunk two cans of cider."
    )
    expect(findings.locator('[data-rule="opinion"]')).to_have_count(0)
    expect(page.get_by_test_id("no-findings")).to_be_visible()
    expect(page.get_by_test_id("quality-score")).to_contain_text("100")
