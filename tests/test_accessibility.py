"""Accessibility as a test (issue 17): axe-core runs in Chromium on every page the
cross-organisation walk visits, as a member of the organisation whose ids fill the URL, and any
serious or critical violation fails. axe-core (tests/vendor/axe.min.js, MPL-2.0, from the npm
registry: ``npm pack axe-core``) needs the CSP bypassed: in this test browser only."""

from pathlib import Path

import pytest

from .auth import VerifiedClient
from .browser import sign_in
from .test_cross_organisation_walk import TENANT_URLS, fill, ids_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
# Who sees each page: the first of these roles the page answers 200 with HTML.
ROLE_ORDER = ("manager", "key_worker", "moderator", "org_admin")
IMPACTS = ("serious", "critical")


def _pages_by_role(org) -> dict[str, list[str]]:
    ids = ids_for(org)
    clients = {}
    for role in ROLE_ORDER:
        clients[role] = VerifiedClient()
        clients[role].force_login(org.users[role])
    found: dict[str, list[str]] = {role: [] for role in ROLE_ORDER}
    for route, _name in TENANT_URLS:
        url = fill(route, ids)
        for role in ROLE_ORDER:
            response = clients[role].get(url)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                if b"<html" in response.content[:200]:  # a whole page, not an htmx fragment
                    found[role].append(url)
                break
    return found


def test_every_walked_page_has_no_serious_or_critical_axe_violation(browser, live_server, org):
    pages = _pages_by_role(org)
    assert sum(len(v) for v in pages.values()) >= 40
    problems = []
    checked = 0
    for role, urls in pages.items():
        if not urls:
            continue
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        sign_in(page, org.users[role].username)
        for url in urls:
            page.goto(url)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                "() => axe.run(document, {resultTypes: ['violations']})"
                ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"
            )
            checked += 1
            for v in result:
                if v["impact"] in IMPACTS:
                    problems.append(
                        f"{url} as {role}: {v['id']} ({v['impact']}) {v['help']} {v['nodes']}"
                    )
        context.close()
    assert checked >= 40
    assert not problems, "\n".join(problems)
