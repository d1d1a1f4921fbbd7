"""Celery tasks for sessions: they look up by id, run in the organisation's scope and call the
service that does the work."""

from celery import shared_task

from tenancy.context import organisation_scope


@shared_task
def build_bundle(organisation_id: int, job_id: int) -> None:
    from .bundles import bundle_build

    with organisation_scope(organisation_id):
        bundle_build(job_id=job_id)
