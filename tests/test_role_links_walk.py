"""Staff are offered only links they may follow. Signed in as each staff role of the test world,
the walk (tests/walk.py) opens the home page and every page of the application filled with the
world's ids, follows every same-site link and image those pages offer, and fails on any that
answers 403 for that person: a tab, button or row link shown to someone the page behind it then
refuses. Record pages of one kind are opened once per child or site (``walk.shape``), so a long
list costs one page, not one per row. The school has a second pupil who is not the key worker's,
and the home a young person of its own key worker's and one who is not, so each key worker sees
both "theirs" and "not theirs"."""

import pytest

from .factories import ChildFactory, KeyWorkerAllocationFactory
from .test_cross_organisation_walk import TENANT_URLS, fill
from .walk import walk

pytestmark = pytest.mark.django_db

#: Who signs in: each staff role of the world (conftest.build_world).
STAFF = (
    "key_worker",  # the school's, the world child's key worker
    "other_site_key_worker",  # the home's key worker
    "cover",  # a key worker of the school, cover for the world child later on
    "manager",
    "moderator",
    "org_admin",
)


def _person(world, role):
    return world.cover_user if role == "cover" else world.users[role]


def _more_children(world, scope):
    with scope(world.org):
        ChildFactory(site=world.school, first_name="Ōmar", last_name="O’Neill")
        resident = ChildFactory(site=world.home, first_name="Zoë", last_name="Ærø")
        KeyWorkerAllocationFactory(
            child=resident,
            staff=world.users["other_site_key_worker"],
            changed_by=world.users["org_admin"],
        )
        ChildFactory(site=world.home, first_name="Siân", last_name="Nguyễn")  # nobody's yet


@pytest.mark.parametrize("role", STAFF)
def test_no_page_offers_a_staff_member_a_link_that_answers_403(client, org, scope, role):
    _more_children(org, scope)
    client.force_login(_person(org, role))
    start = ["/"] + sorted({fill(route, org.ids) for route, _ in TENANT_URLS})
    opened, wrong = walk(client, start, by_shape=True)
    assert not wrong, "\n".join(sorted(set(wrong)))
    assert len(opened) > len(start)  # the walk went beyond its start pages


def test_those_who_may_still_see_the_links_the_others_lost(client, org, scope):
    """The import tabs are a manager's (of any site) and the org admin's; the weekly update button
    on a young person's contacts is their key worker's and the home's managers', not another key
    worker's of the same home."""
    from django.urls import reverse

    from people.models import Child

    _more_children(org, scope)
    imports = (reverse("behaviour:attendance_import"), reverse("behaviour:progress_import"))
    for role, shown in [("manager", True), ("org_admin", True), ("key_worker", False)]:
        client.force_login(_person(org, role))
        html = client.get(reverse("behaviour:slip_list")).content.decode()
        for address in imports:
            assert (f'href="{address}"' in html) is shown, (role, address)
    with scope(org.org):
        mine = Child.objects.get(first_name="Zoë")
        theirs = Child.objects.get(first_name="Siân")
    client.force_login(org.users["other_site_key_worker"])
    for child, shown in [(mine, True), (theirs, False)]:
        page = client.get(reverse("contacts:child_contacts", args=[child.pk]))
        assert page.status_code == 200
        button = reverse("contacts:weekly_update_new", args=[child.pk])
        assert (button in page.content.decode()) is shown, child.first_name
    client.force_login(org.users["org_admin"])
    page = client.get(reverse("contacts:child_contacts", args=[theirs.pk]))
    assert reverse("contacts:weekly_update_new", args=[theirs.pk]) in page.content.decode()
