"""Sending the weekly social-worker update: looks the update up by id and calls the service, which
sends at most once (an outbox: the claim is committed before the mail server is called, see
``services.weekly_update_deliver``). Transport failures are retried with a growing delay; after
the last attempt the update is marked failed for the key worker to see. ``outbox_recover_all``
runs on the beat and recovers updates whose worker died or whose hand-over was lost.

The services never import this module (no import cycle): ``weekly_update_send`` publishes
``contacts.weekly_update_queued`` and ``ContactsConfig.ready`` subscribes ``enqueue`` to it."""

from celery import shared_task

from tenancy.models import Organisation
from tenancy.tasks import for_each_organisation, tenant_task

from . import services

RETRY_DELAYS = (60, 300, 900)  # seconds before the 2nd, 3rd and 4th attempts


@tenant_task(name="contacts.send_weekly_update", max_retries=len(RETRY_DELAYS))
def send_weekly_update(organisation_id: int, update_id: int) -> str:
    task = send_weekly_update  # the task object (tenant_task does not bind ``self``)
    retries = task.request.retries or 0
    final = retries >= len(RETRY_DELAYS)
    result = services.weekly_update_deliver(update_id=update_id, final=final)
    if result == "failed" and not final:
        raise task.retry(countdown=RETRY_DELAYS[retries])
    return result


def enqueue(*, organisation_id: int, update_id: int) -> None:
    """The subscriber of ``contacts.weekly_update_queued`` (runs after the commit)."""
    send_weekly_update.delay(organisation_id, update_id)


@tenant_task(name="contacts.outbox_recover_organisation")
def outbox_recover_organisation(organisation_id: int) -> dict:
    return services.weekly_update_recover()


@shared_task(name="contacts.outbox_recover_all")
def outbox_recover_all() -> int:
    """Enqueue the outbox recovery for every active organisation (one failure is logged and the
    others still run). Returns how many were enqueued."""
    ids = list(Organisation.objects.filter(is_active=True).values_list("pk", flat=True))
    done, _ = for_each_organisation(
        ids, outbox_recover_organisation.delay, label="Enqueueing the outbox recovery", scoped=False
    )
    return len(done)
