"""Every page of the application as a person sees it: the URL walk (tests/test_cross_organisation_walk)
with the world's real ids, GET as each given user, for the walks that read what pages offer (staff
pickers, links to alerts, the names of the regulations)."""

from .test_cross_organisation_walk import TENANT_URLS, fill, ids_for


def html_pages(client, world, users):
    """(url name, user, page text) for each HTML page that opens (200) to each of ``users``."""
    ids = ids_for(world)
    for user in users:
        client.force_login(user)
        for route, name in TENANT_URLS:
            response = client.get(fill(route, ids))
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            yield name, user, response.content.decode()
