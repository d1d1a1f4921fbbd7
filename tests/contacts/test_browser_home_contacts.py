"""Issue 17: a home manager's contacts page is the home's, for the whole site: each young
person's weekly social-worker update and next statutory visit, no school calls."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ..browser import browser, page, sign_in  # noqa: F401 - fixtures
from ..factories import ChildFactory, KeyWorkerAllocationFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_home_manager_sees_every_young_persons_updates_and_visits(page, org):  # noqa: F811
    manager = UserFactory(first_name="Rita", last_name="Manager")
    MembershipFactory(user=manager, site=org.home, role="manager")
    kw = UserFactory(first_name="Kit", last_name="Worker")
    MembershipFactory(user=kw, site=org.home, role="key_worker")
    start = timezone.localdate() - datetime.timedelta(days=30)
    amber = ChildFactory(site=org.home, first_name="Amber", last_name="Smith", start_date=start)
    KeyWorkerAllocationFactory(child=amber, staff=kw, changed_by=manager)
    ChildFactory(site=org.home, first_name="Ben", last_name="Jones", start_date=start)

    sign_in(page, manager.username)
    page.get_by_role("button", name="Contacts").click()
    page.get_by_role("link", name="Contacts due").click()
    expect(page.get_by_role("heading", name="Contacts due: every young person")).to_be_visible()
    updates = page.get_by_test_id("weekly-updates")
    expect(updates).to_contain_text("Amber Smith")
    expect(updates).to_contain_text("Ben Jones")  # no key worker: still on the manager's list
    expect(updates).to_contain_text("not started")
    expect(page.get_by_test_id("visits")).to_contain_text("Ben Jones")
    expect(page.get_by_text("Same-day calls home")).to_have_count(0)
    expect(page.get_by_text("You are not key worker for any pupils")).to_have_count(0)
    page.screenshot(path="test-artifacts/ux-home-contacts.png", full_page=True)
