"""The examples of issues 14.10 and 14.11 that the access-table walk does not reach by itself."""

import pytest

from tenancy.context import organisation_scope
from tenancy.models import Role

from .factories import (
    ChildFactory,
    ChildProfessionalFactory,
    KeyWorkerAllocationFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_the_professional_picker_offers_only_those_of_the_childs_site(client, org):
    with organisation_scope(org.org.pk):
        elsewhere = ChildFactory(site=org.home)
        ChildProfessionalFactory(child=elsewhere, professional__name="Dr Other Site")
    client.force_login(org.users["key_worker"])
    page = client.get(f"/children/{org.child.pk}/professionals/add/").content.decode()
    assert org.link.professional.name in page
    assert "Dr Other Site" not in page


def test_another_sites_professional_cannot_be_posted_into_the_picker(client, org):
    with organisation_scope(org.org.pk):
        other = ChildProfessionalFactory(child=ChildFactory(site=org.home)).professional
    client.force_login(org.users["key_worker"])
    response = client.post(
        f"/children/{org.child.pk}/professionals/add/",
        {"professional": other.pk, "started_on": "2026-01-05"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_moderator_does_not_see_family_members_or_their_restrictions(client, org):
    with organisation_scope(org.org.pk):
        org.guardian.contact_restrictions = "No contact with father"
        org.guardian.save()
    client.force_login(org.users["moderator"])
    page = client.get(f"/children/{org.child.pk}/").content.decode()
    assert org.guardian.name not in page and "No contact with father" not in page
    client.force_login(org.users["key_worker"])
    assert "No contact with father" in client.get(f"/children/{org.child.pk}/").content.decode()


def test_a_moderator_cannot_record_a_slip(client, org):
    client.force_login(org.users["moderator"])
    assert client.get("/behaviour/slips/new/").status_code == 403
    assert client.get("/behaviour/points/").status_code == 403
    assert client.get("/behaviour/attendance/").status_code == 403
    assert client.get(f"/behaviour/children/{org.child.pk}/appointments/new/").status_code == 403


def test_a_moderator_who_is_also_a_key_worker_records_slips_for_that_site(client, org):
    with organisation_scope(org.org.pk):
        MembershipFactory(user=org.users["moderator"], site=org.school, role=Role.KEY_WORKER)
    client.force_login(org.users["moderator"])
    assert client.get("/behaviour/slips/new/").status_code == 200


def test_another_key_worker_of_the_home_cannot_write_or_send_a_young_persons_update(client, org):
    with organisation_scope(org.org.pk):
        young = ChildFactory(site=org.home)
        KeyWorkerAllocationFactory(
            child=young, staff=org.users["other_site_key_worker"], changed_by=org.users["manager"]
        )
        colleague = UserFactory()
        MembershipFactory(user=colleague, site=org.home, role=Role.KEY_WORKER)
    client.force_login(colleague)
    assert client.get(f"/contacts/child/{young.pk}/weekly-update/").status_code == 403
    body = {"subject": "Weekly update", "body": "Text", "action": "send"}
    assert client.post(f"/contacts/child/{young.pk}/weekly-update/", body).status_code == 403
    client.force_login(org.users["other_site_key_worker"])
    assert client.get(f"/contacts/child/{young.pk}/weekly-update/").status_code == 200


def test_a_weekly_update_subject_with_a_line_break_is_refused_in_the_form(client, org):
    with organisation_scope(org.org.pk):
        young = ChildFactory(site=org.home)
        KeyWorkerAllocationFactory(
            child=young, staff=org.users["other_site_key_worker"], changed_by=org.users["manager"]
        )
    client.force_login(org.users["other_site_key_worker"])
    response = client.post(
        f"/contacts/child/{young.pk}/weekly-update/",
        {"subject": "Weekly update\r\nBcc: someone@example.org", "body": "Text"},
    )
    assert response.status_code == 200
    # Every one-line field refuses a line break at the form boundary (tenancy.cleaning), the
    # subject included; the service's own check (email_subject_problem) stays behind it.
    assert "remove the line break" in response.content.decode()
    from contacts.models import WeeklyUpdate

    with organisation_scope(org.org.pk):
        assert not WeeklyUpdate.objects.filter(child=young).exists()
