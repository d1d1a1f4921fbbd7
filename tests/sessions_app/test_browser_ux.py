"""Issue 17 in Chromium: typed words survive a sign-out, drafts are reopened and discarded, a
declined attempt submits with two fields."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.services import recovery_codes_regenerate
from sessions_app.models import KeyWorkSession
from tenancy.context import organisation_scope
from tenancy.models import AuditEvent

from ..auth import authenticator_for, current_code
from ..browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _account(org, child):
    with organisation_scope(org.org.pk):
        return KeyWorkSession.objects.get(child=child).account


def test_idle_sign_out_while_typing_keeps_the_text_and_saves_it_after_signing_in_again(
    page, home, settings
):
    settings.SESSION_IDLE_LIMIT_SECONDS = 8  # "Still there?" at 4 seconds left
    sign_in(page, home.ed.username)
    page.goto("/sessions/")
    page.get_by_role("button", name="With Amber Smith").click()
    page.locator("#id_account").fill("Amber and I met in the kitchen at 16:00.")
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved", timeout=10_000)

    still = page.get_by_role("dialog", name="Still there?")
    expect(still).to_be_visible(timeout=10_000)
    page.screenshot(path="test-artifacts/ux-still-there.png", full_page=False)

    signed_out = page.get_by_role("dialog", name="You've been signed out — sign in again to save")
    expect(signed_out).to_be_visible(timeout=15_000)
    expect(still).to_be_hidden()
    page.get_by_role("button", name="Keep writing for now").click()

    # Words typed after the sign-out: the autosave gets a 401, the page keeps them and asks.
    page.locator("#id_account").fill(
        "Amber and I met in the kitchen at 16:00. She asked about college courses."
    )
    expect(signed_out).to_be_visible(timeout=10_000)
    expect(page.locator("#session-form")).to_be_visible()  # no sign-in page inside the editor
    expect(page.locator("#id_account")).to_have_value(
        "Amber and I met in the kitchen at 16:00. She asked about college courses."
    )
    page.screenshot(path="test-artifacts/ux-signed-out-dialog.png", full_page=False)
    assert "college courses" not in _account(home, home.amber)

    settings.SESSION_IDLE_LIMIT_SECONDS = 600
    device = authenticator_for(get_user_model().objects.get(pk=home.ed.pk))
    recovery = recovery_codes_regenerate(user=home.ed)  # the second sign-in uses one
    signed_out.get_by_label("Password").fill("wrong password here")
    signed_out.get_by_label("Code").fill(current_code(device))
    signed_out.get_by_role("button", name="Sign in and save").click()
    expect(signed_out.get_by_role("alert")).to_contain_text("password is not right")
    signed_out.get_by_label("Password").fill("correct-horse-battery")
    signed_out.get_by_label("Code").fill(current_code(device))
    signed_out.get_by_role("button", name="Sign in and save").click()
    expect(signed_out).to_be_hidden()
    expect(page.get_by_role("status").filter(has_text="Signed in again")).to_be_visible()
    # The autosave that met the sign-out is sent again once signed in.
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved")
    for _ in range(20):
        if "college courses" in _account(home, home.amber):
            break
        page.wait_for_timeout(250)
    assert "college courses" in _account(home, home.amber)
    page.screenshot(path="test-artifacts/ux-saved-after-signing-in-again.png", full_page=False)

    # Submit and sign after another sign-out does not land on a bare sign-in page either.
    settings.SESSION_IDLE_LIMIT_SECONDS = 8
    expect(signed_out).to_be_visible(timeout=20_000)
    page.get_by_role("button", name="Keep writing for now").click()
    page.get_by_role("button", name="Submit and sign").click()
    expect(signed_out).to_be_visible()
    assert page.url.endswith("/edit/")
    signed_out.get_by_label("Password").fill("correct-horse-battery")
    signed_out.get_by_label("Code").fill(recovery[0])
    settings.SESSION_IDLE_LIMIT_SECONDS = 600
    signed_out.get_by_role("button", name="Sign in and save").click()
    # Submitting goes ahead once signed in; the record still needs its other fields.
    expect(page.locator("#form-problems")).to_be_visible()
    expect(page.locator("#id_account")).to_have_value(
        "Amber and I met in the kitchen at 16:00. She asked about college courses."
    )


def test_a_second_with_click_opens_the_same_draft_and_the_author_discards_it(page, home):
    sign_in(page, home.ed.username)
    page.goto("/sessions/")
    page.get_by_role("button", name="With Amber Smith").click()
    page.locator("#id_account").fill("Started writing.")
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved", timeout=10_000)
    first = page.url
    page.goto("/sessions/")
    page.get_by_role("button", name="With Amber Smith").click()
    expect(page.get_by_text("Carrying on with your draft for Amber")).to_be_visible()
    assert page.url == first
    expect(page.locator("#id_account")).to_have_value("Started writing.")
    with organisation_scope(home.org.pk):
        assert KeyWorkSession.objects.filter(child=home.amber).count() == 1

    page.get_by_text("Discard this draft", exact=True).click()
    page.screenshot(path="test-artifacts/ux-discard-draft.png", full_page=False)
    page.get_by_role("button", name="Yes, discard this draft").click()
    expect(page.get_by_text("Draft discarded.")).to_be_visible()
    with organisation_scope(home.org.pk):
        assert not KeyWorkSession.objects.filter(child=home.amber).exists()
        event = AuditEvent.objects.get(object_type="sessions_app.keyworksession", action="retract")
        assert event.actor_id == home.ed.pk and event.before["account"] == "Started writing."


def test_a_declined_attempt_submits_with_two_fields_and_prints_only_what_applies(page, home):
    sign_in(page, home.ed.username)
    page.goto("/sessions/")
    page.get_by_role("button", name="With Amber Smith").click()
    page.get_by_label("Declined (logged as an attempt)").check()
    page.get_by_role("button", name="Submit and sign").click()
    # Every problem at once, beside its field: only the two an attempt needs.
    expect(page.get_by_text("Say what happened when Amber declined.")).to_be_visible()
    expect(page.get_by_text("Say what Amber was offered.")).to_be_visible()
    expect(page.get_by_text("Choose at least one Quality Standard.")).to_have_count(0)
    page.screenshot(path="test-artifacts/ux-declined-errors.png", full_page=True)
    page.locator("#id_account").fill(
        "At 16:00 I asked Amber to meet in the lounge. She said she was tired and went to her room."
    )
    page.get_by_label("What was offered (a declined attempt)").fill(
        "A session after tea, or a walk to the shop tomorrow at a time she chooses."
    )
    page.get_by_role("button", name="Submit and sign").click()
    expect(page.get_by_text("Submitted and signed.")).to_be_visible()
    record = page.get_by_test_id("declined-attempt")
    expect(record).to_be_visible()
    expect(page.get_by_role("heading", name="What was offered")).to_be_visible()
    expect(page.get_by_role("heading", name="Key child's agenda")).to_have_count(0)
    page.screenshot(path="test-artifacts/ux-declined-record.png", full_page=True)
    with organisation_scope(home.org.pk):
        session = KeyWorkSession.objects.get(child=home.amber)
    assert session.status == "submitted" and session.quality_score >= 70
