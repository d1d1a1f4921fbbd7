from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = "Staff, sites and organisation settings, run by the organisation itself"

    def ready(self):
        from tenancy.hooks import subscribe

        from .selectors import invited_not_joined

        # The key-worker pickers (people) say who is invited but cannot be chosen yet.
        subscribe("people.invited_staff", invited_not_joined)
