"""Issue 17's smaller things, as a person would notice them on the page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from .factories import ChildFactory, KeyWorkerAllocationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_register_legend_says_what_each_code_counts_as(client, org):
    client.force_login(org.users["key_worker"])
    body = client.get(reverse("behaviour:register")).content.decode()
    assert "Attendance (approved educational activity)" in body
    assert "Not a possible session" in body
    assert "Approvedactivity" not in body and "Notpossible" not in body


def test_a_home_managers_contacts_page_lists_every_young_person_in_fixed_queries(
    client, org, scope, django_assert_num_queries
):
    manager = UserFactory()
    MembershipFactory(user=manager, site=org.home, role="manager")
    client.force_login(manager)
    url = reverse("contacts:calls_due")
    client.get(url)  # warm the session
    start = timezone.localdate() - datetime.timedelta(days=20)
    with scope(org.org):
        ChildFactory(site=org.home, first_name="Ava", last_name="Unallocated", start_date=start)
    # 1 user; 2 savepoint; 3 the home's young people; 4 this week's updates; 5 failed
    # updates; 6-9 visits (the site's contact rules, each child's last visit, visits asked for
    # sooner after a significant incident, the placements); 10 release savepoint (the two-factor
    # device and the memberships are cached per session: tenancy.authcache)
    with django_assert_num_queries(QUERIES):
        body = client.get(url).content.decode()
    assert "Ava Unallocated" in body and "Same-day calls home" not in body
    with scope(org.org):
        for _n in range(4):
            child = ChildFactory(site=org.home, start_date=start)
            KeyWorkerAllocationFactory(
                child=child, staff=org.users["key_worker"], changed_by=manager
            )
    with django_assert_num_queries(QUERIES):
        body = client.get(url).content.decode()
    assert body.count("Write update") >= 5


QUERIES = 10


def test_the_moderation_queue_has_a_search_and_no_empty_header(client, org):
    client.force_login(org.users["moderator"])
    body = client.get(reverse("quality:queue"), {"q": "nobody-by-this-name"}).content.decode()
    assert 'type="search"' in body
    assert '<th scope="col"></th>' not in body
    assert "Nothing waiting matches" in body


def test_the_overdue_drill_down_says_whose_items_they_are(client, org):
    client.force_login(org.users["manager"])
    kw = org.users["key_worker"]
    url = reverse("compliance:overdue", args=[org.school.pk])
    body = client.get(url, {"staff": kw.pk}).content.decode()
    assert escape(f"For {kw.get_full_name()}'s pupils at {org.school.name}.") in body
    body = client.get(url, {"staff": "none"}).content.decode()
    assert f"For pupils with no key worker at {org.school.name}." in body


def test_a_new_pupils_key_worker_starts_on_the_pupils_first_day(client, org, scope):
    client.force_login(org.users["manager"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("people:child_create"),
        {
            "site": org.school.pk,
            "first_name": "Nova",
            "last_name": "Newcomer",
            "date_of_birth": "2014-03-01",
            "start_date": tomorrow.isoformat(),
            "key_worker": org.users["key_worker"].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from people.models import KeyWorkerAllocation

    with scope(org.org):
        allocation = KeyWorkerAllocation.objects.get(child__first_name="Nova")
    assert allocation.starts_on == tomorrow
