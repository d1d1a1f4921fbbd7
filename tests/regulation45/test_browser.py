"""A registered manager opens the home's Regulation 45 review from the top bar, picks an excerpt
for a Quality Standard, writes the evaluation, publishes the review and downloads its PDF, whose
figures are the page's. Screenshots (and the PDF's first pages as PNGs) in test-artifacts/."""

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from regulation45.models import Review
from tenancy.context import organisation_scope

from ..browser import browser, page, sign_in  # noqa: F401 - fixtures
from ..pdf import pdf_text
from .helpers import END, START, home_manager, known_home

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"


def test_manager_evaluates_publishes_and_downloads_the_pack(page, org):  # noqa: F811
    known_home(org)
    manager = home_manager(org)
    with organisation_scope(org.org.pk):
        # The world's draft of the home, of this period (one draft per home and period).
        Review.objects.filter(site=org.home, period_start=START, period_end=END).update(
            created_by=manager
        )
    sign_in(page, manager.username)
    page.get_by_role("button", name="Reports", exact=True).click()  # the top bar's dropdown
    page.get_by_role("link", name="Regulation 45", exact=True).first.click()
    page.get_by_role("link", name="1 Jan 2026 – 30 Jun 2026").last.click()
    expect(page.get_by_role("heading", name="Regulation 45 review: Alpha House")).to_be_visible()
    expect(page.get_by_test_id("qs2-sessions")).to_have_text(
        "3 sessions with 2 young people: Amy Ashdown 2, Ben Brook 1."
    )
    page.screenshot(path=str(ARTIFACTS / "regulation45-draft.png"), full_page=True)

    page.get_by_role("link", name="Evaluate and choose excerpts for standard 2").click()
    page.get_by_label(re.compile("3 Mar 2026 – Amy Ashdown")).check()
    page.get_by_label("Evaluation").fill("Young people's views shape the house.")
    page.get_by_label("Intended actions").fill("Monthly house meetings.")
    page.screenshot(path=str(ARTIFACTS / "regulation45-standard.png"), full_page=True)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("qs2-evaluation")).to_have_text(
        "Young people's views shape the house."
    )
    expect(page.get_by_test_id("qs2").get_by_test_id("excerpt")).to_contain_text(
        "Amy chose the menu for the house meeting."
    )

    page.get_by_role("link", name="Publish the review…").click()
    # The confirmation names what is not written yet: the overall evaluation and the seven
    # standards still without one (the world evaluated one, this test another).
    expect(page.get_by_test_id("unwritten")).to_contain_text("the overall evaluation")
    expect(page.get_by_test_id("unwritten").locator("li")).to_have_count(8)
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_test_id("review-status")).to_contain_text("Published")
    expect(
        page.get_by_role("link", name="Evaluate and choose excerpts for standard 2")
    ).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "regulation45-published.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    path = download.value.path()
    assert download.value.suggested_filename.startswith("Regulation 45 review - Alpha House")
    text = pdf_text(Path(path).read_bytes())
    for figure in (
        "3 sessions with 2 young people: Amy Ashdown 2, Ben Brook 1.",
        "Young people's views shape the house.",
        "Amy chose the menu for the house meeting.",
        "Jan 2026 4 1 5",
        "Key-work sessions 48 1 4 43 2%",
    ):
        assert figure in text, figure
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-l", "3", path, str(ARTIFACTS / "regulation45-pdf")],
        check=True,
    )
