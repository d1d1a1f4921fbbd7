"""The top bar keeps to one line on a 1280 px screen for every role, the fullest included (an
organisation admin; a manager and moderator of a school and a home who is on both DSL teams, works in
a second organisation, has three-figure counts and a long name), and folds behind its button on a
phone. It wrapped onto two lines for a manager: less-used pages are grouped (*Reports*, *Staff* in
the user menu, the organisation switcher in the user menu) and labels shortened."""

import datetime

import pytest
from playwright.sync_api import expect

from actions.models import Notice
from compliance.models import Alert
from safeguarding.models import SafeguardingLead
from tenancy.context import organisation_scope
from tenancy.models import Role

from .browser import sign_in
from .factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _fullest_manager(org, other_org):
    """Every top-bar item a member of staff can have, and the longest right-hand side."""
    person = UserFactory(
        username="fullest@alpha.example",
        first_name="Siobhán",
        last_name="Ní Bhriain-Featherstonehaugh",
    )
    with organisation_scope(org.org.pk):
        for site in (org.school, org.home):
            for role in (Role.MANAGER, Role.MODERATOR):
                MembershipFactory(user=person, site=site, role=role)
            SafeguardingLead.objects.create(organisation=org.org, site=site, user=person)
        first = datetime.date(2026, 1, 5)
        Alert.objects.bulk_create(
            Alert(
                organisation=org.org,
                user=person,
                obligation=org.obligation,
                due_on=first + datetime.timedelta(days=n),
                message="Sessions overdue",
            )
            for n in range(137)
        )
        Notice.objects.bulk_create(
            Notice(
                organisation=org.org, user=person, site=org.home, key=f"n{n}", message="m", url="/"
            )
            for n in range(12)
        )
    MembershipFactory(user=person, organisation=other_org.org, site=None, role=Role.ORG_ADMIN)
    return person


def _bar_is_one_line(page, who):
    """The brand and every item of the bar on one line, inside the window."""
    bar = page.locator('nav[aria-label="Main"]')
    brand = bar.locator(".navbar-brand").bounding_box()
    items = bar.locator(".navbar-nav > li")
    boxes = [items.nth(i).bounding_box() for i in range(items.count())]
    assert len(boxes) >= 4, who
    middle = brand["y"] + brand["height"] / 2
    for box in boxes:  # a second line would sit a whole line lower
        assert abs(box["y"] + box["height"] / 2 - middle) <= 2, (who, box, brand)
        assert box["x"] + box["width"] <= DESKTOP["width"], (who, box)
    assert bar.bounding_box()["height"] < 1.5 * (brand["height"] + 16), who


def _bar_folds_on_a_phone(page, who, link):
    """On a phone the items wait behind the menu button, which shows them."""
    page.set_viewport_size(PHONE)
    bar = page.locator('nav[aria-label="Main"]')
    toggler = page.get_by_role("button", name="Show navigation")
    expect(toggler).to_be_visible()
    expect(bar.get_by_role("link", name=link, exact=True)).to_be_hidden()
    brand = bar.locator(".navbar-brand").bounding_box()
    button = toggler.bounding_box()
    assert abs(brand["y"] + brand["height"] / 2 - button["y"] - button["height"] / 2) <= 2, who
    assert bar.bounding_box()["height"] < 1.5 * (brand["height"] + 16), who
    toggler.click()
    expect(bar.get_by_role("link", name=link, exact=True)).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#nav")).to_have_class("navbar-collapse collapse show")  # opened
    toggler.click()
    expect(bar.get_by_role("link", name=link, exact=True)).to_be_hidden()
    page.set_viewport_size(DESKTOP)


def _top_level(page) -> list[str]:
    """What each item of the bar says (a count with its words, as a screen reader hears it)."""
    items = page.locator('nav[aria-label="Main"] .navbar-nav > li > .nav-link')
    return [" ".join(items.nth(i).text_content().split()) for i in range(items.count())]


def test_the_top_bar_fits_on_one_line_for_every_role_and_folds_on_a_phone(page, org, other_org):
    fullest = _fullest_manager(org, other_org)
    people = [
        # (who, user, the labels of the top bar, a link to look for on a phone)
        (
            "manager and moderator of a school and a home, on both DSL teams",
            fullest,
            ["Home", "Children", "Sessions", "Behaviour", "Contacts", "Plans", "Compliance",
             "Quality", "Reports", "Actions", "Overdue 137 new overdue items",
             "Alerts 12 unread alerts", "Siobhán Ní Bhriain-Featherstonehaugh"],
            "Sessions",
        ),
        ("organisation admin", org.users["org_admin"], None, "Compliance"),
        ("DSL (the school's manager)", org.users["manager"], None, "What works"),
        ("key worker", org.users["key_worker"], None, "My week"),
        ("moderator", org.users["moderator"], None, "Sessions"),
        ("independent visitor", org.visitor, None, "My visits"),  # the home's (tests/regulation44)
    ]  # fmt: skip
    for who, user, labels, phone_link in people:
        page.set_viewport_size(DESKTOP)
        sign_in(page, user.username)
        if labels:
            shown = _top_level(page)
            assert shown == labels, (who, shown)
        _bar_is_one_line(page, who)
        page.screenshot(path=f"test-artifacts/top-bar-{user.username.split('@')[0]}.png")
        _bar_folds_on_a_phone(page, who, phone_link)
        page.context.clear_cookies()

    # The grouped pages are a click away, and the occasional ones are in the user menu.
    sign_in(page, fullest.username)
    bar = page.locator('nav[aria-label="Main"]')
    name = bar.get_by_role("button", name="Siobhán Ní Bhriain-Featherstonehaugh")
    expect(name).to_have_attribute("title", "Siobhán Ní Bhriain-Featherstonehaugh")
    bar.get_by_role("button", name="Reports").click()
    reports = bar.get_by_role("link")
    for label in ("What works", "Regulation 45", "Regulation 44"):
        expect(reports.filter(has_text=label)).to_be_visible()
    bar.get_by_role("link", name="Regulation 45").click()
    expect(page.get_by_role("heading", name="Regulation 45 reviews")).to_be_visible()
    name.click()
    expect(bar.get_by_role("link", name="Staff", exact=True)).to_be_visible()
    expect(bar.get_by_label("Switch organisation")).to_be_visible()
    bar.get_by_label("Switch organisation").select_option(label=other_org.org.name)
    bar.get_by_role("button", name="Switch", exact=True).click()
    expect(bar.get_by_role("button", name="Siobhán Ní Bhriain-Featherstonehaugh")).to_be_visible()
    name.click()
    expect(bar.locator(".dropdown-item-text.fw-semibold")).to_have_text(other_org.org.name)
