"""The pure rules: the reg. 28 next-visit date at each boundary, and the same-day call triggers at
their thresholds."""

import datetime
from types import SimpleNamespace

import pytest

from contacts.models import ContactSettings, VisitRule, add_months, next_visit_due
from contacts.selectors import triggers

D = datetime.date
START = D(2026, 1, 10)


def test_first_visit_is_due_a_week_after_the_placement_starts():
    assert next_visit_due(START, None, long_term=False) == D(2026, 1, 17)


def test_a_visit_before_the_placement_started_does_not_count():
    assert next_visit_due(START, D(2026, 1, 9), long_term=True) == D(2026, 1, 17)


def test_a_visit_on_the_start_day_starts_the_six_week_cycle():
    assert next_visit_due(START, START, long_term=False) == D(2026, 2, 21)


def test_the_last_day_of_the_first_year_still_uses_six_weeks_even_for_a_long_placement():
    last = D(2027, 1, 9)  # the day before the first anniversary
    assert next_visit_due(START, last, long_term=True) == last + datetime.timedelta(weeks=6)


def test_from_the_first_anniversary_a_placement_until_eighteen_is_visited_three_monthly():
    assert next_visit_due(START, D(2027, 1, 10), long_term=True) == D(2027, 4, 10)


def test_from_the_first_anniversary_other_placements_stay_six_weekly():
    assert next_visit_due(START, D(2027, 1, 10), long_term=False) == D(2027, 2, 21)


def test_three_months_from_the_end_of_november_is_the_end_of_february():
    assert add_months(D(2027, 11, 30), 3) == D(2028, 2, 29)
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert add_months(D(2026, 10, 31), 2) == D(2026, 12, 31)


def test_the_rule_is_configurable():
    rule = VisitRule(
        first_visit_days=5,
        first_year_interval_weeks=4,
        long_term_interval_months=2,
        later_interval_weeks=8,
    )
    assert next_visit_due(START, None, long_term=False, rule=rule) == D(2026, 1, 15)
    assert next_visit_due(START, D(2026, 3, 1), long_term=True, rule=rule) == D(2026, 3, 29)
    assert next_visit_due(START, D(2027, 2, 1), long_term=True, rule=rule) == D(2027, 4, 1)
    assert next_visit_due(START, D(2027, 2, 1), long_term=False, rule=rule) == D(2027, 3, 29)


def slip(pk, kind, *, worth_a_call=False, minute=0):
    return SimpleNamespace(
        pk=pk,
        kind=kind,
        worth_a_call=worth_a_call,
        occurred_at=datetime.datetime(2026, 11, 18, 10, minute, tzinfo=datetime.UTC),
    )


@pytest.mark.parametrize("count,expected", [(2, []), (3, ["low_level"]), (4, ["low_level"])])
def test_low_level_slips_call_for_a_call_at_the_default_threshold_of_three(count, expected):
    slips = [slip(n, "low", minute=n) for n in range(count)]
    found = triggers(slips, ContactSettings())
    assert [reason for reason, _ in found] == expected
    if expected:
        assert [s.pk for s in found[0][1]] == list(range(count))


def test_the_threshold_is_a_site_setting():
    slips = [slip(1, "low"), slip(2, "low")]
    assert [r for r, _ in triggers(slips, ContactSettings(low_level_threshold=2))] == ["low_level"]
    assert triggers(slips, ContactSettings(low_level_threshold=5)) == []


def test_each_high_level_incident_calls_for_its_own_call():
    found = triggers([slip(1, "high"), slip(2, "high", minute=5)], ContactSettings())
    assert found == [("high_level", [found[0][1][0]]), ("high_level", [found[1][1][0]])]
    assert [s.pk for _, ss in found for s in ss] == [1, 2]


def test_a_reward_calls_for_a_call_only_when_marked_worth_a_call():
    assert triggers([slip(1, "green")], ContactSettings()) == []
    found = triggers([slip(1, "green", worth_a_call=True)], ContactSettings())
    assert [r for r, _ in found] == ["reward"]


def test_a_site_can_turn_off_the_high_level_and_reward_rules():
    rules = ContactSettings(call_after_high_level=False, call_after_reward=False)
    assert triggers([slip(1, "high"), slip(2, "growth", worth_a_call=True)], rules) == []
