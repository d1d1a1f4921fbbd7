from django.apps import AppConfig


def _refresh_obligations(*, child_ids) -> None:
    """A lower app recorded something about these children: recompute their obligations now, so a
    dashboard turns green at once (the ten-minute sweep catches up if this fails)."""
    from .services import obligations_refresh

    obligations_refresh(child_ids=sorted({int(pk) for pk in child_ids}))


class ComplianceConfig(AppConfig):
    name = "compliance"

    def ready(self):
        from tenancy.hooks import CHILDREN_CHANGED, subscribe

        subscribe(CHILDREN_CHANGED, _refresh_obligations, name="compliance.refresh_obligations")

        # The term calendar lives here; lower apps read a site's closed days through tenancy.
        # So do the policy's answers the sessions and behaviour apps need (tenancy.siterules).
        from tenancy import schooldays, siterules

        from . import selectors

        schooldays.provide_closures(selectors.closures_by_site)
        siterules.provide(
            half_term=selectors.half_term,
            next_session_due=selectors.next_session_due,
            session_max_minutes=selectors.session_max_minutes,
            half_term_progress=selectors.half_term_progress,
        )
