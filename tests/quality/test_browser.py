import re

import pytest
from playwright.sync_api import expect

from ..browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_key_worker_sees_findings_appear_while_writing_and_fixes_them(page, org):
    sign_in(page, org.users["key_worker"].username)
    page.get_by_role("button", name="Quality", exact=True).click()
    page.get_by_role("link", name="Check a text").click()
    expect(page.get_by_role("heading", name="Check a text")).to_be_visible()

    page.get_by_label("The pupil the record is about").select_option(
        label=f"{org.child.full_name} ({org.school.name})"
    )
    record = page.get_by_label("Record", exact=True)
    record.fill(f"{org.child.first_name} came back at 22:10. She may have been drinking.")
    findings = page.get_by_test_id("findings")
    # No button pressed: the check runs by itself once typing pauses.
    expect(findings.locator('[data-rule="opinion"]')).to_contain_text("may have")
    expect(page.get_by_test_id("quality-score")).to_contain_text("92")
    page.screenshot(path="test-artifacts/quality-live-check.png", full_page=True)

    record.fill(
        f"{org.child.first_name} came back at 22:10. She said she had drunk two cans of cider."
    )
    expect(findings.locator('[data-rule="opinion"]')).to_have_count(0)
    expect(page.get_by_test_id("no-findings")).to_be_visible()
    expect(page.get_by_test_id("quality-score")).to_contain_text("100")


def test_a_moderator_works_the_queue_and_the_key_worker_acknowledges(page, org):
    from checking.checker import check
    from quality.models import RubricCriterion
    from quality.selectors import check_context
    from quality.services import rubric_ensure
    from sessions_app.quality_link import checker_fields
    from tenancy.context import organisation_scope

    from ..sessions_app.factories import KeyWorkSessionFactory
    from .helpers import access_for

    kw = org.users["key_worker"]
    with organisation_scope(org.org.pk):
        rubric_ensure(organisation_id=org.org.pk)
        criteria = list(RubricCriterion.objects.filter(is_archived=False))
        session = KeyWorkSessionFactory(
            child=org.child,
            author=kw,
            title=f"Key-work session – {org.child.full_name} lunchtime",
            account=f"{org.child.first_name} may have been upset at lunch. We talked about it.",
        )
        context = check_context(
            access_for(kw, org), site_kind="school", record_kind="session", child=org.child
        )
        report = check(checker_fields(session), context)
        session.quality_score = report.score
        session.quality_report = report.as_dict()
        session.save()

    # The moderator opens the queue, reads the record beside its findings and scores it.
    sign_in(page, org.users["moderator"].username)
    expect(page.get_by_test_id("queue-panel")).to_contain_text("waiting for moderation")
    page.get_by_role("button", name="Quality", exact=True).click()
    page.get_by_role("link", name="Moderation", exact=True).click()
    queue = page.get_by_test_id("queue")
    expect(queue).to_contain_text(session.title)
    queue.get_by_role("link", name=f"Moderate {session.title}").click()
    expect(page.get_by_test_id("stored-findings").locator('[data-rule="opinion"]')).to_contain_text(
        "may have"
    )
    for criterion in criteria:
        page.locator(f"input[name='criterion_{criterion.pk}'][value='3']").check()
    page.get_by_label("Feedback for the key worker").fill(
        "A clear account. Write what was seen and said rather than “may have been upset”."
    )
    page.screenshot(path="test-artifacts/quality-moderate.png", full_page=True)
    page.get_by_role("button", name="Save moderation").click()
    expect(page.get_by_text("Moderation saved")).to_be_visible()
    expect(page.get_by_test_id("queue")).not_to_contain_text(session.title)

    # The key worker sees the count, reads the feedback and acknowledges it.
    page.context.clear_cookies()
    sign_in(page, kw.username)
    expect(page.get_by_test_id("feedback-panel")).to_contain_text("1 piece of feedback")
    page.get_by_role("link", name="Read feedback").click()
    page.get_by_role("link", name=session.title).click()
    expect(page.get_by_test_id("feedback-text")).to_contain_text("may have been upset")
    expect(page.get_by_test_id("scores")).to_contain_text("Factual language")
    page.get_by_label("Your reply (optional)").fill("Thank you, I will.")
    page.get_by_role("button", name="I have read this feedback").click()
    expect(page.get_by_text("Feedback acknowledged")).to_be_visible()
    expect(page.get_by_test_id("feedback-waiting")).to_contain_text("Nothing to acknowledge")
    page.screenshot(path="test-artifacts/quality-my-feedback.png", full_page=True)

    # The manager sees the key worker's quality trend.
    page.context.clear_cookies()
    sign_in(page, org.users["manager"].username)
    page.get_by_role("button", name="Quality", exact=True).click()
    page.get_by_role("link", name="Performance").click()
    row = page.get_by_test_id(f"worker-{kw.pk}")
    expect(row).to_contain_text(kw.get_full_name())
    chart = row.get_by_role(
        "img", name=f"Average automatic score by month for {kw.get_full_name()}"
    )
    expect(chart).to_be_visible()
    month = session.date.strftime("%b %Y")  # the month of the record: its average score
    expect(row.locator("figcaption")).to_contain_text(re.compile(rf"{month}: \d+\."))
    page.screenshot(path="test-artifacts/quality-performance.png", full_page=True)


def test_a_contact_note_is_checked_while_typing_and_the_check_is_kept(page, org):
    from contacts.models import Contact
    from tenancy.context import organisation_scope

    from ..factories import ChildFactory

    other = ChildFactory(site=org.school, first_name="Tallulah", last_name="Brackenbury")
    sign_in(page, org.users["key_worker"].username)
    page.goto(f"/contacts/child/{org.child.pk}/new/?kind=parent")
    panel = page.get_by_test_id("live-quality")
    page.get_by_label("Summary").fill(
        f"Told mum that {org.child.first_name} argued with {other.full_name} at lunch."
    )
    expect(panel.locator('[data-rule="disclosure"]')).to_contain_text(other.full_name)
    page.screenshot(path="test-artifacts/quality-contact-live.png", full_page=True)
    page.get_by_label("Summary").fill(
        f"Told mum that {org.child.first_name} argued with another pupil at lunch, and that we "
        "agreed a seat near the front for the rest of the week."
    )
    expect(panel.locator('[data-rule="disclosure"]')).to_have_count(0)
    page.get_by_label("Who with").fill("Mum")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Contact logged.")).to_be_visible()
    with organisation_scope(org.org.pk):
        contact = Contact.objects.filter(
            child=org.child, recorded_by=org.users["key_worker"]
        ).latest("pk")
    assert contact.quality_score is not None
    assert not [f for f in contact.quality_report["findings"] if f["rule"] == "disclosure"]


def test_typed_text_and_disclosure_language_on_the_check_page(page, org):
    """Curly apostrophes and accents pass the spelling check; disclosure language brings the
    suggestion to raise a concern with the DSL, with nothing off the score (issues 16 and 19)."""
    sign_in(page, org.users["key_worker"].username)
    page.goto("/quality/")
    expect(page.get_by_role("heading", name="Check a text")).to_be_visible()
    page.get_by_label("The pupil the record is about").select_option(
        label=f"{org.child.display_name} ({org.school.name})"
    )
    page.get_by_label("Record", exact=True).fill(
        f"{org.child.first_name} didn’t want lunch at one o’clock. At the café "
        f"{org.child.first_name} said “he hit me and said don’t tell anyone”."
    )
    findings = page.get_by_test_id("findings")
    expect(findings.locator('[data-rule="safeguarding"]')).to_have_count(2)
    expect(findings).to_contain_text("Consider raising a safeguarding concern with the DSL.")
    expect(findings.locator('[data-rule="spelling"]')).to_have_count(0)
    expect(page.get_by_test_id("quality-score")).to_contain_text("100")
    page.screenshot(path="test-artifacts/quality-disclosure-suggestion.png", full_page=True)
