"""Moderation: the sample, the rubric, scoring, sending back, acknowledgement and who may do what."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from quality import selectors, services
from quality.models import Moderation, ModerationScore, ModerationSettings, RubricCriterion
from quality.sampling import Submitted, half_term_key, sample
from sessions_app.models import SessionRevision
from sessions_app.services import session_correct
from tenancy.context import organisation_scope
from tenancy.models import AuditEvent

from ..factories import MembershipFactory, UserFactory
from ..sessions_app.factories import KeyWorkSessionFactory, SessionTopicFactory
from .helpers import access_for, add_key_worker_with_records

D = datetime.date
UTC = datetime.UTC


@pytest.fixture(autouse=True)
def _in_org(org):
    with organisation_scope(org.org.pk):
        services.rubric_ensure(organisation_id=org.org.pk)
        yield


def scores_for(value=3):
    return {c.pk: value for c in RubricCriterion.objects.filter(is_archived=False)}


# ---------------------------------------------------------------------------------- sampling


def records(author, dates, site=1, first_id=1):
    return [
        Submitted(
            first_id + i,
            author,
            site,
            day,
            datetime.datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
        )
        for i, day in enumerate(dates)
    ]


ENDS = [D(2026, 2, 22), D(2026, 4, 12)]  # February half term, Easter holiday


def test_half_terms_are_the_stretches_between_holidays():
    assert half_term_key(D(2026, 1, 10), ENDS) == half_term_key(D(2026, 2, 13), ENDS)
    assert half_term_key(D(2026, 2, 13), ENDS) != half_term_key(D(2026, 3, 1), ENDS)


def test_one_in_n_takes_the_first_and_every_nth_per_key_worker_per_half_term():
    spring = [D(2026, 1, 5) + datetime.timedelta(days=7 * i) for i in range(6)]  # six before 22 Feb
    after = [D(2026, 3, 2), D(2026, 3, 9)]
    rows = records(1, spring + after) + records(2, spring[:2], first_id=100)
    chosen = sample(rows, every=3, holiday_ends_by_site={1: ENDS}, default_ends=[])
    # Key worker 1: 1st and 4th of the first half term, 1st of the next; key worker 2: their 1st.
    assert chosen == {1, 4, 7, 100}
    # Deterministic: the same records in another order give the same sample.
    assert (
        sample(list(reversed(rows)), every=3, holiday_ends_by_site={1: ENDS}, default_ends=[])
        == chosen
    )


def test_the_sample_is_stable_as_more_records_arrive_and_all_takes_everything():
    rows = records(1, [D(2026, 1, 5), D(2026, 1, 12)])
    before = sample(rows, every=3, holiday_ends_by_site={}, default_ends=ENDS)
    more = rows + records(1, [D(2026, 1, 19), D(2026, 1, 26)], first_id=3)
    after = sample(more, every=3, holiday_ends_by_site={}, default_ends=ENDS)
    assert before <= after and after == {1, 4}
    assert sample(more, every=None, holiday_ends_by_site={}, default_ends=ENDS) == {1, 2, 3, 4}


@pytest.mark.django_db
def test_the_queue_follows_the_organisations_sample(org):
    kw, _, sessions = add_key_worker_with_records(org, 4)
    moderator = access_for(org.users["moderator"], org)
    assert set(sessions) <= set(selectors.queue(moderator))
    services.moderation_settings_update(
        access=moderator, version=None, sample_mode="one_in_n", sample_every=3
    )
    moderator = access_for(org.users["moderator"], org)
    mine = [s for s in selectors.queue(moderator) if s.author_id == kw.pk]
    assert 1 <= len(mine) < 4
    assert mine == [s for s in selectors.queue(moderator) if s.author_id == kw.pk]  # deterministic


# ------------------------------------------------------------------------------------ scoring


@pytest.mark.django_db
def test_a_moderation_stores_scores_feedback_and_an_audit_entry(org):
    kw, _, (session, *_) = add_key_worker_with_records(org, 1)
    access = access_for(org.users["moderator"], org)
    moderation = services.moderation_record(
        access=access,
        session=session,
        record_version=1,
        scores=scores_for(3),
        feedback="Factual and complete.",
    )
    assert moderation.author == kw and moderation.outcome == "accepted"
    assert ModerationScore.objects.filter(moderation=moderation).count() == 6
    assert moderation.average == 3
    assert moderation.automatic_score == 75
    assert AuditEvent.objects.filter(object_type="quality.moderation", action="create").exists()
    assert session not in selectors.queue(access_for(org.users["moderator"], org))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change,field",
    [
        (lambda s: s.popitem(), "criterion_"),
        (lambda s: s.update({next(iter(s)): 5}), "criterion_"),
        (lambda s: s.update({next(iter(s)): 0}), "criterion_"),
        (lambda s: s.update({999999: 3}), "__all__"),
    ],
)
def test_scores_must_cover_every_criterion_from_1_to_4(org, change, field):
    _, _, (session, *_) = add_key_worker_with_records(org, 1)
    scores = scores_for(3)
    change(scores)
    with pytest.raises(ValidationError) as error:
        services.moderation_record(
            access=access_for(org.users["moderator"], org),
            session=session,
            record_version=1,
            scores=scores,
            feedback="Fine.",
        )
    assert any(k.startswith(field) for k in error.value.message_dict)
    assert not Moderation.objects.filter(session=session).exists()


@pytest.mark.django_db
def test_feedback_is_required_and_a_version_is_moderated_once(org):
    _, _, (session, *_) = add_key_worker_with_records(org, 1)
    access = access_for(org.users["moderator"], org)
    with pytest.raises(ValidationError) as error:
        services.moderation_record(
            access=access, session=session, record_version=1, scores=scores_for(), feedback="  "
        )
    assert "feedback" in error.value.message_dict
    services.moderation_record(
        access=access, session=session, record_version=1, scores=scores_for(), feedback="Good."
    )
    with pytest.raises(ValidationError, match="already been moderated"):
        services.moderation_record(
            access=access, session=session, record_version=1, scores=scores_for(), feedback="Again"
        )


@pytest.mark.django_db
def test_a_key_worker_cannot_moderate_and_a_moderator_only_their_sites(org):
    _, _, (session, *_) = add_key_worker_with_records(org, 1)
    with pytest.raises(PermissionDenied):
        services.moderation_record(
            access=access_for(org.users["key_worker"], org),
            session=session,
            record_version=1,
            scores=scores_for(),
            feedback="x",
        )
    home_moderator = UserFactory()
    MembershipFactory(user=home_moderator, site=org.home, role="moderator")
    access = access_for(home_moderator, org)
    with pytest.raises(PermissionDenied):
        services.moderation_record(
            access=access, session=session, record_version=1, scores=scores_for(), feedback="x"
        )
    assert session not in selectors.queue(access)
    assert list(selectors.queue(access_for(org.users["key_worker"], org))) == []


@pytest.mark.django_db
def test_nobody_moderates_their_own_record(org):
    session = KeyWorkSessionFactory(child=org.child, author=org.users["moderator"])
    with pytest.raises(PermissionDenied):
        services.moderation_record(
            access=access_for(org.users["moderator"], org),
            session=session,
            record_version=1,
            scores=scores_for(),
            feedback="x",
        )


# ---------------------------------------------------------------- sending back, acknowledging


@pytest.mark.django_db
def test_sent_back_the_key_worker_corrects_a_new_version_that_returns_to_the_queue(org):
    kw = org.users["key_worker"]
    session = KeyWorkSessionFactory(child=org.child, author=kw, account="She may have been sad.")
    topic = SessionTopicFactory(session=session).topic
    moderator = access_for(org.users["moderator"], org)
    moderation = services.moderation_record(
        access=moderator,
        session=session,
        record_version=1,
        scores=scores_for(2),
        feedback="Write what she said, not what she may have felt.",
        send_back=True,
    )
    assert moderation.outcome == "correction"
    assert session not in selectors.queue(moderator)
    session.refresh_from_db()
    session_correct(  # the sessions app's own correction: a new version, the old one kept
        access=access_for(kw, org),
        session=session,
        expected_version=session.version,
        data={"account": "She said she felt sad about the weekend."},
        topics=[topic],
        reason="Moderator's feedback: factual wording.",
    )
    session.refresh_from_db()
    assert session.record_version == 2
    assert SessionRevision.objects.get(session=session).content["account"] == (
        "She may have been sad."
    )
    assert session in selectors.queue(access_for(org.users["moderator"], org))


@pytest.mark.django_db
def test_only_the_author_acknowledges_once_and_it_is_audited(org):
    kw = org.moderated_author
    moderation = org.moderation
    assert selectors.unacknowledged_count(kw) == 1
    with pytest.raises(PermissionDenied):
        services.feedback_acknowledge(
            access=access_for(org.users["moderator"], org), moderation=moderation
        )
    services.feedback_acknowledge(
        access=access_for(kw, org), moderation=moderation, reply="Thanks."
    )
    moderation.refresh_from_db()
    assert moderation.acknowledged_at and moderation.acknowledgement == "Thanks."
    assert selectors.unacknowledged_count(kw) == 0
    assert AuditEvent.objects.filter(
        object_type="quality.moderation", summary="Feedback acknowledged", actor=kw
    ).exists()
    with pytest.raises(ValidationError, match="already acknowledged"):
        services.feedback_acknowledge(access=access_for(kw, org), moderation=moderation)


# ------------------------------------------------------------------------------------ rubric


@pytest.mark.django_db
def test_new_organisations_get_the_six_default_criteria(org):
    assert [c.name for c in selectors.criteria()] == [
        "Accuracy",
        "Factual language",
        "SMART targets",
        "Completeness",
        "Spelling and grammar",
        "Impact",
    ]


@pytest.mark.django_db
def test_rubric_names_are_unique_and_one_criterion_always_remains(org):
    access = access_for(org.users["moderator"], org)
    with pytest.raises(ValidationError, match="already a criterion"):
        services.rubric_criterion_add(access=access, name="  factual   LANGUAGE ")
    with pytest.raises(ValidationError, match="Give the criterion a name"):
        services.rubric_criterion_add(access=access, name="   ")
    criteria = selectors.criteria()
    for c in criteria[:-1]:
        services.rubric_criterion_archive(access=access, criterion=c, archived=True)
    with pytest.raises(ValidationError, match="at least one criterion"):
        services.rubric_criterion_archive(access=access, criterion=criteria[-1], archived=True)
    with pytest.raises(ValidationError, match="at least one criterion"):
        services.rubric_criterion_delete(access=access, criterion=criteria[-1])


@pytest.mark.django_db
def test_a_used_criterion_is_archived_not_deleted(org):
    access = access_for(org.users["moderator"], org)
    used = org.criterion  # scored in the world's moderation
    with pytest.raises(ValidationError, match="archive it instead"):
        services.rubric_criterion_delete(access=access, criterion=used)
    services.rubric_criterion_archive(access=access, criterion=used, archived=True)
    assert used not in selectors.criteria()
    fresh = services.rubric_criterion_add(access=access, name="Voice of the child")
    services.rubric_criterion_delete(access=access, criterion=fresh)
    assert not RubricCriterion.objects.filter(pk=fresh.pk).exists()


@pytest.mark.django_db
def test_key_workers_cannot_change_the_rubric_or_the_sample(org):
    access = access_for(org.users["key_worker"], org)
    with pytest.raises(PermissionDenied):
        services.rubric_criterion_add(access=access, name="Mine")
    with pytest.raises(PermissionDenied):
        services.moderation_settings_update(
            access=access, version=None, sample_mode="all", sample_every=3
        )
    assert not ModerationSettings.objects.exists()


@pytest.mark.django_db
def test_sample_settings_are_validated(org):
    access = access_for(org.users["manager"], org)
    with pytest.raises(ValidationError):
        services.moderation_settings_update(
            access=access, version=None, sample_mode="one_in_n", sample_every=1
        )
    saved = services.moderation_settings_update(
        access=access, version=None, sample_mode="one_in_n", sample_every=4
    )
    assert saved.sample_every == 4


@pytest.mark.django_db
def test_a_moderation_made_before_a_record_changes_is_refused(org):
    _, _, (session, *_) = add_key_worker_with_records(org, 1)
    session.record_version = 2
    session.save()
    with pytest.raises(ValidationError, match="changed since you opened it"):
        services.moderation_record(
            access=access_for(org.users["moderator"], org),
            session=session,
            record_version=1,
            scores=scores_for(),
            feedback="x",
        )
    assert timezone.now()  # nothing saved
    assert not Moderation.objects.filter(session=session).exists()
