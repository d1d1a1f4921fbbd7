from django.apps import AppConfig


def _last_session_date(*, child) -> list:
    """Behaviour's "since the last key-work session" period asks for the child's last session."""
    from .selectors import last_session_date

    found = last_session_date(child)
    return [found] if found else []


class SessionsAppConfig(AppConfig):
    verbose_name = "Key-work sessions"
    name = "sessions_app"

    def ready(self):
        from tenancy.hooks import subscribe

        from . import records  # noqa: F401  (registers sessions with tenancy.records)

        subscribe(
            "behaviour.last_session_date",
            _last_session_date,
            name="sessions_app.last_session_date",
        )
