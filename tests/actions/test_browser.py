"""In a browser: the guide's worked example, submitted, reaches the manager (alert, home page), the
key worker (My week, the record's panel) and the social worker (the weekly update's text); each
closes with a note. A high-level incident in the home alerts the manager, who marks it
significant, and the next statutory visit moves."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import ActionItem, Kind
from contacts import selectors as contact_selectors
from contacts.models import Contact
from sessions_app import services as session_services
from sessions_app import worked_example
from sessions_app.models import Topic
from tenancy.context import organisation_scope

from ..browser import sign_in
from ..pdf import pdf_text
from ..sessions_app.conftest import access_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit_worked_example(home):
    day = timezone.localdate() - datetime.timedelta(days=1)
    with organisation_scope(home.org.pk):
        topic = Topic.objects.create(organisation=home.org, name=worked_example.TOPIC)
        access = access_for(home.ed, home)
        session = session_services.session_start(access=access, child=home.amber)
        session_services.session_submit(
            access=access,
            session=session,
            expected_version=session.version,
            data=worked_example.fields(day),
            topics=[topic],
            targets=worked_example.targets(day),
            reviews={},
        )
        return session


def test_the_worked_example_reaches_the_manager_the_key_worker_and_the_social_worker(
    page, home, live_server
):
    session = submit_worked_example(home)
    with organisation_scope(home.org.pk):
        assert ActionItem.objects.filter(source_id=session.pk).count() == 5

    # The manager: an alert in the top bar and the task on the home page; closes it with a note.
    sign_in(page, home.home_manager.username)
    expect(page.locator('a.nav-link[href="/actions/alerts/"] [data-unread]')).to_have_text(
        "1 unread alert"
    )
    expect(page.get_by_test_id("home-actions")).to_contain_text("Make the manager aware")
    page.screenshot(path="test-artifacts/actions-manager-home.png", full_page=True)
    page.locator('a.nav-link[href="/actions/alerts/"]').click()
    expect(page.get_by_test_id("notices")).to_contain_text("For the manager: Amber Smith")
    page.get_by_test_id("notices").get_by_role("button", name="Acknowledge").click()
    expect(page.locator('a.nav-link[href="/actions/alerts/"] [data-unread]')).to_have_count(0)
    page.screenshot(path="test-artifacts/actions-alerts.png", full_page=True)
    # Alerts tell; Actions are the work: the manager's task is on the Actions list.
    page.locator('a.nav-link[href="/actions/"]').click()
    page.screenshot(path="test-artifacts/actions-list.png", full_page=True)
    page.get_by_test_id("action-list").get_by_role("link", name="Make the manager aware").click()
    page.get_by_label("Note (what was done, or why it is cancelled)").fill(
        "Discussed with Ellie; agreed the support plan and the MOSAIC route."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("closed-note")).to_contain_text("agreed the support plan")

    # The key worker: My week lists the follow-up, the social worker's item, the family task and
    # the referral; the record shows its actions; the referral is made and closed.
    page.context.clear_cookies()
    sign_in(page, home.ed.username)
    page.goto("/compliance/my-week/")
    mine = page.get_by_test_id("my-week-actions")
    for words in (
        "To continue to support Amber",
        "Tell Amber's social worker (in the next weekly update)",
        "Family contact: make Amber's family aware",
        "MOSAIC referral",
    ):
        expect(mine).to_contain_text(words)
    page.screenshot(path="test-artifacts/actions-my-week.png", full_page=True)
    page.goto(f"/sessions/{session.pk}/")
    panel = page.get_by_test_id("record-actions")
    expect(panel).to_contain_text("MOSAIC referral")
    expect(panel).to_contain_text("Done")  # the manager's, closed
    page.screenshot(path="test-artifacts/actions-record-panel.png", full_page=True)
    panel.get_by_role("link", name="MOSAIC referral").click()
    page.get_by_label("Referral made on").fill(timezone.localdate().isoformat())
    page.get_by_label("Outcome", exact=True).fill("Accepted: first appointment on Thursday.")
    page.get_by_role("button", name="Save referral").click()
    expect(page.get_by_test_id("action-facts")).to_contain_text("Accepted: first appointment")
    page.get_by_label("Note (what was done, or why it is cancelled)").fill(
        "Referral made and accepted."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("closed-note")).to_contain_text("Referral made and accepted.")
    page.go_back()
    page.goto(f"/actions/child/{home.amber.pk}/")
    page.get_by_role("link", name="Family contact: make Amber's family aware").click()
    page.get_by_label("Note (what was done, or why it is cancelled)").fill(
        "Phoned Amber's mum and explained the support being given."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("closed-note")).to_contain_text("Phoned Amber's mum")

    # The social worker's item is in the weekly update's pre-filled text.
    page.goto(f"/contacts/child/{home.amber.pk}/weekly-update/")
    expect(page.locator("#id_body")).to_have_value(
        re.compile("Matters for you from our records\n- .*MOSAIC referral will be offered")
    )
    page.screenshot(path="test-artifacts/actions-weekly-update.png", full_page=True)

    # The record's PDF carries the actions with their state at printing.
    response = page.request.get(f"{live_server.url}/sessions/{session.pk}/pdf/")
    text = pdf_text(response.body())
    assert "Actions from this record" in text and "State at printing" in text
    assert "Done" in text and "Open" in text


def test_a_high_level_incident_alerts_the_manager_who_marks_it_significant(page, home):
    with organisation_scope(home.org.pk):
        Contact.objects.create(  # the last statutory visit, ten days ago
            organisation=home.org,
            site=home.home,
            child=home.amber,
            kind=Contact.Kind.VISIT,
            method=Contact.Method.IN_PERSON,
            professional_role=Contact.ProfessionalRole.SOCIAL_WORKER,
            occurred_at=timezone.now() - datetime.timedelta(days=10),
            with_whom="Sam Social",
            summary="Statutory visit.",
            recorded_by=home.ed,
        )
        regular = contact_selectors.visits_due([home.amber])[0].due_on
    sign_in(page, home.ed.username)
    page.goto("/behaviour/slips/new/")
    page.locator("#id_child").select_option(label="Amber Smith")
    page.get_by_label("Type of incident").select_option("high")  # a home's words
    page.get_by_label("What happened").fill("Amber left the home at 21:00 and returned at 01:30.")
    page.get_by_role("button", name="Save incident", exact=True).click()

    page.context.clear_cookies()
    sign_in(page, home.home_manager.username)
    expect(page.locator('a.nav-link[href="/actions/alerts/"] [data-unread]')).to_have_text(
        "1 unread alert"
    )
    page.locator('a.nav-link[href="/actions/alerts/"]').click()
    page.get_by_test_id("notices").get_by_role(
        "link", name="High-level incident: Amber Smith"
    ).click()
    page.get_by_role("link", name="Mark significant").click()
    page.get_by_label("Yes: add an action to arrange it").check()
    page.get_by_label("What the social worker was told").fill(
        "Phoned Sam Social about Amber being missing for four hours; she will visit tomorrow."
    )
    page.screenshot(path="test-artifacts/actions-mark-significant.png", full_page=True)
    page.get_by_role("button", name="Mark significant").click()
    expect(page.get_by_test_id("escalation")).to_contain_text("Marked significant")
    page.screenshot(path="test-artifacts/actions-incident-escalated.png", full_page=True)
    with organisation_scope(home.org.pk):
        assert (
            contact_selectors.visits_due([home.amber])[0].due_on == timezone.localdate() < regular
        )
        assert ActionItem.objects.filter(child=home.amber, kind=Kind.MEETING).count() == 1
        assert Contact.objects.filter(child=home.amber, kind="professional").count() == 1
