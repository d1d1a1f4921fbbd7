"""The sweep and the status rules, with time frozen at the boundaries."""

import datetime
from types import SimpleNamespace
from unittest import mock

import pytest
import time_machine
from django.core import mail

from compliance import services
from compliance.calendar import add_term_days, monthly_pace_due
from compliance.models import Alert, DigestSent, Obligation, Policy, Rule, Status, StatusChange
from people.models import Child
from tenancy.context import organisation_scope
from tenancy.models import Role, Site
from tests.factories import (
    ChildFactory,
    KeyWorkerAllocationFactory,
    MembershipFactory,
    OrganisationFactory,
    SiteFactory,
    UserFactory,
)
from tests.sessions_app.factories import KeyWorkSessionFactory

from .factories import HolidayFactory, PolicyFactory

UTC = datetime.UTC


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def build(kind=Site.Kind.SCHOOL, label="Sweep"):
    org = OrganisationFactory(name=f"{label} Trust", slug=f"{label.lower()}-trust")
    site = SiteFactory(organisation=org, kind=kind, name=f"{label} site")
    # Plans and contacts have their own tests: here only the session rule.
    PolicyFactory(site=site, plan_reviews=False, routine_contact="none")
    worker = UserFactory(first_name="Kim", last_name="Worker")
    manager = UserFactory(first_name="Mo", last_name="Manager")
    MembershipFactory(user=worker, site=site, role=Role.KEY_WORKER)
    MembershipFactory(user=manager, site=site, role=Role.MANAGER)
    child = ChildFactory(site=site, first_name="Ada", start_date=datetime.date(2026, 1, 5))
    KeyWorkerAllocationFactory(child=child, staff=worker, starts_on=child.start_date)
    return SimpleNamespace(org=org, site=site, worker=worker, manager=manager, child=child)


def session_on(world, day):
    KeyWorkSessionFactory(child=world.child, author=world.worker, date=day)


def sweep(world, now):
    with time_machine.travel(now, tick=False), organisation_scope(world.org.pk):
        return services.sweep_organisation(organisation_id=world.org.pk)


def session_obligation(world) -> Obligation:
    with organisation_scope(world.org.pk):
        return Obligation.objects.get(child=world.child, rule=Rule.SESSION)


def changes(world) -> list[tuple]:
    with organisation_scope(world.org.pk):
        return list(StatusChange.objects.order_by("pk").values_list("rule", "due_on", "status"))


# ---------------------------------------------------------------- pure date rules


def test_fourteen_day_clock_stops_for_the_half_term_holiday():
    half_term = [(datetime.date(2026, 10, 24), datetime.date(2026, 11, 1))]
    assert add_term_days(datetime.date(2026, 10, 5), 14, half_term) == datetime.date(2026, 10, 19)
    # 19 Oct + 14 days = 2 Nov, and the nine holiday days in between push it to 11 Nov.
    assert add_term_days(datetime.date(2026, 10, 19), 14, half_term) == datetime.date(2026, 11, 11)
    # A due date that would fall inside the holiday moves past it too.
    assert add_term_days(datetime.date(2026, 10, 12), 14, half_term) == datetime.date(2026, 11, 4)


def test_four_a_month_paces_a_five_week_month():
    # March 2026 has 31 days (five Sundays, five Mondays...): due by the 8th, 16th, 24th, 31st.
    march = datetime.date(2026, 3, 10)
    assert [monthly_pace_due(march, n, 4).day for n in range(4)] == [8, 16, 24, 31]
    # Four done: the next is due by the 8th of April (30 days), not before.
    assert monthly_pace_due(march, 4, 4) == datetime.date(2026, 4, 8)
    # February 2026 (28 days): 7th, 14th, 21st, 28th.
    feb = datetime.date(2026, 2, 2)
    assert [monthly_pace_due(feb, n, 4).day for n in range(4)] == [7, 14, 21, 28]


# ---------------------------------------------------------------- boundaries


@pytest.mark.django_db
@pytest.mark.parametrize(
    "now,expected",
    [
        (at(2026, 6, 11, 12), Status.OK),  # four days before
        (at(2026, 6, 11, 23), Status.DUE_SOON),  # midnight in London (BST): three days before
        (at(2026, 6, 14, 22, 59), Status.DUE_SOON),  # 23:59 the evening before
        (at(2026, 6, 14, 23, 0), Status.DUE_TODAY),  # 00:00 on the due day in London
        (at(2026, 6, 15, 22, 59), Status.DUE_TODAY),  # 23:59 on the due day
        (at(2026, 6, 15, 23, 0), Status.OVERDUE),  # 00:00 the day after
    ],
)
def test_overdue_after_fourteen_days_at_the_london_midnight(now, expected):
    world = build()
    session_on(world, datetime.date(2026, 6, 1))
    sweep(world, now)
    ob = session_obligation(world)
    assert ob.due_on == datetime.date(2026, 6, 15)
    assert ob.last_done_on == datetime.date(2026, 6, 1)
    assert ob.status == expected
    assert ob.status_at(now) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "now,expected",
    [
        # Clocks go forward at 01:00 UTC on Sunday 29 March 2026.
        (at(2026, 3, 28, 23, 59), Status.DUE_SOON),  # 23:59 GMT on the 28th
        (at(2026, 3, 29, 0, 0), Status.DUE_TODAY),  # 00:00 GMT on the 29th
        (at(2026, 3, 29, 22, 59), Status.DUE_TODAY),  # 23:59 BST on the 29th
        (at(2026, 3, 29, 23, 0), Status.OVERDUE),  # 00:00 BST on the 30th
    ],
)
def test_due_day_across_the_march_clock_change(now, expected):
    world = build()
    session_on(world, datetime.date(2026, 3, 15))
    sweep(world, now)
    assert session_obligation(world).due_on == datetime.date(2026, 3, 29)
    assert session_obligation(world).status == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "now,expected",
    [
        # Clocks go back at 01:00 UTC on Sunday 25 October 2026.
        (at(2026, 10, 24, 22, 59), Status.DUE_SOON),  # 23:59 BST on the 24th
        (at(2026, 10, 24, 23, 0), Status.DUE_TODAY),  # 00:00 BST on the 25th
        (at(2026, 10, 25, 23, 59), Status.DUE_TODAY),  # 23:59 GMT on the 25th
        (at(2026, 10, 26, 0, 0), Status.OVERDUE),  # 00:00 GMT on the 26th
    ],
)
def test_due_day_across_the_october_clock_change(now, expected):
    world = build()
    session_on(world, datetime.date(2026, 10, 11))
    sweep(world, now)
    assert session_obligation(world).due_on == datetime.date(2026, 10, 25)
    assert session_obligation(world).status == expected


@pytest.mark.django_db
def test_half_term_holiday_stops_the_fortnightly_clock():
    world = build()
    HolidayFactory(site=world.site, starts_on=datetime.date(2026, 10, 24), ends_on="2026-11-01")
    session_on(world, datetime.date(2026, 10, 19))
    sweep(world, at(2026, 11, 3, 12))  # 15 days later, but nine of them were holiday
    ob = session_obligation(world)
    assert (ob.due_on, ob.status) == (datetime.date(2026, 11, 11), Status.OK)
    sweep(world, at(2026, 11, 12, 9))
    assert session_obligation(world).status == Status.OVERDUE


@pytest.mark.django_db
def test_home_four_a_month_in_a_five_week_month():
    world = build(kind=Site.Kind.HOME, label="Home")
    for day in (2, 9, 16):
        session_on(world, datetime.date(2026, 3, day))
    sweep(world, at(2026, 3, 25, 12))
    ob = session_obligation(world)
    assert (ob.due_on, ob.status, ob.progress) == (
        datetime.date(2026, 3, 31),
        Status.OK,
        "3 of 4 this month",
    )
    sweep(world, at(2026, 3, 28, 12))
    assert session_obligation(world).status == Status.DUE_SOON
    session_on(world, datetime.date(2026, 3, 30))
    sweep(world, at(2026, 3, 30, 18))
    ob = session_obligation(world)
    assert (ob.due_on, ob.status) == (datetime.date(2026, 4, 8), Status.OK)
    # A new month starts from nothing: a fifth March session does not carry into April.
    sweep(world, at(2026, 4, 9, 12))
    assert session_obligation(world).status == Status.OVERDUE


# ---------------------------------------------------------------- the sweep's guarantees


@pytest.mark.django_db
def test_sweeping_twice_records_nothing_new():
    world = build()
    session_on(world, datetime.date(2026, 6, 1))
    first = sweep(world, at(2026, 6, 20, 9))
    assert first.changes == 1 and first.alerts == 2  # overdue; the key worker and the manager
    recorded = changes(world)
    second = sweep(world, at(2026, 6, 20, 9, 10))
    assert (second.written, second.changes, second.alerts) == (0, 0, 0)
    assert changes(world) == recorded == [("session", datetime.date(2026, 6, 15), "overdue")]
    with organisation_scope(world.org.pk):
        assert sorted(Alert.objects.values_list("user_id", flat=True)) == sorted(
            [world.worker.pk, world.manager.pk]
        )


@pytest.mark.django_db
def test_a_sweep_killed_half_way_leaves_nothing_and_the_rerun_misses_nothing():
    first, second = build(label="First"), build(label="Second")
    for world in (first, second):
        session_on(world, datetime.date(2026, 6, 1))
    now = at(2026, 6, 20, 9)
    sweep(first, now)
    with mock.patch.object(services, "_record_changes", side_effect=RuntimeError("killed")):
        with pytest.raises(RuntimeError):
            sweep(second, now)
    with organisation_scope(second.org.pk):
        assert not Obligation.objects.exists()  # rolled back with its organisation's transaction
    for world in (first, second):
        sweep(world, now)
    assert changes(first) == changes(second) == [("session", datetime.date(2026, 6, 15), "overdue")]


@pytest.mark.django_db
def test_one_sweep_catches_up_after_a_day_without_beat():
    world = build()
    session_on(world, datetime.date(2026, 6, 1))
    sweep(world, at(2026, 6, 10, 9))  # on track
    assert session_obligation(world).status == Status.OK
    # Beat is down from the 11th to the 17th; the first sweep after it sees the whole story.
    result = sweep(world, at(2026, 6, 17, 9))
    assert session_obligation(world).status == Status.OVERDUE
    assert result.changes == 1
    assert changes(world) == [("session", datetime.date(2026, 6, 15), "overdue")]


@pytest.mark.django_db
def test_a_session_logged_turns_the_child_green_at_the_next_sweep():
    world = build()
    session_on(world, datetime.date(2026, 6, 1))
    sweep(world, at(2026, 6, 20, 9))
    session_on(world, datetime.date(2026, 6, 20))
    with time_machine.travel(at(2026, 6, 20, 10), tick=False), organisation_scope(world.org.pk):
        services.obligations_refresh(child_ids=[world.child.pk])
    ob = session_obligation(world)
    assert (ob.status, ob.due_on) == (Status.OK, datetime.date(2026, 7, 4))
    assert changes(world)[-1] == ("session", datetime.date(2026, 7, 4), "ok")


@pytest.mark.django_db
def test_a_child_who_has_left_is_paused():
    world = build()
    with organisation_scope(world.org.pk):
        Child.objects.filter(pk=world.child.pk).update(leaving_date=datetime.date(2026, 6, 5))
    sweep(world, at(2026, 6, 20, 9))
    assert session_obligation(world).status == Status.PAUSED


@pytest.mark.django_db
def test_the_sweep_runs_a_fixed_number_of_queries(django_assert_num_queries):
    world = build()
    for _ in range(3):
        child = ChildFactory(site=world.site, start_date=datetime.date(2026, 1, 5))
        KeyWorkerAllocationFactory(child=child, staff=world.worker, starts_on=child.start_date)
    sweep(world, at(2026, 6, 20, 9))
    for _ in range(20):
        child = ChildFactory(site=world.site, start_date=datetime.date(2026, 1, 5))
        KeyWorkerAllocationFactory(child=child, staff=world.worker, starts_on=child.start_date)
    # 1 savepoint, 2 sites, 3 policies, 4 holidays, 5 children, 6 key workers, 7 session
    # figures, 8-9 plan reviews (children, current versions), 10-11 the last parent contact and
    # social-worker update (one query each, from the contacts app), 12 existing obligations,
    # 13 the upsert, 14 the changes of status, 15 managers, 16 the children's names, 17 the
    # alerts, 18 release savepoint. (A school has no statutory visits and this policy asks for no
    # sessions a half term: those add two queries and one when a site has them.)
    with django_assert_num_queries(18):
        result = sweep(world, at(2026, 6, 21, 9))
    assert result.written == 20 and result.alerts == 40


@pytest.mark.django_db
def test_daily_digest_lists_the_right_items_once():
    world = build()
    session_on(world, datetime.date(2026, 6, 1))
    other = ChildFactory(site=world.site, first_name="Ben", start_date=datetime.date(2026, 1, 5))
    KeyWorkerAllocationFactory(child=other, staff=UserFactory(), starts_on=other.start_date)
    sweep(world, at(2026, 6, 20, 5))
    now = at(2026, 6, 20, 6, 30)
    with time_machine.travel(now, tick=False), organisation_scope(world.org.pk):
        sent = services.digest_send_organisation(organisation_id=world.org.pk)
        again = services.digest_send_organisation(organisation_id=world.org.pk)
        assert DigestSent.objects.count() == 3
    assert (sent, again) == (3, 0)
    by_person = {m.to[0]: m.body for m in mail.outbox}
    assert len(mail.outbox) == 3
    mine = by_person[world.worker.email]
    assert "Ada" in mine and "Ben" not in mine
    boss = by_person[world.manager.email]
    assert "Kim Worker:" in boss and "Ada" in boss and "Ben" in boss


@pytest.mark.django_db
def test_a_logged_parent_call_turns_the_weekly_contact_green_at_the_next_sweep():
    """The contacts app's records feed the routine-contact rule end to end."""
    from contacts.models import Contact

    from ..contacts.factories import ContactFactory

    world = build(label="Calls")
    with organisation_scope(world.org.pk):
        Policy.objects.filter(site=world.site).update(routine_contact="parent_call")
    sweep(world, at(2026, 6, 20, 9))
    with organisation_scope(world.org.pk):
        weekly = Obligation.objects.get(child=world.child, rule=Rule.ROUTINE_CONTACT)
    assert weekly.status == "overdue"  # no call since the pupil started in January

    ContactFactory(
        child=world.child,
        kind=Contact.Kind.PARENT,
        occurred_at=at(2026, 6, 22, 15, 30),
        recorded_by=world.worker,
    )
    sweep(world, at(2026, 6, 22, 16))
    with organisation_scope(world.org.pk):
        weekly.refresh_from_db()
    assert weekly.status == "ok"
    assert weekly.due_on == datetime.date(2026, 6, 29)  # a week after the call


@pytest.mark.django_db
@pytest.mark.parametrize(
    "until_18, due, status",
    [
        (False, datetime.date(2026, 4, 13), "overdue"),  # six weeks after the last visit
        (True, datetime.date(2026, 6, 2), "ok"),  # three months, for a placement until 18
    ],
)
def test_statutory_visits_after_the_first_year_follow_the_placement(until_18, due, status):
    """Reg. 28, as the contacts app's rule computes it: one rule, one set of intervals."""
    from contacts.models import Contact

    from ..contacts.factories import ContactFactory

    world = build(kind=Site.Kind.HOME, label="Visits")
    with organisation_scope(world.org.pk):
        Policy.objects.filter(site=world.site).update(social_worker_visits=True)
        Child.objects.filter(pk=world.child.pk).update(start_date=datetime.date(2024, 1, 8))
    ContactFactory(
        child=world.child,
        kind=Contact.Kind.VISIT,
        occurred_at=at(2026, 3, 2, 15),
        placement_to_18=until_18,
        recorded_by=world.worker,
    )
    sweep(world, at(2026, 4, 20, 9))
    with organisation_scope(world.org.pk):
        visit = Obligation.objects.get(child=world.child, rule=Rule.SW_VISIT)
    assert (visit.last_done_on, visit.due_on, visit.status) == (
        datetime.date(2026, 3, 2),
        due,
        status,
    )


@pytest.mark.django_db
def test_a_newly_allocated_key_worker_owes_the_first_session_one_interval_after_the_allocation():
    """After a roll import a pupil admitted months ago gets a key worker today: the first session
    is due 14 days after the allocation, not overdue on the day they are named. A pupil whose
    key worker has held them since admission, with no session, is still overdue."""
    world = build(label="Grace")
    with organisation_scope(world.org.pk):
        newcomer = ChildFactory(
            site=world.site, first_name="Bo", start_date=datetime.date(2026, 1, 5)
        )
        KeyWorkerAllocationFactory(
            child=newcomer, staff=world.worker, starts_on=datetime.date(2026, 6, 1)
        )
    sweep(world, at(2026, 6, 1, 12))
    with organisation_scope(world.org.pk):
        fresh = Obligation.objects.get(child=newcomer, rule=Rule.SESSION)
    assert fresh.due_on == add_term_days(datetime.date(2026, 6, 1), 14, [])
    assert fresh.status != Status.OVERDUE
    assert session_obligation(world).status == Status.OVERDUE  # held since January, no session


@pytest.mark.django_db
def test_an_appointed_key_worker_is_never_overdue_in_my_week():
    """A home's "Key worker appointed" is due the day before admission and met once the key worker
    is appointed: months later it is on track, and My week neither lists it as overdue nor as due
    this week (a new user saw it under Overdue while the dashboard said On track)."""
    from compliance.selectors import my_week
    from tenancy.access import Access
    from tenancy.models import Membership

    world = build(kind=Site.Kind.HOME, label="Home")
    now = at(2026, 11, 25, 12)
    sweep(world, now)
    with organisation_scope(world.org.pk):
        appointed = Obligation.objects.get(child=world.child, rule=Rule.KEY_WORKER)
        assert appointed.due_on < now.date() and appointed.status == Status.OK
        assert appointed.status_at(now) == Status.OK
        mine = tuple(Membership.objects.filter(user=world.worker).select_related("site"))
        access = Access(user=world.worker, organisation=world.org, memberships=mine)
        week = my_week(access, now=now)
    listed = week["overdue"] + week["due_today"] + week["this_week"]
    assert appointed.pk not in [o.pk for o in listed]
    assert Rule.SESSION in [o.rule for o in listed]  # the week still shows what is due
