"""The checker on contact notes and plan text: shown beside the form while typing (the shared
endpoint and partial) and stored with the record when it is saved."""

import datetime

import pytest
from django.utils import timezone

from contacts import services as contact_services
from plans import services as plan_services
from plans.models import PlanType
from tenancy.context import organisation_scope

from ..factories import ChildFactory
from .helpers import access_for


@pytest.fixture(autouse=True)
def _in_org(org):
    with organisation_scope(org.org.pk):
        yield


def log_parent_call(org, summary):
    return contact_services.contact_record(
        access=access_for(org.users["key_worker"], org),
        child=org.child,
        kind="parent",
        method="phone",
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        with_whom="Mum",
        summary=summary,
        confirmed=["confirm_names"],
    )


@pytest.mark.django_db
def test_a_parent_contact_naming_another_child_is_stored_as_a_possible_disclosure(org):
    other = ChildFactory(site=org.school, first_name="Tallulah", last_name="Brackenbury")
    contact = log_parent_call(
        org,
        f"Told mum that {org.child.first_name} argued with {other.full_name} at lunch and "
        "that we agreed a seat near the front for the rest of the week.",
    )
    findings = contact.quality_report["findings"]
    disclosure = [f for f in findings if f["rule"] == "disclosure"]
    assert disclosure and disclosure[0]["excerpt"] == other.full_name
    assert "parent or social worker" in disclosure[0]["message"]
    assert contact.quality_score <= 75


@pytest.mark.django_db
def test_a_factual_contact_scores_well_and_a_correction_is_checked_again(org, client):
    contact = log_parent_call(
        org,
        "Rang mum at 3.30pm to say the week has gone well: five green slips and no low-level "
        "slips. Mum said she will tell his grandad.",
    )
    assert not [f for f in contact.quality_report["findings"] if f["rule"] == "opinion"]
    contact_services.contact_correct(
        access=access_for(org.users["key_worker"], org),
        contact=contact,
        version=contact.version,
        reason="Wording.",
        summary="Rang mum. He may have been upset earlier in the week.",
    )
    contact.refresh_from_db()
    assert [f["excerpt"] for f in contact.quality_report["findings"] if f["rule"] == "opinion"] == [
        "may have"
    ]
    client.force_login(org.users["key_worker"])
    page = client.get(f"/contacts/{contact.pk}/").content.decode()
    assert 'data-testid="stored-quality"' in page and "<mark>may have</mark>" in page


@pytest.mark.django_db
def test_the_contact_form_has_the_live_check_beside_it(client, org):
    client.force_login(org.users["key_worker"])
    page = client.get(f"/contacts/child/{org.child.pk}/new/").content.decode()
    assert 'data-testid="live-quality"' in page
    assert 'hx-post="/quality/check/"' in page and 'hx-include="#contact-form"' in page
    # What the panel posts: the form's note fields, the record kind and the child.
    response = client.post(
        "/quality/check/",
        {
            "record_kind": "contact",
            "child_id": org.child.pk,
            "quality_fields": "summary,outcome,follow_up",
            "quality_labels": '{"summary": "Summary", "follow_up": "Follow-up"}',
            "summary": "Mum said he probably lied.",
            "with_whom": "Mum",
            "kind": "parent",
        },
    )
    body = response.content.decode()
    assert 'data-rule="opinion"' in body and "Summary" in body
    assert "Mum said he" in body and "with_whom" not in body


@pytest.mark.django_db
def test_junk_labels_are_ignored(client, org):
    client.force_login(org.users["key_worker"])
    response = client.post(
        "/quality/check/",
        {"child_id": org.child.pk, "quality_labels": "[not json", "text": "He may have gone."},
    )
    assert response.status_code == 200 and 'data-rule="opinion"' in response.content.decode()


@pytest.fixture
def young_person(org):
    from ..factories import KeyWorkerAllocationFactory

    child = ChildFactory(site=org.home, first_name="Amber", last_name="Homeley")
    KeyWorkerAllocationFactory(child=child, staff=org.users["other_site_key_worker"])
    return child


@pytest.mark.django_db
def test_a_plan_draft_stores_its_check_and_the_editor_checks_as_you_type(client, org, young_person):
    kw = org.users["other_site_key_worker"]
    access = access_for(kw, org)
    draft = plan_services.plan_draft_start(
        access=access, child=young_person, plan_type=PlanType.BEHAVIOUR_PLAN
    )
    client.force_login(kw)
    url = f"/plans/child/{young_person.pk}/behaviour_plan/edit/"
    page = client.get(url).content.decode()
    assert 'data-testid="live-quality"' in page and 'hx-include="#plan-form"' in page
    content = {key: dict(value) for key, value in (draft.content or {}).items()}
    first = next(iter(content)) if content else "triggers"
    content.setdefault(first, {})
    fields = [k for k in content[first] if k != "title"] or ["text"]
    content[first][fields[0]] = "Amber appears to be anxious and obviusly tired at night."
    plan_services.plan_draft_save(
        access=access,
        version=draft,
        expected_version=draft.version,
        content=content,
        plan_date=timezone.localdate(),
        next_review_date=None,
    )
    draft.refresh_from_db()
    rules = {f["rule"] for f in draft.quality_report["findings"]}
    assert draft.quality_score < 100 and {"opinion", "spelling"} & rules
