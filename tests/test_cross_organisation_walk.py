"""Walks every URL pattern as the users of another organisation, with real ids of the first
organisation's rows, and as an anonymous visitor. New URLs are covered without anyone remembering:
a URL with an argument this file cannot fill fails the test until its id is added to ``ids_for``.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from .conftest import ROLES

# URLs that are not about any organisation's data.
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invitation_accept",  # the invitation link, before signing in (tests/onboarding)
    # Staying signed in while writing: JSON about the caller's own session, 401 when signed out.
    "session_status",
    "session_keepalive",
    "reauthenticate",
}


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if getattr(entry, "app_name", None) == "admin":
                continue  # superusers only; checked in test_admin_is_for_superusers_only
            namespace = f"{entry.namespace}:" if entry.namespace else ""
            for route, name, converters in walk(entry.url_patterns, prefix + str(entry.pattern)):
                yield route, (namespace + name) if name else None, converters
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name, entry.pattern.converters


ALL_URLS = sorted({(route, name) for route, name, _ in walk(get_resolver().url_patterns)})
ARGUMENT = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def ids_for(world) -> dict[str, int]:
    """The first organisation's real ids, by URL argument name (conftest.build_world and each app's
    tests/<app>/world.py fill them)."""
    return world.ids


def fill(route: str, ids: dict[str, int]) -> str:
    def replace(match):
        name = match["name"]
        assert name in ids, (
            f"Add a real id for <{name}> in tests/<app>/world.py so {route} is walked."
        )
        return str(ids[name])

    return "/" + ARGUMENT.sub(replace, route)


TENANT_URLS = [(route, name) for route, name in ALL_URLS if name not in PUBLIC]
ID_URLS = [(route, name) for route, name in TENANT_URLS if ARGUMENT.search(route)]
LIST_URLS = [(route, name) for route, name in TENANT_URLS if not ARGUMENT.search(route)]


def test_the_walk_sees_the_application_urls():
    names = {name for _, name in ALL_URLS}
    assert {"people:child_detail", "people:allocation_change", "home", "staff_list"} <= names
    assert len(ID_URLS) >= 9


@pytest.mark.django_db
@pytest.mark.parametrize("route,name", ID_URLS, ids=[n for _, n in ID_URLS])
@pytest.mark.parametrize("role", ROLES)
def test_another_organisation_gets_404_for_every_id(client, org, other_org, route, name, role):
    url = fill(route, ids_for(org))
    client.force_login(other_org.users[role])
    assert client.get(url).status_code == 404, f"GET {url} as {role} of another organisation"
    assert client.post(url, {"reason": "x", "staff": org.users["key_worker"].pk}).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("route,name", TENANT_URLS, ids=[n for _, n in TENANT_URLS])
def test_signed_out_visitors_are_sent_to_sign_in(client, org, route, name):
    url = fill(route, ids_for(org))
    for response in (client.get(url), client.post(url, {})):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("route,name", LIST_URLS, ids=[n for _, n in LIST_URLS])
@pytest.mark.parametrize("role", ROLES)
def test_pages_without_ids_show_nothing_of_another_organisation(
    client, org, other_org, route, name, role
):
    client.force_login(other_org.users[role])
    response = client.get("/" + route)
    assert response.status_code in (200, 302, 403, 405)
    # A chart image (what-works.png) is binary: read what text it holds.
    body = response.content.decode(errors="replace")
    for secret in (org.child.first_name, org.child.last_name, org.org.name, org.guardian.name):
        assert secret not in body, f"{secret} of another organisation shown at /{route}"


@pytest.mark.django_db
@pytest.mark.parametrize("route,name", ID_URLS, ids=[n for _, n in ID_URLS])
def test_a_key_worker_of_another_site_cannot_reach_the_child(client, org, route, name):
    """Same organisation, different site: the child is outside their reach, so it does not exist."""
    client.force_login(org.users["other_site_key_worker"])
    assert client.get(fill(route, ids_for(org))).status_code == 404


@pytest.mark.django_db
def test_admin_is_for_superusers_only(client, org):
    client.force_login(org.users["org_admin"])
    assert client.get("/admin/").status_code == 302
