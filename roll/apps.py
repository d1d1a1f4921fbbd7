from django.apps import AppConfig


class RollConfig(AppConfig):
    name = "roll"
    verbose_name = "Pupil roll from the MIS"
