"""Bench seed: years of key-work sessions with their topics and targets (``manage.py bench``).

Rates per child and week of history (from the start of the placement, at most ``scale.years``
back): 1.5 sessions in a children's home (4-6 a month), 1 in a school. At full scale that is about
230,000 sessions. Recent ones are still awaiting sign-off, a few are drafts, the rest signed off."""

from .models import KeyWorkSession, SessionTopic, Target
from .services import topics_ensure_defaults

RATE = {"home": 1.5, "school": 1.0}  # sessions a week

ACCOUNT = (
    "We met in the quiet room after lunch. They talked about the week: friendships, a "
    "difficult moment in maths on Tuesday and how it was put right, and what is coming up at the "
    "weekend. We went over the targets from last time; one is achieved and one carried forward. "
    "They chose the next target and how we will both know it has been met. Ended calmly."
)


def bench_seed(ctx) -> None:
    org_id = ctx.organisation.pk
    topics_ensure_defaults(organisation_id=org_id)
    today = ctx.last_day()  # the end of the history
    rate = f"CASE c.site_kind WHEN 'home' THEN {RATE['home']} ELSE {RATE['school']} END::numeric"
    # One row per session: the n-th session of a child falls n × 7 / rate days into its window.
    sessions = f"""
        FROM ({ctx.children_sql()}) c
        CROSS JOIN LATERAL (SELECT {ctx.window_start_sql()} AS first, {rate} AS rate) w
        CROSS JOIN LATERAL generate_series(
            0, GREATEST(floor((DATE '{today}' - w.first) * w.rate / 7)::int - 1, -1)
        ) AS n
        CROSS JOIN LATERAL (
            SELECT LEAST(w.first + (floor(n * 7 / w.rate) + mod(c.id + n, 3))::int, DATE '{today}')
                   AS day,
                   DATE '{today}' - LEAST(
                       w.first + (floor(n * 7 / w.rate) + mod(c.id + n, 3))::int, DATE '{today}'
                   ) AS age
        ) d
    """
    status = (
        "CASE WHEN d.age < 2 AND mod(c.id, 4) = 0 THEN 'draft' "
        "WHEN d.age < 10 THEN 'submitted' ELSE 'signed_off' END"
    )
    ctx.insert_select(
        KeyWorkSession,
        {
            "child": "c.id",
            "author": "c.staff_id",
            "status": status,
            "title": "'Key-work session: ' || to_char(d.day, 'DD.MM.YYYY')",
            "date": "d.day",
            "start_time": "TIME '15:30'",
            "end_time": "CASE c.site_kind WHEN 'school' THEN TIME '15:50' ELSE TIME '16:15' END",
            "initiated_by": "CASE WHEN mod(n, 3) = 0 THEN 'child' ELSE 'key_worker' END",
            "purpose": "(ARRAY['progress','issue','review','future','past'])[mod(n, 5) + 1]",
            "engagement": "CASE WHEN mod(c.id + n, 17) = 0 THEN 'declined' ELSE 'engaged' END",
            "account": f"'{ACCOUNT}'",
            "follow_up": "'Check in on Friday about the target.'",
            "focus": "CASE c.site_kind WHEN 'school' THEN "
            "(ARRAY['ehcp','iep','student_voice','general'])[mod(n, 4) + 1] ELSE '' END",
            "quality_standards": "CASE c.site_kind WHEN 'home' THEN "
            "ARRAY[mod(n, 9) + 1, mod(n + 4, 9) + 1]::smallint[] ELSE '{}'::smallint[] END",
            "placement_plan_update": "CASE c.site_kind WHEN 'home' THEN false END",
            "behaviour_plan_update": "CASE c.site_kind WHEN 'home' THEN false END",
            "submitted_at": f"CASE WHEN {status} = 'draft' THEN NULL ELSE d.day + TIME '16:30' END",
            "reviewed_by": f"CASE WHEN {status} = 'signed_off' THEN c.manager_id END",
            "reviewed_at": f"CASE WHEN {status} = 'signed_off' THEN d.day + TIME '17:30' END",
            "created_at": "d.day + TIME '15:30'",
            "updated_at": "d.day + TIME '16:30'",
        },
        sessions + " ORDER BY d.day, c.id",
    )
    # One topic per session, turning through the organisation's list.
    ctx.insert_select(
        SessionTopic,
        {"session": "s.id", "topic": "t.ids[mod(s.id, array_length(t.ids, 1)) + 1]"},
        f"""FROM sessions_app_keyworksession s,
                (SELECT array_agg(id ORDER BY id) AS ids FROM sessions_app_topic
                  WHERE organisation_id = {org_id}) t
           WHERE s.organisation_id = {org_id}""",
    )
    # A target in every other session, reviewed and closed in the child's next session.
    ctx.insert_select(
        Target,
        {
            "child": "s.child_id",
            "set_in": "s.id",
            "what": "'Use the calm-down plan before asking for help.'",
            "measure": "'Fewer than two low-level slips a week.'",
            "due_on": "s.date + 14",
            "area": "CASE WHEN s.focus = '' THEN 'emotional' ELSE 'behaviour' END",
            "outcome": "CASE WHEN s.next_id IS NULL THEN '' ELSE 'achieved' END",
            "closed_in": "s.next_id",
            "created_at": "s.created_at",
        },
        f"""FROM (SELECT id, child_id, date, focus, created_at, status,
                         lead(id) OVER (PARTITION BY child_id ORDER BY date, id) AS next_id
                    FROM sessions_app_keyworksession WHERE organisation_id = {org_id}) s
           WHERE mod(s.id, 2) = 0 AND s.status <> 'draft'""",
    )
