"""A manager opens What works from the top bar and sees one kind of intervention helping and one
with too few children; then a child's chronology. Screenshots in test-artifacts/."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from evidence import demo
from tenancy.context import organisation_scope

from ..browser import browser, page, sign_in  # noqa: F401 - fixtures
from ..factories import ChildFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_sees_what_works_and_a_chronology(page, org):  # noqa: F811
    with organisation_scope(org.org.pk):
        children = [ChildFactory(site=org.school) for _ in range(12)]
    world = SimpleNamespace(
        school_org=org.org, school=org.school, users={"tas": [org.users["key_worker"]]},
        stdout=io.StringIO(),
    )  # fmt: skip
    demo.seed(world)
    sign_in(page, org.users["manager"].username)
    page.get_by_role("link", name="What works").first.click()
    expect(page.get_by_role("heading", name="What works")).to_be_visible()
    table = page.get_by_test_id("what-works")
    friendships = table.get_by_role("row").filter(has_text="Zones of regulation")
    expect(friendships).to_contain_text("Better after")
    # 13 children (the world's and twelve): every other one had a Zones of regulation session.
    expect(friendships.get_by_role("cell").nth(0)).to_have_text("7")
    expect(page.locator("figure svg")).to_be_visible()
    page.screenshot(path="test-artifacts/evidence-what-works.png", full_page=True)

    start = (timezone.localdate() - datetime.timedelta(days=90)).isoformat()
    page.goto(f"/evidence/child/{children[0].pk}/chronology/?start={start}")
    expect(page.get_by_role("heading", name=f"Chronology: {children[0].full_name}")).to_be_visible()
    expect(page.get_by_test_id("chronology")).to_contain_text("Target set")
    page.screenshot(path="test-artifacts/evidence-chronology.png", full_page=True)
