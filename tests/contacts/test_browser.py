"""In a browser: a high-level incident is recorded, the key worker sees the call due, logs it, and a
second call about the same incident is warned about."""

import pytest
from playwright.sync_api import expect

from contacts.models import Contact
from tenancy.context import organisation_scope

from ..browser import browser, page, sign_in  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_incident_call_due_logged_then_a_second_call_is_warned_about(page, org):  # noqa: F811
    child = org.child
    sign_in(page, org.users["key_worker"].username)

    # Record a high-level incident through the behaviour pages.
    page.goto("/behaviour/slips/new/")
    page.locator("#id_child").select_option(label=child.full_name)
    page.get_by_label("Type of slip").select_option("high")
    page.get_by_label("What happened").fill("Threw a chair across the classroom.")
    page.get_by_role("button", name="Save slip", exact=True).click()

    page.get_by_role("button", name="Contacts", exact=True).click()  # the top bar's dropdown
    page.get_by_role("link", name="Calls due").click()
    due = page.get_by_test_id("calls-due-today")
    expect(due).to_contain_text(child.full_name)
    expect(due).to_contain_text("High-level incident")

    due.get_by_role("link", name="Log the call").click()
    page.get_by_label("Who with").fill("Mum")
    page.get_by_label("Summary").fill("Told mum about the incident and the plan for tomorrow.")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("heading", name=f"Contacts: {child.full_name}")).to_be_visible()

    page.get_by_role("button", name="Contacts", exact=True).click()  # the top bar's dropdown
    page.get_by_role("link", name="Calls due").click()
    expect(page.get_by_test_id("calls-due-today")).to_have_text("No same-day calls due today.")

    # A second call about the same incident: warned, nothing saved until confirmed.
    page.goto(f"/contacts/child/{child.pk}/new/?kind=parent")
    page.get_by_label("Threw a chair").check()
    page.get_by_label("Who with").fill("Dad")
    page.get_by_label("Summary").fill("Second call about the chair.")
    page.get_by_role("button", name="Save contact").click()
    warning = page.get_by_test_id("contact-warning")
    expect(warning).to_contain_text("already been in touch today")
    page.screenshot(path="test-artifacts/contacts-duplicate-warning.png", full_page=True)
    with organisation_scope(org.org.pk):
        assert not Contact.objects.filter(summary="Second call about the chair.").exists()
    expect(page.get_by_label("Summary")).to_have_value("Second call about the chair.")
    page.get_by_label("I have checked: this second contact").check()
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_role("heading", name=f"Contacts: {child.full_name}")).to_be_visible()
    with organisation_scope(org.org.pk):
        assert Contact.objects.get(summary="Second call about the chair.").duplicate_confirmed


def test_an_update_that_may_have_been_sent_is_checked_then_followed_by_an_addendum(
    page,  # noqa: F811
    org,
):
    """Issue 14.3 and 17.9 in the browser: the key worker is told the update may have gone,
    records that it arrived (nothing is sent again), then sends an addendum."""
    import datetime

    from django.core import mail
    from django.utils import timezone

    from contacts.models import WeeklyUpdate

    from ..factories import ChildFactory, ChildProfessionalFactory, KeyWorkerAllocationFactory
    from .factories import WeeklyUpdateFactory

    rsw = org.users["other_site_key_worker"]
    with organisation_scope(org.org.pk):
        young = ChildFactory(site=org.home, first_name="Amber", last_name="Smith")
        KeyWorkerAllocationFactory(child=young, staff=rsw, changed_by=org.users["manager"])
        ChildProfessionalFactory(
            child=young, professional__name="Priya Nair", professional__email="priya@la.example"
        )
        update = WeeklyUpdateFactory(
            child=young,
            author=rsw,
            status="uncertain",
            to_name="Priya Nair",
            to_email="priya@la.example",
            sending_started_at=timezone.now() - datetime.timedelta(minutes=20),
            last_error="the sending worker stopped before the mail server's answer was recorded, "
            "so this email may or may not have gone",
            attempts=1,
        )
    sign_in(page, rsw.username)
    page.goto("/contacts/due/")
    expect(page.get_by_test_id("failed-updates")).to_contain_text("may have been sent")
    page.get_by_role("link", name="Open Amber Smith's update").click()
    warning = page.get_by_test_id("uncertain")
    expect(warning).to_contain_text("may have been sent — check before resending")
    expect(warning).to_contain_text("Priya Nair")
    page.screenshot(path="test-artifacts/weekly-update-may-have-been-sent.png", full_page=True)
    page.get_by_role("button", name="It arrived: record it as sent").click()
    expect(page.get_by_test_id("update-status")).to_contain_text("Sent")
    assert mail.outbox == []  # recorded, not sent again

    page.get_by_role("link", name="Write an addendum").click()
    page.get_by_label("Addendum").fill(
        "Dear Priya,\n\nOn Sunday Amber and I cooked a meal together; she chose the recipe."
    )
    page.get_by_role("button", name="Save and send").click()
    expect(page.get_by_test_id("update-status")).to_contain_text("Sent")
    page.screenshot(path="test-artifacts/weekly-update-addendum-sent.png", full_page=True)
    with organisation_scope(org.org.pk):
        addendum = WeeklyUpdate.objects.get(addendum_of=update)
        assert addendum.status == "sent" and addendum.contact is not None
    assert [m.to for m in mail.outbox] == [["priya@la.example"]]
