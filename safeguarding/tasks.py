"""The escalation beat task: one task per active organisation, each in its scope; idempotent (a
concern is escalated once, marked by a conditional update)."""

from celery import shared_task

from tenancy.models import Organisation
from tenancy.tasks import tenant_task

from . import services


@tenant_task(name="safeguarding.escalate_organisation")
def escalate_organisation(organisation_id: int) -> int:
    return services.escalate_unacknowledged()


@shared_task(name="safeguarding.escalate_all")
def escalate_all() -> int:
    # Organisation is the tenant table itself (no organisation scope, no row-level security).
    ids = list(Organisation.objects.filter(is_active=True).values_list("pk", flat=True))
    for org_id in ids:
        escalate_organisation.delay(org_id)
    return len(ids)
