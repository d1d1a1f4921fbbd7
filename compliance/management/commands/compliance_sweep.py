from django.core.management.base import BaseCommand, CommandError

from compliance import services
from compliance.tasks import active_organisation_ids
from tenancy.tasks import for_each_organisation


class Command(BaseCommand):
    help = "Recompute every obligation now (what beat does every ten minutes); safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", type=int, help="Only this organisation's id.")
        parser.add_argument(
            "--digest", action="store_true", help="Also send today's digests (once a day each)."
        )

    def handle(self, *args, organisation=None, digest=False, **options):
        ids = [organisation] if organisation else active_organisation_ids()

        def one(org_id: int) -> None:
            result = services.sweep_organisation(organisation_id=org_id)
            sent = services.digest_send_organisation(organisation_id=org_id) if digest else 0
            self.stdout.write(
                f"Organisation {org_id}: {result.obligations} obligations, {result.written} "
                f"updated, {result.changes} changes of status, {result.alerts} alerts"
                + (f", {sent} digests" if digest else "")
            )

        # One organisation's failure is reported and the others are still swept.
        _, failures = for_each_organisation(ids, one, label="compliance_sweep")
        for org_id, error in failures.items():
            self.stderr.write(f"Organisation {org_id}: FAILED ({error})")
        if failures:
            raise CommandError(
                f"{len(failures)} of {len(ids)} organisations failed: see the messages above."
            )
