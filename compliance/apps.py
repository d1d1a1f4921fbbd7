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
