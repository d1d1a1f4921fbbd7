"""Behaviour rows for each test organisation, so the cross-organisation walk covers every URL."""

from .factories import AttendanceMarkFactory, SavedFilterFactory, SlipFactory


def extend(world) -> dict:
    slip = SlipFactory(
        child=world.child, recorded_by=world.users["key_worker"], what_happened="Walk slip."
    )
    AttendanceMarkFactory(child=world.child, recorded_by=world.users["key_worker"])
    saved = SavedFilterFactory(organisation=world.org, user=world.users["key_worker"])
    world.slip = slip
    return {"slip_id": slip.pk, "filter_id": saved.pk}
