"""`python manage.py bench [--scale small|medium|full]`: seed (once) and measure pages."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.test.utils import setup_test_environment

from bench import measure
from bench.seed import Scale, seed
from tenancy.context import organisation_scope
from tenancy.models import Organisation


class Command(BaseCommand):
    help = "Seed a large organisation (if absent) and measure the main pages."

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="small", choices=["small", "medium", "full"])
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--prefix", default="bench")

    def handle(self, *, scale, repeat, prefix, **options):
        from accounts.testing import VerifiedClient

        setup_test_environment()  # lets the test client capture context; DEBUG stays off
        slug = f"{prefix}-{scale}-large"
        org = Organisation.objects.filter(slug=slug).first()
        if org is None:
            started = time.perf_counter()
            seed(Scale.named(scale), prefix=f"{prefix}-{scale}", log=self.stdout.write)
            self.stdout.write(f"seed: {time.perf_counter() - started:.1f}s")
            org = Organisation.objects.get(slug=slug)
        with organisation_scope(org.pk):
            from people.models import Child, KeyWorkerAllocation
            from tenancy.models import Membership

            manager = (
                Membership.objects.filter(role="manager").select_related("user", "site").first()
            )
            allocation = (
                KeyWorkerAllocation.objects.filter(ends_on__isnull=True, child__site=manager.site)
                .select_related("child", "staff")
                .first()
            )
            child = allocation.child
            key_worker = allocation.staff
            children = Child.objects.count()
        client = VerifiedClient()
        rows = []
        client.force_login(manager.user)
        site = manager.site_id
        pages = [
            ("children list (manager's site)", f"/children/?site={site}"),
            ("children search", "/children/?q=smith"),
            ("child page", f"/children/{child.pk}/"),
            ("staff and caseloads", f"/staff/?site={site}"),
            ("home (manager)", "/"),
        ]
        for name, url in pages:
            rows.append(measure.measure_page(client, name, url, repeat=repeat))
        client.force_login(key_worker)
        rows.append(
            measure.measure_page(client, "home (key worker: my children)", "/", repeat=repeat)
        )
        self.stdout.write(f"\n{children} children in the large organisation ({scale})\n")
        self.stdout.write(measure.table(rows))
        out = Path(__file__).resolve().parents[2] / "results" / f"{scale}.json"
        measure.write_json(rows, out, {"scale": scale, "children": children})
        self.stdout.write(f"\nwritten to {out}")
