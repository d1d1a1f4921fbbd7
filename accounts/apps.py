from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Sign-in, two-factor authentication and session limits"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from .session_limits import mark_signed_in, session_ended, session_started

        user_logged_in.connect(mark_signed_in, dispatch_uid="accounts.mark_signed_in")
        user_logged_in.connect(session_started, dispatch_uid="accounts.session_started")
        user_logged_out.connect(session_ended, dispatch_uid="accounts.session_ended")
