"""Figures that mislead (issue 16, kind 7): a figure covering part of a period says so, and a
target is prorated or judged only on complete periods."""

import datetime

import pytest

from behaviour.periods import weekdays_covered
from compliance.selectors import Week, _on_time_by_week, chart
from sessions_app.since_last import summary_rows


def test_a_two_day_part_week_is_not_judged_against_the_weekly_target():
    # The example: the panel covers Thursday and Friday only; 25 points that week.
    summary = {
        "period": {"start": "2026-11-26", "end": "2026-11-27"},
        "class_points": {
            "total": 25,
            "weekly_target": 100,
            "weeks": [{"week_start": "2026-11-23", "points": 25, "target": 100, "met": False}],
        },
    }
    text = dict(summary_rows(summary))["Class points"]
    assert "met 0 of 1" not in text
    assert "no complete week in this period to judge" in text
    assert "part week, 2 of 5 days; target for those days 40" in text


def test_weekdays_covered_counts_the_days_of_the_week_in_the_period():
    monday = datetime.date(2026, 11, 23)
    assert weekdays_covered(monday, datetime.date(2026, 11, 26), datetime.date(2026, 12, 9)) == 2
    assert weekdays_covered(monday, datetime.date(2026, 11, 1), datetime.date(2026, 12, 9)) == 5


@pytest.mark.django_db
def test_the_current_week_on_the_compliance_chart_is_so_far_not_zero(org):
    from tenancy.context import organisation_scope

    today = datetime.date(2026, 11, 25)  # a Wednesday
    with organisation_scope(org.org.pk):
        weeks = _on_time_by_week([org.school.pk], today)
    current = weeks[-1]
    assert current.start == datetime.date(2026, 11, 23) and current.partial
    assert current.on_time_percent is None  # not 0 %: judged when the week ends
    assert not weeks[-2].partial
    bars = chart([Week(datetime.date(2026, 11, 16), 4, 1), Week(current.start, 3, 0, True)])
    assert bars["bars"][0]["pct"] == 75
    assert bars["bars"][1]["partial"] and bars["bars"][1]["pct"] is None
