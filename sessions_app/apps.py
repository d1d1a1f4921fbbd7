from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    verbose_name = "Key-work sessions"
    name = "sessions_app"

    def ready(self):
        from . import records  # noqa: F401  (registers sessions with tenancy.records)
