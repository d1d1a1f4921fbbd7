"""Bench seed: years of contacts (``manage.py bench``).

Per child and week of history (from the start of the placement, at most ``scale.years`` back):
schools make the weekly round-up call home and a same-day call every other week; homes send the
weekly update to the social worker, have family time most weeks, a call with a parent every other
week and a statutory visit every six weeks. At full scale: about 350,000 contacts."""

from .models import Contact

# (site kind, kind, purpose, method, professional role, every n weeks, weekday offset)
PATTERN = [
    ("school", "parent", "weekly_roundup", "phone", "", 1, 4),
    ("school", "parent", "same_day", "phone", "", 2, 1),
    ("home", "professional", "weekly_update", "email", "social_worker", 1, 4),
    ("home", "family_time", "general", "in_person", "", 1, 5),
    ("home", "parent", "general", "phone", "", 2, 2),
    ("home", "visit", "general", "in_person", "social_worker", 6, 3),
]


def bench_seed(ctx) -> None:
    today = ctx.last_day()  # the end of the history
    pattern = " UNION ALL ".join(
        f"SELECT '{site}' AS site_kind, '{kind}' AS kind, '{purpose}' AS purpose, "
        f"'{method}' AS method, '{role}' AS role, {every} AS every, {offset} AS offset_days"
        for site, kind, purpose, method, role, every, offset in PATTERN
    )
    ctx.insert_select(
        Contact,
        {
            "site": "c.site_id",
            "child": "c.id",
            "kind": "p.kind",
            "purpose": "p.purpose",
            "method": "p.method",
            "occurred_at": "(w.day + TIME '15:45') AT TIME ZONE 'Europe/London'",
            "with_whom": "CASE p.role WHEN 'social_worker' THEN 'Social worker' "
            "ELSE 'Parent or carer' END",
            "professional_role": "p.role",
            "summary": "'Went through the week: what went well, one thing to work on, and the "
            "plan for next week. Agreed to speak again next week.'",
            "supervised": "CASE p.kind WHEN 'family_time' THEN mod(c.id, 2) = 0 END",
            "placement_to_18": "CASE p.kind WHEN 'visit' THEN true ELSE false END",
            "recorded_by": "c.staff_id",
            "created_at": "w.day + TIME '16:00'",
            "updated_at": "w.day + TIME '16:00'",
        },
        f"""FROM ({ctx.children_sql()}) c
        JOIN ({pattern}) p ON p.site_kind = c.site_kind
        CROSS JOIN LATERAL generate_series(
            {ctx.window_start_sql()}::timestamp + make_interval(days => p.offset_days),
            DATE '{today}', make_interval(weeks => p.every)) g
        CROSS JOIN LATERAL (SELECT g::date AS day) w
        ORDER BY w.day, c.id""",
    )
