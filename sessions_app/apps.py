from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    verbose_name = "Key-work sessions"
    name = "sessions_app"
