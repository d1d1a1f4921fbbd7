"""The site's words on every page: a child is a *pupil* at a school and a *young person* at a
children's home (DOMAIN.md). The walkthrough found My week at a home heading its "Actions from
records" table "Child"; this walks every page, as a school's manager and key worker and a home's,
with rows to show, and fails on the other kind's word (or the generic "child") in a table header,
a form label, a term or a heading."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from tenancy.context import organisation_scope

from .behaviour.factories import SlipFactory
from .contacts.factories import ContactFactory
from .factories import ChildFactory, KeyWorkerAllocationFactory
from .regulation45.helpers import home_manager
from .sessions_app.factories import KeyWorkSessionFactory
from .test_cross_organisation_walk import ALL_URLS, ARGUMENT, PUBLIC

# Where the words are names, not the site's word for a child: statutory titles and the guide's.
PROPER = re.compile(
    r"children's homes?|key child's agenda|the children's views, wishes and feelings standard|"
    r"the protection of children standard|children act|children's social care|"
    r"young person's monthly review",
    re.IGNORECASE,
)
WRONG = {
    "school": re.compile(r"\b(child|children|child's|young (person|people)(['’]s)?)\b", re.I),
    "home": re.compile(r"\b(child|children|child's|pupils?(['’]s?)?)\b", re.I),
}
# The page parts that name things: table headers and captions, form labels and legends, the
# terms of a description list, headings.
NAMING = ("th", "caption", "label", "legend", "dt", "h1", "h2", "h3", "h4")


class Naming(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found, self._open = [], []

    def handle_starttag(self, tag, attrs):
        if tag in NAMING:
            self._open.append((tag, []))

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            name, parts = self._open.pop()
            self.found.append((name, " ".join("".join(parts).split())))

    def handle_data(self, data):
        for _, parts in self._open:
            parts.append(data)


def _home_rows(world):
    """A young person at the home with what the pages list: a key worker, an open action, a
    slip, a contact and a session."""
    from actions.models import ActionItem, Kind

    rsw, manager = world.users["other_site_key_worker"], home_manager(world)
    young = ChildFactory(site=world.home, first_name="Yara", last_name="Nowak")
    KeyWorkerAllocationFactory(child=young, staff=rsw, changed_by=manager)
    with organisation_scope(world.org.pk):
        action = ActionItem.objects.create(
            organisation=world.org, site=world.home, child=young, kind=Kind.FOLLOW_UP,
            title="Ask about Saturday", owner=rsw, created_by=rsw,
            due_on=timezone.localdate() + datetime.timedelta(days=3),
        )  # fmt: skip
    slip = SlipFactory(child=young, recorded_by=rsw)
    contact = ContactFactory(child=young, recorded_by=rsw)
    session = KeyWorkSessionFactory(
        child=young, author=rsw, date=timezone.localdate() - datetime.timedelta(days=2),
        quality_standards=[1], focus="", status="submitted",
    )  # fmt: skip
    ids = {"child_id": young.pk, "action_id": action.pk, "slip_id": slip.pk,
           "contact_id": contact.pk, "session_id": session.pk, "site_id": world.home.pk}  # fmt: skip
    return manager, ids


def _pages(client, ids):
    """Every page this person opens (200, HTML), with the world's ids (another site's rows are
    not theirs: 404, skipped)."""
    for route, name in ALL_URLS:
        if name in PUBLIC:
            continue
        if ARGUMENT.search(route):
            if any(m["name"] not in ids for m in ARGUMENT.finditer(route)):
                continue
            url = "/" + ARGUMENT.sub(lambda m: str(ids[m["name"]]), route)
        else:
            url = "/" + route
        response = client.get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            yield name, response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind,role",
    [
        ("school", "manager"),
        ("school", "key_worker"),
        ("home", "manager"),
        ("home", "key_worker"),
    ],  # fmt: skip
)
def test_every_page_names_a_child_in_the_sites_word(client, org, kind, role):
    manager, home_ids = _home_rows(org)
    if kind == "school":  # the world's manager and key worker work at its school only
        user, ids = org.users[role], org.ids
    else:
        user = manager if role == "manager" else org.users["other_site_key_worker"]
        ids = {**org.ids, **home_ids}
    client.force_login(user)
    wrong, seen = [], set()
    for name, html in _pages(client, ids):
        seen.add(name)
        parser = Naming()
        parser.feed(html)
        for tag, text in parser.found:
            if WRONG[kind].search(PROPER.sub("", text)):
                wrong.append(f"{name} <{tag}>: {text}")
    # The walk reached the pages the walkthrough used, with their tables.
    assert {"compliance:my_week" if role == "key_worker" else "people:child_create",
            "actions:index", "people:child_list", "contacts:contact_list"} <= seen  # fmt: skip
    assert wrong == [], "\n".join(wrong)


@pytest.mark.django_db
def test_my_week_heads_its_actions_with_the_homes_word(client, org):
    """The walkthrough's page: My week at a children's home, its "Actions from records" table."""
    _home_rows(org)
    client.force_login(org.users["other_site_key_worker"])
    page = client.get("/compliance/my-week/").content.decode()
    table = page.split('data-testid="my-week-actions"')[1].split("</thead>")[0]
    assert '<th scope="col">Young person</th>' in table
    client.force_login(org.users["key_worker"])
    page = client.get("/compliance/my-week/").content.decode()
    table = page.split('data-testid="my-week-actions"')[1].split("</thead>")[0]
    assert '<th scope="col">Pupil</th>' in table
