"""Who reaches each team, sites and settings page inside the organisation (the same-organisation
role walk of these pages), and the fixed number of queries of their lists."""

import pytest
from django.urls import get_resolver

from tenancy.models import Role

from ..conftest import ROLES
from ..factories import MembershipFactory, SiteFactory, UserFactory
from .factories import InvitationFactory

# GET status by role; the ids come from the world: the school's key worker, an invitation to the
# school, and the school. A person or invitation out of reach does not exist (404); a page the
# role does not use is refused (403); a POST-only URL answers 405 to whoever may use it.
EXPECTED = {
    #                      key_worker manager moderator org_admin other_site_key_worker
    "onboarding:team": (403, 200, 403, 200, 403),
    "onboarding:invite": (403, 200, 403, 200, 403),
    "onboarding:member": (404, 200, 404, 200, 404),
    "onboarding:authenticator_reset": (404, 302, 404, 302, 404),  # 302: confirm identity first
    "onboarding:deactivate": (404, 200, 404, 200, 404),
    "onboarding:invitation_resend": (404, 405, 404, 405, 404),
    "onboarding:invitation_withdraw": (404, 405, 404, 405, 404),
    "onboarding:site_list": (403, 200, 403, 200, 403),  # a manager: their own sites' settings
    "onboarding:site_add": (403, 403, 403, 200, 403),
    "onboarding:site_edit": (403, 200, 403, 200, 404),  # a manager: its working settings
    "onboarding:site_close": (403, 403, 403, 200, 404),
    "onboarding:settings": (403, 403, 403, 200, 403),
}


def test_every_onboarding_url_is_in_the_role_table():
    onboarding = {
        f"onboarding:{p.name}"
        for entry in get_resolver().url_patterns
        if getattr(entry, "namespace", None) == "onboarding"
        for p in entry.url_patterns
    }
    assert onboarding == set(EXPECTED), onboarding ^ set(EXPECTED)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_reaches_what_the_table_says(client, org, name):
    from django.urls import reverse

    kwargs = {}
    pattern = str(
        next(
            p.pattern
            for entry in get_resolver().url_patterns
            if getattr(entry, "namespace", None) == "onboarding"
            for p in entry.url_patterns
            if f"onboarding:{p.name}" == name
        )
    )
    for argument in ("member_id", "invitation_id", "site_id"):
        if f"<int:{argument}>" in pattern:
            kwargs[argument] = org.ids[argument]
    url = reverse(name, kwargs=kwargs)
    got = []
    for role in ROLES:
        client.force_login(org.users[role])
        got.append(client.get(url).status_code)
    assert tuple(got) == EXPECTED[name], f"{url}: {dict(zip(ROLES, got, strict=True))}"


def grow(world, n: int) -> None:
    for _ in range(n):
        site = SiteFactory(organisation=world.org)
        person = UserFactory()
        MembershipFactory(user=person, site=site, role=Role.KEY_WORKER)
        MembershipFactory(user=person, site=world.school, role=Role.MODERATOR)
        InvitationFactory(
            organisation=world.org, roles=[{"site": site.pk, "role": Role.KEY_WORKER}]
        )


@pytest.mark.django_db
def test_the_team_page_runs_a_fixed_number_of_queries(client, org, django_assert_num_queries):
    client.force_login(org.users["org_admin"])
    grow(org, 2)
    client.get("/team/")
    # session, user, savepoint;
    # count of people, the page of people (with "has an authenticator"), their memberships and
    # sites; the organisation's sites (for invitation roles); open invitations; release.
    # (The two-factor device and the memberships are cached per session: tenancy.authcache.)
    with django_assert_num_queries(8):
        page = client.get("/team/")
    assert page.context["rows"] and page.context["invitations"]
    grow(org, 9)
    with django_assert_num_queries(10):
        bigger = client.get("/team/")
    assert len(bigger.context["invitations"]) == len(page.context["invitations"]) + 9


@pytest.mark.django_db
def test_a_managers_team_page_runs_a_fixed_number_of_queries(
    client, org, django_assert_num_queries
):
    client.force_login(org.users["manager"])
    grow(org, 2)
    client.get("/team/")
    # session, user, savepoint; count of people, the page, their
    # memberships; open invitations (site names from the memberships already loaded); release.
    # (The two-factor device and the memberships are cached per session: tenancy.authcache.)
    with django_assert_num_queries(7):
        client.get("/team/")
    grow(org, 6)
    with django_assert_num_queries(9):
        client.get("/team/")


@pytest.mark.django_db
def test_the_sites_page_runs_a_fixed_number_of_queries(client, org, django_assert_num_queries):
    client.force_login(org.users["org_admin"])
    client.get("/sites/")
    # session, user, savepoint; the organisation's sites; release.
    # (The two-factor device and the memberships are cached per session: tenancy.authcache.)
    with django_assert_num_queries(4):
        client.get("/sites/")
    grow(org, 5)
    with django_assert_num_queries(6):
        page = client.get("/sites/")
    assert len(page.context["sites"]) == 7


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,expected",
    [
        ("org_admin", ["Team and invitations", "Sites", "Organisation settings"]),
        ("manager", ["Team and invitations", "Site settings"]),  # their own sites
        ("moderator", []),
        ("key_worker", []),
    ],
)
def test_the_user_menu_offers_the_pages_each_role_can_use(client, org, role, expected):
    client.force_login(org.users[role])
    menu = [item["label"] for item in client.get("/").context["menu_items"]]
    assert [label for label in menu if label in set(EXPECTED_MENU)] == expected


EXPECTED_MENU = ("Team and invitations", "Sites", "Site settings", "Organisation settings")
