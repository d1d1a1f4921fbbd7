"""Sending the weekly social-worker update: looks the update up by id and calls the service, which
sends at most once (the row is locked and its status checked). Transport failures are retried with
a growing delay; after the last attempt the update is marked failed for the key worker to see."""

from tenancy.tasks import tenant_task

RETRY_DELAYS = (60, 300, 900)  # seconds before the 2nd, 3rd and 4th attempts


@tenant_task(name="contacts.send_weekly_update", max_retries=len(RETRY_DELAYS))
def send_weekly_update(organisation_id: int, update_id: int) -> str:
    from .services import weekly_update_deliver

    task = send_weekly_update  # the task object (tenant_task does not bind ``self``)
    retries = task.request.retries or 0
    final = retries >= len(RETRY_DELAYS)
    result = weekly_update_deliver(update_id=update_id, final=final)
    if result == "failed" and not final:
        raise task.retry(countdown=RETRY_DELAYS[retries])
    return result
