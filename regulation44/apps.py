from django.apps import AppConfig


class Regulation44Config(AppConfig):
    name = "regulation44"
    verbose_name = "Regulation 44: the independent visitor's monthly reports and the responses"
