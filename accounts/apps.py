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

        # Every two-factor device (authenticator, recovery codes, any other django-otp device):
        # a change gives its owner a new version of the cached verified device (tenancy.authcache).
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save
        from django_otp.models import Device

        for model in apps.get_models():
            if issubclass(model, Device):
                for signal in (post_save, post_delete):
                    signal.connect(
                        bump_device, sender=model, dispatch_uid=f"authcache.{model.__name__}"
                    )


def bump_device(sender, instance, **kwargs):
    from tenancy import authcache

    authcache.bump([instance.user_id])
