from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Actions from records"

    def ready(self):
        from tenancy.hooks import subscribe

        from . import selectors, services

        subscribe("sessions.session_submitted", services.on_session_submitted)
        subscribe("sessions.session_corrected", services.on_session_corrected)
        # The date a record's referral was made, when it was marked made on its action since.
        subscribe("sessions.referrals_made", selectors.referrals_made)
        subscribe("contacts.contact_recorded", services.on_contact_recorded)
        subscribe("contacts.weekly_update_sent", services.on_weekly_update_sent)
        subscribe("contacts.weekly_update_lines", services.weekly_update_lines)
        subscribe("behaviour.slip_recorded", services.on_slip_recorded)
        # A slip corrected into a home's high-level incident alerts as a new one (once a slip).
        subscribe(
            "behaviour.slip_corrected", services.on_slip_recorded, name="actions.slip_corrected"
        )
        subscribe("plans.plan_published", services.on_plan_published)
