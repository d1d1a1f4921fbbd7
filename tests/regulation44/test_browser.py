"""The independent visitor uploads a report with two recommendations from *My visits*; the home's
manager opens it, follows a recommendation to its action and responds; the visitor sees the
response. Screenshots in test-artifacts/."""

import datetime

import pytest
from playwright.sync_api import expect

from tenancy.context import organisation_scope
from tenancy.models import Role
from tenancy.timeutils import site_today

from ..browser import browser, page, sign_in  # noqa: F401 - fixtures
from ..factories import MembershipFactory, UserFactory
from ..uploads import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_uploads_and_the_manager_responds(page, org, tmp_path):  # noqa: F811
    with organisation_scope(org.org.pk):
        manager = UserFactory(username="home.manager@alpha.example", first_name="Hana")
        MembershipFactory(user=manager, site=org.home, role=Role.MANAGER)
        org.child.site = org.home
        org.child.save()
    report = tmp_path / "visit.pdf"
    report.write_bytes(pdf_bytes("Visit"))

    sign_in(page, org.visitor.username)
    page.get_by_role("link", name="My visits").click()
    expect(page.get_by_test_id("visited-home")).to_contain_text(org.child.first_name)
    page.screenshot(path="test-artifacts/reg44-visitor-home.png", full_page=True)
    page.get_by_role("link", name="Compliance figures").click()
    expect(page.get_by_test_id("figures")).to_be_visible()
    page.screenshot(path="test-artifacts/reg44-figures.png", full_page=True)
    page.go_back()
    page.get_by_role("link", name="Upload a monthly report").click()
    day = site_today(org.home) - datetime.timedelta(days=1)
    page.get_by_label("Date of the visit").fill(day.isoformat())
    page.get_by_label("Your report").set_input_files(str(report))
    page.get_by_label("Recommendations").fill(
        "Record the night-time checks in the log.\nReview the house rules with the young people."
    )
    page.screenshot(path="test-artifacts/reg44-upload.png", full_page=True)
    page.get_by_role("button", name="Upload report").click()
    expect(page.get_by_test_id("recommendations")).to_contain_text("night-time checks")

    page.context.clear_cookies()
    sign_in(page, manager.username)
    page.get_by_role("button", name="Reports", exact=True).click()  # the top bar's dropdown
    page.get_by_role("link", name="Regulation 44", exact=True).click()
    page.get_by_test_id("reports").get_by_role("link").first.click()
    page.get_by_role("link", name="Record your response").first.click()
    page.get_by_label("Note").fill("Night checks now logged hourly.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("closed-note")).to_contain_text("Night checks now logged hourly.")
    page.get_by_role("link", name="Regulation 44 report", exact=True).click()
    expect(page.get_by_test_id("response")).to_contain_text("Night checks now logged hourly.")
    page.screenshot(path="test-artifacts/reg44-report.png", full_page=True)
