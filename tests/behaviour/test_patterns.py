"""Pattern detectors with planted data (they fire) and clean data (they stay quiet)."""

import datetime
import random

import pytest

from behaviour import patterns
from behaviour.patterns import AppointmentRow, MarkRow

START = datetime.date(2026, 8, 31)  # a Monday


def school_days(weeks=12):
    return [
        START + datetime.timedelta(days=d)
        for d in range(weeks * 7)
        if (START + datetime.timedelta(days=d)).weekday() < 5
    ]


def register(absent_on=lambda day: False, code="O", late_on=lambda day: False):
    marks = []
    for day in school_days():
        absent = absent_on(day)
        for session, present in (("AM", "/"), ("PM", "\\")):
            if absent:
                marks.append(MarkRow(day, session, code))
            elif late_on(day) and session == "AM":
                marks.append(MarkRow(day, session, "L"))
            else:
                marks.append(MarkRow(day, session, present))
    return marks


def kinds(found):
    return [p.kind for p in found]


def test_absent_most_mondays_is_found_with_the_dates():
    mondays = [d for d in school_days() if d.weekday() == 0]
    planted = set(mondays[:9])
    found = patterns.same_weekday_absence(register(lambda d: d in planted))
    assert len(found) == 1
    assert found[0].title == "Absent on 9 of 12 Mondays"
    assert found[0].dates == sorted(planted)


def test_random_absences_raise_no_weekday_pattern():
    for seed in range(30):
        rng = random.Random(seed)
        marks = register(lambda d, rng=rng: rng.random() < 0.15, code="I")
        assert patterns.same_weekday_absence(marks) == [], f"false alarm with seed {seed}"


def test_absent_every_day_is_severe_absence_not_a_weekday_pattern():
    marks = register(lambda d: d.weekday() != 4)  # only comes in on Fridays
    assert patterns.same_weekday_absence(marks) == []
    assert kinds(patterns.absence_rate(marks)) == ["severe"]


def test_persistent_absence_below_ninety_percent():
    days = school_days()
    absent = set(days[::8])  # 1 day in 8: 87.5% attendance
    found = patterns.absence_rate(register(lambda d: d in absent))
    assert kinds(found) == ["persistent"]
    assert patterns.absence_rate(register(lambda d: d in set(days[::12]))) == []  # 91.7%


def test_too_few_sessions_for_a_rate_says_nothing():
    marks = [MarkRow(START, "AM", "O"), MarkRow(START, "PM", "O")]
    assert patterns.absence_rate(marks) == []


def test_repeated_lates_found_and_a_single_late_is_not():
    days = school_days()
    three = set(days[3:40:15])
    assert kinds(patterns.repeated_lates(register(late_on=lambda d: d in three))) == ["lates"]
    assert patterns.repeated_lates(register(late_on=lambda d: d == days[5])) == []


def test_logged_medical_appointment_marked_o_or_i_is_a_coding_error():
    day = school_days()[20]
    marks = register(lambda d: d == day, code="O")
    found = patterns.coding_errors(marks, [AppointmentRow(day, "AM", "medical")])
    assert len(found) == 1 and found[0].kind == "coding_error"
    assert "Marked O" in found[0].detail and found[0].dates == [day]
    illness = register(lambda d: d == day, code="I")
    assert len(patterns.coding_errors(illness, [AppointmentRow(day, "", "dental")])) == 2


def test_appointment_correctly_coded_m_is_not_an_error():
    day = school_days()[20]
    marks = register(lambda d: d == day, code="M")
    assert patterns.coding_errors(marks, [AppointmentRow(day, "", "medical")]) == []


def test_register_note_naming_an_appointment_flags_an_o():
    day = school_days()[7]
    marks = [MarkRow(day, "AM", "O", "Mum rang: dentist at 10"), MarkRow(day, "PM", "O", "")]
    found = patterns.coding_errors(marks, [])
    assert len(found) == 1 and "dentist" in found[0].detail
    assert patterns.coding_errors([MarkRow(day, "AM", "O", "no reason given")], []) == []


@pytest.mark.parametrize(
    "weekly,rising",
    [
        ([0, 0, 1, 0, 0, 0, 1, 1, 2, 2, 3, 3], True),
        ([1] * 12, False),
        ([2, 2, 1, 2, 1, 2, 2, 1, 2, 2, 1, 2], False),
        ([3, 3, 2, 3, 0, 0, 0, 0], False),
        ([0, 0, 4], False),
    ],
)
def test_rising_high_level_incidents(weekly, rising):
    assert bool(patterns.rising_incidents(weekly)) is rising


def test_random_incidents_do_not_look_like_a_rise():
    for seed in range(30):
        rng = random.Random(seed)
        weekly = [sum(rng.random() < 0.1 for _ in range(5)) for _ in range(12)]
        assert patterns.rising_incidents(weekly) == [], f"false alarm with seed {seed}"


@pytest.mark.parametrize(
    "slips,points,weeks,expected",
    [(0, 300, 6, True), (0, 600, 6, False), (1, 0, 6, False), (0, 0, 0, False)],
)
def test_below_the_radar(slips, points, weeks, expected):
    assert (
        patterns.below_radar(slips=slips, points_total=points, weeks=weeks, target=100) is expected
    )
