"""In a browser: a key worker raises a concern from a session; the DSL sees the alert at once,
reads it, records a referral and sets the neutral marker; another key worker and a moderator see
the session with only "a safeguarding concern was raised on ‹date› (reference)"."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding.models import Concern
from sessions_app.models import KeyWorkSession
from tenancy.context import organisation_scope

from ..browser import sign_in
from ..factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SECRET = "When I asked about the bruise she said her stepdad grabbed her arm"


def test_a_concern_from_a_session_reaches_the_dsl_and_nobody_else(page, org):
    with organisation_scope(org.org.pk):
        session = KeyWorkSession.objects.create(
            organisation=org.org,
            child=org.child,
            author=org.users["key_worker"],
            date=timezone.localdate() - datetime.timedelta(days=1),
            status="submitted",
            submitted_at=timezone.now(),
            title="Key-work session about friendships",
            account="We talked about friendships at break time.",
        )
        other = UserFactory(username="kw2@alpha.example", first_name="Kim", last_name="Other")
        MembershipFactory(user=other, site=org.school, role="key_worker")

    # The key worker raises it from the session.
    sign_in(page, org.users["key_worker"].username)
    page.goto(f"/sessions/{session.pk}/")
    page.get_by_role("link", name="Raise a safeguarding concern").click()
    page.get_by_label("What you saw or heard").fill(SECRET + ".")
    page.get_by_label("In the pupil's own words").fill("'Don't tell anyone, he'll go mad.'")
    page.get_by_label("Who else was present").fill("Nobody")
    page.screenshot(path="test-artifacts/safeguarding-raise.png", full_page=True)
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.get_by_role("status").first).to_contain_text("The DSL team has been alerted")
    with organisation_scope(org.org.pk):
        concern = Concern.objects.get(source_id=session.pk)
    reference = concern.reference

    # The DSL (the world's manager) sees the alert and the home page's panel at once.
    page.context.clear_cookies()
    sign_in(page, org.users["manager"].username)
    expect(page.locator('a.nav-link[href="/actions/alerts/"] [data-unread]')).to_have_text(
        "1 unread alert"
    )
    expect(page.get_by_test_id("home-concerns")).to_contain_text(reference)
    page.get_by_test_id("home-concerns").get_by_role("link").first.click()
    expect(page.get_by_test_id("concern-text")).to_contain_text(SECRET)
    page.get_by_role("button", name="Acknowledge").click()
    page.get_by_label("Decision or action").select_option("csc")
    page.get_by_label("Rationale").fill(
        "Disclosure of physical harm by a household member: referred to the front door by phone; "
        "reference given."
    )
    page.get_by_role("button", name="Sign and record").click()
    expect(page.get_by_test_id("decisions")).to_contain_text("Referral to children's social care")
    page.screenshot(path="test-artifacts/safeguarding-dsl-decision.png", full_page=True)
    page.goto(f"/safeguarding/child/{org.child.pk}/chronology/")
    page.get_by_label("Staff should speak to the DSL before …").fill("arranging family contact")
    page.get_by_role("button", name="Set the marker").click()
    expect(page.get_by_test_id("chronology")).to_contain_text(reference)

    # Another key worker: the session shows only the date and reference; the child shows the marker.
    for username, shot in (
        (other.username, "other-key-worker"),
        (org.users["moderator"].username, "moderator"),
    ):
        page.context.clear_cookies()
        sign_in(page, username)
        page.goto(f"/sessions/{session.pk}/")
        expect(page.get_by_test_id("safeguarding-marker")).to_contain_text(
            f"A safeguarding concern was raised on {timezone.localdate():%-d %b %Y} ({reference})"
        )
        assert "stepdad" not in page.content()
        page.screenshot(path=f"test-artifacts/safeguarding-session-{shot}.png", full_page=True)
        page.goto(f"/children/{org.child.pk}/")
        expect(page.get_by_test_id("dsl-marker")).to_have_text(
            "Speak to the DSL before arranging family contact."
        )
        assert "stepdad" not in page.content()
        response = page.goto(f"/safeguarding/concerns/{concern.pk}/")
        assert response.status == 404
    page.goto(f"/quality/moderation/record/{session.pk}/")
    assert "stepdad" not in page.content()
