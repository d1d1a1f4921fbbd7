"""Demo compliance: each site's default policy (and the England calendar for the school), a first
sweep over the demo records, and twelve weeks of history for the on-time chart."""

import datetime
from collections import Counter

from django.utils import timezone

from tenancy.context import organisation_scope
from tenancy.models import Site

from . import services
from .calendar import week_start
from .models import Obligation, Policy, Rule, Status, StatusChange


def seed(world) -> None:
    for org in (world.school_org, world.provider):
        with organisation_scope(org.pk):
            if Policy.objects.exists():
                continue
            for site in Site.objects.all():
                services.policy_ensure(site=site)
            _history(org, world.rng)
            result = services.sweep_organisation(organisation_id=org.pk)
            overdue = Counter(
                Obligation.objects.filter(status=Status.OVERDUE).values_list("rule", flat=True)
            )
            labels = dict(Rule.choices)
            world.stdout.write(
                f"  compliance: {org.name}: {result.obligations} obligations, "
                f"{sum(overdue.values())} overdue ("
                + ", ".join(f"{labels[r].lower()} {n}" for r, n in sorted(overdue.items()))
                + ")"
            )


def _history(org, rng) -> None:
    """Past weeks' changes of status (what twelve weeks of sweeps would have recorded), so the
    chart has a story: mostly on time, a dip five weeks ago."""
    services.sweep_organisation(organisation_id=org.pk)  # obligations to hang the history on
    today = timezone.localdate()
    rows = []
    obligations = list(Obligation.objects.filter(rule=Rule.SESSION))
    for weeks_ago in range(1, 12):
        start = week_start(today) - datetime.timedelta(weeks=weeks_ago)
        late_chance = 0.35 if weeks_ago == 5 else 0.08
        for ob in obligations:
            due = start + datetime.timedelta(days=rng.randrange(7))
            rows.append((ob, due, Status.DUE_TODAY))
            if rng.random() < late_chance:
                rows.append((ob, due, Status.OVERDUE))
    StatusChange.objects.bulk_create(
        [
            StatusChange(
                organisation_id=org.pk,
                obligation=ob,
                child_id=ob.child_id,
                site_id=ob.site_id,
                rule=ob.rule,
                staff_id=ob.staff_id,
                due_on=due,
                status=status,
                created_at=timezone.make_aware(datetime.datetime.combine(due, datetime.time(9))),
            )
            for ob, due, status in rows
        ],
        ignore_conflicts=True,
    )
