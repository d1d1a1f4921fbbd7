"""Replace the shipped bank-holiday list with GOV.UK's current one (run once a year, or when a
one-off bank holiday is announced), then commit tenancy/data/bank-holidays.json."""

import datetime
import json
import urllib.request

from django.core.management.base import BaseCommand, CommandError

from tenancy import bankholidays


class Command(BaseCommand):
    help = "Refresh tenancy/data/bank-holidays.json from GOV.UK (or from a saved copy)."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=bankholidays.SOURCE_URL)
        parser.add_argument(
            "--file", help="A saved copy of bank-holidays.json to use instead of the network."
        )

    def handle(self, *args, url, file=None, **options):
        try:
            if file:
                with open(file, encoding="utf-8") as handle:
                    document = json.load(handle)
            else:
                request = urllib.request.Request(url, headers={"User-Agent": "keywork"})
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    document = json.loads(response.read(5_000_000).decode("utf-8"))
            count = bankholidays.write(document, datetime.date.today())
        except (OSError, ValueError) as error:
            raise CommandError(f"The bank-holiday list was not changed: {error}") from error
        self.stdout.write(f"Stored {count} bank holidays from {file or url}.")
