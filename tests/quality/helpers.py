import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tenancy.access import Access
from tenancy.models import Membership

from ..factories import ChildFactory, KeyWorkerAllocationFactory, MembershipFactory, UserFactory
from ..sessions_app.factories import KeyWorkSessionFactory


def access_for(user, world) -> Access:
    memberships = tuple(
        Membership.objects.filter(user=user, organisation=world.org).select_related("site")
    )
    return Access(user=user, organisation=world.org, memberships=memberships)


def queries(client, url) -> list:
    client.get(url)  # the first request after signing in also saves the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return ctx.captured_queries


def add_key_worker_with_records(world, n_records=2, *, site=None, score=75):
    """A key worker of the school with a child and ``n_records`` submitted sessions."""
    site = site or world.school
    kw = UserFactory()
    MembershipFactory(user=kw, site=site, role="key_worker")
    child = ChildFactory(site=site, start_date=timezone.localdate() - datetime.timedelta(days=400))
    KeyWorkerAllocationFactory(
        child=child,
        staff=kw,
        changed_by=world.users["manager"],
        starts_on=timezone.localdate() - datetime.timedelta(days=200),
    )
    sessions = [
        KeyWorkSessionFactory(
            child=child,
            author=kw,
            quality_score=score,
            date=timezone.localdate() - datetime.timedelta(days=10 + 14 * i),
        )
        for i in range(n_records)
    ]
    return kw, child, sessions
