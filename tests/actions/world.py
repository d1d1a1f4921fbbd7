"""Actions rows for each test organisation, so the cross-organisation walk covers every URL."""

import datetime

from django.utils import timezone

from actions.models import ActionItem, Kind
from tenancy.context import organisation_scope


def extend(world) -> dict:
    with organisation_scope(world.org.pk):
        return _extend(world)


def _extend(world) -> dict:
    kw = world.users["key_worker"]
    action = ActionItem.objects.create(
        organisation=world.org,
        site=world.school,
        child=world.child,
        kind=Kind.FOLLOW_UP,
        title=f"Follow up {world.child.first_name}'s research",
        owner=kw,
        due_on=timezone.localdate() + datetime.timedelta(days=7),
        created_by=kw,
    )
    world.action = action
    return {"action_id": action.pk}
