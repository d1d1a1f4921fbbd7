"""The plans' "needs updating" tasks: opened by a record (a key-work session), closed by a new
plan version."""

from django.db import transaction
from django.utils import timezone

from tenancy.audit import Action, audit_write, snapshot
from tenancy.timeutils import site_today

from ..models import (
    PlanType,
    PlanUpdateTask,
)


@transaction.atomic
def plan_update_task_open(
    *, actor, child, plan_type: str, details: str, source=None
) -> PlanUpdateTask:
    """The one open "needs updating" task for ``child``'s ``plan_type``: a new one if none is
    open, otherwise the open one with ``details`` added (dated, naming the source), so a plan
    flagged by three sessions is one task for the manager, not three (issue 17). A source that
    already added to the task (a record corrected after submission) adds nothing again."""
    from people.models import Child

    if plan_type not in PlanType.values:
        raise ValueError(f"Unknown plan type {plan_type!r}")
    source_type = source._meta.label_lower if source is not None else ""
    source_id = source.pk if source is not None else None
    # Two submissions at once for one child wait here, so they cannot both open a task.
    Child.objects.select_for_update().filter(pk=child.pk).first()
    task = (
        PlanUpdateTask.objects.select_for_update()
        .filter(child=child, plan_type=plan_type, status=PlanUpdateTask.Status.OPEN)
        .order_by("created_at", "pk")
        .first()
    )
    if task is None:
        task = PlanUpdateTask.objects.create(
            organisation_id=child.organisation_id,
            child=child,
            plan_type=plan_type,
            source_type=source_type,
            source_id=source_id,
            details=details,
            created_by=actor,
        )
        audit_write(actor=actor, action=Action.CREATE, instance=task, before=None)
        return task
    if task.source_type == source_type and task.source_id == source_id:
        return task
    marker = f"({source._meta.verbose_name} {source_id})" if source is not None else ""
    if marker and marker in task.details:
        return task
    before = snapshot(task)
    when = site_today(child.site).strftime("%d %B %Y").lstrip("0")
    who = actor.get_full_name() or actor.get_username()
    addition = f"Also flagged on {when} by {who}" + (f" {marker}" if marker else "")
    task.details = f"{task.details.rstrip()}\n\n{addition}: {details.strip()}"
    task.save(update_fields=["details"])
    audit_write(actor=actor, action=Action.UPDATE, instance=task, before=before, summary="Added to")
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
