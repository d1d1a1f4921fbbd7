from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "Children and the people around them"

    def ready(self):
        from . import records  # noqa: F401  (registers guardians with tenancy.records)
