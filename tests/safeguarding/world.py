"""Safeguarding rows for each test organisation: the manager leads the school's DSL team and the
key worker has raised a concern about the world's child."""

from django.utils import timezone

from safeguarding.models import Concern, SafeguardingLead
from tenancy.context import organisation_scope


def extend(world) -> dict:
    with organisation_scope(world.org.pk):
        return _extend(world)


def _extend(world) -> dict:
    lead = SafeguardingLead.objects.create(
        organisation=world.org, site=world.school, user=world.users["manager"]
    )
    concern = Concern.objects.create(
        organisation=world.org,
        site=world.school,
        child=world.child,
        raised_by=world.users["key_worker"],
        happened_at=timezone.now(),
        what=f"{world.child.first_name} concern secret",
    )
    world.concern = concern
    return {"lead_id": lead.pk, "concern_id": concern.pk}
