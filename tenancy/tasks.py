"""Celery tasks act for one organisation, exactly as a request does: ``tenant_task`` takes the
organisation's id as the first argument and runs the body inside its scope, so the ORM filter and
row-level security both apply. Tasks look rows up by id and call services; they are idempotent."""

from functools import wraps

from celery import shared_task

from .context import organisation_scope


def tenant_task(*task_args, **task_options):
    def decorate(function):
        @shared_task(*task_args, **task_options)
        @wraps(function)
        def task(organisation_id: int, *args, **kwargs):
            with organisation_scope(organisation_id):
                return function(organisation_id, *args, **kwargs)

        return task

    return decorate
