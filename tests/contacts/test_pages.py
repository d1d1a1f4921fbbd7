"""The contact list, its CSV export, a child's timeline and the site's rules: fixed query counts,
filters, and who may do what."""

import csv
import io

import pytest
from django.urls import reverse

from contacts.models import ContactSettings

from ..factories import ChildFactory
from .factories import ContactFactory, ContactSlipFactory

pytestmark = pytest.mark.django_db


def _add(org, n):
    for i in range(n):
        child = ChildFactory(site=org.school)
        contact = ContactFactory(
            child=child, recorded_by=org.users["key_worker"], summary=f"Call number {i}."
        )
        ContactSlipFactory(contact=contact)
        ContactSlipFactory(contact=ContactFactory(child=org.child, kind="meeting"))


def test_the_contact_list_runs_a_fixed_number_of_queries(
    client, org, scope, django_assert_num_queries
):
    client.force_login(org.users["manager"])
    url = reverse("contacts:contact_list")
    client.get(url)
    # 1 user; 2 savepoint; 3 count for the paginator; 4 the page of contacts with child, site
    # and author; 5 release savepoint (the session, the two-factor device and the memberships
    # come from the cache: cached_db, tenancy.authcache)
    with scope(org.org):
        _add(org, 2)
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    with scope(org.org):
        _add(org, 6)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.content.decode().count("Call number") == 8


def test_a_childs_timeline_runs_a_fixed_number_of_queries(
    client, org, scope, django_assert_num_queries
):
    client.force_login(org.users["key_worker"])
    url = reverse("contacts:child_contacts", args=[org.child.pk])
    client.get(url)
    # 1 user; 2 savepoint; 3 the child; 4 count; 5-6 calls due today (site settings, the
    # child's slips today: none here, so no links or key workers to read); 7 weekly updates;
    # 8 the audit entry for the view; 9 the page of contacts with author and weekly update;
    # 10 their slips; 11 release (the session, the two-factor device and the memberships come
    # from the cache)
    with scope(org.org):
        _add(org, 2)
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200
    with scope(org.org):
        _add(org, 5)
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


def test_the_csv_export_filters_by_kind_and_defuses_formulas(client, org, scope):
    with scope(org.org):
        ContactFactory(child=org.child, summary="=HYPERLINK(1)", kind="professional")
    client.force_login(org.users["manager"])
    from accounts.testing import confirm_recently

    asked = client.get(reverse("contacts:contact_export") + "?kind=professional")
    assert asked["Location"].startswith("/accounts/confirm/")  # many children: confirm first
    confirm_recently(client)
    response = client.get(reverse("contacts:contact_export") + "?kind=professional")
    assert response.content.startswith("\ufeff".encode())  # "Renée" opens as Renée in Excel
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Date", "Time", "Site", "Pupil"]  # a school manager: their word
    assert [r[9] for r in rows[1:]] == ["'=HYPERLINK(1)"]


def test_a_manager_sets_the_low_level_threshold_and_a_key_worker_may_not(client, org, scope):
    url = reverse("contacts:contact_settings", args=[org.school.pk])
    client.force_login(org.users["key_worker"])
    assert client.get(url).status_code == 403
    client.force_login(org.users["manager"])
    form = {
        "low_level_threshold": "2",
        "call_after_high_level": "on",
        "call_after_reward": "on",
        "first_visit_days": "7",
        "first_year_interval_weeks": "6",
        "long_term_interval_months": "3",
        "later_interval_weeks": "6",
    }
    assert client.post(url, {**form, "low_level_threshold": "0"}).status_code == 200
    assert client.post(url, form).status_code == 302
    with scope(org.org):
        assert ContactSettings.objects.get(site=org.school).low_level_threshold == 2


def test_a_retracted_contact_leaves_the_timeline_but_is_kept(client, org, scope):
    client.force_login(org.users["key_worker"])
    url = reverse("contacts:contact_retract", args=[org.contact.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    reason = {"reason": "Logged against the wrong pupil.", "version": org.contact.version}
    assert client.post(url, reason).status_code == 302
    timeline = client.get(reverse("contacts:child_contacts", args=[org.child.pk]))
    assert org.contact.summary not in timeline.content.decode()
    detail = client.get(reverse("contacts:contact_detail", args=[org.contact.pk]))
    assert "Logged against the wrong pupil." in detail.content.decode()
