"""People's Celery tasks (see tenancy.tasks.tenant_task for how a task acts for one organisation)."""

from tenancy.tasks import tenant_task

from .models import Child


@tenant_task(name="people.count_children")
def count_children(organisation_id: int) -> int:
    """A tiny task used to prove tasks are scoped (and a health check for workers)."""
    return Child.objects.count()
