from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = "Record quality"

    def ready(self):
        # The checker runs below this app (``checking``), in the editors; the organisation's own
        # phrases, words and disclosure phrases are kept here and read through this registration.
        from checking.context import provide_settings

        from .selectors import quality_settings

        provide_settings(quality_settings)
