"""An independent visitor is offered only what they may open. Signed in as a home's visitor, the
walk opens every page of theirs (``VISITOR_PAGES``, filled with the world's ids) and every page
their links reach, gathers each same-site link, image, form and htmx address in the HTML, and
asserts: each link or image they follow answers something other than 403, and each form or htmx
request goes to a view ``tenancy.access.visitor_may`` lets them send it to. A new template with a
link a visitor may not follow fails here without anyone remembering. Staff keep every one of those
links (the last tests): templates ask ``may_open`` / ``may_send`` (tenancy's ``kw_access`` tags)."""

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import Resolver404, resolve, reverse

from plans.models import PlanType
from safeguarding.models import Concern
from tenancy.access import VISITOR_PAGES, visitor_may
from tenancy.models import Role, Site

from ..factories import MembershipFactory, OrganisationFactory, SiteFactory
from ..plans.factories import PlanFactory, PlanVersionFactory
from ..test_cross_organisation_walk import TENANT_URLS, fill
from ..uploads import png_bytes

pytestmark = pytest.mark.django_db

HTMX = {"hx-get": "GET", "hx-post": "POST", "hx-put": "PUT", "hx-patch": "PATCH", "hx-delete": "DELETE"}  # fmt: skip
#: The most pages one walk opens: a runaway (a link that makes a new address each time) fails.
LIMIT = 600


class Addresses(HTMLParser):
    """(method, address, what) for each link, image, form and htmx request of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href") is not None:
            self.found.append(("GET", attrs["href"], "link"))
        if tag == "img" and attrs.get("src") is not None:
            self.found.append(("GET", attrs["src"], "image"))
        if tag == "form":
            method = (attrs.get("method") or "GET").upper()
            self.found.append((method, attrs.get("action") or "", "form"))
        if tag in ("button", "input") and attrs.get("formaction") is not None:
            method = (attrs.get("formmethod") or "POST").upper()
            self.found.append((method, attrs["formaction"], "button"))
        for attribute, method in HTMX.items():
            if attrs.get(attribute) is not None:
                self.found.append((method, attrs[attribute], attribute))


def _same_site(page: str, address: str) -> str | None:
    """The path (and query) of ``address`` on this site; None for another site, a fragment of the
    same page, a mail or phone link, or a static file."""
    if address.startswith(("mailto:", "tel:", "javascript:", "data:", "#")):
        return None
    full = urlsplit(urljoin("http://testserver" + page, address))
    if full.netloc != "testserver" or full.path.startswith(settings.STATIC_URL):
        return None
    return full.path + (f"?{full.query}" if full.query else "")


def _view_name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


def walk_as_visitor(client, visitor, ids=None) -> tuple[set[str], list[str]]:
    """(the addresses opened, what is wrong) for ``visitor``, starting from the home page and
    every page of ``VISITOR_PAGES`` filled with ``ids`` (without ids: the home page alone, the
    rest through the links)."""
    client.force_login(visitor)
    access = client.get("/").wsgi_request.access
    assert access.is_independent_visitor
    pages = [route for route, name in TENANT_URLS if name in VISITOR_PAGES] if ids else []
    queue = ["/"] + sorted(fill(route, ids) for route in pages)
    came_from = dict.fromkeys(queue, "the start")
    opened, wrong = set(), []
    while queue:
        url = queue.pop(0)
        assert len(opened) < LIMIT, f"more than {LIMIT} pages: {sorted(opened)[:20]}…"
        opened.add(url)
        response = client.get(url, follow=True)
        if response.status_code == 403:
            wrong.append(f"{came_from[url]} offers {url} ({_view_name(url)}), which answers 403")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = Addresses()
        parser.feed(response.content.decode())
        for method, address, what in parser.found:
            target = _same_site(url, address)
            if target is None:
                continue
            name = _view_name(target)
            if not visitor_may(access, name, method):
                wrong.append(f"{url} offers a {what} ({method} {target}, {name})")
            elif method == "GET" and what in ("link", "image") and target not in came_from:
                came_from[target] = url
                queue.append(target)
    return opened, wrong


def _with_photo(world, scope):
    with scope(world.org):
        world.child.photo.save("walk.png", ContentFile(png_bytes()), save=True)


def test_a_homes_visitor_is_offered_only_pages_they_may_open(client, org, scope):
    """The demo's visitor: the independent visitor of one home, whose young person (the world's
    child, moved to the home) has a photo, sessions with a file and an earlier version, slips,
    contacts, a weekly update, a placement plan and a concern raised from a session."""
    with scope(org.org):
        org.child.site = org.home
        org.child.save()
        plan = PlanFactory(child=org.child, plan_type=PlanType.PLACEMENT_PLAN)
        PlanVersionFactory(plan=plan, author=org.users["key_worker"], number=1)
        Concern.objects.filter(pk=org.concern.pk).update(
            site=org.home, source="session", source_id=org.session.pk
        )
    _with_photo(org, scope)
    opened, wrong = walk_as_visitor(client, org.visitor, org.ids)
    assert not wrong, "\n".join(sorted(set(wrong)))
    # The walk reached the home's records, not only the top bar.
    for name, args in [
        ("people:child_detail", [org.child.pk]),
        ("sessions_app:session_detail", [org.session.pk]),
        ("plans:plan_detail", [org.child.pk, PlanType.PLACEMENT_PLAN]),
        ("contacts:weekly_update", [org.ids["update_id"]]),
        ("regulation44:report_detail", [org.report.pk]),
        ("people:child_photo", [org.child.pk]),  # part of the child's record they read
    ]:
        assert reverse(name, args=args) in opened, name


def test_a_visitor_of_a_school_a_home_and_another_provider_is_offered_only_their_pages(
    client, org, scope
):
    """The visitor holding the role at the school as well (its attendance, IEP and class points
    are walked too) and visiting a home of another provider: the organisation switcher is theirs."""
    ends_on = datetime.date.today() + datetime.timedelta(days=60)
    with scope(org.org):
        MembershipFactory(
            user=org.visitor, site=org.school, role=Role.INDEPENDENT_VISITOR, ends_on=ends_on
        )
    provider = OrganisationFactory(name="Gamma Care", slug="gamma-care")
    with scope(provider):
        home = SiteFactory(organisation=provider, name="Gamma House", kind=Site.Kind.HOME)
        MembershipFactory(
            user=org.visitor, site=home, role=Role.INDEPENDENT_VISITOR, ends_on=ends_on
        )
    _with_photo(org, scope)
    opened, wrong = walk_as_visitor(client, org.visitor, org.ids)
    assert not wrong, "\n".join(sorted(set(wrong)))
    assert reverse("behaviour:child_overview", args=[org.child.pk]) in opened
    # The switcher the walk found works for them.
    response = client.post(reverse("switch_organisation"), {"organisation": provider.pk})
    assert response.status_code == 302
    assert client.get("/").wsgi_request.access.organisation == provider


# ---- what the visitor is no longer offered, staff still are ------------------------------------


def _offers(world) -> list[tuple[str, str]]:
    """(page, address in it) pairs: links and forms to pages a visitor may not open, on pages
    they may. The world's child is at the school; ``world.ids`` names the records."""
    child, session, ids = world.child.pk, world.session.pk, world.ids

    def u(name, *args):
        return reverse(name, args=args)

    slips, overview = u("behaviour:slip_list"), u("behaviour:child_overview", child)
    sessions, record = u("sessions_app:child_sessions", child), u("sessions_app:session_detail", session)  # fmt: skip
    return [
        (slips, u("behaviour:site_analysis")),
        (slips, u("behaviour:attendance_import")),
        (slips, u("behaviour:progress_import")),
        (slips, u("behaviour:slip_types")),
        (slips, u("behaviour:my_patterns")),
        (slips, u("behaviour:slip_export_docx")),
        (slips, u("behaviour:slip_export_xlsx")),
        (slips, u("behaviour:slip_export_csv")),
        (slips, u("behaviour:saved_filter_save")),
        (overview, u("behaviour:certificate", child)),
        (overview, u("behaviour:grade_sheet", child)),
        (u("contacts:contact_list"), u("contacts:contact_export")),
        (u("contacts:weekly_update", ids["update_id"]), u("contacts:calls_due")),
        (sessions, u("sessions_app:my_sessions")),
        (sessions, u("sessions_app:bundle_start", child)),
        (u("sessions_app:site_sessions", world.school.pk), u("sessions_app:my_sessions")),
        (u("sessions_app:child_targets", child), u("evidence:child_impact", child)),
        (record, u("sessions_app:attachment_download", session, ids["attachment_id"])),
        (record, u("sessions_app:session_revision", session, ids["revision_id"])),
        (record, u("safeguarding:concern_new", child)),
    ]


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_staff_keep_every_link_the_visitor_is_no_longer_offered(client, org, scope):
    """The manager of the school sees each link or form on the same pages; the visitor (holding
    the role at the school too) does not, nor the manager's "My pupils" on the home page."""
    with scope(org.org):
        ends_on = datetime.date.today() + datetime.timedelta(days=60)
        MembershipFactory(
            user=org.visitor, site=org.school, role=Role.INDEPENDENT_VISITOR, ends_on=ends_on
        )
    _with_photo(org, scope)
    pages = {}
    for who in ("manager", "visitor"):
        client.force_login(org.users["manager"] if who == "manager" else org.visitor)
        pages[who] = {page: _html(client, page) for page in {page for page, _ in _offers(org)}}
        pages[who]["/"] = _html(client, "/")
    wrong = []
    for page, address in _offers(org):
        offered = re.compile(f'"{re.escape(address)}["?]')  # the address itself, not a longer one
        if not offered.search(pages["manager"][page]):
            wrong.append(f"the manager no longer sees {address} on {page}")
        if offered.search(pages["visitor"][page]):
            wrong.append(f"the visitor still sees {address} on {page}")
    assert not wrong, "\n".join(wrong)
    assert 'id="my-children"' in pages["manager"]["/"]
    assert 'id="my-children"' not in pages["visitor"]["/"]


def test_a_concern_raised_from_a_record_is_marked_for_staff_and_not_for_the_visitor(
    client, org, scope
):
    """README: the visitor sees no safeguarding concern, not even the marker "a safeguarding
    concern was raised on ‹date› (reference)" that staff who read the record see."""
    with scope(org.org):
        ends_on = datetime.date.today() + datetime.timedelta(days=60)
        MembershipFactory(
            user=org.visitor, site=org.school, role=Role.INDEPENDENT_VISITOR, ends_on=ends_on
        )
        Concern.objects.filter(pk=org.concern.pk).update(source="session", source_id=org.session.pk)
    page = reverse("sessions_app:session_detail", args=[org.session.pk])
    marker = f"SC-{org.concern.pk:05d}"
    client.force_login(org.users["key_worker"])
    assert marker in _html(client, page)
    client.force_login(org.visitor)
    html = _html(client, page)
    assert marker not in html and "safeguarding-marker" not in html


#: What tells a reader something about safeguarding: the child's "speak to the DSL" note, a
#: record's "a concern was raised" marker and its button, the DSL's chronology, and the checker's
#: "possible disclosure" prompt stored with a record.
SAFEGUARDING_SIGNS = (
    "Speak to the DSL",
    'data-testid="dsl-marker"',
    "safeguarding concern was raised",
    'data-testid="safeguarding-marker"',
    "Raise a safeguarding concern",
    "Safeguarding chronology",
    "/safeguarding/",
    "Possible disclosure",
    'data-rule="safeguarding"',
)


def test_no_page_a_visitor_opens_shows_a_safeguarding_note_or_marker_that_staff_see(
    client, org, scope
):
    """On the child's page the visitor saw "Speak to the DSL before …". The walk opens every page
    of the visitor's (and every page those link to) with a note on the child, a concern raised
    from a session and a stored "possible disclosure" finding on a contact and a plan, and finds
    none of them; the school's DSL sees each on the same pages."""
    from checking.checker import Context, check
    from checking.checker.safeguarding import DEFAULT_DISCLOSURE_PHRASES
    from contacts.models import Contact
    from plans.models import PlanVersion
    from safeguarding.models import Marker

    with scope(org.org):
        ends_on = datetime.date.today() + datetime.timedelta(days=60)
        MembershipFactory(
            user=org.visitor, site=org.school, role=Role.INDEPENDENT_VISITOR, ends_on=ends_on
        )
        Concern.objects.filter(pk=org.concern.pk).update(source="session", source_id=org.session.pk)
        Marker.objects.create(
            organisation=org.org,
            site=org.school,
            child=org.child,
            before="arranging contact with family",
            set_by=org.users["manager"],
        )
        disclosure = check(
            {"summary": "Zoë said “he hit me” on the bus."},
            Context(
                site_kind="school",
                record_kind="contact",
                disclosure_phrases=DEFAULT_DISCLOSURE_PHRASES,
            ),
        ).as_dict()
        assert [f["rule"] for f in disclosure["findings"]].count("safeguarding") == 1
        Contact.objects.filter(pk=org.ids["contact_id"]).update(quality_report=disclosure)
        PlanVersion.objects.filter(pk=org.plan_version.pk).update(quality_report=disclosure)

    opened, wrong = walk_as_visitor(client, org.visitor, org.ids)
    assert not wrong, "\n".join(wrong)
    shown = []
    for url in sorted(opened):
        response = client.get(url, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        shown += [f"{url} shows {sign!r}" for sign in SAFEGUARDING_SIGNS if sign in body]
    assert not shown, "\n".join(shown)

    child = reverse("people:child_detail", args=[org.child.pk])
    contact = reverse("contacts:contact_detail", args=[org.ids["contact_id"]])
    version = reverse(
        "plans:version_detail", args=[org.child.pk, org.plan.plan_type, org.plan_version.pk]
    )
    session = reverse("sessions_app:session_detail", args=[org.session.pk])
    assert {child, contact, version, session} <= opened
    client.force_login(org.users["manager"])  # the school's DSL
    assert "Speak to the DSL before arranging contact with family" in _html(client, child)
    assert "Raise a safeguarding concern" in _html(client, child)
    for page in (contact, version):
        assert 'data-rule="safeguarding"' in _html(client, page), page
    assert f"SC-{org.concern.pk:05d}" in _html(client, session)
