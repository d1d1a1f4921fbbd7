from django.core.management.base import BaseCommand

from compliance import services
from compliance.tasks import active_organisation_ids
from tenancy.context import organisation_scope


class Command(BaseCommand):
    help = "Recompute every obligation now (what beat does every ten minutes); safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", type=int, help="Only this organisation's id.")
        parser.add_argument(
            "--digest", action="store_true", help="Also send today's digests (once a day each)."
        )

    def handle(self, *args, organisation=None, digest=False, **options):
        ids = [organisation] if organisation else active_organisation_ids()
        for org_id in ids:
            with organisation_scope(org_id):
                result = services.sweep_organisation(organisation_id=org_id)
                sent = services.digest_send_organisation(organisation_id=org_id) if digest else 0
            self.stdout.write(
                f"Organisation {org_id}: {result.obligations} obligations, {result.written} "
                f"updated, {result.changes} changes of status, {result.alerts} alerts"
                + (f", {sent} digests" if digest else "")
            )
