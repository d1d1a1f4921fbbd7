"""How long does the compliance sweep take for a large organisation, and how many queries?

    python bench/compliance_sweep.py [--children 25000]

Builds (once) an organisation "Bench Trust" of ten schools with ``--children`` pupils, each with a
key worker and one session (school sites: a session rule and three plan reviews, so 25,000 pupils
give 100,000 obligations), then times three sweeps: the first (every obligation written), a repeat
(nothing changed) and one a fortnight later (most statuses flip). Uses the database in
DATABASE_URL and leaves the organisation there, so a second run times the sweeps only.
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keywork.settings.dev")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from compliance import services  # noqa: E402
from people.models import Child, KeyWorkerAllocation  # noqa: E402
from sessions_app.models import KeyWorkSession  # noqa: E402
from tenancy.context import organisation_scope  # noqa: E402
from tenancy.models import Organisation, Site  # noqa: E402

User = get_user_model()


def build(children: int) -> Organisation:
    org, created = Organisation.objects.get_or_create(
        slug="bench-trust", defaults={"name": "Bench Trust", "kind": "trust"}
    )
    with organisation_scope(org.pk):
        if not created and Child.objects.exists():
            return org
        rng = random.Random(8)
        today = timezone.localdate()
        sites = [
            Site.objects.create(organisation=org, name=f"Bench School {i}", kind="school")
            for i in range(10)
        ]
        staff = User.objects.bulk_create(
            [User(username=f"bench{i}@bench.example") for i in range(children // 5 + 1)]
        )
        kids = Child.objects.bulk_create(
            [
                Child(
                    organisation=org,
                    site=sites[i % 10],
                    first_name=f"Pupil{i}",
                    last_name="Bench",
                    date_of_birth=datetime.date(2013, 1, 1),
                    start_date=today - datetime.timedelta(days=300),
                )
                for i in range(children)
            ],
            batch_size=5000,
        )
        KeyWorkerAllocation.objects.bulk_create(
            [
                KeyWorkerAllocation(
                    organisation=org,
                    child=c,
                    staff=staff[i // 5],
                    starts_on=c.start_date,
                    reason="first",
                    changed_by=staff[i // 5],
                )
                for i, c in enumerate(kids)
            ],
            batch_size=5000,
        )
        KeyWorkSession.objects.bulk_create(
            [
                KeyWorkSession(
                    organisation=org,
                    child=c,
                    author=staff[i // 5],
                    status="submitted",
                    date=today - datetime.timedelta(days=rng.randrange(1, 20)),
                    account="Bench session.",
                )
                for i, c in enumerate(kids)
            ],
            batch_size=5000,
        )
    return org


def timed(org, now, label):
    with organisation_scope(org.pk), CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        result = services.sweep_organisation(organisation_id=org.pk, now=now)
        took = time.perf_counter() - start
    print(
        f"{label:<28} {took:6.2f} s  {len(ctx.captured_queries):3d} queries  "
        f"{result.obligations:7d} obligations  {result.written:7d} written  "
        f"{result.changes:7d} changes  {result.alerts:7d} alerts"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=25000)
    args = parser.parse_args()
    start = time.perf_counter()
    org = build(args.children)
    print(f"organisation ready in {time.perf_counter() - start:.1f} s")
    now = timezone.now()
    timed(org, now, "first sweep")
    timed(org, now, "repeat (nothing new)")
    timed(org, now + datetime.timedelta(days=14), "a fortnight later")


if __name__ == "__main__":
    main()
