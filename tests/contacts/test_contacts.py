"""Same-day calls, the duplicate guard, bad input, and the pages' query counts."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from contacts import selectors, services
from contacts.models import Contact
from tenancy.access import Access
from tenancy.models import Membership

from ..behaviour.factories import SlipFactory
from ..factories import ChildFactory, KeyWorkerAllocationFactory
from .factories import ContactFactory, ContactSettingsFactory

LONDON = ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 11, 18, 16, 0, tzinfo=LONDON)  # a Wednesday afternoon

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def access_for(world, role="key_worker"):
    user = world.users[role]
    memberships = tuple(Membership.objects.filter(user=user).select_related("site"))
    return Access(user=user, organisation=world.org, memberships=memberships)


def at(hour, minute=0, day=None):
    day = day or NOW.date()
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def high_slip(world, **kwargs):
    return SlipFactory(
        child=world.child,
        kind="high",
        occurred_at=at(11),
        recorded_by=world.users["key_worker"],
        what_happened="Threw a chair in science.",
        **kwargs,
    )


def log_call(world, slips, *, confirmed=(), hour=15, summary="Told mum about the incident."):
    return services.contact_record(
        access=access_for(world),
        child=world.child,
        kind="parent",
        purpose="same_day",
        method="phone",
        occurred_at=at(hour),
        with_whom="Mum",
        summary=summary,
        slips=slips,
        confirmed=confirmed,
    )


def test_a_high_level_incident_makes_a_call_due_for_the_key_worker_until_a_linked_call(org, scope):
    with scope(org.org):
        slip = high_slip(org)
        due = selectors.calls_due(access_for(org), NOW.date(), mine=True)
        assert [(d.child.pk, d.reason, d.slip_ids) for d in due] == [
            (org.child.pk, "high_level", [slip.pk])
        ]
        assert [a.staff for a in due[0].key_workers] == [org.users["key_worker"]]
        log_call(org, [slip])
        assert selectors.calls_due(access_for(org), NOW.date(), mine=True) == []


def test_a_call_not_linked_to_the_slip_does_not_clear_it(org, scope):
    with scope(org.org):
        high_slip(org)
        log_call(org, [])
        assert len(selectors.calls_due(access_for(org), NOW.date())) == 1


def test_two_low_level_slips_need_no_call_the_third_does(org, scope):
    with scope(org.org):
        for n in range(2):
            SlipFactory(child=org.child, kind="low", occurred_at=at(9 + n))
        assert selectors.calls_due(access_for(org), NOW.date()) == []
        SlipFactory(child=org.child, kind="low", occurred_at=at(12))
        due = selectors.calls_due(access_for(org), NOW.date())
        assert [(d.reason, len(d.slips)) for d in due] == [("low_level", 3)]


def test_the_low_level_threshold_is_read_from_the_site(org, scope):
    with scope(org.org):
        ContactSettingsFactory(site=org.school, low_level_threshold=2)
        for n in range(2):
            SlipFactory(child=org.child, kind="low", occurred_at=at(9 + n))
        assert [d.reason for d in selectors.calls_due(access_for(org), NOW.date())] == ["low_level"]


def test_slips_either_side_of_midnight_in_london_are_different_days(org, scope):
    with scope(org.org):
        yesterday = NOW.date() - datetime.timedelta(days=1)
        SlipFactory(child=org.child, kind="low", occurred_at=at(23, 30, yesterday))
        SlipFactory(child=org.child, kind="low", occurred_at=at(0, 30))
        SlipFactory(child=org.child, kind="low", occurred_at=at(9))
        assert selectors.calls_due(access_for(org), NOW.date()) == []


def test_a_reward_worth_a_call_makes_a_call_due_and_a_plain_one_does_not(org, scope):
    with scope(org.org):
        SlipFactory(child=org.child, kind="green", occurred_at=at(10))
        assert selectors.calls_due(access_for(org), NOW.date()) == []
        SlipFactory(child=org.child, kind="green", occurred_at=at(11), worth_a_call=True)
        assert [d.reason for d in selectors.calls_due(access_for(org), NOW.date())] == ["reward"]


def test_a_retracted_call_makes_the_call_due_again(org, scope):
    with scope(org.org):
        slip = high_slip(org)
        contact = log_call(org, [slip])
        services.contact_retract(
            access=access_for(org), contact=contact, reason="Wrong pupil.", version=contact.version
        )
        assert len(selectors.calls_due(access_for(org), NOW.date())) == 1


def test_mine_shows_only_the_children_i_key_work(org, scope):
    with scope(org.org):
        other = ChildFactory(site=org.school)
        KeyWorkerAllocationFactory(
            child=other, staff=org.cover_user, changed_by=org.users["manager"]
        )
        SlipFactory(child=other, kind="high", occurred_at=at(10))
        high_slip(org)
        mine = selectors.calls_due(access_for(org), NOW.date(), mine=True)
        assert [d.child for d in mine] == [org.child]
        everyone = selectors.calls_due(access_for(org, "manager"), NOW.date())
        assert {d.child for d in everyone} == {org.child, other}


def test_a_manager_sees_everyones_calls_due_a_key_worker_only_their_own(client, org, scope):
    with scope(org.org):
        other = ChildFactory(site=org.school, first_name="Zara", last_name="Okoye")
        SlipFactory(child=other, kind="high", occurred_at=at(10))
    client.force_login(org.users["manager"])
    url = reverse("contacts:calls_due")
    assert "Zara Okoye" not in client.get(url).content.decode()
    assert "Zara Okoye" in client.get(url + "?scope=site").content.decode()
    client.force_login(org.users["key_worker"])
    assert "Zara Okoye" not in client.get(url + "?scope=site").content.decode()


def test_a_second_call_about_the_same_slip_today_needs_confirmation(org, scope):
    with scope(org.org):
        slip = high_slip(org)
        log_call(org, [slip], hour=14)
        with pytest.raises(services.NeedsConfirmation) as raised:
            log_call(org, [slip], hour=15)
        assert raised.value.confirmations == ["confirm_duplicate"]
        assert "already been in touch today" in raised.value.warnings[0]
        assert Contact.objects.exclude(pk=org.contact.pk).count() == 1
        second = log_call(org, [slip], hour=15, confirmed=["confirm_duplicate"])
        assert second.duplicate_confirmed
        assert Contact.objects.exclude(pk=org.contact.pk).count() == 2


def test_a_call_about_the_same_slip_on_another_day_is_not_a_duplicate(org, scope):
    with scope(org.org):
        slip = high_slip(org)
        ContactFactory(
            child=org.child,
            occurred_at=at(15, day=NOW.date() - datetime.timedelta(days=1)),
            recorded_by=org.users["key_worker"],
        ).slip_links.create(organisation=org.org, slip=slip)
        assert not log_call(org, [slip]).duplicate_confirmed


def test_a_contact_about_another_childs_slip_is_refused(org, scope):
    with scope(org.org):
        other = ChildFactory(site=org.school)
        slip = SlipFactory(child=other, kind="high", occurred_at=at(10))
        with pytest.raises(ValidationError) as raised:
            log_call(org, [slip])
        assert "this child's own slips" in str(raised.value)
        assert Contact.objects.exclude(pk=org.contact.pk).count() == 0


def test_another_childs_full_name_in_the_text_is_warned_about_before_saving(org, scope):
    with scope(org.org):
        ChildFactory(site=org.school, first_name="Jayden", last_name="Morris")
        with pytest.raises(services.NeedsConfirmation) as raised:
            log_call(org, [], summary="He argued with Jayden Morris at lunch.")
        assert "Jayden Morris" in raised.value.warnings[0]
        assert Contact.objects.exclude(pk=org.contact.pk).count() == 0
        log_call(org, [], summary="He argued with Jayden Morris.", confirmed=["confirm_names"])
        assert Contact.objects.exclude(pk=org.contact.pk).count() == 1


def test_the_log_page_shows_the_duplicate_warning_and_keeps_the_text(client, org, scope):
    with scope(org.org):
        slip = high_slip(org)
        log_call(org, [slip], hour=14)
    client.force_login(org.users["key_worker"])
    url = reverse("contacts:contact_new", args=[org.child.pk])
    form = {
        "kind": "parent",
        "purpose": "same_day",
        "method": "phone",
        "direction": "made",
        "date": NOW.date().isoformat(),
        "time": "15:30",
        "with_whom": "Dad",
        "slips": [slip.pk],
        "summary": "Second call about the chair.",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    body = response.content.decode()
    assert "already been in touch today" in body
    assert "Second call about the chair." in body
    with scope(org.org):
        assert Contact.objects.exclude(pk=org.contact.pk).count() == 1
    response = client.post(url, {**form, "confirm_duplicate": "on"})
    assert response.status_code == 302
    with scope(org.org):
        assert Contact.objects.exclude(pk=org.contact.pk).count() == 2


def test_a_forged_slip_of_another_child_gets_a_message_not_a_500(client, org, scope):
    with scope(org.org):
        other = ChildFactory(site=org.school)
        slip = SlipFactory(child=other, kind="high", occurred_at=at(10))
    client.force_login(org.users["key_worker"])
    response = client.post(
        reverse("contacts:contact_new", args=[org.child.pk]),
        {
            "kind": "parent",
            "purpose": "same_day",
            "method": "phone",
            "direction": "made",
            "date": NOW.date().isoformat(),
            "time": "15:30",
            "with_whom": "Dad",
            "slips": [slip.pk],
            "summary": "Call.",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_moderator_cannot_log_contacts(client, org):
    client.force_login(org.users["moderator"])
    assert client.get(reverse("contacts:contact_new", args=[org.child.pk])).status_code == 403


def test_family_time_warns_about_a_recorded_restriction(org, scope):
    with scope(org.org):
        young = ChildFactory(site=org.home)
        young.guardians.model.unscoped.create(
            organisation=org.org,
            child=young,
            name="Dad",
            relationship="father",
            contact_restrictions="Supervised contact only.",
        )
        Membership.objects.create(
            organisation=org.org, user=org.users["key_worker"], site=org.home, role="key_worker"
        )
        kwargs = dict(
            access=access_for(org),
            child=young,
            kind="family_time",
            method="in_person",
            occurred_at=at(14),
            with_whom="Dad",
            summary="Went bowling.",
            supervised=False,
        )
        with pytest.raises(services.NeedsConfirmation) as raised:
            services.contact_record(**kwargs)
        assert "Supervised contact only." in raised.value.warnings[0]
        services.contact_record(**kwargs, confirmed=["confirm_restriction"])
        assert Contact.objects.filter(child=young).count() == 1


def _seed_calls(org, n):
    for _ in range(n):
        child = ChildFactory(site=org.school)
        KeyWorkerAllocationFactory(
            child=child, staff=org.users["key_worker"], changed_by=org.users["manager"]
        )
        SlipFactory(child=child, kind="high", occurred_at=at(10))
        SlipFactory(
            child=child, kind="high", occurred_at=at(9, day=NOW.date() - datetime.timedelta(days=1))
        )
        for _ in range(3):
            SlipFactory(child=child, kind="low", occurred_at=at(11))


def test_calls_due_page_runs_a_fixed_number_of_queries(
    client, org, scope, django_assert_num_queries
):
    client.force_login(org.users["key_worker"])
    url = reverse("contacts:calls_due")
    client.get(url)  # warm the session
    with scope(org.org):
        _seed_calls(org, 2)
    # 1 user; 2 savepoint (atomic request); 3 site contact settings; 4 today's slips;
    # 5 calls linked to them; 6 key workers; 7-10 the same four for earlier this week; 11 my
    # pupils; 12 round-up calls this week; 13 release savepoint (a school's page reads no young
    # people: homes have their own page). The two-factor device and the memberships are cached
    # per session (tenancy.authcache).
    with django_assert_num_queries(QUERIES):
        response = client.get(url)
    assert response.content.decode().count("Log the call") == 2 * 2 + 2
    with scope(org.org):
        _seed_calls(org, 5)
    with django_assert_num_queries(QUERIES):
        response = client.get(url)
    assert response.content.decode().count("Log the call") == 7 * 2 + 7


QUERIES = 13
