from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Actions from records"

    def ready(self):
        from tenancy.hooks import subscribe

        from . import services

        subscribe("sessions.session_submitted", services.on_session_submitted)
        subscribe("contacts.contact_recorded", services.on_contact_recorded)
        subscribe("contacts.weekly_update_sent", services.on_weekly_update_sent)
        subscribe("contacts.weekly_update_lines", services.weekly_update_lines)
        subscribe("behaviour.slip_recorded", services.on_slip_recorded)
        subscribe("plans.plan_published", services.on_plan_published)
