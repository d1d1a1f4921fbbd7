from django.apps import AppConfig


class BehaviourConfig(AppConfig):
    name = "behaviour"

    def ready(self):
        from . import records  # noqa: F401  (registers slips with tenancy.records)
