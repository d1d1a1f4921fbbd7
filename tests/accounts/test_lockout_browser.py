"""What a locked-out person and a moderator see (issue 14.5 and 14.11), in the real browser."""

import pytest
from playwright.sync_api import expect

from ..browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_locked_out_person_sees_how_to_get_back_in(page, org):
    user = org.users["key_worker"]
    for _ in range(5):
        page.goto("/accounts/login/")
        page.get_by_label("Email address").fill(user.username)
        page.get_by_label("Password").fill("wrong-password")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Too many sign-in attempts")).to_be_visible()
    expect(page.get_by_role("link", name="reset your password")).to_be_visible()
    expect(page.get_by_text("Other staff can still sign in.")).to_be_visible()
    page.screenshot(path="test-artifacts/lockout-account.png", full_page=True)


def test_a_moderator_sees_the_child_without_family_or_household(page, org):
    sign_in(page, org.users["moderator"].username)
    page.goto(f"/children/{org.child.pk}/")
    expect(page.get_by_role("heading", name="Professionals")).to_be_visible()
    expect(page.get_by_role("heading", name="Family and carers")).to_have_count(0)
    expect(page.get_by_text(org.guardian.name)).to_have_count(0)
    page.screenshot(path="test-artifacts/child-page-moderator.png", full_page=True)
