import datetime
import sys
import types

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from plans.models import PlanUpdateTask
from sessions_app import selectors, services, worked_example
from sessions_app.models import KeyWorkSession, SessionRevision, Target, TargetReview, Topic
from tenancy.concurrency import EditConflict
from tenancy.models import AuditEvent

from .conftest import access_for
from .factories import KeyWorkSessionFactory, TargetFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def start(world, user, child):
    return services.session_start(access=access_for(user, world), child=child)


def topic(world, name="Substance misuse"):
    return Topic.objects.get_or_create(name=name, defaults={"organisation_id": world.org.pk})[0]


def submit(world, user, session, data, *, topics=None, targets=(), reviews=None, version=None):
    return services.session_submit(
        access=access_for(user, world),
        session=session,
        expected_version=session.version if version is None else version,
        data=data,
        topics=topics if topics is not None else [topic(world)],
        targets=list(targets),
        reviews=reviews if reviews is not None else all_partly(session.child),
    )


def all_partly(child):
    return {str(t.pk): {"outcome": "partly", "comment": ""} for t in selectors.open_targets(child)}


def school_data(**extra):
    data = {
        "date": TODAY() - datetime.timedelta(days=1),
        "start_time": datetime.time(10, 0),
        "end_time": datetime.time(10, 20),
        "initiated_by": "key_worker",
        "engagement": "engaged",
        "focus": "ehcp",
        "account": "We read the EHCP outcomes together.",
    }
    data.update(extra)
    return data


def test_the_worked_example_submits_opens_manager_tasks_and_targets(home, in_org):
    day = TODAY() - datetime.timedelta(days=2)
    session = start(home, home.ed, home.amber)
    submit(home, home.ed, session, worked_example.fields(day), targets=worked_example.targets(day))
    session.refresh_from_db()
    assert session.status == "submitted" and session.submitted_at is not None
    assert session.title == worked_example.title("Amber Smith", day)
    assert [t.what for t in session.targets.order_by("pk")] == [
        t for t, _ in worked_example.TARGETS
    ]
    tasks = PlanUpdateTask.objects.filter(child=home.amber, source_id=session.pk)
    assert sorted(tasks.values_list("plan_type", flat=True)) == [
        "behaviour_plan",
        "placement_plan",
        "risk_assessment",
    ]
    assert tasks.get(plan_type="placement_plan").details == worked_example.PLACEMENT_PLAN_AREAS
    assert AuditEvent.objects.filter(object_id=session.pk, action="submit").count() == 1
    assert selectors.last_session_date(home.amber) == day


@pytest.mark.parametrize(
    "change,field,words",
    [
        ({"end_time": datetime.time(9, 0)}, "end_time", "must end after it starts"),
        ({"date": TODAY() + datetime.timedelta(days=1)}, "date", "in the future"),
        ({"account": "  "}, "account", "factual, chronological account"),
        ({"focus": ""}, "focus", "focus"),
    ],
)
def test_bad_school_input_is_refused_beside_the_field(org, in_org, change, field, words):
    session = start(org, org.users["key_worker"], org.child)
    with pytest.raises(ValidationError) as error:
        submit(org, org.users["key_worker"], session, school_data(**change))
    assert words in " ".join(error.value.message_dict[field])
    session.refresh_from_db()
    assert session.status == "draft" and not session.targets.exists()


def test_a_fourth_target_in_a_school_session_is_refused(org, in_org):
    session = start(org, org.users["key_worker"], org.child)
    targets = [
        {"what": f"Target {n}", "due_on": TODAY(), "area": "behaviour", "measure": ""}
        for n in range(4)
    ]
    with pytest.raises(ValidationError) as error:
        submit(org, org.users["key_worker"], session, school_data(), targets=targets)
    assert "at most 3 targets" in error.value.message_dict["targets"][0]
    assert not Target.objects.filter(set_in=session).exists()


def test_a_home_session_needs_a_quality_standard_and_plan_answers(home, in_org):
    session = start(home, home.ed, home.amber)
    data = worked_example.fields(TODAY())
    data.update(quality_standards=[], placement_plan_update=None)
    with pytest.raises(ValidationError) as error:
        submit(home, home.ed, session, data)
    assert "at least one Quality Standard" in error.value.message_dict["quality_standards"][0]
    assert "Placement Plan" in error.value.message_dict["placement_plan_update"][0]


def test_only_the_allocated_key_worker_or_cover_can_start_a_session(org, in_org):
    other = org.users["manager"]  # same site, but not allocated to the child
    with pytest.raises(PermissionDenied):
        start(org, other, org.child)
    # Cover starts in ten days; until then the cover worker cannot record either.
    with pytest.raises(PermissionDenied):
        start(org, org.cover_user, org.child)


def test_a_submitted_record_cannot_be_edited(org, in_org):
    kw = org.users["key_worker"]
    session = start(org, kw, org.child)
    submit(org, kw, session, school_data())
    session.refresh_from_db()
    with pytest.raises(ValidationError, match="read-only"):
        services.session_save_draft(
            access=access_for(kw, org),
            session=session,
            expected_version=session.version,
            data={"account": "Changed after submission"},
        )


def test_two_tabs_saving_one_draft_the_stale_one_is_refused(org, in_org):
    kw = org.users["key_worker"]
    session = start(org, kw, org.child)
    shown = session.version
    first_tab = KeyWorkSession.objects.get(pk=session.pk)
    second_tab = KeyWorkSession.objects.get(pk=session.pk)
    services.session_save_draft(
        access=access_for(kw, org),
        session=first_tab,
        expected_version=shown,
        data={"account": "From the first tab"},
    )
    with pytest.raises(EditConflict):
        services.session_save_draft(
            access=access_for(kw, org),
            session=second_tab,
            expected_version=shown,
            data={"account": "From the second tab"},
        )
    assert KeyWorkSession.objects.get(pk=session.pk).account == "From the first tab"


def test_reviews_close_achieved_targets_and_keep_carried_forward_ones_open(org, in_org):
    kw = org.users["key_worker"]
    earlier = KeyWorkSessionFactory(
        child=org.child, author=kw, date=TODAY() - datetime.timedelta(days=14)
    )
    done = TargetFactory(set_in=earlier, due_on=TODAY() - datetime.timedelta(days=2))
    carried = TargetFactory(set_in=earlier, due_on=TODAY() - datetime.timedelta(days=1))
    session = start(org, kw, org.child)
    with pytest.raises(ValidationError, match="2 still without an outcome"):
        submit(org, kw, session, school_data(), reviews={})  # the third is not due yet
    reviews = all_partly(org.child)
    reviews[str(done.pk)] = {"outcome": "achieved", "comment": "100 points two weeks running."}
    reviews[str(carried.pk)] = {"outcome": "carried_forward", "comment": ""}
    session.refresh_from_db()
    submit(org, kw, session, school_data(), reviews=reviews)
    done.refresh_from_db()
    carried.refresh_from_db()
    assert done.closed_in_id == session.pk and done.outcome == "achieved"
    assert carried.closed_in_id is None and carried.outcome == "carried_forward"
    assert TargetReview.objects.filter(session=session).count() == 3  # with the world's target
    assert carried.pk in [t.pk for t in selectors.open_targets(org.child)]
    assert done.pk not in [t.pk for t in selectors.open_targets(org.child)]


def test_a_declined_session_counts_as_an_attempt_without_reviews(org, in_org):
    kw = org.users["key_worker"]
    TargetFactory(set_in=KeyWorkSessionFactory(child=org.child, author=kw))
    session = start(org, kw, org.child)
    submit(
        org,
        kw,
        session,
        school_data(
            engagement="declined",
            account="Offered a session; declined.",
            offered="A walk to the shop and a talk about football.",
        ),
        reviews={},
    )
    session.refresh_from_db()
    assert session.status == "submitted" and session.is_declined
    assert selectors.last_session_date(org.child) == session.date


def test_a_declined_attempt_needs_only_what_happened_and_what_was_offered(org, in_org):
    """Issue 17: no initiator, topic, Quality Standard, times or plan answers for an attempt;
    scored on its two fields, not as a session missing its sections."""
    kw = org.users["key_worker"]
    session = start(org, kw, org.child)
    day = TODAY() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        submit(org, kw, session, {"date": day, "engagement": "declined"}, topics=[], reviews={})
    assert set(refused.value.error_dict) == {"account", "offered"}
    session.refresh_from_db()
    submit(
        org,
        kw,
        session,
        {
            "date": day,
            "engagement": "declined",
            "account": "At 16:00 I asked Alphachild to meet in the quiet room. He said no and "
            "went to his room.",
            "offered": "A session in the garden or a walk to the shop, at a time he chooses.",
        },
        topics=[],
        reviews={},
    )
    session.refresh_from_db()
    assert session.status == "submitted"
    assert session.quality_score >= 70
    assert "missing_section" not in {f["rule"] for f in session.quality_report["findings"]}


def test_all_problems_come_at_once_and_future_times_today_are_refused(org, in_org):
    kw = org.users["key_worker"]
    TargetFactory(
        set_in=KeyWorkSessionFactory(child=org.child, author=kw),
        due_on=TODAY() - datetime.timedelta(days=1),
    )
    session = start(org, kw, org.child)
    with pytest.raises(ValidationError) as refused:
        submit(
            org,
            kw,
            session,
            {
                "date": TODAY(),
                "start_time": datetime.time(23, 58),
                "end_time": datetime.time(23, 59),
            },
            topics=[],
            reviews={},
        )
    errors = refused.value.error_dict
    assert {"start_time", "end_time", "engagement", "account", "reviews", "topics"} <= set(errors)
    assert "later than now" in " ".join(errors["end_time"][0].messages)


def test_last_session_date_ignores_drafts_and_returned_records(org, in_org):
    kw = org.users["key_worker"]
    assert selectors.last_session_date(org.child) == TODAY() - datetime.timedelta(days=3)
    KeyWorkSessionFactory(child=org.child, author=kw, status="draft", date=TODAY())
    KeyWorkSessionFactory(child=org.child, author=kw, status="returned", date=TODAY())
    assert selectors.last_session_date(org.child) == TODAY() - datetime.timedelta(days=3)


def test_sessions_for_period_returns_counted_sessions_with_topics(org, in_org):
    kw = org.users["key_worker"]
    KeyWorkSessionFactory(child=org.child, author=kw, status="draft")
    found = list(
        selectors.sessions_for_period(
            org.child, TODAY() - datetime.timedelta(days=7), TODAY() - datetime.timedelta(days=1)
        )
    )
    assert [s.pk for s in found] == [org.session.pk, *[s.pk for s in found[1:]]]
    assert all(s.status in ("submitted", "signed_off") for s in found)
    assert [t.name for t in found[0].topics.all()]  # the world's session has a topic


def test_since_last_is_frozen_from_behaviour_when_it_exists(org, in_org, monkeypatch):
    calls = []

    def key_work_summary(child, start, end):
        calls.append((child.pk, start, end))
        return {"slips": {"low_level": 2, "green": 3}, "attendance_percent": 94.5}

    fake = types.ModuleType("behaviour.selectors")
    fake.key_work_summary = key_work_summary
    monkeypatch.setitem(sys.modules, "behaviour.selectors", fake)
    kw = org.users["key_worker"]
    session = start(org, kw, org.child)
    submit(org, kw, session, school_data())
    session.refresh_from_db()
    assert session.since_last == {"slips": {"low_level": 2, "green": 3}, "attendance_percent": 94.5}
    # From the last session (the world's, three days ago) to this one.
    assert calls == [(org.child.pk, TODAY() - datetime.timedelta(days=3), session.date)]


def test_since_last_without_behaviour_data_is_empty_not_an_error(org, in_org, monkeypatch):
    monkeypatch.setitem(sys.modules, "behaviour.selectors", None)  # import fails
    kw = org.users["key_worker"]
    session = start(org, kw, org.child)
    submit(org, kw, session, school_data())
    session.refresh_from_db()
    assert session.since_last == {}


def test_sign_off_and_return_are_for_managers_of_the_site(org, in_org):
    session = org.session
    with pytest.raises(PermissionDenied):
        services.session_sign_off(
            access=access_for(org.users["key_worker"], org),
            session=session,
            expected_version=session.version,
        )
    manager = access_for(org.users["manager"], org)
    with pytest.raises(ValidationError):
        services.session_return(
            access=manager, session=session, expected_version=session.version, comment=" "
        )
    services.session_return(
        access=manager, session=session, expected_version=session.version, comment="Add times."
    )
    session.refresh_from_db()
    assert session.status == "returned" and session.is_editable
    assert session.return_comment == "Add times."


def test_returned_record_resubmitted_keeps_one_set_of_targets(org, in_org):
    kw = org.users["key_worker"]
    session = start(org, kw, org.child)
    reviews = {
        str(t.pk): {"outcome": "partly", "comment": ""} for t in selectors.open_targets(org.child)
    }
    targets = [{"what": "Arrive on time", "due_on": TODAY(), "area": "attendance"}]
    submit(org, kw, session, school_data(), targets=targets, reviews=reviews)
    session.refresh_from_db()
    services.session_return(
        access=access_for(org.users["manager"], org),
        session=session,
        expected_version=session.version,
        comment="Add how it is measured.",
    )
    session.refresh_from_db()
    targets[0]["measure"] = "No late marks."
    submit(org, kw, session, school_data(), targets=targets, reviews=reviews)
    assert list(session.targets.values_list("what", "measure")) == [
        ("Arrive on time", "No late marks.")
    ]


def test_a_correction_keeps_the_earlier_version_and_needs_a_reason(org, in_org):
    kw = org.users["key_worker"]
    session = org.session
    access = access_for(kw, org)
    with pytest.raises(ValidationError):
        services.session_correct(
            access=access,
            session=session,
            expected_version=session.version,
            data={"account": "Corrected"},
            topics=list(session.topics.all()),
            reason="",
        )
    services.session_correct(
        access=access,
        session=session,
        expected_version=session.version,
        data={"account": "Corrected account."},
        topics=list(session.topics.all()),
        reason="The time was wrong.",
    )
    session.refresh_from_db()
    # The world's session was corrected once already (version 2); this makes version 3.
    assert session.record_version == 3 and session.account == "Corrected account."
    revision = SessionRevision.objects.get(session=session, record_version=2)
    assert revision.content["account"] == f"{org.child.first_name} secret account"
    assert revision.reason == "The time was wrong."
    assert AuditEvent.objects.filter(object_id=session.pk, action="correct").count() == 1


def test_a_failing_behaviour_panel_does_not_stop_the_submission(org, in_org, monkeypatch):
    def key_work_summary(child, start, end):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT no_such_column FROM people_child")

    fake = types.ModuleType("behaviour.selectors")
    fake.key_work_summary = key_work_summary
    monkeypatch.setitem(sys.modules, "behaviour.selectors", fake)
    kw = org.users["key_worker"]
    session = start(org, kw, org.child)
    submit(org, kw, session, school_data())
    session.refresh_from_db()
    assert session.status == "submitted" and session.since_last == {}


def test_the_frozen_panel_reads_as_sentences_not_data():
    from sessions_app.since_last import summary_rows

    summary = {
        "child_id": 17,
        "period": {"start": "2026-11-06", "end": "2026-11-19"},
        "slips": {
            "total": 3,
            "by_kind": {"low": 2, "high": 1, "green": 4, "growth": 1},
            "by_type": {"Defiance": 2, "Incident": 1},
            "negative": 3,
        },
        "positives": {"green_slips": 4, "growth_mindset": 1, "total": 5},
        "class_points": {
            "total": 88,
            "weekly_target": 40,
            "weeks": [
                {"week_start": "2026-11-02", "points": 10, "target": 40, "met": False},
                {"week_start": "2026-11-09", "points": 41, "target": 40, "met": True},
            ],
        },
        "attendance": {
            "possible_sessions": 20,
            "attended_sessions": 17,
            "authorised_absence_sessions": 1,
            "unauthorised_absence_sessions": 2,
            "not_possible_sessions": 0,
            "lates": 1,
            "attendance_percent": 85.0,
            "band": "persistent",
            "by_code": {"/": 9, "I": 1},
        },
        "patterns": [{"title": "Absent on 3 of 4 Mondays", "detail": "", "dates": []}],
        "patterns_window": {"start": "2026-08-28", "end": "2026-11-19"},
        "new_part": {"count": 2},
    }
    rows = dict(summary_rows(summary))
    assert rows == {
        "Behaviour": "2 low-level slips, 1 high-level incident (Defiance: 2, Incident: 1)",
        "Positives": "4 green slips, 1 growth mindset",
        # The period starts on a Friday: that week is a part week, never judged as a whole one.
        "Class points": "88 in all; weekly target 40, met 1 of 1 complete week "
        "(week of 2 Nov: 10 (part week, 1 of 5 days; target for those days 8), "
        "week of 9 Nov: 41)",
        "Attendance": "85.0% (17 of 20 sessions); 1 authorised absence; 2 unauthorised absence; "
        "1 late mark; persistent absence (below 90%)",
        "Patterns": "Absent on 3 of 4 Mondays (looking back from 28 Aug to 19 Nov)",
        # A part the behaviour app adds later is shown plainly rather than dropped.
        "New part": "count: 2",
    }
    assert summary_rows({}) == [] and summary_rows(None) == []
