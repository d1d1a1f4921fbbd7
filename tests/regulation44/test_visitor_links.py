"""An independent visitor is offered only what they may open. Signed in as a home's visitor, the
walk opens every page of theirs (``VISITOR_PAGES``, filled with the world's ids) and every page
their links reach, gathers each same-site link, image, form and htmx address in the HTML, and
asserts: each link or image they follow answers something other than 403, and each form or htmx
request goes to a view ``tenancy.access.visitor_may`` lets them send it to. A new template with a
link a visitor may not follow fails here without anyone remembering. Staff keep every one of those
links (the last tests): templates ask ``may_open`` / ``may_send`` (tenancy's ``kw_access`` tags)."""

import datetime
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from plans.models import PlanType
from safeguarding.models import Concern
from tenancy.access import VISITOR_PAGES, visitor_may
from tenancy.models import Role, Site

from ..factories import MembershipFactory, OrganisationFactory, SiteFactory
from ..plans.factories import PlanFactory, PlanVersionFactory
from ..test_cross_organisation_walk import TENANT_URLS, fill
from ..uploads import png_bytes
from ..walk import view_name, walk

pytestmark = pytest.mark.django_db


def walk_as_visitor(client, visitor, ids=None) -> tuple[set[str], list[str]]:
    """(the addresses opened, what is wrong) for ``visitor``, starting from the home page and
    every page of ``VISITOR_PAGES`` filled with ``ids`` (without ids: the home page alone, the
    rest through the links)."""
    client.force_login(visitor)
    access = client.get("/").wsgi_request.access
    assert access.is_independent_visitor
    pages = [route for route, name in TENANT_URLS if name in VISITOR_PAGES] if ids else []

    def offered(page, method, target, what):
        name = view_name(target)
        if not visitor_may(access, name, method):
            return f"{page} offers a {what} ({method} {target}, {name})"
        return None

    start = ["/"] + sorted(fill(route, ids) for route in pages)
    return walk(client, start, offered=offered, starts_must_open=True)


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
