"""A person corrects and retracts a slip in the browser and reads its history (tenancy.records):
the shared record pages as they look."""

import pytest
from playwright.sync_api import expect

from ..browser import browser, page, sign_in  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_slip_is_corrected_retracted_and_its_history_read(page, org):  # noqa: F811
    slip = org.slip
    sign_in(page, org.users["key_worker"].username)
    page.goto(f"/behaviour/slips/{slip.pk}/")
    page.get_by_role("link", name="Correct").click()
    expect(page.get_by_role("heading", name="Correct a slip")).to_be_visible()
    page.get_by_label("What happened").fill("Threw a pencil across the room.")
    page.get_by_role("button", name="Save correction").click()
    expect(
        page.get_by_text("Say why the slip is being corrected")
        .or_(page.get_by_text("This field is required"))
        .first
    ).to_be_visible()
    expect(page.get_by_label("What happened")).to_have_value("Threw a pencil across the room.")
    page.get_by_label("Reason for the correction").fill("It was a pencil, not a ruler.")
    page.screenshot(path="test-artifacts/record-correct-form.png", full_page=True)
    page.get_by_role("button", name="Save correction").click()
    expect(page.get_by_text("Slip corrected; the earlier version is kept.")).to_be_visible()

    page.get_by_role("link", name="Retract").click()
    page.get_by_label("Reason for retracting").fill("Recorded for the wrong pupil.")
    page.get_by_role("button", name="Retract").click()
    expect(
        page.get_by_text("Slip retracted. It is kept, with your reason, but hidden.")
    ).to_be_visible()

    page.goto(f"/behaviour/slips/{slip.pk}/history/")
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("It was a pencil, not a ruler.")
    expect(history).to_contain_text("Recorded for the wrong pupil.")
    expect(history).to_contain_text("Walk slip.")  # the earlier text, kept
    expect(page.get_by_role("status")).to_contain_text("Recorded for the wrong pupil.")
    page.screenshot(path="test-artifacts/record-history.png", full_page=True)
