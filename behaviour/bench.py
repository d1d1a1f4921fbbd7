"""Bench seed: years of behaviour slips, class points and attendance marks (``manage.py bench``).

Per child and week of history (from the start of the placement, at most ``scale.years`` back):
6 slips in a school, 3 in a children's home (half low level, a tenth high level, the rest green or
growth mindset); class points for school pupils each school day; an AM and a PM mark for every
child each weekday outside August (young people in homes go to school too). At full scale: about
700,000 slips and 1.7 million marks."""

from .models import AttendanceMark, ClassPoints, Kind, Slip, SlipType

SLIPS_A_WEEK = {"school": 6, "home": 3}
TYPES = [
    ("Disruption in class", Kind.LOW),
    ("Uniform", Kind.LOW),
    ("Physical aggression", Kind.HIGH),
    ("Helping others", Kind.GREEN),
    ("Kept trying", Kind.GROWTH),
]
LESSONS = ["Maths", "English", "Science", "PE", "Art", "Tutor time"]
LOCATIONS = ["Classroom", "Corridor", "Playground", "Dining hall", "Lounge"]


def _sql_array(values) -> str:
    return "(ARRAY[" + ",".join(f"'{v}'" for v in values) + "])"


def bench_seed(ctx) -> None:
    org_id = ctx.organisation.pk
    types = SlipType.objects.bulk_create(
        SlipType(organisation_id=org_id, name=name, kind=kind) for name, kind in TYPES
    )
    type_ids = "(ARRAY[" + ",".join(str(t.pk) for t in types) + "])"
    kinds = _sql_array(kind for _, kind in TYPES)
    today = ctx.last_day()  # the end of the history
    days = f"""
        FROM ({ctx.children_sql()}) c
        CROSS JOIN LATERAL generate_series({ctx.window_start_sql()}, DATE '{today}', '1 day') g
        CROSS JOIN LATERAL (SELECT g::date AS day) d
    """
    rate = f"CASE c.site_kind WHEN 'school' THEN {SLIPS_A_WEEK['school']} ELSE {SLIPS_A_WEEK['home']} END"
    weekday = "extract(isodow FROM d.day) < 6 AND extract(month FROM d.day) <> 8"
    # Slips: a weekly rate r gives r/5 a school day: a first slip on min(r, 5) days in 5, a second
    # on the rest.
    # The type turns through the list weighted 5:1:1:2:1 (low, low, high, green, growth).
    pick = "(ARRAY[1,1,1,1,1,2,3,4,4,5])[mod(c.id * 7 + (d.day - DATE '2000-01-01') + k, 10) + 1]"
    ctx.insert_select(
        Slip,
        {
            "site": "c.site_id",
            "child": "c.id",
            "kind": f"{kinds}[{pick}]",
            "slip_type": f"{type_ids}[{pick}]",
            "occurred_at": "(d.day + TIME '09:10' + make_interval(mins => (50 * k + mod(c.id, 40))::int))"
            " AT TIME ZONE 'Europe/London'",
            "lesson": f"{_sql_array(LESSONS)}[mod(c.id + k, {len(LESSONS)}) + 1]",
            "location": f"{_sql_array(LOCATIONS)}[mod(c.id + k * 3, {len(LOCATIONS)}) + 1]",
            "recorded_by": "c.staff_id",
            "what_happened": "'Left the lesson without asking and came back after five minutes.'",
            "action_taken": "'Talked it through at break.'",
            "points": f"CASE WHEN {kinds}[{pick}] IN ('green', 'growth') THEN 5 ELSE 0 END",
            "incident_ref": "md5(c.id::text || d.day::text || k::text)",
            "created_at": "d.day + TIME '16:00'",
            "updated_at": "d.day + TIME '16:00'",
        },
        f"""{days}
        CROSS JOIN generate_series(0, 1) AS k
        WHERE {weekday}
          AND mod(c.id + (d.day - DATE '2000-01-01') * 3, 5) < {rate} - 5 * k
        ORDER BY d.day, k, c.id""",
    )
    # Class points: school pupils, one entry a school day, 12 to 30 points.
    ctx.insert_select(
        ClassPoints,
        {
            "site": "c.site_id",
            "child": "c.id",
            "date": "d.day",
            "lesson": "'All lessons'",
            "points": "12 + mod(c.id * 13 + (d.day - DATE '2000-01-01'), 19)",
            "recorded_by": "c.staff_id",
            "updated_at": "d.day + TIME '16:00'",
        },
        f"{days} WHERE c.site_kind = 'school' AND {weekday} ORDER BY d.day, c.id",
    )
    # Attendance: AM and PM each weekday; mostly present, some lates, illness and unexplained.
    code = (
        "CASE WHEN mod(h, 97) = 0 THEN 'I' WHEN mod(h, 89) = 0 THEN 'O' "
        "WHEN mod(h, 53) = 0 AND s = 'AM' THEN 'L' WHEN mod(h, 211) = 0 THEN 'M' "
        "WHEN s = 'AM' THEN '/' ELSE E'\\\\' END"
    )
    ctx.insert_select(
        AttendanceMark,
        {
            "site": "c.site_id",
            "child": "c.id",
            "date": "d.day",
            "session": "s",
            "code": code,
            "source": "'import'",
            "recorded_by": "c.staff_id",
            "updated_at": "d.day + TIME '09:30'",
        },
        f"""{days}
        CROSS JOIN unnest(ARRAY['AM', 'PM']) AS s
        CROSS JOIN LATERAL (SELECT c.id * 31 + (d.day - DATE '2000-01-01') AS h) x
        WHERE {weekday}
        ORDER BY d.day, c.id, s""",
    )
