"""Schools: three sessions a half term with rotating foci (EHCP, IEP, student voice) and a longest
session, on the school's own term calendar."""

import datetime

import pytest
import time_machine

from compliance.calendar import default_breaks, half_term_bounds, half_term_pace_due
from compliance.models import Holiday, Obligation, Policy, Rule, Status
from tenancy.context import organisation_scope
from tests.sessions_app.factories import KeyWorkSessionFactory

from .factories import HolidayFactory
from .test_sweep import at, build, sweep

D = datetime.date
AUTUMN_2 = (D(2026, 11, 2), D(2026, 12, 18))  # 47 days between the half term and Christmas


def test_half_term_is_the_stretch_between_two_breaks():
    assert half_term_bounds(D(2026, 11, 22), default_breaks()) == AUTUMN_2
    assert half_term_bounds(D(2026, 11, 2), default_breaks()) == AUTUMN_2
    assert half_term_bounds(D(2026, 12, 18), default_breaks()) == AUTUMN_2
    # Inside a holiday, the half term that follows it.
    assert half_term_bounds(D(2026, 10, 28), default_breaks()) == AUTUMN_2
    assert half_term_bounds(D(2026, 12, 19), default_breaks()) == (D(2027, 1, 4), D(2027, 2, 12))
    # Past the end of the calendar nobody can say.
    assert half_term_bounds(D(2030, 1, 10), default_breaks()) is None


def test_sessions_keep_pace_through_the_half_term():
    forty_two = (D(2027, 1, 4), D(2027, 2, 14))
    assert [half_term_pace_due(forty_two, done, 3) for done in range(3)] == [
        D(2027, 1, 17),
        D(2027, 1, 31),
        D(2027, 2, 14),
    ]


def school(**policy):
    world = build(label="Halfterm")
    with organisation_scope(world.org.pk):
        Policy.objects.filter(site=world.site).update(
            **{"sessions_per_half_term": 3, "session_max_minutes": 20, **policy}
        )
        for first, last, kind in [
            (D(2026, 10, 24), D(2026, 11, 1), Holiday.Kind.HALF_TERM),
            (D(2026, 12, 19), D(2027, 1, 3), Holiday.Kind.HOLIDAY),
            (D(2027, 2, 13), D(2027, 2, 21), Holiday.Kind.HALF_TERM),
            # A closure day does not split the half term.
            (D(2026, 11, 27), D(2026, 11, 27), Holiday.Kind.CLOSURE),
        ]:
            HolidayFactory(site=world.site, starts_on=first, ends_on=last, kind=kind)
    return world


def session(world, day, focus, start=datetime.time(9, 0), end=datetime.time(9, 15)):
    KeyWorkSessionFactory(
        child=world.child,
        author=world.worker,
        date=day,
        focus=focus,
        start_time=start,
        end_time=end,
    )


def half_term(world) -> Obligation:
    with organisation_scope(world.org.pk):
        return Obligation.objects.get(child=world.child, rule=Rule.HALF_TERM)


@pytest.mark.django_db
def test_the_first_session_is_due_a_third_of_the_way_through():
    world = school()
    sweep(world, at(2026, 11, 17, 9))
    ob = half_term(world)
    assert ob.due_on == D(2026, 11, 17) and ob.status == Status.DUE_TODAY
    assert ob.progress == "0 of 3 this half term; still to cover: EHCP, IEP, Student voice"
    sweep(world, at(2026, 11, 18, 9))
    assert half_term(world).status == Status.OVERDUE


@pytest.mark.django_db
def test_three_sessions_with_each_focus_meet_the_half_term():
    world = school()
    session(world, D(2026, 11, 3), "ehcp")
    session(world, D(2026, 11, 16), "iep")
    sweep(world, at(2026, 11, 22, 9))
    ob = half_term(world)
    assert ob.progress == "2 of 3 this half term; still to cover: Student voice"
    assert ob.due_on == AUTUMN_2[1] and ob.status == Status.OK
    session(world, D(2026, 11, 23), "student_voice")
    sweep(world, at(2026, 11, 23, 12))
    ob = half_term(world)
    assert ob.progress == "3 of 3 this half term" and ob.status == Status.OK
    # Done for this half term: the next is owed a third of the way into the spring half term.
    assert ob.due_on == D(2027, 1, 17)


@pytest.mark.django_db
def test_repeating_one_focus_leaves_the_others_owed():
    world = school()
    for day in (D(2026, 11, 3), D(2026, 11, 10), D(2026, 11, 16)):
        session(world, day, "ehcp")
    sweep(world, at(2026, 12, 3, 9))
    ob = half_term(world)
    # Three EHCP sessions count as one of three: the second is due on day 32 (3 December).
    assert ob.progress == "3 of 3 this half term; still to cover: IEP, Student voice"
    assert ob.due_on == D(2026, 12, 3) and ob.status == Status.DUE_TODAY
    sweep(world, at(2026, 12, 4, 9))
    assert half_term(world).status == Status.OVERDUE


@pytest.mark.django_db
def test_the_count_starts_again_after_the_christmas_holiday():
    world = school()
    session(world, D(2026, 11, 3), "ehcp")
    sweep(world, at(2026, 12, 18, 9))
    assert half_term(world).status == Status.OVERDUE
    # In the holiday the spring half term is the one that counts, and nothing is owed yet.
    sweep(world, at(2026, 12, 28, 9))
    ob = half_term(world)
    assert ob.progress.startswith("0 of 3") and ob.due_on == D(2027, 1, 17)
    assert ob.status == Status.OK


@pytest.mark.django_db
def test_sessions_over_the_policy_length_are_named():
    world = school()
    session(world, D(2026, 11, 3), "ehcp", end=datetime.time(9, 35))
    session(world, D(2026, 11, 10), "iep", end=datetime.time(9, 20))
    sweep(world, at(2026, 11, 12, 9))
    assert half_term(world).progress == (
        "2 of 3 this half term; still to cover: Student voice; 1 over 20 min"
    )


@pytest.mark.django_db
def test_no_half_term_rule_for_homes_or_when_switched_off():
    world = school(sessions_per_half_term=None)
    sweep(world, at(2026, 11, 12, 9))
    with organisation_scope(world.org.pk):
        assert not Obligation.objects.filter(rule=Rule.HALF_TERM).exists()
        assert Obligation.objects.filter(rule=Rule.SESSION).exists()


@pytest.mark.django_db
def test_the_dashboard_shows_the_half_term_column(client, org):
    from compliance import services

    with organisation_scope(org.org.pk):
        services.policy_ensure(site=org.school)
        services.sweep_organisation(organisation_id=org.org.pk)
    client.force_login(org.users["manager"])
    response = client.get(f"/compliance/sites/{org.school.pk}/")
    assert "Sessions this half term" in response.content.decode()


# ---------------------------------------------------------------- "this half term" in the lists


def test_lists_use_the_schools_own_half_term_and_look_back_in_a_holiday(org):
    from behaviour import periods
    from compliance.selectors import half_term

    with organisation_scope(org.org.pk):
        # This school's autumn half term ran 17–25 October, a week before England's default.
        Holiday.objects.filter(pk=org.holiday.pk).update(
            starts_on=D(2026, 10, 17), ends_on=D(2026, 10, 25)
        )
        HolidayFactory(
            site=org.school, starts_on=D(2026, 12, 12), ends_on=D(2027, 1, 3), kind="holiday"
        )
        assert half_term([org.school.pk], D(2026, 11, 5)) == (D(2026, 10, 26), D(2026, 12, 11))
        # In the Christmas holiday a list looks back on the half term just ended.
        assert half_term([org.school.pk], D(2026, 12, 20)) == (D(2026, 10, 26), D(2026, 12, 11))
        # A home keeps no term dates: England's default.
        assert half_term([org.home.pk], D(2026, 11, 5)) == AUTUMN_2
        with time_machine.travel(at(2026, 11, 5, 12), tick=False):
            period = periods.resolve(periods.HALF_TERM, site=org.school)
        assert (period.start, period.end) == (D(2026, 10, 26), D(2026, 11, 5))


def test_session_list_this_half_term_follows_the_school_calendar(client, org):
    with organisation_scope(org.org.pk):
        Holiday.objects.filter(pk=org.holiday.pk).update(
            starts_on=D(2026, 10, 17), ends_on=D(2026, 10, 25)
        )
        HolidayFactory(
            site=org.school, starts_on=D(2026, 12, 12), ends_on=D(2027, 1, 3), kind="holiday"
        )
    worker = org.users["key_worker"]
    inside = KeyWorkSessionFactory(child=org.child, author=worker, date=D(2026, 10, 27))
    before = KeyWorkSessionFactory(child=org.child, author=worker, date=D(2026, 10, 16))
    client.force_login(worker)
    with time_machine.travel(at(2026, 11, 5, 12), tick=False):
        response = client.get(f"/sessions/child/{org.child.pk}/", {"period": "half_term"})
    shown = {s.pk for s in response.context["page"].object_list}
    assert inside.pk in shown and before.pk not in shown


def test_the_session_editor_shows_foci_to_cover_and_the_next_due_date(client, org):
    from .factories import ObligationFactory

    ObligationFactory(
        child=org.child,
        rule=Rule.HALF_TERM,
        progress="1 of 3 this half term; still to cover: IEP, Student voice",
    )
    worker = org.users["key_worker"]
    draft = KeyWorkSessionFactory(
        child=org.child, author=worker, status="draft", date=D(2026, 10, 19)
    )
    client.force_login(worker)
    page = client.get(f"/sessions/{draft.pk}/edit/").content.decode()
    assert "1 of 3 this half term; still to cover: IEP, Student voice." in page
    # A fortnight from 19 October, with the nine days of the autumn half term added: 11 November.
    assert "next session's due date (11 Nov 2026)" in page
