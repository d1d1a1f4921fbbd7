from django.apps import AppConfig


class Regulation45Config(AppConfig):
    name = "regulation45"
    verbose_name = "Regulation 45 review packs for children's homes"

    def ready(self):
        from tenancy.hooks import SITE_OBLIGATIONS, subscribe

        from .selectors import site_obligations

        # The review due every 6 months and the report due at Ofsted 28 days after it: shown on
        # the compliance dashboard and the home page (compliance collects them; no upward import).
        subscribe(SITE_OBLIGATIONS, site_obligations, name="regulation45.site_obligations")
