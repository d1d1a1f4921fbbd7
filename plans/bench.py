"""Bench seed: each child's plans with a current version and two superseded ones (``manage.py
bench``). Schools: EHCP, IEP and pupil on a page; homes: Placement Plan, Risk Assessment, BMP and
Monthly Review. Review dates spread from a month overdue to five months ahead."""

from .models import Plan, PlanType, PlanVersion

TYPES = {
    "school": [PlanType.EHCP, PlanType.IEP, PlanType.PUPIL_ON_A_PAGE],
    "home": [
        PlanType.PLACEMENT_PLAN,
        PlanType.RISK_ASSESSMENT,
        PlanType.BEHAVIOUR_PLAN,
        PlanType.MONTHLY_REVIEW,
    ],
}


def bench_seed(ctx) -> None:
    org_id = ctx.organisation.pk
    today = ctx.today.isoformat()
    types = " UNION ALL ".join(
        f"SELECT '{kind}' AS site_kind, '{plan_type}' AS plan_type"
        for kind, plan_types in TYPES.items()
        for plan_type in plan_types
    )
    ctx.insert_select(
        Plan,
        {
            "child": "c.id",
            "plan_type": "t.plan_type",
            "shared_with_staff": "t.plan_type = 'pupil_on_a_page'",
            "created_at": "c.start_date",
        },
        f"FROM ({ctx.children_sql()}) c JOIN ({types}) t ON t.site_kind = c.site_kind",
    )
    # Versions 1 and 2 superseded, 3 current (reviewed every 6 months, the last one recently).
    plan_date = f"DATE '{today}' - 180 * (3 - v.n) - mod(p.id, 150)::int"
    ctx.insert_select(
        PlanVersion,
        {
            "plan": "p.id",
            "child": "p.child_id",
            "number": "v.n",
            "status": "CASE v.n WHEN 3 THEN 'current' ELSE 'superseded' END",
            "content": """jsonb_build_object('summary', 'Settled; working on routines.')""",
            "plan_date": plan_date,
            "next_review_date": f"{plan_date} + 180",
            "change_summary": "'Reviewed with the child and the team.'",
            "author": "c.staff_id",
            "published_at": f"({plan_date})::timestamp + TIME '12:00'",
            "published_by": "c.manager_id",
        },
        f"""FROM plans_plan p
        JOIN ({ctx.children_sql()}) c ON c.id = p.child_id
        CROSS JOIN generate_series(1, 3) AS v(n)
        WHERE p.organisation_id = {org_id}""",
    )
