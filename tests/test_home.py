"""The home page: what each person should act on, from every app's ``home_panels``, at a fixed
number of queries however much there is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.compliance.factories import ObligationFactory
from tests.factories import ChildFactory, KeyWorkerAllocationFactory
from tests.sessions_app.factories import KeyWorkSessionFactory


def add_work(world, n):
    """n pupils of the school's key worker, each with an overdue item and a record to sign off."""
    worker = world.users["key_worker"]
    for _ in range(n):
        child = ChildFactory(site=world.school)
        KeyWorkerAllocationFactory(child=child, staff=worker)
        ObligationFactory(child=child, staff=worker, status="overdue")
        KeyWorkSessionFactory(child=child, author=worker, status="submitted")
        KeyWorkSessionFactory(child=child, author=worker, status="draft")


def queries(client, url="/") -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_a_manager_sees_overdue_items_and_records_to_sign_off(client, org, other_org, scope):
    from sessions_app.models import KeyWorkSession

    with scope(org.org):
        already = KeyWorkSession.objects.filter(status="submitted").count()
    add_work(org, 2)
    add_work(other_org, 5)
    client.force_login(org.users["manager"])
    page = client.get("/").content.decode()
    # The world's own overdue obligation and the two added.
    assert "Compliance" in page and "3 overdue" in page
    assert f'href="/compliance/sites/{org.school.pk}/overdue/"' in page
    sign_off = page.split("Records to sign off")[1].split("</section>")[0]
    assert f"{already + 2} waiting" in sign_off, sign_off
    assert f"/sessions/site/{org.school.pk}/?status=submitted" in page


@pytest.mark.django_db
def test_a_key_worker_sees_their_own_items_and_unfinished_records(client, org, other_org):
    add_work(org, 2)
    add_work(other_org, 5)
    client.force_login(org.users["key_worker"])
    page = client.get("/").content.decode()
    assert "My week" in page and "3 overdue" in page
    assert "My key-work records" in page and "2 drafts" in page
    assert "Records to sign off" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["manager", "key_worker", "org_admin"])
def test_home_runs_a_fixed_number_of_queries(client, org, role):
    client.force_login(org.users[role])
    client.get("/")  # the first request after signing in remembers the organisation
    add_work(org, 1)
    small = queries(client)
    add_work(org, 8)
    assert queries(client) == small
