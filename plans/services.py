"""Writes for plans. The task service is the contract other apps use: a key-work session that says
"the Placement Plan / BMP / Risk Assessment needs updating" calls ``plan_update_task_open``; publishing
a new plan version calls ``plan_update_tasks_close``."""

from django.db import transaction
from django.utils import timezone

from tenancy.audit import Action, audit_write, snapshot

from .models import PlanType, PlanUpdateTask


@transaction.atomic
def plan_update_task_open(
    *, actor, child, plan_type: str, details: str, source=None
) -> PlanUpdateTask:
    """Open (or return the already open) task for ``child``'s ``plan_type`` raised by ``source``."""
    if plan_type not in PlanType.values:
        raise ValueError(f"Unknown plan type {plan_type!r}")
    source_type = source._meta.label_lower if source is not None else ""
    source_id = source.pk if source is not None else None
    task, created = PlanUpdateTask.objects.get_or_create(
        child=child,
        plan_type=plan_type,
        source_type=source_type,
        source_id=source_id,
        status=PlanUpdateTask.Status.OPEN,
        defaults={
            "organisation_id": child.organisation_id,
            "details": details,
            "created_by": actor,
        },
    )
    if created:
        audit_write(actor=actor, action=Action.CREATE, instance=task, before=None)
    return task


@transaction.atomic
def plan_update_tasks_close(*, actor, child, plan_type: str, note: str = "") -> int:
    """Close every open task for this child's plan: a new version has been published."""
    closed = 0
    for task in PlanUpdateTask.objects.select_for_update().filter(
        child=child, plan_type=plan_type, status=PlanUpdateTask.Status.OPEN
    ):
        before = snapshot(task)
        task.status = PlanUpdateTask.Status.DONE
        task.closed_at = timezone.now()
        task.closed_by = actor
        task.closed_note = note[:300]
        task.save()
        audit_write(actor=actor, action=Action.UPDATE, instance=task, before=before)
        closed += 1
    return closed
