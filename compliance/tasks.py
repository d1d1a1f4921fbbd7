"""The compliance beat tasks. ``sweep_all`` fans out one task per active organisation; each runs in
its organisation's scope (``tenant_task``) and calls the service. Both are safe to repeat."""

from celery import shared_task
from django.utils import timezone

from tenancy.models import Organisation
from tenancy.tasks import for_each_organisation, tenant_task

from . import services


def active_organisation_ids() -> list[int]:
    # Organisation is the tenant table itself (no organisation scope, no row-level security).
    return list(Organisation.objects.filter(is_active=True).values_list("pk", flat=True))


@tenant_task(name="compliance.sweep_organisation")
def sweep_organisation(organisation_id: int, now_iso: str | None = None) -> dict:
    now = timezone.datetime.fromisoformat(now_iso) if now_iso else None
    result = services.sweep_organisation(organisation_id=organisation_id, now=now)
    return {"obligations": result.obligations, "changes": result.changes, "alerts": result.alerts}


@tenant_task(name="compliance.digest_organisation")
def digest_organisation(organisation_id: int) -> int:
    return services.digest_send_organisation(organisation_id=organisation_id)


@shared_task(name="compliance.sweep_all")
def sweep_all() -> int:
    """Enqueue one sweep per active organisation; returns how many were enqueued (one that cannot
    be enqueued is logged and the others still are)."""
    done, _ = for_each_organisation(
        active_organisation_ids(),
        sweep_organisation.delay,
        label="Enqueueing the sweep",
        scoped=False,
    )
    return len(done)


@shared_task(name="compliance.digest_all")
def digest_all() -> int:
    """Enqueue one digest run per active organisation; returns how many were enqueued."""
    done, _ = for_each_organisation(
        active_organisation_ids(),
        digest_organisation.delay,
        label="Enqueueing the digest",
        scoped=False,
    )
    return len(done)
