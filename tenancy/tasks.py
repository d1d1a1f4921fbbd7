"""Celery tasks act for one organisation, exactly as a request does: ``tenant_task`` takes the
organisation's id as the first argument and runs the body inside its scope, so the ORM filter and
row-level security both apply. Tasks look rows up by id and call services; they are idempotent."""

import logging
from collections.abc import Callable, Iterable
from functools import wraps

from celery import shared_task

from .context import organisation_scope

logger = logging.getLogger(__name__)


def tenant_task(*task_args, **task_options):
    def decorate(function):
        @shared_task(*task_args, **task_options)
        @wraps(function)
        def task(organisation_id: int, *args, **kwargs):
            with organisation_scope(organisation_id):
                return function(organisation_id, *args, **kwargs)

        return task

    return decorate


def for_each_organisation(
    organisation_ids: Iterable[int],
    work: Callable[[int], object],
    *,
    label: str,
    scoped: bool = True,
) -> tuple[dict[int, object], dict[int, str]]:
    """Run ``work(organisation_id)`` for each organisation, inside its scope when ``scoped``. One
    organisation's failure is logged (``tenancy.tasks``, with ``label``) and the others still run:
    no per-organisation loop may stop at the first failure (issue 14.4).

    Returns ``(results, failures)``: organisation id -> what ``work`` returned, and organisation
    id -> ``"ExceptionName: message"`` for those that raised."""
    results: dict[int, object] = {}
    failures: dict[int, str] = {}
    for org_id in organisation_ids:
        try:
            if scoped:
                with organisation_scope(org_id):
                    results[org_id] = work(org_id)
            else:
                results[org_id] = work(org_id)
        except Exception as error:  # noqa: BLE001 - logged; the next organisation still runs
            logger.exception("%s failed for organisation %s", label, org_id)
            failures[org_id] = f"{type(error).__name__}: {error}"[:300]
    return results, failures
