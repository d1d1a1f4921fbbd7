"""The Regulation 45 pack with known data: each figure exactly, the page and the PDF showing the
same numbers, publication freezing them, and the pages' access."""

import datetime
import re
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from regulation45 import selectors, services
from regulation45.models import Review
from sessions_app.models import KeyWorkSession
from tenancy.context import organisation_scope
from tenancy.models import AuditEvent

from ..pdf import pdf_text
from ..sessions_app.factories import KeyWorkSessionFactory
from .helpers import END, START, home_manager, known_home

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(org):
    data = known_home(org)
    data.manager = home_manager(org)
    with organisation_scope(org.org.pk):
        # The world's draft of the home is of the same period (tests/regulation45/world.py): one
        # draft per home and period, so it is this one, started by the home's manager.
        data.review = Review.objects.get(pk=org.review.pk, period_start=START, period_end=END)
        data.review.created_by = data.manager
        data.review.save(update_fields=["created_by"])
        data.review.entries.all().delete()
    return data


def _pack(org, review):
    with organisation_scope(org.org.pk):
        review.refresh_from_db()
        return selectors.pack(review)


def test_sessions_per_standard_and_child(org, known):
    data = _pack(org, known.review)
    by_name = {c["name"]: (c["counts"], c["total"]) for c in data["children"]}
    assert by_name == {
        "Amy Ashdown": ([1, 2, 0, 0, 1, 0, 0, 0, 0], 3),
        "Ben Brook": ([0, 1, 0, 0, 0, 0, 2, 0, 0], 2),
    }
    qs = {s["number"]: s for s in data["standards"]}
    assert (qs[2]["sessions"], qs[2]["children"]) == (3, 2)
    assert qs[2]["per_child"] == [
        {"name": "Amy Ashdown", "count": 2},
        {"name": "Ben Brook", "count": 1},
    ]
    assert (qs[7]["sessions"], qs[7]["children"]) == (2, 1)
    assert (qs[3]["sessions"], qs[3]["children"], qs[3]["per_child"]) == (0, 0, [])


def test_targets_and_their_outcomes_per_standard(org, known):
    qs = {s["number"]: s["targets"] for s in _pack(org, known.review)["standards"]}
    zero = {"set": 0, "achieved": 0, "partly": 0, "not_achieved": 0, "carried_forward": 0,
            "open": 0}  # fmt: skip
    assert qs[1] == {**zero, "set": 2, "achieved": 1, "open": 1}
    assert qs[2] == {**zero, "set": 3, "achieved": 1, "open": 1, "not_achieved": 1}
    assert qs[7] == {**zero, "set": 1, "not_achieved": 1}
    assert qs[5] == zero  # the session covering it set none; the withdrawn one is left out


def test_the_childrens_own_words_come_from_their_agendas(org, known):
    qs = {s["number"]: s["views"] for s in _pack(org, known.review)["standards"]}
    assert qs[1] == [
        {"date": "10.01.2026", "child": "Amy Ashdown", "text": "I want more time with my brother."}
    ]
    assert [v["text"] for v in qs[2]] == [
        "Football on Fridays.",
        "I want more time with my brother.",
    ]
    assert qs[5] == []


def test_incidents_by_month_on_the_homes_clock_and_their_trend(org, known):
    incidents = _pack(org, known.review)["incidents"]
    assert [(m["label"], m["low"], m["high"], m["total"]) for m in incidents["months"]] == [
        ("Jan 2026", 4, 1, 5),
        ("Feb 2026", 2, 0, 2),
        ("Mar 2026", 3, 0, 3),
        ("Apr 2026", 1, 0, 1),
        ("May 2026", 0, 0, 0),
        ("Jun 2026", 0, 1, 1),  # 23:30 on 30 June in London is still June
    ]
    assert incidents["total"] == 12
    assert (incidents["first_mean"], incidents["last_mean"], incidents["trend"]) == (
        3.33, 0.67, "fewer"
    )  # fmt: skip


def test_a_short_period_is_too_short_to_say(org, known):
    with organisation_scope(org.org.pk):
        known.review.period_start = datetime.date(2026, 4, 1)
        data = selectors.compute_pack(known.review)
    assert data["incidents"]["trend"] == "too short to say"
    assert data["incidents"]["first_mean"] is None


def test_compliance_figures_records_and_moderation(org, known):
    data = _pack(org, known.review)
    rows = [(r["label"], r["due"], r["done_on_time"], r["done_late"], r["not_done"], r["on_time"])
            for r in data["compliance"]]  # fmt: skip
    assert rows == [
        ("Key-work sessions", 48, 1, 4, 43, 2),
        ("Weekly social-worker updates", 52, 1, 1, 50, 2),
        ("Statutory social-worker visits", 3, 1, 0, 2, 33),
        ("Plan reviews", 2, 1, 1, 0, 50),
    ]
    for r in data["compliance"]:  # each row totals across
        assert r["due"] == r["done_on_time"] + r["done_late"] + r["not_done"], r
        assert r["late"] == r["done_late"] + r["not_done"], r
    assert data["records"] == {"sessions": 5, "weekly_updates": 2, "visits": 2}
    assert data["moderation"] == {
        "count": 2,
        "mean": 2.75,
        "scores": 4,
        "criteria": [
            {"name": "Plain words", "mean": 3.5, "count": 2},
            {"name": "Voice heard", "mean": 2.0, "count": 2},
        ],
    }


def test_the_page_and_the_pdf_show_the_same_figures(client, org, known):
    client.force_login(known.manager)
    page = client.get(f"/regulation45/{known.review.pk}/").content.decode()
    pdf = client.get(f"/regulation45/{known.review.pk}/pack.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert "Regulation 45 review - Alpha House - draft 2026-06-30.pdf" in unquote(
        pdf["Content-Disposition"]
    )
    text = pdf_text(pdf.content)
    for needle in (
        "3 sessions with 2 young people: Amy Ashdown 2, Ben Brook 1.",
        "Targets set: 3 — achieved 1, partly 0, not achieved 1, carried forward 0, still open 1.",
        "Incidents a month: 3.33 in the first three months, 0.67 in the last three (fewer).",
        "5 key-work sessions, 2 weekly updates sent to social workers, 2 statutory social-worker "
        "visits.",
        "2 sessions moderated in the period; mean score 2.75 out of 4.",
    ):
        assert needle in text, needle
        assert needle in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page)), needle
    # Each table row's numbers, in order, on both.
    cells = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    # Each table's total row: every column totalled, as the rows above add up.
    for row in ("Amy Ashdown 1 2 0 0 1 0 0 0 0 3", "Ben Brook 0 1 0 0 0 0 2 0 0 2",
                "All young people 1 3 0 0 1 0 2 0 0 5",
                "Jan 2026 4 1 5", "Jun 2026 0 1 1", "Total 10 2 12",
                "Key-work sessions 48 1 4 43 2%", "Weekly social-worker updates 52 1 1 50 2%",
                "Statutory social-worker visits 3 1 0 2 33%", "Plan reviews 2 1 1 0 50%",
                "Plain words 3.5 2", "Voice heard 2.0 2", "All criteria 2.75 4"):  # fmt: skip
        assert row in text, row
        assert row in cells, row


def test_the_pack_page_is_audited_for_each_child_it_names(client, org, known):
    client.force_login(known.manager)
    client.get(f"/regulation45/{known.review.pk}/")
    with organisation_scope(org.org.pk):
        named = set(
            AuditEvent.objects.filter(action="view", child_id__isnull=False).values_list(
                "child_id", flat=True
            )
        )
    assert named == {known.amy.pk, known.ben.pk}


def test_publishing_freezes_the_figures_and_a_new_draft_starts_from_it(client, org, known):
    client.force_login(known.manager)
    url = f"/regulation45/{known.review.pk}/"
    s2 = known.sessions[1]
    client.post(f"{url}standard/2/", {"version": 1, "evaluation": "Children's views shape the house.",
                                       "actions": "Monthly house meetings.", "excerpts": [s2.pk]})  # fmt: skip
    client.post(f"{url}publish/", {"version": known.review.version})
    with organisation_scope(org.org.pk):
        review = Review.objects.get(pk=known.review.pk)
        assert review.status == "published" and review.snapshot is not None
        # Records change after publication: a new session, a corrected standard.
        KeyWorkSessionFactory(child=known.amy, author=known.rsw, date=datetime.date(2026, 2, 1),
                              quality_standards=[2], focus="")  # fmt: skip
        KeyWorkSession.objects.filter(pk=s2.pk).update(quality_standards=[4])
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", client.get(url).content.decode()))
    assert "3 sessions with 2 young people: Amy Ashdown 2, Ben Brook 1." in page
    assert "Children&#x27;s views shape the house." in page
    assert "Amy chose the menu for the house meeting." in page
    qs2 = {s["number"]: s for s in _pack(org, review)["standards"]}[2]
    assert (qs2["sessions"], len(qs2["excerpts"])) == (3, 1)
    # A published review cannot be edited.
    response = client.post(f"{url}standard/2/", {"version": 2, "evaluation": "Changed"})
    assert response.status_code == 302
    with organisation_scope(org.org.pk):
        assert review.entries.get(standard=2).evaluation == "Children's views shape the house."
        with pytest.raises(Exception, match="published"):
            services.standard_save(actor=known.manager, review=review, standard=2, version=2,
                                   evaluation="x", actions="", session_ids=[])  # fmt: skip
    # A new draft from the published review carries its words forward, figures live again.
    response = client.post(f"/regulation45/home/{org.home.pk}/new/",
                           {"based_on": review.pk, "period_start": "2026-01-01",
                            "period_end": "2026-06-30"})  # fmt: skip
    with organisation_scope(org.org.pk):
        draft = Review.objects.exclude(pk=review.pk).get(site=org.home, based_on=review)
        assert draft.entries.get(standard=2).evaluation == "Children's views shape the house."
        assert list(
            draft.entries.get(standard=2).excerpts.values_list("session_id", flat=True)
        ) == [s2.pk]
        live = {s["number"]: s for s in selectors.pack(draft)["standards"]}[2]
    assert response.status_code == 302
    assert live["sessions"] == 3  # the new session counted, the corrected one no longer


def test_recording_the_report_sent_to_ofsted(client, org, known):
    client.force_login(known.manager)
    with organisation_scope(org.org.pk):
        review = services.review_publish(actor=known.manager, review=known.review, version=1)
    url = f"/regulation45/{review.pk}/sent/"
    before = (review.completed_on - datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"version": review.version, "sent_on": before})
    assert "before it was published" in response.content.decode()
    client.post(url, {"version": review.version, "sent_on": review.completed_on.isoformat()})
    page = client.get(f"/regulation45/{review.pk}/").content.decode()
    assert f"Sent to Ofsted on {review.completed_on:%-d %b %Y}" in page


def test_only_managers_of_the_home_and_organisation_admins_see_reviews(client, org, known):
    pages = ["/regulation45/", f"/regulation45/home/{org.home.pk}/",
             f"/regulation45/{known.review.pk}/", f"/regulation45/{known.review.pk}/pack.pdf"]  # fmt: skip
    for user, status in ((known.manager, 200), (org.users["org_admin"], 200),
                         (org.users["other_site_key_worker"], 404),  # the home's key worker
                         (org.users["manager"], 404),  # the school's manager
                         (org.users["moderator"], 404)):  # fmt: skip
        client.force_login(user)
        for url in pages:
            want = 403 if status == 404 and url == "/regulation45/" else status  # a list: 403
            assert client.get(url).status_code == want, (user.username, url)
    client.force_login(known.manager)
    assert client.get(f"/regulation45/home/{org.school.pk}/").status_code == 404  # a school
    assert client.get(f"/regulation45/{known.review.pk}/standard/10/").status_code == 404
    # The navigation offers it to the home's manager only.
    assert b">Regulation 45<" in client.get("/").content
    for other in ("other_site_key_worker", "manager"):  # the home's key worker, a school's manager
        client.force_login(org.users[other])
        assert b">Regulation 45<" not in client.get("/").content, other


def test_a_period_ending_in_the_future_or_backwards_is_refused(client, org, known):
    client.force_login(known.manager)
    url = f"/regulation45/home/{org.home.pk}/new/"
    response = client.post(url, {"period_start": "2026-06-01", "period_end": "2026-01-01"})
    assert "cannot end before it starts" in response.content.decode()
    from tenancy.timeutils import site_today

    tomorrow = site_today(org.home) + datetime.timedelta(days=1)
    response = client.post(url, {"period_start": "2026-06-01", "period_end": tomorrow.isoformat()})
    assert "cannot end in the future" in response.content.decode()
    with organisation_scope(org.org.pk):
        assert Review.objects.filter(site=org.home).count() == 1  # the world's, as it was


def test_excerpts_must_be_sessions_of_the_period_covering_the_standard(client, org, known):
    client.force_login(known.manager)
    url = f"/regulation45/{known.review.pk}/standard/7/"
    page = client.get(url).content.decode()
    assert "Football on Fridays" in known.sessions[3].child_agenda
    assert (
        f'value="{known.sessions[3].pk}"' in page and f'value="{known.sessions[0].pk}"' not in page
    )
    s1 = known.sessions[0]  # covers 1 and 2, not 7
    response = client.post(url, {"version": 1, "evaluation": "E", "excerpts": [s1.pk]})
    assert response.status_code == 200
    with organisation_scope(org.org.pk):
        assert not known.review.entries.exists()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_pack_page_costs_the_same_queries_at_two_sizes(client, org, known):
    client.force_login(known.manager)
    url = f"/regulation45/{known.review.pk}/"
    services_args = dict(actor=known.manager, review=known.review, version=1, evaluation="E",
                         actions="A")  # fmt: skip
    with organisation_scope(org.org.pk):
        services.standard_save(standard=2, session_ids=[known.sessions[1].pk], **services_args)
    _queries(client, url)  # the first request of a session loads what later ones keep
    small = _queries(client, url)
    from ..factories import ChildFactory

    for i in range(8):
        child = ChildFactory(site=org.home, first_name=f"More{i}")
        for day in (5, 15, 25):
            KeyWorkSessionFactory(child=child, author=known.rsw, date=datetime.date(2026, 3, day),
                                  quality_standards=[1, 2, 9], child_agenda="Mine.", focus="")  # fmt: skip
    assert _queries(client, url) == small


def test_the_list_of_reviews_costs_the_same_queries_at_two_sizes(client, org, known):
    from ..factories import SiteFactory

    client.force_login(org.users["org_admin"])
    _queries(client, "/regulation45/")
    small = _queries(client, "/regulation45/")
    with organisation_scope(org.org.pk):
        for i in range(4):
            home = SiteFactory(organisation=org.org, name=f"Home {i}", kind="home")
            for month in (1, 7):
                Review.objects.create(
                    organisation=org.org, site=home, period_start=datetime.date(2025, month, 1),
                    period_end=datetime.date(2025, month + 5, 28), created_by=known.manager,
                )  # fmt: skip
    # New sites give the organisation's people a new version of their cached access
    # (tenancy.authcache): the next request loads it once, the one after is counted.
    _queries(client, "/regulation45/")
    assert _queries(client, "/regulation45/") == small


def test_a_closed_homes_reviews_are_read_only(client, org, known):
    with organisation_scope(org.org.pk):
        org.home.closed_on = datetime.date(2026, 7, 31)
        org.home.save()
    client.force_login(known.manager)
    url = f"/regulation45/{known.review.pk}/"
    page = client.get(url).content.decode()
    assert "Publish the review" not in page and "Evaluate and choose excerpts" not in page
    for write in (f"{url}standard/2/", f"{url}summary/", f"{url}publish/",
                  f"/regulation45/home/{org.home.pk}/new/"):  # fmt: skip
        assert client.get(write).status_code == 403, write
        assert client.post(write, {"version": 1}).status_code == 403, write
    assert client.get(f"{url}pack.pdf").status_code == 200


def test_a_second_draft_of_the_same_home_and_period_is_refused_naming_the_first(client, org, known):
    """The walkthrough: two drafts of one home and period could be started (a double click, two
    managers), splitting the evaluations between them. The form names the draft there is, with
    a link; the database refuses a second even when two arrive at once."""
    from django.db import IntegrityError, transaction

    client.force_login(known.manager)
    url = f"/regulation45/home/{org.home.pk}/new/"
    form = client.get(url).content.decode()
    listed = form.split('data-testid="drafts"')[1].split("</div>")[0]
    assert f'href="/regulation45/{known.review.pk}/">1 Jan 2026 – 30 Jun 2026</a>' in listed
    response = client.post(url, {"period_start": "2026-01-01", "period_end": "2026-06-30"})
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        f"{org.home.name} has a draft review of 1 January 2026 to 30 June 2026 already, started "
        f"by Rosa Manager on "
    ) in page
    assert f'<a href="/regulation45/{known.review.pk}/">continue that draft</a>' in page
    with organisation_scope(org.org.pk):
        assert Review.objects.filter(site=org.home).count() == 1
        with pytest.raises(services.DraftExists) as refused:
            services.review_start(actor=known.manager, site=org.home, period_start=START,
                                  period_end=END)  # fmt: skip
        assert refused.value.review == known.review
        with pytest.raises(IntegrityError), transaction.atomic():
            Review.objects.create(organisation=org.org, site=org.home, period_start=START,
                                  period_end=END, created_by=known.manager)  # fmt: skip
    # Another period is another review; a published one of the period does not stop a draft.
    other = client.post(url, {"period_start": "2025-07-01", "period_end": "2025-12-31"})
    assert other.status_code == 302
    with organisation_scope(org.org.pk):
        services.review_publish(actor=known.manager, review=known.review, version=1)
    again = client.post(url, {"period_start": "2026-01-01", "period_end": "2026-06-30"})
    assert again.status_code == 302
