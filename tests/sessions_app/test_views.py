import datetime
import re

import pytest
from django.utils import timezone

from sessions_app import services, worked_example
from sessions_app.exports import _fetcher_class
from sessions_app.models import BundleJob, KeyWorkSession, Topic
from tenancy.context import organisation_scope

from ..pdf import pdf_text
from .conftest import access_for
from .factories import KeyWorkSessionFactory, SessionTopicFactory, TargetFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def add_sessions(world, n):
    with organisation_scope(world.org.pk):
        for i in range(n):
            s = KeyWorkSessionFactory(
                child=world.child,
                author=world.users["key_worker"],
                date=TODAY() - datetime.timedelta(days=i % 20 + 1),
            )
            SessionTopicFactory(session=s)
            SessionTopicFactory(session=s)
            TargetFactory(set_in=s)


def count_queries(client, url, django_assert_num_queries, expected):
    client.get(url)  # warm caches (content types, the first session lookup)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


# 1 user, 2 savepoint (each request is atomic) ... last: release savepoint (the
# two-factor device and the memberships are cached per session: tenancy.authcache)
LIST_QUERIES = {
    # 4 count for the paginator, 5 the filter's children, 6-7 my children and their current
    # allocations (the "record a session" buttons), 8 the topic choices, 9 the page of sessions
    # with child, site and author, 10 their topics, 11 moderation feedback still to acknowledge
    # (quality's banner), 12 release.
    "my": 11,
    # 4 count, 5 the filter's children, 6 the filter's key workers, 7 topic choices, 8 the page,
    # 9 topics, 10 release.
    "site": 9,
    # 4 the child, 5 its audit entry, 6 count, 7 may this user record for the child, 8 key
    # workers, 9 topics, 10 the page, 11 topics, 12 release.
    "child": 11,
}


@pytest.mark.parametrize("which", ["my", "site", "child"])
def test_session_lists_run_a_fixed_number_of_queries(client, org, which, django_assert_num_queries):
    client.force_login(org.users["key_worker"])
    url = {
        "my": "/sessions/",
        "site": f"/sessions/site/{org.school.pk}/",
        "child": f"/sessions/child/{org.child.pk}/",
    }[which]
    add_sessions(org, 3)
    count_queries(client, url, django_assert_num_queries, LIST_QUERIES[which])
    add_sessions(org, 30)
    response = count_queries(client, url, django_assert_num_queries, LIST_QUERIES[which])
    # 33 + the world's two, and on the site's and child's lists the record tests/quality/world.py
    # moderates (by the child's cover key worker, so not on "my" list).
    assert response.context["page"].paginator.count == 35 + (which != "my")
    assert len(response.context["page"].object_list) == 25  # paginated


def test_session_list_filters_by_status_and_period(client, org):
    add_sessions(org, 3)
    with organisation_scope(org.org.pk):
        KeyWorkSessionFactory(
            child=org.child,
            author=org.users["key_worker"],
            status="signed_off",
            date=TODAY() - datetime.timedelta(days=60),
        )
    client.force_login(org.users["manager"])
    url = f"/sessions/site/{org.school.pk}/"
    assert client.get(url, {"status": "signed_off"}).context["page"].paginator.count == 1
    recent = client.get(url, {"period": "fortnight"}).context["page"].paginator.count
    assert recent == 5  # the three added and the world's two, not the one 60 days ago
    bad = client.get(url, {"start": "2026-02-01", "end": "2026-01-01", "period": "custom"})
    assert "The end date is before the start date." in bad.content.decode()


# 4 the session with child, site, author and reviewer, 5 topics, 6 targets set, 7 reviews of
# earlier targets, 8 earlier versions, 9 attached files, 10 the audit entry, 11 the actions this
# record raised (actions' panel; in the PDF too), 12 the dates and references of safeguarding
# concerns raised from it (on the page only), 13 release.
DETAIL_QUERIES = 12


def test_session_detail_and_pdf_run_a_fixed_number_of_queries(
    client, org, django_assert_num_queries
):
    client.force_login(org.users["manager"])
    url = f"/sessions/{org.session.pk}/"
    count_queries(client, url, django_assert_num_queries, DETAIL_QUERIES)
    with organisation_scope(org.org.pk):
        for _ in range(5):
            TargetFactory(set_in=org.session)
            SessionTopicFactory(session=org.session)
    count_queries(client, url, django_assert_num_queries, DETAIL_QUERIES)
    # The PDF loads the same (its view entry included) but no safeguarding references, then writes
    # its export entry.
    response = count_queries(client, url + "pdf/", django_assert_num_queries, DETAIL_QUERIES)
    assert response["Content-Type"] == "application/pdf"


def test_target_history_runs_a_fixed_number_of_queries(client, org, django_assert_num_queries):
    client.force_login(org.users["key_worker"])
    url = f"/sessions/child/{org.child.pk}/targets/"
    # 4 the child, 5 count for the paginator, 6 the page of targets with session and author,
    # 7 their reviews with sessions, 8 the audit entry, 9 release.
    count_queries(client, url, django_assert_num_queries, 8)
    add_sessions(org, 30)
    response = count_queries(client, url, django_assert_num_queries, 8)
    assert response.context["page"].paginator.count == 31
    assert len(response.context["targets"]) == 25


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def record_worked_example(world):
    day = TODAY() - datetime.timedelta(days=2)
    with organisation_scope(world.org.pk):
        session = services.session_start(access=access_for(world.ed, world), child=world.amber)
        topic = Topic.objects.get_or_create(
            name=worked_example.TOPIC, defaults={"organisation_id": world.org.pk}
        )[0]
        services.session_submit(
            access=access_for(world.ed, world),
            session=session,
            expected_version=session.version,
            data=worked_example.fields(day),
            topics=[topic],
            targets=worked_example.targets(day),
            reviews={},
        )
        session.refresh_from_db()
        services.session_sign_off(
            access=access_for(world.home_manager, world),
            session=session,
            expected_version=session.version,
        )
    return session, day


def test_the_worked_example_pdf_contains_every_field_of_the_guide(client, home):
    session, day = record_worked_example(home)
    client.force_login(home.home_manager)
    response = client.get(f"/sessions/{session.pk}/pdf/")
    assert response.status_code == 200
    text = pdf_text(response.content)
    expected = [
        f"Summary: Key worker Session – Amber Smith {day:%d.%m.%Y} Cannabis",
        f"Date of session: {day:%d.%m.%Y}",
        "Time of session: 14:00 – 14:45",
        "Quality Standards:",
        "The education standard",
        "The health and well-being standard",
        "The protection of children standard",
        "Targets from last session and outcomes? First session on this topic.",
        "Provide details of the Quality Standards discussed:",
        worked_example.QUALITY_STANDARDS_DETAILS,
        f"Key Child Agenda: {worked_example.CHILD_AGENDA}",
        f"Key Worker Agenda: {worked_example.WORKER_AGENDA}",
        "Targets set for the young person to achieve by the next session:",
        "To not use cannabis.",
        "To research and provide further effects/risks of cannabis.",
        "Work to be followed up by the key worker by the next session:",
        worked_example.FOLLOW_UP,
        "Any other matters to be discussed with the Team Manager and/or social worker and/or "
        "parents:",
        worked_example.MATTERS,
        "Does the Placement Plan need updating? Yes",
        "If Yes. Please provide details of areas to be updated in the Placement Plan?",
        worked_example.PLACEMENT_PLAN_AREAS,
        "Does the behaviour management plan/risk assessment need updating? Yes",
        "Please input the details of what has been discussed during the session here:",
        *[normalise(p) for p in worked_example.ACCOUNT.split("\n\n")],
        "Cannabis | NHS inform",
        # Organisation, site, child, author, sign-off and version.
        home.org.name,
        home.home.name,
        "Young person Amber Smith",
        "Recorded by Ellie Dawson, signed",
        "Signed off Helen Carver",
        "Version 1",
    ]
    missing = [e for e in expected if normalise(e) not in text]
    assert not missing, missing


def test_the_pdf_fetcher_reads_only_the_projects_static_files(settings):
    fetcher = _fetcher_class()()
    for url in ("http://example.com/logo.png", "file:///etc/passwd", "ftp://x/y"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    favicon = (settings.STATICFILES_DIRS[0] / "favicon.svg").as_uri()
    assert b"svg" in fetcher.fetch(favicon).read()


def editor_post(world, session, **changes):
    data = {
        "version": session.version,
        "date": (TODAY() - datetime.timedelta(days=1)).isoformat(),
        "start_time": "10:00",
        "end_time": "10:20",
        "initiated_by": "key_worker",
        "engagement": "engaged",
        "focus": "iep",
        "account": "We looked at the IEP targets together.",
        "targets-TOTAL_FORMS": "3",
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def new_draft(world):
    with organisation_scope(world.org.pk):
        return services.session_start(
            access=access_for(world.users["key_worker"], world), child=world.child
        )


def test_autosave_saves_the_draft_and_returns_the_new_version(client, org):
    session = new_draft(org)
    client.force_login(org.users["key_worker"])
    url = f"/sessions/{session.pk}/draft/"
    response = client.post(url, editor_post(org, session, account="Half-typed account"))
    body = response.content.decode()
    assert response.status_code == 200 and "Draft saved" in body
    assert f'name="version" value="{session.version + 1}"' in body
    with organisation_scope(org.org.pk):
        assert KeyWorkSession.objects.get(pk=session.pk).account == "Half-typed account"
    # A bad value is reported and left out; the rest is still saved.
    response = client.post(
        url,
        editor_post(org, session, version=session.version + 1, end_time="25:99", account="More"),
    )
    assert "not saved yet" in response.content.decode()
    with organisation_scope(org.org.pk):
        assert KeyWorkSession.objects.get(pk=session.pk).account == "More"
    # An end before the start is kept out of the table (never a 500) and named.
    response = client.post(
        url,
        editor_post(org, session, version=session.version + 2, end_time="09:00", account="Again"),
    )
    body = response.content.decode()
    assert response.status_code == 200 and "must end after it starts" in body
    with organisation_scope(org.org.pk):
        saved = KeyWorkSession.objects.get(pk=session.pk)
    assert saved.account == "Again" and saved.end_time is None


def test_autosave_from_a_stale_tab_is_refused_with_a_message(client, org):
    session = new_draft(org)
    client.force_login(org.users["key_worker"])
    url = f"/sessions/{session.pk}/draft/"
    client.post(url, editor_post(org, session, account="First tab", tab="tab-a"))
    # Tab B still holds the version it was shown.
    response = client.post(url, editor_post(org, session, account="Second tab", tab="tab-b"))
    assert "saved from another tab" in response.content.decode()
    with organisation_scope(org.org.pk):
        assert KeyWorkSession.objects.get(pk=session.pk).account == "First tab"


def test_a_tabs_own_autosave_in_flight_is_not_a_conflict(client, org):
    session = new_draft(org)
    client.force_login(org.users["key_worker"])
    shown = session.version
    client.post(f"/sessions/{session.pk}/draft/", editor_post(org, session, tab="tab-a"))
    # The same tab submits with the version it had before its autosave answered.
    with organisation_scope(org.org.pk):
        open_target = org.session.targets.first().pk
        topic = org.session.topics.first().pk
    response = client.post(
        f"/sessions/{session.pk}/edit/",
        editor_post(
            org,
            session,
            version=shown,
            tab="tab-a",
            action="submit",
            topics=[topic],
            **{f"outcome_{open_target}": "partly"},
        ),
    )
    assert response.status_code == 302
    with organisation_scope(org.org.pk):
        assert KeyWorkSession.objects.get(pk=session.pk).status == "submitted"


def test_submitting_bad_input_keeps_the_text_and_says_why(client, org):
    session = new_draft(org)
    with organisation_scope(org.org.pk):
        open_target = org.session.targets.first().pk
    client.force_login(org.users["key_worker"])
    response = client.post(
        f"/sessions/{session.pk}/edit/",
        editor_post(
            org,
            session,
            action="submit",
            end_time="09:00",
            account="Every word I typed",
            **{f"outcome_{open_target}": "partly"},
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The session must end after it starts." in body
    assert "Every word I typed" in body
    with organisation_scope(org.org.pk):
        draft = KeyWorkSession.objects.get(pk=session.pk)
    assert draft.status == "draft" and draft.account == "Every word I typed"  # kept as the draft


def test_a_fourth_target_in_the_browser_form_is_refused(client, org):
    session = new_draft(org)
    client.force_login(org.users["key_worker"])
    targets = {}
    for n in range(4):
        targets.update(
            {
                f"targets-{n}-what": f"Target {n}",
                f"targets-{n}-due_on": TODAY().isoformat(),
                f"targets-{n}-area": "behaviour",
            }
        )
    with organisation_scope(org.org.pk):
        open_target = org.session.targets.first().pk
    data = editor_post(org, session, action="submit", **targets)
    data.update({"targets-TOTAL_FORMS": "4", f"outcome_{open_target}": "achieved"})
    response = client.post(f"/sessions/{session.pk}/edit/", data)
    assert "at most 3 targets" in response.content.decode()


def test_a_submitted_record_is_read_only_and_others_cannot_edit(client, org):
    session = new_draft(org)
    client.force_login(org.users["manager"])
    assert client.get(f"/sessions/{session.pk}/edit/").status_code == 404  # someone's draft
    assert client.get(f"/sessions/{org.session.pk}/edit/").status_code == 403
    client.force_login(org.users["key_worker"])
    response = client.get(f"/sessions/{org.session.pk}/edit/")
    assert response.status_code == 302 and response["Location"] == f"/sessions/{org.session.pk}/"


def test_a_manager_signs_off_and_a_key_worker_cannot(client, org):
    url = f"/sessions/{org.session.pk}/review/"
    client.force_login(org.users["key_worker"])
    assert client.post(url, {"action": "sign_off", "version": 1}).status_code == 403
    client.force_login(org.users["manager"])
    client.post(url, {"action": "sign_off", "version": org.session.version})
    with organisation_scope(org.org.pk):
        org.session.refresh_from_db()
    assert org.session.status == "signed_off" and org.session.reviewed_by == org.users["manager"]


def test_the_childs_bundle_is_built_with_progress_and_downloads(
    client, org, django_capture_on_commit_callbacks
):
    from accounts.testing import confirm_recently

    client.force_login(org.users["key_worker"])
    start = (TODAY() - datetime.timedelta(days=30)).isoformat()
    asked = client.post(f"/sessions/child/{org.child.pk}/bundle/", {"start": start, "end": TODAY()})
    assert asked["Location"].startswith("/accounts/confirm/")  # a bundle is a bulk export
    confirm_recently(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/sessions/child/{org.child.pk}/bundle/", {"start": start, "end": TODAY()}
        )
    with organisation_scope(org.org.pk):
        job = BundleJob.objects.exclude(pk=org.ids["job_id"]).get()
    assert response["Location"] == f"/sessions/bundles/{job.pk}/"
    assert job.status == "done" and job.done == job.total == 2
    status = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert "Download the PDF" in status.content.decode()
    pdf = client.get(f"/sessions/bundles/{job.pk}/download/")
    text = pdf_text(b"".join(pdf.streaming_content))
    assert f"{org.child.first_name} secret account" in text
    assert "Targets and outcomes" in text


def test_the_child_page_links_to_sessions_and_targets(client, org):
    client.force_login(org.users["moderator"])
    body = client.get(f"/children/{org.child.pk}/").content.decode()
    assert f"/sessions/child/{org.child.pk}/" in body
    assert f"/sessions/child/{org.child.pk}/targets/" in body


def test_a_correction_through_the_page_keeps_the_earlier_version_readable(client, org):
    client.force_login(org.users["key_worker"])
    url = f"/sessions/{org.session.pk}/correct/"
    with organisation_scope(org.org.pk):
        topic = org.session.topics.first().pk
    data = {
        "version": org.session.version,
        "date": org.session.date.isoformat(),
        "start_time": "10:00",
        "end_time": "10:20",
        "initiated_by": "key_worker",
        "engagement": "engaged",
        "focus": "general",
        "topics": [topic],
        "account": "The corrected account.",
    }
    refused = client.post(url, data)  # no reason
    assert "Say why the record is being corrected." in refused.content.decode()
    response = client.post(url, {**data, "reason": "The start time was wrong."})
    assert response.status_code == 302
    with organisation_scope(org.org.pk):
        revision = org.session.revisions.get(record_version=2)
    detail = client.get(f"/sessions/{org.session.pk}/").content.decode()
    assert "The corrected account." in detail and "Version 3" in detail
    earlier = client.get(f"/sessions/{org.session.pk}/versions/{revision.pk}/").content.decode()
    assert f"{org.child.first_name} secret account" in earlier
    assert "The start time was wrong." in earlier


def test_managers_add_and_retire_topics_and_key_workers_cannot(client, org):
    client.force_login(org.users["key_worker"])
    assert client.get("/sessions/topics/").status_code == 403
    client.force_login(org.users["manager"])
    client.post("/sessions/topics/", {"name": "  Gaming   and gambling "})
    again = client.post("/sessions/topics/", {"name": "gaming and gambling"})
    assert "already on the list" in again.content.decode()
    with organisation_scope(org.org.pk):
        topic = Topic.objects.get(name="Gaming and gambling")
    client.post("/sessions/topics/", {"topic": topic.pk, "active": "0"})
    with organisation_scope(org.org.pk):
        topic.refresh_from_db()
    assert topic.is_active is False


def test_files_shared_in_a_session_are_attached_and_downloaded(client, org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ..uploads import pdf_bytes

    session = new_draft(org)
    client.force_login(org.users["key_worker"])
    url = f"/sessions/{session.pk}/files/"
    bad = client.post(url, {"file": SimpleUploadedFile("run.exe", b"MZ")}, HTTP_HX_REQUEST="true")
    assert "That is not a PDF, Word" in bad.content.decode()
    ok = client.post(
        url,
        {"file": SimpleUploadedFile("cannabis-facts.pdf", pdf_bytes("facts"))},
        HTTP_HX_REQUEST="true",
    )
    assert "cannabis-facts.pdf" in ok.content.decode()
    with organisation_scope(org.org.pk):
        attachment = session.attachments.get()
    download = client.get(f"/sessions/{session.pk}/files/{attachment.pk}/")
    assert b"".join(download.streaming_content) == pdf_bytes("facts")
    client.force_login(org.users["manager"])  # someone else's draft: not there
    assert client.get(f"/sessions/{session.pk}/files/{attachment.pk}/").status_code == 404
