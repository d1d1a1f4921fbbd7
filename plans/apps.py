from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"

    def ready(self):
        from . import records  # noqa: F401  (registers documents with tenancy.records)
