from django.core.management.base import BaseCommand

from tenancy.hooks import subscriptions


class Command(BaseCommand):
    help = (
        "Print every event that lower apps publish and the higher apps' handlers subscribed to it."
    )

    def handle(self, *args, **options):
        found = subscriptions()
        if not found:
            self.stdout.write("No hooks are subscribed.")
            return
        for event, handlers in found.items():
            self.stdout.write(event)
            for handler in handlers:
                self.stdout.write(f"  -> {handler}")
