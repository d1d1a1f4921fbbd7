"""Contacts rows for each test organisation, so the cross-organisation walk covers every URL."""

from .factories import ContactFactory, ContactSlipFactory, WeeklyUpdateFactory


def extend(world) -> dict:
    kw = world.users["key_worker"]
    contact = ContactFactory(
        child=world.child, recorded_by=kw, summary=f"{world.child.first_name} call secret"
    )
    ContactSlipFactory(contact=contact, slip=world.slip)  # behaviour's world slip
    update = WeeklyUpdateFactory(child=world.child, author=kw)
    world.contact = contact
    return {"contact_id": contact.pk, "update_id": update.pk, "site_id": world.school.pk}
