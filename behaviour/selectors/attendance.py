"""Attendance and class points: marks and appointments for a period, attendance patterns (one
child, a site, a key worker's children), certificates, the register and the points sheet."""

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncWeek

from people.models import Child
from tenancy.access import Access
from tenancy.models import Site

from .. import codes, patterns, periods
from ..models import (
    Appointment,
    AttendanceMark,
    ClassPoints,
    Kind,
    Slip,
)
from .base import PATTERN_WEEKS, _tz, current_children, day_bounds

# ---- attendance -------------------------------------------------------------------------------


def marks_for(child: Child, start: datetime.date, end: datetime.date) -> list[patterns.MarkRow]:
    return [
        patterns.MarkRow(*row)
        for row in AttendanceMark.objects.filter(child=child, date__gte=start, date__lte=end)
        .order_by("date", "session")
        .values_list("date", "session", "code", "note")
    ]


def appointments_for(child: Child, start, end) -> list[patterns.AppointmentRow]:
    return [
        patterns.AppointmentRow(*row)
        for row in Appointment.objects.filter(child=child, date__gte=start, date__lte=end)
        .order_by("date")
        .values_list("date", "session", "kind")
    ]


def pattern_window(end: datetime.date) -> tuple[datetime.date, datetime.date]:
    return end - datetime.timedelta(weeks=PATTERN_WEEKS) + datetime.timedelta(days=1), end


def patterns_for(children: list[Child], end: datetime.date) -> dict[int, list[patterns.Pattern]]:
    """Attendance and behaviour patterns of several children over the 12 weeks to ``end``
    (3 queries however many children). Weeks are the first child's site's weeks."""
    if not children:
        return {}
    start, end = pattern_window(end)
    ids = [c.pk for c in children]
    site = children[0].site
    tz = _tz(site)
    lo, hi = day_bounds(site, start, end)
    marks: dict[int, list] = {pk: [] for pk in ids}
    for child_id, *row in (
        AttendanceMark.objects.filter(child_id__in=ids, date__gte=start, date__lte=end)
        .order_by("child_id", "date", "session")
        .values_list("child_id", "date", "session", "code", "note")
    ):
        marks[child_id].append(patterns.MarkRow(*row))
    appointments: dict[int, list] = {pk: [] for pk in ids}
    for child_id, *row in (
        Appointment.objects.filter(child_id__in=ids, date__gte=start, date__lte=end)
        .order_by("date")
        .values_list("child_id", "date", "session", "kind")
    ):
        appointments[child_id].append(patterns.AppointmentRow(*row))
    weekly: dict[int, dict] = {pk: {} for pk in ids}
    for row in (
        Slip.objects.filter(
            child_id__in=ids,
            kind=Kind.HIGH,
            retracted_at__isnull=True,
            occurred_at__gte=lo,
            occurred_at__lt=hi,
        )
        .annotate(week=TruncWeek("occurred_at", tzinfo=tz))
        .values("child_id", "week")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        weekly[row["child_id"]][row["week"].astimezone(tz).date()] = row["n"]
    week_list = periods.weeks(start, end)
    return {
        pk: patterns.attendance_patterns(marks[pk], appointments[pk])
        + patterns.rising_incidents([weekly[pk].get(w, 0) for w in week_list])
        for pk in ids
    }


def child_patterns(child: Child, end: datetime.date) -> list[patterns.Pattern]:
    """One child's patterns over the 12 weeks to ``end`` (3 queries)."""
    return patterns_for([child], end)[child.pk]


@dataclass
class PatternRow:
    child: Child
    patterns: list


def my_children_patterns(access: Access, end: datetime.date) -> list[PatternRow]:
    """The key worker's own children (key worker or cover today) and their patterns (4 queries)."""
    from people.selectors import my_children

    children = list(my_children(access).order_by("last_name", "first_name"))
    found = patterns_for(children, end)
    return [PatternRow(child=c, patterns=found[c.pk]) for c in children]


@dataclass
class Certificate:
    child: Child
    start: datetime.date
    end: datetime.date
    tally: codes.Tally
    rows: list[dict]  # per code: code, description, group, meaning, count


def certificate(child: Child, start: datetime.date, end: datetime.date) -> Certificate:
    marks = marks_for(child, start, end)
    tally = patterns.tally(marks)
    rows = [
        {
            "code": c.code,
            "description": c.description,
            "group": c.group,
            "meaning": c.meaning.value,
            "count": tally.by_code.get(c.code, 0),
        }
        for c in codes.CODES.values()
        if tally.by_code.get(c.code)
    ]
    return Certificate(child=child, start=start, end=end, tally=tally, rows=rows)


def academic_year_start(day: datetime.date) -> datetime.date:
    year = day.year if day.month >= 9 else day.year - 1
    return datetime.date(year, 9, 1)


@dataclass
class RegisterRow:
    child: Child
    mark: AttendanceMark | None


def register(site: Site, day: datetime.date, session: str) -> list[RegisterRow]:
    """The site's current children and their mark for one session (2 queries)."""
    marks = {
        m.child_id: m for m in AttendanceMark.objects.filter(site=site, date=day, session=session)
    }
    return [
        RegisterRow(child=c, mark=marks.get(c.pk))
        for c in current_children(site, day).order_by("last_name", "first_name")
    ]


# ---- class points -----------------------------------------------------------------------------


def points_sheet(site: Site, day: datetime.date, lesson: str) -> list[tuple[Child, int | None]]:
    existing = dict(
        ClassPoints.objects.filter(site=site, date=day, lesson=lesson).values_list(
            "child_id", "points"
        )
    )
    return [
        (c, existing.get(c.pk))
        for c in current_children(site, day).order_by("last_name", "first_name")
    ]


def lessons_used(site: Site) -> list[str]:
    return list(
        ClassPoints.objects.filter(site=site)
        .order_by("lesson")
        .values_list("lesson", flat=True)
        .distinct()[:30]
    )
