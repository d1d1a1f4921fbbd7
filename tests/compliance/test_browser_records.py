"""Looked at in a browser: removing a term-calendar entry asks first, and a night-time slip at a
time that happened twice asks which (screenshots in test-artifacts/)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from compliance.models import Holiday
from tenancy.context import organisation_scope

from ..browser import browser, page, sign_in  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_removing_a_holiday_asks_first_and_an_overlap_is_refused(page, org):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    sign_in(page, org.users["manager"].username)
    page.goto(f"/compliance/sites/{org.school.pk}/calendar/")
    page.get_by_label("Name").fill("Inset day")
    page.get_by_label("Kind").select_option("closure")
    page.get_by_label("First day").fill("2026-10-30")
    page.get_by_label("Last day").fill("2026-10-30")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("These dates overlap Half term")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "term-calendar-overlap.png"), full_page=True)
    page.get_by_role("link", name="Remove Half term 2026").click()
    expect(page.get_by_role("heading", name="Remove Half term?")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "term-calendar-remove.png"), full_page=True)
    page.get_by_role("link", name="Keep it").click()
    with organisation_scope(org.org.pk):
        assert Holiday.objects.filter(pk=org.holiday.pk).exists()


def test_a_slip_at_a_time_that_happened_twice_asks_which(page, org):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    sign_in(page, org.users["key_worker"].username)
    page.goto("/behaviour/slips/new/")
    page.locator("#id_child").select_option(str(org.child.pk))
    page.get_by_label("Type of slip").select_option("low")
    page.locator("#id_date").fill("2026-10-25")
    page.locator("#id_time").fill("01:30")
    page.get_by_label("What happened").fill("Woke and shouted in the night.")
    page.get_by_role("button", name="Save slip").click()
    expect(page.get_by_text("Which 01:30?")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "slip-which-0130.png"), full_page=True)
    page.get_by_label("01:30 GMT: the second time, after the clocks went back").check()
    page.get_by_role("button", name="Save slip").click()
    expect(page.get_by_text("Which 01:30?")).not_to_be_visible()
