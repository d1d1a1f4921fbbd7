from django.apps import AppConfig


def _last_session_date(*, child) -> list:
    """Behaviour's "since the last key-work session" period asks for the child's last session."""
    from .selectors import last_session_date

    found = last_session_date(child)
    return [found] if found else []


def _month_records(*, child, start, end) -> list:
    """The plans app's Monthly Review lists the month's submitted sessions."""
    from .selectors import sessions_for_period

    return [("sessions", list(sessions_for_period(child, start, end)))]


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
        subscribe("plans.month_records", _month_records, name="sessions_app.month_records")
