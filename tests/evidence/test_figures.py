"""Each figure of the impact and What works pages, from known data (issue 20.1, 20.2)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from compliance.models import Holiday
from evidence import impact, selectors
from tenancy.context import organisation_scope

from ..behaviour.factories import AttendanceMarkFactory, ClassPointsFactory, SlipFactory
from ..factories import ChildFactory
from ..sessions_app.factories import (
    KeyWorkSessionFactory,
    SessionTopicFactory,
    TargetFactory,
    TopicFactory,
)

D = datetime.date
LONDON = ZoneInfo("Europe/London")
SET_ON = D(2026, 3, 2)  # a Monday, the week after the February half term
TODAY = D(2026, 4, 30)
# School days of the four weeks before 2 March, past the half term (16-20 Feb): 26 Jan - 27 Feb.
BEFORE = [D(2026, 1, 26) + datetime.timedelta(days=i) for i in range(33)]
BEFORE = [d for d in BEFORE if d.weekday() < 5 and not D(2026, 2, 14) <= d <= D(2026, 2, 22)]
AFTER = [SET_ON + datetime.timedelta(days=i) for i in range(26) if (SET_ON.weekday() + i) % 7 < 5]


def at(day, hour=10):
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def test_a_window_that_meets_a_holiday_reaches_past_it_and_counts_school_days_only():
    before, after = impact.windows(
        SET_ON, school=True, holidays=[(D(2026, 2, 14), D(2026, 2, 22))], today=TODAY
    )
    assert (before.first, before.last, before.days) == (D(2026, 1, 26), D(2026, 3, 1), 20)
    assert (after.first, after.last, after.days) == (SET_ON, D(2026, 3, 27), 20)
    assert len(BEFORE) == len(AFTER) == 20
    assert before.per_week(4) == 1.0


def test_a_window_with_too_little_data_shows_no_figure():
    _, after = impact.windows(D(2026, 4, 27), school=True, today=D(2026, 4, 30))
    assert after.days == 4 and after.per_week(3) is None
    before, _ = impact.windows(SET_ON, school=False, on_roll=(D(2026, 2, 20), None), today=TODAY)
    assert before.days == 10 and before.per_week(1) is None  # 20 Feb - 1 Mar of 28 days


def test_the_t_interval_and_too_few_to_say():
    iv = impact.mean_interval([-0.5, -0.5, -0.25, -0.75, -0.5])
    assert iv.mean == pytest.approx(-0.5)
    # 2.776 (t, 4 df) x 0.176777 (s) / sqrt(5)
    assert (iv.low, iv.high) == (
        pytest.approx(-0.719463, abs=1e-5),
        pytest.approx(-0.280537, abs=1e-5),
    )
    assert impact.mean_interval([1.0, 2.0, 3.0, 4.0]).mean is None


def _half_term(org):
    Holiday.objects.create(
        organisation=org.org, site=org.school, name="February half term", kind="half_term",
        starts_on=D(2026, 2, 14), ends_on=D(2026, 2, 22),
    )  # fmt: skip


def _school_target(org, child, *, topic=None, focus="iep", area="behaviour", set_on=SET_ON):
    session = KeyWorkSessionFactory(
        child=child, author=org.users["key_worker"], date=set_on, focus=focus
    )
    if topic:
        SessionTopicFactory(session=session, topic=topic)
    return TargetFactory(set_in=session, area=area, outcome="achieved")


@pytest.mark.django_db
def test_each_figure_of_a_targets_impact(org):
    with organisation_scope(org.org.pk), time_machine.travel(at(TODAY), tick=False):
        _half_term(org)
        child = ChildFactory(site=org.school, start_date=D(2025, 9, 1))
        target = _school_target(org, child)
        for day in BEFORE[:4]:
            SlipFactory(child=child, occurred_at=at(day), kind="high")
        SlipFactory(child=child, occurred_at=at(D(2026, 2, 17)))  # the half term: not counted
        SlipFactory(child=child, occurred_at=at(D(2026, 2, 28)))  # a Saturday: not counted
        retracted = SlipFactory(child=child, occurred_at=at(BEFORE[5]))
        retracted.retracted_at = at(TODAY)
        retracted.save()
        for day in AFTER[:2]:
            SlipFactory(child=child, occurred_at=at(day))
        for day in AFTER[:6]:
            SlipFactory(child=child, occurred_at=at(day, 14), kind="green")
        for day in BEFORE[:10]:
            ClassPointsFactory(child=child, date=day, points=10)
        for day in AFTER[:10]:
            ClassPointsFactory(child=child, date=day, points=20)
        for i, day in enumerate(BEFORE):
            AttendanceMarkFactory(child=child, date=day, session="AM", code="O" if i < 4 else "/")
            AttendanceMarkFactory(child=child, date=day, session="PM", code="\\")
        for day in AFTER:
            AttendanceMarkFactory(child=child, date=day, session="AM", code="/")
        rows = selectors.child_impact(child)
    assert [r.target.pk for r in rows] == [target.pk]
    figures = rows[0].impact.figures
    assert figures["negative"] == (1.0, 0.5)  # 4 and 2 slips in 20 school days
    assert figures["positive"] == (0.0, 1.5)
    # 100 and 200 points on 10 of each window's 20 school days: 10 and 20 a recorded day. A day
    # without points is no data (not yet recording them), not a day of 0 points.
    assert figures["points"] == (50.0, 100.0)
    assert figures["attendance"] == (90.0, 100.0)  # 36 of 40 sessions; 20 of 20


def test_points_recorded_on_too_few_days_are_too_little_data_not_zero(org):
    """The school began recording points late in the window before the target: fewer than half of
    its school days have any, so "before" says too little data instead of a low figure (a new
    user saw 28 → 115 points a week from weeks of no data counted as 0)."""
    with organisation_scope(org.org.pk), time_machine.travel(at(TODAY), tick=False):
        _half_term(org)
        child = ChildFactory(site=org.school, start_date=D(2025, 9, 1))
        _school_target(org, child)
        for day in BEFORE[-6:]:
            ClassPointsFactory(child=child, date=day, points=20)
        for day in AFTER[:12]:
            ClassPointsFactory(child=child, date=day, points=20)
        rows = selectors.child_impact(child)
    assert rows[0].impact.figures["points"] == (None, 100.0)


def _child_with_slips(org, topic, before, after, **kwargs):
    child = ChildFactory(site=org.school, start_date=D(2025, 9, 1))
    _school_target(org, child, topic=topic, **kwargs)
    for day in BEFORE[:before]:
        SlipFactory(child=child, occurred_at=at(day))
    for day in AFTER[:after]:
        SlipFactory(child=child, occurred_at=at(day))
    return child


@pytest.mark.django_db
def test_what_works_figures_and_too_few_to_say(org):
    with organisation_scope(org.org.pk), time_machine.travel(at(TODAY), tick=False):
        _half_term(org)
        friendships = TopicFactory(organisation=org.org, name="Friendships")
        attendance = TopicFactory(organisation=org.org, name="Attendance")
        for before in (4, 4, 3, 5, 4):
            _child_with_slips(org, friendships, before, 2)
        for _ in range(4):
            _child_with_slips(org, attendance, 4, 4, focus="student_voice", area="learning")
        filters = selectors.Filters(
            site_ids=(org.school.pk,), start=D(2025, 9, 1), end=TODAY, measure="negative"
        )
        result = selectors.what_works(filters, TODAY)
    rows = {(r.group, r.kind): r for r in result.rows}
    f = rows[("Session topic", "Friendships")]
    assert (f.children, f.targets) == (5, 5)
    assert f.before.mean == pytest.approx(1.0) and f.after.mean == pytest.approx(0.5)
    assert f.change.mean == pytest.approx(-0.5)
    assert f.change.low == pytest.approx(-0.719463, abs=1e-5)
    assert f.verdict == "Better after"
    a = rows[("Session topic", "Attendance")]
    assert (a.children, a.targets, a.too_few, a.verdict) == (4, 4, True, "Too few to say")
    assert rows[("School focus", "IEP")].children == 5
    assert rows[("School focus", "Student voice")].verdict == "Too few to say"
    # Every target's area: 5 behaviour (better), 4 learning (too few).
    assert rows[("Target area", "Behaviour")].verdict == "Better after"
    assert rows[("Target area", "Learning")].too_few
    assert result.measured_targets == 9
