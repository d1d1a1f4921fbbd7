"""Demo slips, class points, registers and grades: 12 weeks, with planted patterns.

Penkford School: the first pupil of Emma Doyle (ta1) is absent most Mondays and has a dental
appointment logged on a day the register says O; her second pupil's high-level incidents rise over the
weeks; her third is "below the radar" (no slips, few points); her fourth is often late lately. Brightwater's homes get incidents and
the young people's school attendance. Idempotent: skipped for an organisation that has slips.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from people.models import Child, KeyWorkerAllocation
from tenancy.context import organisation_scope
from tenancy.demo import access_for

from .models import (
    Appointment,
    AssessmentPoint,
    AttendanceMark,
    ClassPoints,
    Grade,
    Kind,
    Slip,
    SlipType,
    Subject,
)
from .services import slip_record

WEEKS = 12
PERIODS = [("P1", 9, 5), ("P2", 10, 10), ("P3", 11, 20), ("P4", 13, 15), ("P5", 14, 20)]
LESSONS = ["English", "Maths", "Science", "PE", "Art", "Humanities", "Food technology"]
LOCATIONS = ["Classroom", "Corridor", "Playground", "Dining hall", "Sports hall", "Toilets"]
HOME_LOCATIONS = ["Lounge", "Kitchen", "Bedroom corridor", "Garden", "Car", "Community"]
LOW = [
    ("Shouted out repeatedly during the lesson after two reminders.", "Reminder, then moved seat."),
    (
        "Refused to start the task and put head on the desk.",
        "Offered a choice of task; took 5 minutes.",
    ),
    ("Used a mobile phone in class.", "Phone handed to reception until the end of the day."),
    ("Pushed in the lunch queue.", "Spoke with them about waiting; apologised."),
]
HIGH = [
    (
        "Threw a chair across the classroom; no one was hurt.",
        "Room cleared; de-escalation by the TA.",
    ),
    (
        "Swore at a member of staff and left the building.",
        "Followed at a distance; returned after 20 minutes.",
    ),
    ("Punched a wall repeatedly and hurt their hand.", "First aid given; parent informed."),
]
GREEN = [
    ("Helped a new pupil find their way around all morning.", ""),
    ("Completed all of the maths task without prompting.", ""),
    ("Stayed calm when another pupil was unkind, and told an adult.", ""),
]
GROWTH = [("Kept trying with a hard reading task and asked for help.", "")]
HOME_LOW = [
    ("Refused to come down for the evening meal.", "Meal kept back; ate at 7pm."),
    ("Came in 40 minutes after the agreed time.", "Talked through the agreement about times."),
]
HOME_HIGH = [
    ("Missing from the home for 3 hours; returned by police.", "Reported missing under protocol."),
    ("Damaged a bedroom door after a phone call with family.", "Space given; door repaired."),
]


def _school_days(today: datetime.date) -> list[datetime.date]:
    monday = today - datetime.timedelta(days=today.weekday()) - datetime.timedelta(weeks=WEEKS - 1)
    if today.weekday() >= 5:  # at a weekend the current week is over: show twelve full weeks
        monday += datetime.timedelta(weeks=1)
    days = []
    day = monday
    while day <= today:
        if day.weekday() < 5:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def _at(day: datetime.date, hour: int, minute: int, tz) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)


def seed(world) -> None:
    _seed_school(world)
    _seed_homes(world)


def _key_worker_pupils(site, staff) -> list[Child]:
    ids = KeyWorkerAllocation.objects.filter(
        child__site=site, staff=staff, kind="primary", ends_on__isnull=True
    ).values("child_id")
    return list(Child.objects.filter(pk__in=ids).order_by("pk"))


def _record(slips: list[Slip]) -> None:
    """Each demo slip through ``services.slip_record``, as the member of staff who recorded it: the
    slip gets its audit entry and the hooks real use runs (a home's high-level incident alerts its
    managers). A slip later today than now is left out: the service refuses the future."""
    now = timezone.now()
    accesses: dict[int, object] = {}
    for slip in slips:
        if slip.occurred_at > now:
            continue
        user = slip.recorded_by
        if user.pk not in accesses:
            accesses[user.pk] = access_for(user, slip.organisation)
        slip_record(
            access=accesses[user.pk],
            child=slip.child,
            kind=slip.kind,
            occurred_at=slip.occurred_at,
            what_happened=slip.what_happened,
            lesson=slip.lesson,
            location=slip.location,
            action_taken=slip.action_taken,
            outcome=slip.outcome,
            points=slip.points,
            worth_a_call=slip.worth_a_call,
        )


def _seed_school(world) -> None:
    site, org, rng = world.school, world.school_org, world.rng
    tz = ZoneInfo(site.time_zone)
    with organisation_scope(org.pk):
        if Slip.objects.filter(site=site).exists():
            return
        today = timezone.localdate(timezone.now(), tz)
        days = _school_days(today)
        half_term = {d for d in days if d.month == 10 and 26 <= d.day <= 30}
        staff = [world.users["deputy"], world.users["behaviour_lead"], *world.users["tas"]]
        pupils = list(Child.objects.filter(site=site, leaving_date__isnull=True).order_by("pk"))
        mine = _key_worker_pupils(site, world.users["tas"][0])
        monday_pupil, rising_pupil, radar_pupil, late_pupil = mine[0], mine[1], mine[2], mine[3]
        SlipType.objects.get_or_create(
            organisation=org, name="Uniform", defaults={"kind": Kind.LOW}
        )
        slips, marks, points = [], [], []
        for child in pupils:
            absence_rate = 0.04 if child.pk % 5 else 0.12
            for i, day in enumerate(days):
                week = i // 5
                for session, default in (("AM", "/"), ("PM", "\\")):
                    code = default
                    if day in half_term:
                        code = "#"
                    elif child == monday_pupil and day.weekday() == 0 and week % 4 != 3:
                        code = "N" if week > WEEKS - 3 else "O"
                    elif (
                        child == late_pupil
                        and session == "AM"
                        and i >= len(days) - 15
                        and i % 3 == 0
                    ):
                        code = "L"
                    elif rng.random() < absence_rate:
                        code = rng.choice(["I", "I", "M", "O", "N", "G"])
                    elif session == "AM" and rng.random() < 0.03:
                        code = "L"
                    marks.append(
                        AttendanceMark(
                            organisation=org,
                            site=site,
                            child=child,
                            date=day,
                            session=session,
                            code=code,
                            recorded_by=staff[2],
                            source="register",
                        )
                    )
                present = all(m.code in ("/", "\\", "L") for m in marks[-2:])
                if day in half_term or not present:
                    continue
                for lesson in rng.sample(LESSONS, 2):
                    value = rng.randint(3, 7) if child == radar_pupil else rng.randint(9, 14)
                    points.append(
                        ClassPoints(
                            organisation=org,
                            site=site,
                            child=child,
                            date=day,
                            lesson=lesson,
                            points=value,
                            recorded_by=rng.choice(staff),
                        )
                    )
                if child == radar_pupil:
                    continue
                rate_high = 0.01
                if child == rising_pupil:
                    rate_high = 0.01 if week < WEEKS // 2 else 0.2 + 0.1 * (week - WEEKS // 2)
                for kind, rate, texts in (
                    (Kind.LOW, 0.08, LOW),
                    (Kind.HIGH, rate_high, HIGH),
                    (Kind.GREEN, 0.05, GREEN),
                    (Kind.GROWTH, 0.02, GROWTH),
                ):
                    if (
                        child == monday_pupil
                        and i >= len(days) - 10
                        and kind in (Kind.LOW, Kind.HIGH)
                    ):
                        rate = 0.25 if kind == Kind.LOW else 0.1
                    if rng.random() >= rate:
                        continue
                    period, hour, minute = rng.choice(PERIODS)
                    what, action = rng.choice(texts)
                    slips.append(
                        Slip(
                            organisation=org,
                            site=site,
                            child=child,
                            kind=kind,
                            occurred_at=_at(day, hour, minute + rng.randint(0, 30), tz),
                            lesson=f"{period} {rng.choice(LESSONS)}",
                            location=rng.choice(LOCATIONS),
                            recorded_by=rng.choice(staff),
                            what_happened=what,
                            action_taken=action,
                            outcome=rng.choice(["detention", "loss_of_enrichment", ""])
                            if kind == Kind.HIGH
                            else "",
                            points={Kind.LOW: -1, Kind.HIGH: -5, Kind.GREEN: 5, Kind.GROWTH: 3}[
                                kind
                            ],
                            worth_a_call=kind == Kind.GREEN and rng.random() < 0.3,
                        )
                    )
        # The fortnight the demo filters always has the Monday pupil's low- and high-level slips.
        recent = [d for d in days if d not in half_term][-10:]
        for n, (kind, (what, action)) in enumerate(
            [(Kind.LOW, LOW[0]), (Kind.HIGH, HIGH[1]), (Kind.LOW, LOW[2])]
        ):
            slips.append(
                Slip(
                    organisation=org,
                    site=site,
                    child=monday_pupil,
                    kind=kind,
                    occurred_at=_at(recent[1 + 3 * n], 10, 15, tz),
                    lesson="P2 Maths",
                    location="Classroom",
                    recorded_by=world.users["tas"][0],
                    what_happened=what,
                    action_taken=action,
                    points=-1,
                )
            )
        _record(slips)
        AttendanceMark.objects.bulk_create(marks)
        ClassPoints.objects.bulk_create(points)
        # A dental appointment logged for a Wednesday the register records as O (a coding error).
        wednesday = [d for d in days if d.weekday() == 2 and d not in half_term][-3]
        AttendanceMark.objects.filter(child=monday_pupil, date=wednesday).update(
            code="O", note="Mum rang: dentist"
        )
        Appointment.objects.create(
            organisation=org,
            child=monday_pupil,
            date=wednesday,
            session="",
            kind="dental",
            note="Orthodontist, Riverside Dental",
            recorded_by=world.users["tas"][0],
        )
        _seed_grades(org, site, pupils, world.users["deputy"], rng)
        world.stdout.write(
            f"  behaviour: {monday_pupil.full_name} (absent most Mondays, a miscoded appointment), "
            f"{rising_pupil.full_name} (rising incidents), {radar_pupil.full_name} (below the "
            f"radar) and {late_pupil.full_name} (repeatedly late) are Emma Doyle's pupils"
        )


def _seed_grades(org, site, pupils, by, rng) -> None:
    subjects = [
        Subject.objects.create(organisation=org, site=site, name=name)
        for name in ("English", "Maths", "Science")
    ]
    year = timezone.localdate().year
    points = [
        AssessmentPoint.objects.create(organisation=org, site=site, name=name, date=date)
        for name, date in (
            ("Spring 2", datetime.date(year, 3, 27)),
            ("Summer 2", datetime.date(year, 7, 17)),
            ("Autumn 1", datetime.date(year, 10, 23)),
        )
    ]
    grades = []
    for child in pupils:
        for subject in subjects:
            start = Decimal(rng.randint(10, 40)) / 10
            target = start + Decimal("1.0")
            for n, point in enumerate(points):
                grades.append(
                    Grade(
                        organisation=org,
                        child=child,
                        subject=subject,
                        assessment_point=point,
                        working_at=start + Decimal(rng.randint(-1, 4)) * n / 10,
                        target=target,
                        recorded_by=by,
                    )
                )
    Grade.objects.bulk_create(grades)


def _seed_homes(world) -> None:
    org, rng = world.provider, world.rng
    with organisation_scope(org.pk):
        for site, workers in (
            (world.oak, world.users["oak_rsw"]),
            (world.willow, world.users["willow_rsw"]),
        ):
            if Slip.objects.filter(site=site).exists():
                continue
            tz = ZoneInfo(site.time_zone)
            days = _school_days(timezone.localdate(timezone.now(), tz))
            slips, marks = [], []
            for child in Child.objects.filter(site=site).order_by("pk"):
                for day in days:
                    for session, default in (("AM", "/"), ("PM", "\\")):
                        code = default if rng.random() > 0.1 else rng.choice(["I", "O", "U", "E"])
                        marks.append(
                            AttendanceMark(
                                organisation=org,
                                site=site,
                                child=child,
                                date=day,
                                session=session,
                                code=code,
                                recorded_by=workers[0],
                                source="import",
                            )
                        )
                    for kind, rate, texts in (
                        (Kind.LOW, 0.12, HOME_LOW),
                        (Kind.HIGH, 0.04, HOME_HIGH),
                    ):
                        if rng.random() < rate:
                            what, action = rng.choice(texts)
                            slips.append(
                                Slip(
                                    organisation=org,
                                    site=site,
                                    child=child,
                                    kind=kind,
                                    occurred_at=_at(
                                        day, rng.randint(16, 21), rng.randint(0, 59), tz
                                    ),
                                    location=rng.choice(HOME_LOCATIONS),
                                    recorded_by=rng.choice(workers),
                                    what_happened=what,
                                    action_taken=action,
                                )
                            )
            _record(slips)
            AttendanceMark.objects.bulk_create(marks)
