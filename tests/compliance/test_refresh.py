"""Other apps' services recompute a child's obligations when their transaction commits, so the
dashboard turns green at once rather than at the next ten-minute sweep."""

import datetime
from unittest import mock

import pytest
import time_machine

from compliance import services
from compliance.models import Obligation, Policy, Rule, Status
from people import services as people_services
from tenancy.access import Access
from tenancy.context import organisation_scope
from tenancy.models import Membership
from tests.factories import MembershipFactory, UserFactory

from .test_sweep import at, build, sweep

NOW = at(2026, 6, 22, 16)


def access_for(world, user):
    memberships = list(Membership.objects.filter(user=user).select_related("site", "organisation"))
    return Access(user=user, organisation=world.org, memberships=memberships)


def routine(world) -> Obligation:
    with organisation_scope(world.org.pk):
        return Obligation.objects.get(child=world.child, rule=Rule.ROUTINE_CONTACT)


@pytest.mark.django_db
def test_a_parent_call_turns_the_weekly_call_green_when_it_is_saved(
    django_capture_on_commit_callbacks,
):
    from contacts import services as contact_services

    world = build(label="Refresh")
    with organisation_scope(world.org.pk):
        Policy.objects.filter(site=world.site).update(routine_contact="parent_call")
    sweep(world, at(2026, 6, 20, 9))
    assert routine(world).status == Status.OVERDUE
    with (
        time_machine.travel(NOW, tick=False),
        organisation_scope(world.org.pk),
        django_capture_on_commit_callbacks(execute=True),
    ):
        contact_services.contact_record(
            access=access_for(world, world.worker),
            child=world.child,
            kind="parent",
            method="phone",
            occurred_at=at(2026, 6, 22, 15, 30),
            with_whom="Mum",
            summary="Told Mum about a good week in maths.",
        )
    weekly = routine(world)
    assert weekly.status == Status.OK and weekly.due_on == datetime.date(2026, 6, 29)


@pytest.mark.django_db
def test_a_new_key_worker_takes_over_the_obligations_at_once(django_capture_on_commit_callbacks):
    world = build(label="Handover")
    sweep(world, at(2026, 6, 20, 9))
    newcomer = UserFactory(first_name="Nia")
    MembershipFactory(user=newcomer, site=world.site, role="key_worker")
    with (
        time_machine.travel(NOW, tick=False),
        organisation_scope(world.org.pk),
        django_capture_on_commit_callbacks(execute=True),
    ):
        people_services.allocation_change(
            access=access_for(world, world.manager),
            child=world.child,
            staff=newcomer,
            starts_on=datetime.date(2026, 6, 22),
            reason="staff_leaving",
        )
    with organisation_scope(world.org.pk):
        assert Obligation.objects.get(child=world.child, rule=Rule.SESSION).staff == newcomer


@pytest.mark.django_db
def test_a_failed_refresh_never_undoes_the_record(django_capture_on_commit_callbacks, caplog):
    world = build(label="Broken")
    with (
        organisation_scope(world.org.pk),
        mock.patch.object(services, "obligations_refresh", side_effect=RuntimeError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.refresh_on_commit([world.child.pk])
    assert "Hook compliance.refresh_obligations for records.children_changed failed" in caplog.text
