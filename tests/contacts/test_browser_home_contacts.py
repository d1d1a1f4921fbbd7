"""Issue 17: a home manager's contacts page is the home's, for the whole site: each young
person's weekly social-worker update and next statutory visit, no school calls."""

import datetime
import re

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


def test_a_contact_typed_across_a_sign_out_is_saved_after_signing_in_again(
    page,  # noqa: F811
    org,
    settings,
):
    """Issue 17, item 1 for ordinary forms (contact, plan, slip): Save finds the session gone,
    keeps the page, asks for password and code in a dialog, then saves."""
    from accounts.services import recovery_codes_regenerate
    from contacts.models import Contact
    from tenancy.context import organisation_scope

    settings.SESSION_IDLE_LIMIT_SECONDS = 600
    kw = org.users["key_worker"]
    sign_in(page, kw.username)
    page.goto(f"/contacts/child/{org.child.pk}/new/?kind=parent")
    page.get_by_label("Who with").fill("Mum")
    summary = "Told mum about a good week: 120 class points and a green slip in maths."
    page.get_by_label("Summary").fill(summary)
    settings.SESSION_IDLE_LIMIT_SECONDS = 2  # the person was away longer than the limit
    page.wait_for_timeout(3000)
    dialog = page.get_by_role("dialog", name="You've been signed out — sign in again to save")
    page.get_by_label("Summary").press("End")
    page.get_by_label("Summary").press("Space")  # the live quality check meets the sign-out
    expect(dialog).to_be_visible(timeout=30_000)  # the live check is debounced; a loaded CI is slow
    page.get_by_role("button", name="Keep writing for now").click()
    page.get_by_role("button", name="Save contact").click()  # Save: the same, not a bare page
    expect(dialog).to_be_visible()
    expect(page.get_by_label("Summary")).to_have_value(re.compile("^" + re.escape(summary)))
    with organisation_scope(org.org.pk):
        assert not Contact.objects.filter(summary__startswith=summary).exists()
    settings.SESSION_IDLE_LIMIT_SECONDS = 600
    code = recovery_codes_regenerate(user=kw)[0]
    dialog.get_by_label("Password").fill("correct-horse-battery")
    dialog.get_by_label("Code").fill(code)
    page.screenshot(path="test-artifacts/ux-contact-sign-in-again.png", full_page=False)
    dialog.get_by_role("button", name="Sign in and save").click()
    expect(page.get_by_role("heading", name=f"Contacts: {org.child.full_name}")).to_be_visible()
    page.screenshot(path="test-artifacts/ux-contact-after-sign-in.png", full_page=True)
    with organisation_scope(org.org.pk):
        assert Contact.objects.filter(summary__startswith=summary).count() == 1
