"""Admitting a young person to a home: the child, the placement, the social worker and IRO and the
key worker in one form; the reg. 28 visit rule reads "until 18" from the placement."""

import datetime

import pytest

from contacts.selectors import visits_due
from people.models import Child, ChildProfessional, KeyWorkerAllocation, Placement
from tenancy.context import organisation_scope
from tenancy.models import Role

from ..factories import MembershipFactory

FORM = {
    "first_name": "Kai",
    "last_name": "Morrow",
    "date_of_birth": "2011-06-02",
    "start_date": "2026-11-23",
    "placing_authority": "Northshire County Council",
    "legal_status": "s31",
    "until_18": "on",
    "social_worker_name": "Dana Reyes",
    "social_worker_phone": "01632 960001",
    "social_worker_email": "dana.reyes@northshire.example",
    "iro_name": "Sam Ilori",
    "iro_email": "sam.ilori@northshire.example",
}


@pytest.mark.django_db
def test_a_manager_admits_a_young_person_with_placement_professionals_and_key_worker(client, org):
    manager = org.users["manager"]
    MembershipFactory(user=manager, site=org.home, role=Role.MANAGER)
    rsw = org.users["other_site_key_worker"]  # a key worker at the home
    client.force_login(manager)
    assert "Admit a young person" in client.get("/children/").content.decode()
    response = client.post(
        "/children/admit/", {**FORM, "site": org.home.pk, "key_worker": rsw.pk}, follow=True
    )
    assert "Kai Morrow admitted." in response.content.decode()
    with organisation_scope(org.org.pk):
        kai = Child.objects.get(first_name="Kai")
        placement = Placement.objects.get(child=kai)
        assert placement.starts_on == datetime.date(2026, 11, 23)
        assert placement.legal_status == "s31" and placement.until_18
        assert placement.placing_authority == "Northshire County Council"
        roles = set(
            ChildProfessional.objects.filter(child=kai).values_list(
                "professional__role", "professional__name"
            )
        )
        assert roles == {("social_worker", "Dana Reyes"), ("iro", "Sam Ilori")}
        allocation = KeyWorkerAllocation.objects.get(child=kai)
        assert allocation.staff == rsw and allocation.reason == "first_allocation"
        # The reg. 28 rule reads the placement: first visit within a week of its start.
        due = visits_due([Child.objects.select_related("site").get(pk=kai.pk)])[0]
        assert due.long_term and due.due_on == datetime.date(2026, 11, 30)


@pytest.mark.django_db
def test_the_admission_form_names_what_is_missing_and_saves_nothing(client, org):
    MembershipFactory(user=org.users["manager"], site=org.home, role=Role.MANAGER)
    client.force_login(org.users["manager"])
    bad = {
        **FORM,
        "site": org.home.pk,
        "legal_status": "",
        "iro_name": "",
        "start_date": "2010-01-01",
    }
    body = client.post("/children/admit/", bad).content.decode()
    assert "The placement cannot start before the date of birth." in body
    assert body.count("This field is required.") == 2
    with organisation_scope(org.org.pk):
        assert not Child.objects.filter(first_name="Kai").exists()


@pytest.mark.django_db
def test_only_managers_of_a_home_admit(client, org):
    client.force_login(org.users["manager"])  # manages the school only
    assert client.get("/children/admit/").status_code == 403
    client.force_login(org.users["other_site_key_worker"])
    assert client.get("/children/admit/").status_code == 403


@pytest.mark.django_db
def test_a_placement_without_a_key_worker_is_overdue_from_its_first_day(client, org):
    from compliance.models import Obligation, Rule
    from compliance.services import sweep_organisation
    from tenancy.timeutils import site_today

    MembershipFactory(user=org.users["manager"], site=org.home, role=Role.MANAGER)
    client.force_login(org.users["manager"])
    today = site_today(org.home)
    client.post("/children/admit/", {**FORM, "site": org.home.pk, "start_date": today.isoformat()})
    with organisation_scope(org.org.pk):
        kai = Child.objects.get(first_name="Kai")
        sweep_organisation(organisation_id=org.org.pk)
        owed = Obligation.objects.get(child=kai, rule=Rule.KEY_WORKER)
        assert owed.status == "overdue" and owed.due_on == today - datetime.timedelta(days=1)
    page = client.get(f"/compliance/sites/{org.home.pk}/").content.decode()
    assert "Key worker appointed" in page
    client.post(
        f"/children/{kai.pk}/key-worker/",
        {
            "staff": org.users["other_site_key_worker"].pk,
            "starts_on": today.isoformat(),
            "reason": "first_allocation",
        },
    )
    with organisation_scope(org.org.pk):
        sweep_organisation(organisation_id=org.org.pk)
        assert Obligation.objects.get(child=kai, rule=Rule.KEY_WORKER).status == "ok"
