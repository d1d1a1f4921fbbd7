"""`python manage.py bench [--scale small|medium|full] [--load]`: seed (once), then measure the
pages, PDFs, the bundle, the Excel export and the sweep; with ``--load``, a mixed workload of 50
signed-in users against gunicorn under wrk. Prints one table and writes bench/results/<scale>.json."""

import datetime
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from bench import measure, pages
from bench.seed import Scale, complete, seed
from tenancy.context import organisation_scope
from tenancy.models import Organisation

RESULTS = Path(__file__).resolve().parents[2] / "results"


class Command(BaseCommand):
    help = "Seed a large organisation (if absent) and measure pages, exports, the sweep and load."

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="small", choices=["small", "medium", "full"])
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--prefix", default="bench")
        parser.add_argument("--seed-only", action="store_true")
        parser.add_argument("--load", action="store_true", help="also the gunicorn + wrk load test")
        parser.add_argument("--load-only", action="store_true")
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--duration", type=int, default=30, help="seconds of load")
        parser.add_argument(
            "--workers", type=int, default=None, help="gunicorn workers (default: the config's)"
        )
        parser.add_argument("--worker-class", default=None, help="sync or gthread")
        parser.add_argument("--threads", type=int, default=None, help="gthread's threads")

    def handle(
        self,
        *,
        scale,
        repeat,
        prefix,
        seed_only=False,
        load=False,
        load_only=False,
        users=50,
        duration=30,
        workers=None,
        worker_class=None,
        threads=None,
        **options,
    ):
        # Timed as production runs: no DEBUG query log, and not Django's test environment either
        # (it wraps every template render to record its context for assertions: 15-25 % of a
        # list page's time, which no server pays). The test client only needs its host allowed.
        settings.DEBUG = False
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        slug = f"{prefix}-{scale}-large"
        org = Organisation.objects.filter(slug=slug).first()
        if org is None:
            started = time.perf_counter()
            seed(Scale.named(scale), prefix=f"{prefix}-{scale}", log=self.stdout.write)
            self.stdout.write(f"seed: {time.perf_counter() - started:.1f}s")
            org = Organisation.objects.get(slug=slug)
        if not complete(org):
            raise SystemExit(
                f"{slug} was only partly seeded (a run stopped half-way): use another --prefix "
                "or a fresh database."
            )
        if seed_only:
            return
        out = RESULTS / f"{scale}.json"
        counts = self.counts(org)
        rows = [] if load_only else self.measure(org, repeat)
        if load or load_only:
            from bench import load as load_test

            rows.extend(
                load_test.run(
                    org,
                    users=users,
                    duration=duration,
                    workers=workers,
                    worker_class=worker_class,
                    threads=threads,
                    log=self.stdout.write,
                )
            )
        self.stdout.write(f"\n{counts}\n")
        self.stdout.write(measure.table(rows))
        measure.write_json(
            rows,
            out,
            {"scale": scale, "data": counts, "when": timezone.now().isoformat(timespec="minutes")},
        )
        self.stdout.write(f"\nwritten to {out}")
        over = measure.over_sql_budget(rows)
        if over:
            raise CommandError("raw SQL over its budget (a plan regression?):\n" + "\n".join(over))

    def counts(self, org) -> str:
        from behaviour.models import AttendanceMark, Slip
        from compliance.models import Obligation
        from contacts.models import Contact
        from people.models import Child
        from sessions_app.models import KeyWorkSession

        with organisation_scope(org.pk):
            figures = {
                "children": Child.objects.count(),
                "sessions": KeyWorkSession.objects.count(),
                "slips": Slip.objects.count(),
                "attendance marks": AttendanceMark.objects.count(),
                "contacts": Contact.objects.count(),
                "obligations": Obligation.objects.count(),
            }
        return "large organisation: " + ", ".join(f"{v:,} {k}" for k, v in figures.items())

    def measure(self, org, repeat) -> list:
        from accounts.testing import VerifiedClient, confirm_recently

        people = pages.find(org)
        client = VerifiedClient()
        rows, current = [], None
        for page in pages.pages(people):
            if page.user != current:
                client.force_login(page.user)
                current = page.user
            if page.confirmed:
                confirm_recently(client)
            heavy = page.budget_ms is None or page.budget_ms > pages.PAGE_BUDGET_MS
            rows.append(
                measure.measure_page(
                    client,
                    page.name,
                    page.url,
                    repeat=max(3, repeat // 4) if heavy else repeat,
                    budget_ms=page.budget_ms,
                    raw_rule=page.raw_rule,
                    sql_budget_ms=page.sql_budget_ms,
                )
            )
        rows.extend(self.pdf_layout(org, people))
        rows.append(self.bundle(org))
        rows.extend(self.sweeps(org))
        return rows

    def pdf_layout(self, org, people):
        from bench.pdf import compare
        from sessions_app.selectors import session_record

        with organisation_scope(org.pk):
            session = session_record(type(people.session).objects.get(pk=people.session.pk))
            return compare(session, org)

    def bundle(self, org):
        from sessions_app.exports import bundle_pdf
        from sessions_app.selectors import bundle_sessions, target_history

        child, start, end, n = pages.bundle_child(org)

        def build():
            with organisation_scope(org.pk):
                sessions = bundle_sessions(child, start, end)
                targets = [t for t in target_history(child) if start <= t.set_in.date <= end]
                bundle_pdf(
                    child=child,
                    organisation=org,
                    sessions=sessions,
                    start=start,
                    end=end,
                    targets=targets,
                )

        return measure.measure_call(
            f"bundle PDF ({n} sessions)", build, repeat=2, note="Celery task's work"
        )

    def sweeps(self, org):
        from compliance.services import sweep_organisation

        def sweep(days):
            def run():
                # Rolled back: the data stays as seeded for the next run of the bench.
                with organisation_scope(org.pk), transaction.atomic():
                    now = timezone.now() + datetime.timedelta(days=days)
                    result = sweep_organisation(organisation_id=org.pk, now=now)
                    run.result = result
                    transaction.set_rollback(True)

            return run

        rows = []
        for label, days in (("nothing new", 0), ("a fortnight later", 14)):
            fn = sweep(days)
            row = measure.measure_call(
                f"compliance sweep ({label})", fn, repeat=2, budget_ms=30_000
            )
            row.note = f"{fn.result.obligations:,} obligations, {fn.result.changes:,} changes"
            rows.append(row)
        return rows
