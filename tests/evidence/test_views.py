"""The evidence pages as their users see them: who may open them, what they show, their
downloads, and a fixed number of queries whatever the number of targets or records."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sessions_app.models import Topic
from tenancy.context import organisation_scope
from tenancy.models import AuditEvent

from ..behaviour.factories import SlipFactory
from ..factories import ChildFactory
from ..pdf import pdf_text
from ..sessions_app.factories import (
    KeyWorkSessionFactory,
    SessionTopicFactory,
    TargetFactory,
)


def add_targets(org, n):
    """``n`` children at the school, each with a target set five weeks ago and reviewed, a
    session topic and slips before and after."""
    today = timezone.localdate()
    with organisation_scope(org.org.pk):
        topic, _ = Topic.objects.get_or_create(organisation=org.org, name="Friendships")
        for _ in range(n):
            child = ChildFactory(site=org.school, start_date=today - datetime.timedelta(days=200))
            session = KeyWorkSessionFactory(
                child=child,
                author=org.users["key_worker"],
                date=today - datetime.timedelta(days=35),
            )
            SessionTopicFactory(session=session, topic=topic)
            TargetFactory(set_in=session, outcome="achieved")
            SlipFactory(child=child, occurred_at=timezone.now() - datetime.timedelta(days=40))


def count(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


@pytest.mark.django_db
def test_what_works_is_for_managers_and_organisation_admins(client, org):
    for role, status in (("manager", 200), ("org_admin", 200), ("key_worker", 403),
                         ("moderator", 403)):  # fmt: skip
        client.force_login(org.users[role])
        assert client.get("/evidence/what-works/").status_code == status, role
    client.force_login(org.users["manager"])
    assert b"What works" in client.get("/").content


@pytest.mark.django_db
def test_what_works_runs_a_fixed_number_of_queries(client, org, django_assert_num_queries):
    client.force_login(org.users["manager"])
    url = "/evidence/what-works/"
    add_targets(org, 2)
    client.get(url)  # the first request after signing in does more (session, device)
    small, response = count(client, url)
    assert b"Too few to say" in response.content
    add_targets(org, 6)
    # 1 session (read again: the whole cache was cleared), 2 user, 3 two-factor device,
    # 4 memberships (both read again too: tenancy.authcache), 5 savepoint, 6 the key workers
    # (filter), 7 the version stamp (cache key), 8 the targets, 9 their topics, 10 the holidays,
    # 11 the counts of every window, 12-13 the top bar's two unread counts (also cleared:
    # tenancy.badges), 14 release.
    cache.clear()
    with django_assert_num_queries(14):
        response = client.get(url)
    assert small == 14
    assert b"Friendships" in response.content


@pytest.mark.django_db
def test_what_works_refuses_bad_filters_with_a_message(client, org):
    client.force_login(org.users["manager"])
    response = client.get("/evidence/what-works/", {"start": "2026-05-01", "end": "2026-01-01"})
    assert response.status_code == 200
    assert "The start is after the end." in response.content.decode()
    assert client.get("/evidence/what-works.csv", {"min_age": "x"}).status_code == 400


@pytest.mark.django_db
def test_what_works_downloads(client, org):
    add_targets(org, 5)
    client.force_login(org.users["org_admin"])
    response = client.get("/evidence/what-works.csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Group,Kind,Children,Targets,Measure")
    assert any(line.startswith("Session topic,Friendships,5,5") for line in lines)
    svg = client.get("/evidence/what-works.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content and b"Friendships" in svg.content


@pytest.mark.django_db
def test_the_childs_impact_page(client, org):
    add_targets(org, 1)
    with organisation_scope(org.org.pk):
        child = ChildFactory._meta.model.objects.filter(site=org.school).order_by("-pk").first()
    client.force_login(org.users["key_worker"])
    response = client.get(f"/evidence/child/{child.pk}/impact/")
    body = response.content.decode()
    assert "Negative slips a week" in body and "Attendance %" in body
    assert "too little data" in body  # no attendance marks


@pytest.mark.django_db
def test_the_chronology_in_date_order_with_filters_and_pdf(client, org, django_assert_num_queries):
    today = timezone.localdate()
    with organisation_scope(org.org.pk):
        SlipFactory(child=org.child, occurred_at=timezone.now() - datetime.timedelta(days=9),
                    what_happened="Threw a chair in maths.")  # fmt: skip
        KeyWorkSessionFactory(child=org.child, author=org.users["key_worker"],
                              date=today - datetime.timedelta(days=3), title="Talking about maths")  # fmt: skip
    client.force_login(org.users["manager"])
    url = f"/evidence/child/{org.child.pk}/chronology/"
    body = client.get(url).content.decode()
    assert body.index("Threw a chair") < body.index("Talking about maths")
    only_slips = client.get(url, {"kind": "slip"}).content.decode()
    assert "Threw a chair" in only_slips and "Talking about maths" not in only_slips
    bad = client.get(url, {"start": "2026-05-01", "end": "2026-01-01"})
    assert "The start is after the end." in bad.content.decode()
    small, _ = count(client, url)
    with organisation_scope(org.org.pk):
        for i in range(5):
            SlipFactory(child=org.child, occurred_at=timezone.now() - datetime.timedelta(days=i))
    # 1 user, 2 savepoint, 3 the child, 4 the audit entry, 5 the key workers today (may the
    # user read narrow plans), then one each: 6 sessions, 7 targets, 8 slips, 9 contacts,
    # 10 plans, 11 allocations, 12 release. (The session, the two-factor device, the memberships
    # and the top bar's counts come from the cache, which ``count`` cleared: 5 more there.)
    with django_assert_num_queries(small - 5):
        client.get(url)
    pdf = client.get(f"/evidence/child/{org.child.pk}/chronology.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    with organisation_scope(org.org.pk):
        assert AuditEvent.objects.filter(child_id=org.child.pk, action="export").exists()


@pytest.mark.django_db
def test_the_demo_shows_one_kind_helping_and_one_not(org):
    from types import SimpleNamespace

    from evidence import demo, selectors

    with organisation_scope(org.org.pk):
        for _ in range(14):
            ChildFactory(site=org.school)
    world = SimpleNamespace(
        school_org=org.org, school=org.school, users={"tas": [org.users["key_worker"]]},
        stdout=io.StringIO(),
    )  # fmt: skip
    demo.seed(world)
    demo.seed(world)  # idempotent
    today = timezone.localdate()
    with organisation_scope(org.org.pk):
        filters = selectors.Filters(
            site_ids=(org.school.pk,), start=today - datetime.timedelta(days=60), end=today
        )
        rows = {r.kind: r for r in selectors.what_works(filters, today).rows}
    assert rows["Zones of regulation"].children == 7
    assert rows["Zones of regulation"].verdict == "Better after"
    assert rows["Online and phone safety"].verdict in ("No clear change", "Worse after")


@pytest.mark.django_db
def test_the_key_work_story_pdf_matches_the_impact_page(client, org):
    add_targets(org, 1)
    with organisation_scope(org.org.pk):
        child = ChildFactory._meta.model.objects.filter(site=org.school).order_by("-pk").first()
    client.force_login(org.users["manager"])
    response = client.get(f"/evidence/child/{child.pk}/story.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    import pypdfium2  # the first page as a PNG, to look at

    pypdfium2.PdfDocument(response.content)[0].render(scale=1.5).to_pil().save(
        "test-artifacts/evidence-story.png"
    )
    assert "Key-work sessions (1)" in text and "Negative slips a week" in text
    assert "Friendships" in text
    bad = client.get(
        f"/evidence/child/{child.pk}/story.pdf", {"start": "2026-05-01", "end": "2026-01-01"}
    )
    assert bad.status_code == 400
    with organisation_scope(org.org.pk):
        assert AuditEvent.objects.filter(child_id=child.pk, action="export").exists()


@pytest.mark.django_db
def test_what_works_shows_the_change_and_its_interval_to_two_decimals(client, org):
    """At one decimal two intervals both read "0.0 to 0.4" while one says *Worse after* and the other
    *No clear change* (a new user found it): two decimals show which excludes zero."""
    import re

    add_targets(org, 5)
    client.force_login(org.users["org_admin"])
    page = client.get("/evidence/what-works/").content.decode()
    intervals = re.findall(r"([+-]?\d+\.\d+) \(([+-]?\d+\.\d+) to ([+-]?\d+\.\d+)\)", page)
    assert intervals
    for figure in (value for row in intervals for value in row):
        assert len(figure.split(".")[1]) == 2, intervals
