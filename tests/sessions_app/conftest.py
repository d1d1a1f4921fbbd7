import datetime

import pytest
from django.utils import timezone

from tenancy.access import Access
from tenancy.context import organisation_scope
from tenancy.models import Membership

from ..factories import ChildFactory, KeyWorkerAllocationFactory, MembershipFactory, UserFactory


def access_for(user, world) -> Access:
    memberships = tuple(
        Membership.objects.filter(user=user, organisation=world.org).select_related("site")
    )
    return Access(user=user, organisation=world.org, memberships=memberships)


@pytest.fixture
def in_org(org):
    with organisation_scope(org.org.pk):
        yield org


@pytest.fixture
def home(org):
    """A young person at the world's children's home, Amber Smith, with key worker Ellie Dawson
    and a registered manager."""
    kw = UserFactory(username="ed@alpha.example", first_name="Ellie", last_name="Dawson")
    MembershipFactory(user=kw, site=org.home, role="key_worker")
    manager = UserFactory(username="rm@alpha.example", first_name="Helen", last_name="Carver")
    MembershipFactory(user=manager, site=org.home, role="manager")
    amber = ChildFactory(
        site=org.home,
        first_name="Amber",
        last_name="Smith",
        start_date=timezone.localdate() - datetime.timedelta(days=300),
    )
    KeyWorkerAllocationFactory(child=amber, staff=kw, changed_by=manager)
    org.amber, org.ed, org.home_manager = amber, kw, manager
    return org
