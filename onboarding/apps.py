from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = "Staff, sites and organisation settings, run by the organisation itself"
