"""The top navigation gathered from the apps: one item marked as the current page."""

import html
import re

import pytest


def active_items(response) -> list[str]:
    """The current page's item, inside its dropdown where it has one."""
    found = []
    for item in response.context["nav_items"]:
        for entry in item.get("children", [item]):
            if entry["active"]:
                found.append(entry["label"])
    return found


@pytest.mark.django_db
def test_one_item_is_current_even_when_two_prefixes_match(client, org):
    client.force_login(org.users["manager"])
    attendance = client.get("/behaviour/attendance/")
    assert active_items(attendance) == ["Attendance"]
    top_bar = attendance.content.decode().split('aria-label="Main"')[1].split("</nav>")[0]
    assert top_bar.count('aria-current="page"') == 1
    assert active_items(client.get("/behaviour/")) == ["Slips"]
    # The badges (counts rendered in the page) are offered to every signed-in member.
    badges = client.get("/behaviour/").context["nav_badges"]
    assert [b["label"] for b in badges] == ["Overdue", "Alerts"]


# What each top-bar count says after its number (to a screen reader, and on hover).
BADGE_WORDS = {
    "Overdue": ("new overdue item", "new overdue items"),
    "Alerts": ("unread alert", "unread alerts"),
}


@pytest.mark.django_db
def test_every_top_bar_badge_says_in_words_what_it_counts(client, org):
    """Every app's badge gives its own words, singular and plural, and no two sound alike: the
    *Overdue* figure is not read out as the *Alerts* one's "unread alerts"."""
    from actions.models import Notice
    from tenancy import badges
    from tenancy.context import organisation_scope
    from tenancy.navigation import _modules
    from tests.compliance.factories import AlertFactory

    manager = org.users["manager"]
    with organisation_scope(org.org.pk):
        AlertFactory(obligation=org.obligation, user=manager, due_on="2026-01-01")
        AlertFactory(obligation=org.obligation, user=manager, due_on="2026-01-02")
        Notice.objects.create(
            organisation=org.org, user=manager, site=org.school, key="t", message="m", url="/"
        )
        for kind in ("alerts", "notices"):  # as the services that make them do
            badges.forget(kind, organisation_id=org.org.pk, user_ids=[manager.pk])
    client.force_login(manager)
    response = client.get("/")
    offered = [
        badge for module in _modules() if hasattr(module, "badges")
        for badge in module.badges(response.wsgi_request)
    ]  # fmt: skip
    words = {label: tuple(said) for label, _url, _kind, _count, said in offered}
    assert words == BADGE_WORDS
    assert len({w for pair in words.values() for w in pair}) == 2 * len(words)
    top_bar = response.content.decode().split('aria-label="Main"')[1].split("</nav>")[0]
    for label, n, said in (("Overdue", 2, "new overdue items"), ("Alerts", 1, "unread alert")):
        badge = top_bar.split(f">{label} <span", 1)[1].split("</a>", 1)[0]
        assert f'title="{n} {said}"' in badge
        assert f'{n}<span class="visually-hidden"> {said}</span>' in badge
    assert "unread alerts" not in top_bar.split(">Overdue <span", 1)[1].split("</a>", 1)[0]


ANCHOR = re.compile(r'<a\b[^>]*href="([^"]*)"[^>]*>(.*?)</a>', re.S)
# Each alerts page, and the words every link to it starts with (the page's own name).
ALERT_PAGES = {"/actions/alerts/": "Alerts", "/compliance/alerts/": "Overdue"}


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split()


@pytest.mark.django_db
def test_every_link_to_an_alerts_page_is_named_after_the_page_it_opens(client, org):
    """My week's button said *Alerts* and opened the overdue alerts: every link named "Alerts"
    anywhere opens the Alerts page, and every link to the overdue alerts says *Overdue*."""
    from .pages import html_pages

    seen = set()
    for name, _user, body in html_pages(
        client, org, [org.users["key_worker"], org.users["manager"]]
    ):
        for href, inner in ANCHOR.findall(body):
            words = _text(inner)
            if href in ALERT_PAGES:
                assert words[:1] == [ALERT_PAGES[href]], (name, href, words)
                seen.add((href, name))
            elif words[:1] == ["Alerts"]:
                raise AssertionError(f"{name}: a link named Alerts opens {href}")
    assert ("/actions/alerts/", "compliance:my_week") in seen
    assert ("/compliance/alerts/", "compliance:my_week") in seen
    assert ("/actions/alerts/", "actions:index") in seen


@pytest.mark.django_db
def test_my_weeks_alerts_button_opens_the_alerts_with_their_unread_count(client, org):
    from actions.models import Notice
    from tenancy.context import organisation_scope

    worker = org.users["key_worker"]
    with organisation_scope(org.org.pk):
        for key in ("a", "b"):
            Notice.objects.create(
                organisation=org.org, user=worker, site=org.school, key=key, message=key, url="/"
            )
    client.force_login(worker)
    page = client.get("/compliance/my-week/").content.decode()
    buttons = page.split('data-testid="my-week-alerts"')[1].split("</div>")[0]
    alerts = buttons.split('href="/actions/alerts/">', 1)[1].split("</a>", 1)[0]
    assert (
        alerts.startswith("Alerts <span")
        and '2<span class="visually-hidden"> unread alerts' in alerts
    )
    opened = client.get("/actions/alerts/").content.decode()
    assert '<h1 class="h3">Alerts</h1>' in opened
    overdue = client.get("/compliance/alerts/").content.decode()
    assert '<h1 class="h3">Overdue alerts' in overdue


def _bar(response) -> list:
    """The top bar as (label, [labels inside its dropdown]) pairs."""
    return [
        (item["label"], [child["label"] for child in item.get("children", [])])
        for item in response.context["nav_items"]
    ]


@pytest.mark.django_db
def test_reports_read_now_and_then_share_one_dropdown_and_a_group_of_one_is_a_link(client, org):
    """The top bar fits one line at 1280 px (tests/test_top_bar.py): a home's manager finds *What
    works*, *Regulation 45* and *Regulation 44* under *Reports*; a school's manager, with only *What
    works* of them, gets it as a link, and a moderator's lone *Slips* is a link, not a dropdown."""
    from tenancy.models import Role

    from .factories import MembershipFactory, UserFactory

    both = UserFactory()
    for site in (org.school, org.home):
        MembershipFactory(user=both, site=site, role=Role.MANAGER)
    client.force_login(both)
    bar = _bar(client.get("/"))
    assert bar == [
        ("Children", []),
        ("Sessions", []),
        ("Behaviour", ["Slips", "Attendance"]),
        ("Contacts", ["Calls due", "All contacts"]),
        ("Plans", []),
        ("Compliance", []),
        ("Quality", ["Check a text", "Moderation", "Performance"]),
        ("Reports", ["What works", "Regulation 45", "Regulation 44"]),
        ("Actions", []),
    ]
    reg45 = client.get("/regulation45/")
    assert active_items(reg45) == ["Regulation 45"]
    assert [i["active"] for i in reg45.context["nav_items"] if i["label"] == "Reports"] == [True]

    client.force_login(org.users["manager"])
    assert ("What works", []) in _bar(client.get("/"))
    client.force_login(org.users["moderator"])
    bar = _bar(client.get("/"))
    assert ("Slips", []) in bar and "Behaviour" not in dict(bar)


@pytest.mark.django_db
def test_staff_and_the_organisation_switcher_are_in_the_user_menu(client, org, other_org):
    """Occasional pages leave the top bar for the user menu: *Staff* heads it, and a person in two
    organisations switches from it."""
    from tenancy.models import Role

    from .factories import MembershipFactory

    worker = org.users["key_worker"]
    client.force_login(worker)
    page = client.get("/")
    assert "Staff" not in [label for label, _ in _bar(page)]
    assert page.context["menu_items"][0] == {"label": "Staff", "url": "/staff/"}
    body = page.content.decode()
    assert "Switch organisation" not in body  # one organisation: nothing to switch
    MembershipFactory(user=worker, organisation=other_org.org, site=None, role=Role.ORG_ADMIN)
    client.force_login(worker)
    body = client.get("/").content.decode()
    user_menu = (
        body.split('aria-label="Main"')[1].split("</nav>")[0].rsplit("dropdown-menu-end", 1)[1]
    )
    assert 'data-testid="org-switcher"' in user_menu and other_org.org.name in user_menu
    assert ' id="org-switcher"' not in body  # no second button in the bar
