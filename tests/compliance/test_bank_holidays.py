"""Bank holidays (GOV.UK's list, shipped in tenancy/data) are closures in every due-date
computation: issue 16, kind 5. Good Friday 26 March 2027 and the early May bank holidays (4 May
2026, 3 May 2027, 1 May 2028) are never due dates."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command

from compliance import calendar
from compliance.models import Obligation, Policy, Rule
from compliance.selectors import next_session_due
from contacts.models import next_visit_due
from contacts.selectors import visits_due
from plans.services import review_day
from tenancy import bankholidays, schooldays
from tenancy.context import organisation_scope
from tenancy.models import Site
from tests.compliance.test_sweep import build, session_on, sweep
from tests.factories import ChildFactory

D = datetime.date
EXAMPLES = [D(2026, 5, 4), D(2027, 3, 26), D(2027, 5, 3), D(2028, 5, 1)]


def test_the_shipped_list_has_the_examples_and_its_retrieval_date():
    england = bankholidays.bank_holidays("england-and-wales")
    assert england[D(2027, 3, 26)] == "Good Friday"
    for day in (D(2026, 5, 4), D(2027, 5, 3), D(2028, 5, 1)):
        assert england[day] == "Early May bank holiday"
    assert bankholidays.retrieved_on() == D(2026, 11, 29)
    # The regions differ: St Andrew's Day in Scotland, the Twelfth in Northern Ireland, and
    # Scotland has no Easter Monday.
    assert D(2026, 11, 30) in bankholidays.bank_holidays("scotland")
    assert D(2026, 11, 30) not in england
    assert D(2026, 7, 13) in bankholidays.bank_holidays("northern-ireland")
    assert D(2026, 4, 6) in england and D(2026, 4, 6) not in bankholidays.bank_holidays("scotland")


def test_refresh_command_replaces_the_list_from_a_saved_copy_and_refuses_a_bad_one(
    tmp_path, monkeypatch
):
    target = tmp_path / "bank-holidays.json"
    target.write_text(bankholidays.DATA.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(bankholidays, "DATA", target)
    bankholidays.reload()
    copy = tmp_path / "govuk.json"
    document = {
        region: {"division": region, "events": [{"title": "Test day", "date": "2029-05-07"}]}
        for region, _ in bankholidays.REGIONS
    }
    copy.write_text(json.dumps(document), encoding="utf-8")
    try:
        call_command("refresh_bank_holidays", file=str(copy))
        assert bankholidays.bank_holidays("scotland") == {D(2029, 5, 7): "Test day"}
        copy.write_text(json.dumps({"england-and-wales": {"events": []}}), encoding="utf-8")
        with pytest.raises(CommandError, match="not changed"):
            call_command("refresh_bank_holidays", file=str(copy))
        assert bankholidays.bank_holidays("scotland") == {D(2029, 5, 7): "Test day"}
    finally:
        monkeypatch.undo()
        bankholidays.reload()


def test_a_fortnightly_clock_stops_on_a_bank_holiday():
    closed = [(d, d) for d in bankholidays.bank_holidays("england-and-wales")]
    # 20 Apr 2026 + 14 days is Monday 4 May, the early May bank holiday: due the day after.
    assert calendar.add_term_days(D(2026, 4, 20), 14, closed) == D(2026, 5, 5)
    assert calendar.skip_closed(D(2028, 5, 1), closed) == D(2028, 5, 2)


@pytest.mark.django_db
@pytest.mark.parametrize("bank_holiday", EXAMPLES)
def test_sweep_never_makes_a_bank_holiday_a_session_due_date(bank_holiday):
    world = build(label=f"Bank{bank_holiday:%Y%m%d}")
    session_on(world, bank_holiday - datetime.timedelta(days=14))
    sweep(world, datetime.datetime(2026, 1, 6, 9, tzinfo=datetime.UTC))
    with organisation_scope(world.org.pk):
        due = Obligation.objects.get(child=world.child, rule=Rule.SESSION).due_on
    assert due > bank_holiday
    assert due not in bankholidays.bank_holidays("england-and-wales")


@pytest.mark.django_db
def test_scottish_school_keeps_scotlands_list():
    world = build(label="Glasgow")
    with organisation_scope(world.org.pk):
        Site.objects.filter(pk=world.site.pk).update(region="scotland")
    # 16 Nov 2026 + 14 = Monday 30 Nov, St Andrew's Day (a Scottish bank holiday only).
    session_on(world, D(2026, 11, 16))
    sweep(world, datetime.datetime(2026, 11, 17, 9, tzinfo=datetime.UTC))
    with organisation_scope(world.org.pk):
        due = Obligation.objects.get(child=world.child, rule=Rule.SESSION).due_on
    assert due == D(2026, 12, 1)


# ---------------------------------------------------------------- the walk: every computation


def _every_computation(school, home):
    """(name, function(day) -> due date): each computation set up so that, counting plain days,
    its due date would be ``day`` (a bank holiday)."""
    from compliance import adapters
    from compliance.services import _desired, _holidays

    week = datetime.timedelta(days=7)
    at_home = ChildFactory(site=home, start_date=D(2025, 1, 6))
    at_school = ChildFactory(site=school, start_date=D(2025, 1, 6))

    def routine_contact(child, site, day):
        policy = Policy(**Policy.defaults_for(site))
        kind = adapters.CONTACT_KINDS[policy.routine_contact]
        child.site = site
        rows = _desired(
            child,
            policy,
            _holidays({site.pk: site})[site.pk],
            day - week,
            {},
            {(child.pk, kind): day - week},  # the last contact a week before
            None,
            {},
            None,
        )
        return [r[3] for r in rows if r[0] == Rule.ROUTINE_CONTACT][0]

    def statutory_visit(day):
        at_home.start_date = day - week  # first visit within 7 days of the placement
        at_home.site = home
        return visits_due([at_home])[0].due_on

    return [
        # sessions_app.services.next_due: the session editor and its targets' default date.
        ("session editor's next due date", lambda day: next_session_due(school, day - 2 * week)),
        ("school's weekly parent call", lambda day: routine_contact(at_school, school, day)),
        ("home's weekly social-worker update", lambda day: routine_contact(at_home, home, day)),
        ("statutory social-worker visit", statutory_visit),
        ("plan's default review date", lambda day: review_day(at_school, day)),
        (
            "half-term pace",
            lambda day: calendar.skip_closed(
                calendar.half_term_pace_due((day, day), 0, 1),
                schooldays.calendar_for(school).closed_ranges(),
            ),
        ),
        (
            "monthly pace",
            lambda day: calendar.skip_closed(day, schooldays.calendar_for(school).closed_ranges()),
        ),
    ]


@pytest.mark.django_db
def test_walk_no_due_date_computation_lands_on_a_bank_holiday(org):
    england = bankholidays.bank_holidays("england-and-wales")
    with organisation_scope(org.org.pk):
        for name, compute in _every_computation(org.school, org.home):
            for bank_holiday in EXAMPLES:
                due = compute(bank_holiday)
                assert due != bank_holiday and due not in england, (
                    f"{name}: due on the bank holiday {due}"
                )
    # The statutory visit is a maximum: counted plainly it is the bank holiday; it moves earlier.
    assert next_visit_due(D(2026, 4, 27), None, long_term=False) == D(2026, 5, 4)
