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
