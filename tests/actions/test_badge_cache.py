"""The top bar's Alerts count is in the page, cached per person and organisation
(tenancy.badges): a new alert shows on the next page load; another person or organisation never
sees the figure."""

import pytest

from actions import services
from tenancy.context import organisation_scope
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

LINK = 'href="/actions/alerts/">Alerts'


def alerts_count(client) -> int:
    """The unread figure in the top bar's Alerts link (0 when it shows none)."""
    link = client.get("/").content.decode().split(LINK, 1)[1].split("</a>", 1)[0]
    return int(link.split('data-unread="', 1)[1].split('"', 1)[0]) if link else 0


def alert(world, user, key):
    with organisation_scope(world.org.pk):
        services.notify(
            user_ids=[user.pk],
            site_id=world.school.pk,
            organisation_id=world.org.pk,
            key=key,
            message="For the manager: a matter",
            url="/actions/",
        )


def test_a_new_alert_shows_on_the_next_page_load(client, org):
    manager = org.users["manager"]
    client.force_login(manager)
    before = alerts_count(client)  # counted, and now cached
    alert(org, manager, "first")
    assert alerts_count(client) == before + 1
    client.post("/actions/alerts/", {"do": "read_all"})  # marked read
    assert alerts_count(client) == 0


def test_the_count_is_per_person_and_per_organisation(client, org, other_org):
    manager, key_worker = org.users["manager"], org.users["key_worker"]
    with organisation_scope(other_org.org.pk):
        MembershipFactory(user=manager, site=other_org.school, role="manager")
    alert(org, manager, "a")
    alert(org, manager, "b")
    alert(other_org, manager, "c")
    client.force_login(manager)
    first = client.get("/").wsgi_request.access.organisation.pk
    assert alerts_count(client) == (2 if first == org.org.pk else 1)
    client.post(
        "/organisation/switch/",
        {"organisation": other_org.org.pk if first == org.org.pk else org.org.pk},
    )
    counts = {first: 2 if first == org.org.pk else 1}
    second = client.get("/").wsgi_request.access.organisation.pk
    assert second != first
    assert alerts_count(client) == (2 if second == org.org.pk else 1)
    client.post("/organisation/switch/", {"organisation": first})
    assert alerts_count(client) == counts[first]
    client.force_login(key_worker)  # nothing for them, whatever is cached for the manager
    assert alerts_count(client) == 0
