"""Compliance rows for a test organisation: the school's policy, a holiday in its calendar, an
overdue obligation of the school child and an alert, so the walk covers every compliance URL."""

from .factories import AlertFactory, HolidayFactory, ObligationFactory, PolicyFactory


def extend(world) -> dict:
    PolicyFactory(site=world.school)
    holiday = HolidayFactory(site=world.school)
    obligation = ObligationFactory(child=world.child, staff=world.users["key_worker"])
    AlertFactory(obligation=obligation, user=world.users["key_worker"])
    world.holiday, world.obligation = holiday, obligation
    return {"site_id": world.school.pk, "holiday_id": holiday.pk}
