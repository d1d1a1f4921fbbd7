"""The term calendar (issue 17, item 10): Remove asks first, entries can be edited, and an
overlapping closure is refused; bank holidays are shown as closures."""

import datetime

import pytest

from compliance.models import Holiday
from tenancy.audit import AuditEvent
from tenancy.context import organisation_scope


def url(org, rest=""):
    return f"/compliance/sites/{org.school.pk}/calendar/{rest}"


@pytest.mark.django_db
def test_remove_asks_for_confirmation_before_anything_is_deleted(client, org):
    client.force_login(org.users["manager"])
    page = client.get(url(org)).content.decode()
    remove = url(org, f"{org.holiday.pk}/remove/")
    # The list links to a confirmation page: no one-click form deletes.
    assert f'href="{remove}"' in page
    assert f'action="{remove}"' not in page
    confirm = client.get(remove)
    body = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Remove Half term?" in body
    assert "Saturday 24 October 2026 to Sunday 1 November 2026 (9 days)" in body
    with organisation_scope(org.org.pk):
        assert Holiday.objects.filter(pk=org.holiday.pk).exists()
    done = client.post(remove)
    assert done.status_code == 302
    with organisation_scope(org.org.pk):
        assert not Holiday.objects.filter(pk=org.holiday.pk).exists()


@pytest.mark.django_db
def test_a_holiday_can_be_edited_and_the_change_is_audited(client, org):
    client.force_login(org.users["manager"])
    edit = url(org, f"{org.holiday.pk}/edit/")
    assert 'value="Half term"' in client.get(edit).content.decode()
    response = client.post(
        edit,
        {
            "name": "Autumn half term",
            "kind": "half_term",
            "starts_on": "2026-10-24",
            "ends_on": "2026-11-02",
        },
    )
    assert response.status_code == 302
    with organisation_scope(org.org.pk):
        holiday = Holiday.objects.get(pk=org.holiday.pk)
        assert (holiday.name, holiday.ends_on) == ("Autumn half term", datetime.date(2026, 11, 2))
        assert AuditEvent.objects.filter(
            object_id=str(holiday.pk), action="update", object_type__icontains="holiday"
        ).exists()


@pytest.mark.django_db
def test_an_overlapping_closure_is_refused_beside_its_field(client, org):
    client.force_login(org.users["manager"])
    response = client.post(
        url(org),
        {
            "name": "Inset day",
            "kind": "closure",
            "starts_on": "2026-10-30",
            "ends_on": "2026-10-30",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "overlap Half term (24 Oct 2026 – 1 Nov 2026)" in errors["starts_on"][0]
    with organisation_scope(org.org.pk):
        assert not Holiday.objects.filter(name="Inset day").exists()
        # Editing another entry onto it is refused the same way.
        other = Holiday.objects.create(
            organisation=org.org,
            site=org.school,
            name="Inset day",
            kind="closure",
            starts_on=datetime.date(2026, 11, 2),
            ends_on=datetime.date(2026, 11, 2),
        )
    edit = client.post(
        url(org, f"{other.pk}/edit/"),
        {
            "name": "Inset day",
            "kind": "closure",
            "starts_on": "2026-11-01",
            "ends_on": "2026-11-01",
        },
    )
    assert "overlap Half term" in edit.context["form"].errors["starts_on"][0]


@pytest.mark.django_db
def test_calendar_page_lists_the_regions_bank_holidays(client, org):
    client.force_login(org.users["manager"])
    body = client.get(url(org)).content.decode()
    assert "Bank holidays in England and Wales are closures too" in body
    assert "retrieved 29 November 2026" in body


@pytest.mark.django_db
def test_a_manager_sets_the_sites_bank_holiday_region(client, org):
    from tenancy.models import Site

    client.force_login(org.users["manager"])
    response = client.post(url(org), {"action": "region", "region": "scotland"})
    assert response.status_code == 302
    with organisation_scope(org.org.pk):
        assert Site.objects.get(pk=org.school.pk).region == "scotland"
        assert AuditEvent.objects.filter(
            object_id=org.school.pk, summary="Bank holidays: Scotland"
        ).exists()
    body = client.get(url(org)).content.decode()
    assert "Bank holidays in Scotland are closures too" in body
    bad = client.post(url(org), {"action": "region", "region": "wales"})
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()
