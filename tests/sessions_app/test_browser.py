"""A key worker records the guide's worked example and a school session in Chromium, submits both,
a manager signs the example off and its PDF downloads."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sessions_app import worked_example
from sessions_app.models import KeyWorkSession, Topic
from tenancy.context import organisation_scope

from ..browser import sign_in
from ..pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_target(tab, n, what, measure, area):
    tab.locator(f"#id_targets-{n}-what").fill(what)
    tab.locator(f"#id_targets-{n}-measure").fill(measure)
    tab.locator(f"#id_targets-{n}-area").select_option(area)


def test_key_workers_record_sessions_and_a_manager_signs_off(page, home, tmp_path):
    with organisation_scope(home.org.pk):
        Topic.objects.create(organisation=home.org, name=worked_example.TOPIC)
    day = timezone.localdate() - datetime.timedelta(days=1)

    # Ellie records the worked example for Amber.
    sign_in(page, home.ed.username)
    page.get_by_role("link", name="Sessions", exact=True).click()
    page.get_by_role("button", name="With Amber Smith").click()
    expect(page.get_by_role("heading", name="Key-work session with Amber Smith")).to_be_visible()
    page.get_by_label("Summary title", exact=True).fill(worked_example.title("Amber Smith", day))
    page.get_by_label("Date of session", exact=True).fill(day.isoformat())
    page.get_by_label("Start time", exact=True).fill("14:00")
    page.get_by_label("End time", exact=True).fill("14:45")
    page.get_by_label("The young person", exact=True).check()
    page.get_by_label("Engaged", exact=True).check()
    page.get_by_label("Why?", exact=True).fill(worked_example.INITIATED_WHY)
    page.get_by_label("Purpose", exact=True).select_option("issue")
    page.get_by_label(worked_example.TOPIC, exact=True).check()
    for label in ("The education standard", "The health and well-being standard"):
        page.get_by_label(label, exact=True).check()
    page.get_by_label("The protection of children standard", exact=True).check()
    page.locator("#id_previous_targets_note").fill(worked_example.PREVIOUS_TARGETS_NOTE)
    page.get_by_label("Key child's agenda").fill(worked_example.CHILD_AGENDA)
    page.get_by_label("Key worker's agenda").fill(worked_example.WORKER_AGENDA)
    page.get_by_label("Details of the Quality Standards discussed").fill(
        worked_example.QUALITY_STANDARDS_DETAILS
    )
    page.locator("#id_account").fill(worked_example.ACCOUNT)
    # The draft is saved as she types.
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved", timeout=10_000)
    page.locator("#id_resources").fill(worked_example.RESOURCES)
    for n, (what, measure) in enumerate(worked_example.TARGETS):
        fill_target(page, n, what, measure, "health")
    page.get_by_label("Work the key worker will follow up").fill(worked_example.FOLLOW_UP)
    page.get_by_label("Matters for the Team Manager").fill(worked_example.MATTERS)
    # Who the matters are for, and the referral to offer: chosen, not guessed from the words.
    matters_for = page.get_by_test_id("matters-for")
    for label in ("The manager", "The social worker", "The parents or family"):
        matters_for.get_by_label(label, exact=True).check()
    page.get_by_label("Referral to", exact=True).fill(worked_example.REFERRAL_AGENCY)
    page.locator("#id_placement_plan_update_1").check()  # Yes
    page.get_by_label("If yes, which areas of the Placement Plan?").fill(
        worked_example.PLACEMENT_PLAN_AREAS
    )
    page.locator("#id_behaviour_plan_update_1").check()  # Yes
    page.get_by_label("If yes, what needs updating?").fill(worked_example.BEHAVIOUR_PLAN_DETAILS)
    page.get_by_role("button", name="Submit and sign").click()
    expect(page.get_by_text("Submitted and signed.")).to_be_visible()
    expect(page.get_by_text("Submitted, awaiting sign-off")).to_be_visible()
    record = page.get_by_test_id("matters-for-record")
    expect(record).to_contain_text("The manager; The social worker; The parents or family")
    expect(record).to_contain_text("Referral to: MOSAIC (to be made)")
    actions = page.get_by_test_id("record-actions")
    for words in (
        "Make the manager aware",
        "Tell Amber's social worker",
        "Family contact",
        "MOSAIC",
    ):
        expect(actions).to_contain_text(words)
    page.screenshot(path="test-artifacts/session-submitted.png", full_page=True)

    # The school key worker records a session with an EHCP focus, reviewing the open target.
    sign_in(page, home.users["key_worker"].username)
    page.goto("/sessions/")
    page.get_by_role("button", name=f"With {home.child.full_name}").click()
    # Yesterday at 10:00: a session later than now today is refused, whatever time CI runs.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label("Date of session", exact=True).fill(yesterday.isoformat())
    page.get_by_label("Start time", exact=True).fill("10:00")
    page.get_by_label("End time", exact=True).fill("10:15")
    page.get_by_label("The key worker", exact=True).check()
    page.get_by_label("Partly engaged", exact=True).check()
    page.get_by_label("Focus", exact=True).select_option("ehcp")
    with organisation_scope(home.org.pk):
        topic_name = home.session.topics.first().name
    page.get_by_label(topic_name, exact=True).check()
    page.locator("select[name^=outcome_]").first.select_option("achieved")
    # the pupil's behaviour, points and attendance since the last session, from the behaviour app
    expect(page.get_by_text("Frozen into the record when you submit it.")).to_be_visible()
    page.locator("#id_account").fill("We read the EHCP outcomes and chose one to work on.")
    fill_target(page, 0, "Read for ten minutes each day.", "Reading log", "ehcp")
    page.get_by_role("button", name="Submit and sign").click()
    expect(page.get_by_text("Submitted and signed.")).to_be_visible()

    # The registered manager signs off the example and downloads its PDF.
    sign_in(page, home.home_manager.username)
    page.goto("/sessions/")
    page.get_by_role("link", name=home.home.name).click()
    page.get_by_role("link", name=re.compile("Key worker Session – Amber Smith")).click()
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_text("Signed off.")).to_be_visible()
    expect(page.get_by_text("signed off by Helen Carver")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    path = tmp_path / "session.pdf"
    download_info.value.save_as(path)
    text = pdf_text(path.read_bytes())
    assert f"Summary: Key worker Session – Amber Smith {day:%d.%m.%Y} Cannabis" in text
    assert "Signed off Helen Carver" in text
    page.screenshot(path="test-artifacts/session-signed-off.png", full_page=True)

    with organisation_scope(home.org.pk):
        statuses = dict(
            KeyWorkSession.objects.filter(date__gte=day - datetime.timedelta(days=1))
            .exclude(pk=home.session.pk)
            .values_list("child__first_name", "status")
        )
    assert statuses == {"Amber": "signed_off", home.child.first_name: "submitted"}
