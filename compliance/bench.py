"""Bench seed: each site's policy (and a school's term calendar), the obligations of every child x
rule as the first sweep computes them from the seeded records, and three years of recorded status
changes behind them (a "due soon" every fortnight, an "overdue" one time in seven), which the
on-time charts read (``manage.py bench``)."""

import datetime

from django.utils import timezone

from .models import StatusChange
from .services import policy_ensure, sweep_organisation


def bench_seed(ctx) -> None:
    org_id = ctx.organisation.pk
    for site in ctx.sites:
        policy_ensure(site=site)
    sweep_organisation(organisation_id=org_id, now=timezone.now())
    first = ctx.today - datetime.timedelta(days=365 * ctx.scale.years)
    last = ctx.today - datetime.timedelta(days=1)
    ctx.insert_select(
        StatusChange,
        {
            "obligation": "o.id",
            "child": "o.child_id",
            "site": "o.site_id",
            "rule": "o.rule",
            "staff": "o.staff_id",
            "due_on": "d.day",
            "status": "st",
            "created_at": "(d.day - CASE st WHEN 'due_soon' THEN 3 ELSE -1 END)::timestamp"
            " + TIME '06:00'",
        },
        f"""FROM compliance_obligation o
        JOIN people_child ch ON ch.id = o.child_id
        CROSS JOIN LATERAL generate_series(
            GREATEST(ch.start_date, DATE '{first.isoformat()}') + mod(o.id, 14)::int,
            DATE '{last.isoformat()}', '14 days') g
        CROSS JOIN LATERAL (SELECT g::date AS day) d
        CROSS JOIN unnest(ARRAY['due_soon', 'overdue']) AS st
        WHERE o.organisation_id = {org_id}
          AND (st = 'due_soon' OR mod(o.id + (d.day - DATE '2000-01-01'), 7) = 0)
        ORDER BY d.day, o.id""",
        suffix="ON CONFLICT DO NOTHING",
    )
