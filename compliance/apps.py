from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"

    def ready(self):
        # The term calendar lives here; lower apps read a site's closed days through tenancy.
        from tenancy import schooldays

        from .selectors import closures_by_site

        schooldays.provide_closures(closures_by_site)
