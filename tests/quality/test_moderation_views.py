"""The moderation pages, the key worker's feedback and the performance view, as their users see
them: bad input answered with a message, fixed query counts, and who may open what."""

import datetime

import pytest
from django.utils import timezone

from quality.models import Moderation, ModerationSettings, RubricCriterion
from tenancy.context import organisation_scope

from ..behaviour.factories import SlipFactory
from ..sessions_app.factories import TargetFactory
from .factories import ModerationFactory, ModerationScoreFactory
from .helpers import add_key_worker_with_records, queries


@pytest.fixture(autouse=True)
def _in_org(org):
    with organisation_scope(org.org.pk):
        yield


def rubric_post(session, value="3", **extra):
    data = {f"criterion_{c.pk}": value for c in RubricCriterion.objects.filter(is_archived=False)}
    data.update(record_version=session.record_version, feedback="Clear and factual.", **extra)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("every,expected", [(None, 8), (3, 10)])
def test_the_queue_lists_records_and_runs_a_fixed_number_of_queries(
    client, org, django_assert_num_queries, every, expected
):
    if every:
        ModerationSettings.objects.create(
            organisation=org.org, sample_mode="one_in_n", sample_every=every
        )
    _, _, (moderated,) = add_key_worker_with_records(org, 1)  # the history table is not empty
    ModerationScoreFactory(moderation=ModerationFactory(session=moderated), criterion=org.criterion)
    new = [add_key_worker_with_records(org, 2)[0].pk]
    client.force_login(org.users["moderator"])
    small = queries(client, "/quality/moderation/")
    for _ in range(3):
        new.append(add_key_worker_with_records(org, 3)[0].pk)
    # session, user, savepoint; settings, (sampling: the term calendars and the candidates,) the
    # queue's count and page; the history and its scores; release. (The two-factor device and
    # the memberships are cached per session: tenancy.authcache.)
    with django_assert_num_queries(expected):
        response = client.get("/quality/moderation/")
    assert len(small) == expected
    records = [s for s in response.context["page"] if s.author_id in new]
    if every:  # one in 3: the first record of each key worker in each half term, not all
        assert {s.author_id for s in records} == set(new) and len(records) < 11
    else:  # all: 2 + 3 x 3
        assert len(records) == 11
    assert "Moderate" in response.content.decode()


@pytest.mark.django_db
def test_a_moderator_scores_a_record_beside_its_stored_findings(client, org):
    kw, _, (session, *_) = add_key_worker_with_records(org, 1)
    session.quality_report = {
        "score": 84,
        "findings": [
            {
                "rule": "opinion",
                "field": "details",
                "start": 0,
                "end": 8,
                "excerpt": "may have",
                "message": "Opinion.",
                "suggestion": "Say what was seen.",
            }
        ],
        "deductions": [],
        "notes": [],
    }
    session.save()
    client.force_login(org.users["moderator"])
    page = client.get(f"/quality/moderation/record/{session.pk}/").content.decode()
    assert 'data-rule="opinion"' in page and "Factual language" in page
    response = client.post(f"/quality/moderation/record/{session.pk}/", rubric_post(session))
    assert response.status_code == 302
    moderation = Moderation.objects.get(session=session)
    assert moderation.author == kw and moderation.average == 3


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,message",
    [
        ({"value": "7"}, "Select a valid choice"),
        ({"value": ""}, "This field is required"),
        ({"feedback": ""}, "This field is required"),
        ({"record_version": "9"}, "changed since you opened it"),
    ],
)
def test_bad_rubric_input_is_shown_and_nothing_is_saved(client, org, data, message):
    _, _, (session, *_) = add_key_worker_with_records(org, 1)
    client.force_login(org.users["moderator"])
    post = rubric_post(session, value=data.pop("value", "3"))
    post.update(data)
    response = client.post(f"/quality/moderation/record/{session.pk}/", post)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Moderation.objects.filter(session=session).exists()


@pytest.mark.django_db
def test_key_workers_and_other_sites_moderators_cannot_open_a_record(client, org):
    _, _, (session, *_) = add_key_worker_with_records(org, 1)
    client.force_login(org.users["key_worker"])
    assert client.get(f"/quality/moderation/record/{session.pk}/").status_code == 404
    assert client.get("/quality/moderation/").status_code == 403
    assert client.get("/quality/performance/").status_code == 403
    client.force_login(org.users["other_site_key_worker"])
    assert client.post(f"/quality/moderation/record/{session.pk}/", {}).status_code == 404


@pytest.mark.django_db
def test_the_key_worker_sees_the_count_reads_and_acknowledges(client, org):
    client.force_login(org.moderated_author)
    home = client.get("/").content.decode()
    assert 'data-testid="feedback-panel"' in home and ">1</span> piece of feedback" in home
    assert 'data-testid="feedback-banner"' in client.get("/sessions/").content.decode()
    page = client.get(f"/quality/feedback/{org.moderation.pk}/").content.decode()
    assert f"{org.org.name} secret feedback" in page
    response = client.post(f"/quality/feedback/{org.moderation.pk}/", {"reply": "Thank you."})
    assert response.status_code == 302
    org.moderation.refresh_from_db()
    assert org.moderation.acknowledged_at is not None
    assert 'data-testid="feedback-panel"' not in client.get("/").content.decode()
    again = client.post(f"/quality/feedback/{org.moderation.pk}/", {"reply": ""}, follow=True)
    assert "already acknowledged" in again.content.decode()


@pytest.mark.django_db
def test_only_the_author_acknowledges_from_the_feedback_page(client, org):
    client.force_login(org.second_moderator)
    assert client.get(f"/quality/feedback/{org.moderation.pk}/").status_code == 200
    assert client.post(f"/quality/feedback/{org.moderation.pk}/", {}).status_code == 403
    for other in (org.users["key_worker"], org.users["other_site_key_worker"]):  # not the author
        client.force_login(other)
        assert client.get(f"/quality/feedback/{org.moderation.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_sent_back_record_offers_the_correction(client, org):
    org.moderation.outcome = "correction"
    org.moderation.save()
    client.force_login(org.moderated_author)
    page = client.get(f"/quality/feedback/{org.moderation.pk}/").content.decode()
    assert "Sent back for correction" in page
    assert f"/sessions/{org.moderated_session.pk}/correct/" in page


@pytest.mark.django_db
def test_rubric_page_validates_and_archives_used_criteria(client, org):
    client.force_login(org.users["moderator"])
    assert client.get("/quality/moderation/rubric/").status_code == 200
    clash = client.post("/quality/moderation/rubric/", {"action": "add", "add-name": "accuracy"})
    assert "already a criterion" in clash.content.decode()
    used = client.post(
        "/quality/moderation/rubric/", {"action": "delete", "criterion": org.criterion.pk}
    )
    assert "archive it instead" in used.content.decode()
    archived = client.post(
        "/quality/moderation/rubric/", {"action": "archive", "criterion": org.criterion.pk}
    )
    assert archived.status_code == 302
    org.criterion.refresh_from_db()
    assert org.criterion.is_archived
    bad = client.post(
        "/quality/moderation/rubric/",
        {"action": "sample", "sample-sample_mode": "one_in_n", "sample-sample_every": "40"},
    )
    assert "less than or equal to 20" in bad.content.decode()
    assert (
        client.post(
            "/quality/moderation/rubric/", {"action": "rename", "criterion": "x"}
        ).status_code
        == 404
    )


# ------------------------------------------------------------------------------ performance


def _targets_and_slips(org, kw, child, session):
    TargetFactory(set_in=session, child=child, outcome="achieved")
    SlipFactory(
        child=child,
        site=child.site,
        kind="low",
        occurred_at=timezone.now() - datetime.timedelta(days=30),
    )


@pytest.mark.django_db
def test_performance_runs_a_fixed_number_of_queries_whatever_the_key_workers(
    client, org, django_assert_num_queries
):
    kw, child, sessions = add_key_worker_with_records(org, 2)
    _targets_and_slips(org, kw, child, sessions[0])
    client.force_login(org.users["manager"])
    small = queries(client, "/quality/performance/")
    for score in (40, 90, 65):
        other, other_child, more = add_key_worker_with_records(org, 3, score=score)
        _targets_and_slips(org, other, other_child, more[0])
    with django_assert_num_queries(len(small)):
        response = client.get("/quality/performance/")
    assert len(small) <= 20
    result = response.context["result"]
    row = next(w for w in result.workers if w.user_id == kw.pk)
    assert row.done == 2 and row.auto_average == 75 and row.targets_achieved == 1
    assert row.sessions_due >= 10  # 200 days, every 14 days of term time
    assert 'data-testid="trend-chart"' in response.content.decode()


@pytest.mark.django_db
def test_performance_shows_moderation_averages_per_criterion(client, org):
    client.force_login(org.second_moderator)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=400)  # the world's moderated record is a year old
    result = client.get(f"/quality/performance/?start={start}&end={today}").context["result"]
    row = next(w for w in result.workers if w.user_id == org.moderated_author.pk)
    index = [c.pk for c in result.criteria].index(org.criterion.pk)
    assert row.criteria_row[index] == 3.0 and row.moderated == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query,message",
    [
        ("start=2026-05-01&end=2026-01-01", "on or after its start"),
        ("start=2020-01-01&end=2026-01-01", "at most two years"),
        ("start=yesterday&end=2026-01-01", "Enter a valid date"),
        ("start=2026-01-01&end=2026-02-01&site=999999", "Select a valid choice"),
    ],
)
def test_performance_period_is_validated(client, org, query, message):
    client.force_login(org.users["manager"])
    response = client.get(f"/quality/performance/?{query}")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["result"] is None
    assert client.get(f"/quality/performance.csv?{query}").status_code == 400


@pytest.mark.django_db
def test_performance_csv_for_the_annual_review(client, org):
    kw, _, _ = add_key_worker_with_records(org, 2)
    client.force_login(org.users["manager"])
    today = timezone.localdate()
    response = client.get(
        f"/quality/performance.csv?start={today - datetime.timedelta(days=90)}&end={today}"
        f"&site={org.school.pk}"
    )
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # every CSV opens in Excel as UTF-8
    header, *rows = text.lstrip("\ufeff").strip().splitlines()
    assert header.startswith("Key worker,Children,Sessions due,Sessions done")
    assert "Moderation: Accuracy (1-4)" in header
    assert any(kw.get_full_name() in row and ",75," in row for row in rows)


@pytest.mark.django_db
def test_the_home_page_adds_one_query_only_for_key_workers(client, org):
    client.force_login(org.users["manager"])
    manager = len(queries(client, "/"))
    client.force_login(org.users["key_worker"])
    # Their children and their records' panel (sessions), and the feedback count.
    assert len(queries(client, "/")) <= manager + 4
