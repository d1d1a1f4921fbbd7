"""Actions from records: the guide's worked example, submitted, asks the manager, the social worker
and the parents and offers a MOSAIC referral; each reaches the right person and closes with a note.
A high-level incident in a home alerts the manager; marking it significant brings the visit
forward."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from actions import selectors, services
from actions.models import ActionItem, Escalation, Kind, Notice, State
from behaviour.services import slip_record
from contacts import selectors as contact_selectors
from contacts.models import Contact
from contacts.services import contact_record
from sessions_app import services as session_services
from sessions_app import worked_example
from sessions_app.models import Topic
from tenancy.models import AuditEvent

from ..factories import (
    ChildProfessionalFactory,
    MembershipFactory,
    ProfessionalFactory,
    UserFactory,
)
from ..sessions_app.conftest import access_for

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def submit_worked_example(world, callbacks):
    day = TODAY() - datetime.timedelta(days=1)
    access = access_for(world.ed, world)
    session = session_services.session_start(access=access, child=world.amber)
    topic = Topic.objects.get_or_create(
        name=worked_example.TOPIC, defaults={"organisation_id": world.org.pk}
    )[0]
    with callbacks(execute=True):
        session_services.session_submit(
            access=access,
            session=session,
            expected_version=session.version,
            data=worked_example.fields(day),
            topics=[topic],
            targets=worked_example.targets(day),
            reviews={},
        )
    return session


def test_the_worked_example_makes_a_manager_task_a_social_worker_item_a_family_task_and_a_referral(
    home, in_org, django_capture_on_commit_callbacks
):
    session = submit_worked_example(home, django_capture_on_commit_callbacks)
    actions = {a.kind: a for a in ActionItem.objects.filter(source="session", source_id=session.pk)}
    assert set(actions) == {
        Kind.FOLLOW_UP,
        Kind.MANAGER,
        Kind.SOCIAL_WORKER,
        Kind.PARENTS,
        Kind.REFERRAL,
    }
    assert actions[Kind.FOLLOW_UP].owner == home.ed
    assert actions[Kind.FOLLOW_UP].title == worked_example.FOLLOW_UP
    assert actions[Kind.MANAGER].owner is None  # every manager of the home
    assert actions[Kind.SOCIAL_WORKER].title.endswith("(in the next weekly update)")
    assert actions[Kind.PARENTS].title == "Family contact: make Amber's family aware"
    assert actions[Kind.REFERRAL].agency == "MOSAIC"
    assert actions[Kind.REFERRAL].made_on is None
    # Due by the next session (a home: a week's share of four a month).
    assert actions[Kind.FOLLOW_UP].due_on > session.date
    assert all(a.state == State.OPEN for a in actions.values())
    # The manager is alerted at once; each creation is audited.
    notice = Notice.objects.get(user=home.home_manager)
    assert "For the manager: Amber Smith" in notice.message
    assert AuditEvent.objects.filter(object_type="actions.actionitem", action="create").count() == 5


def test_a_record_submitted_again_makes_its_actions_once(
    home, in_org, django_capture_on_commit_callbacks
):
    session = submit_worked_example(home, django_capture_on_commit_callbacks)
    again = services.actions_from_session(session_id=session.pk)
    assert again == []
    assert ActionItem.objects.filter(source_id=session.pk).count() == 5
    assert Notice.objects.filter(user=home.home_manager).count() == 1


def test_each_action_reaches_the_right_person_and_closes_with_a_note(
    home, in_org, django_capture_on_commit_callbacks
):
    session = submit_worked_example(home, django_capture_on_commit_callbacks)
    kw_access = access_for(home.ed, home)
    manager_access = access_for(home.home_manager, home)
    mine = {a.kind for a in selectors.my_open_actions(kw_access)}
    assert mine == {Kind.FOLLOW_UP, Kind.SOCIAL_WORKER, Kind.PARENTS, Kind.REFERRAL}
    assert {a.kind for a in selectors.my_open_actions(manager_access)} == {Kind.MANAGER}

    manager_task = ActionItem.objects.get(source_id=session.pk, kind=Kind.MANAGER)
    with pytest.raises(PermissionDenied):  # not the key worker's to close
        services.action_close(
            access=kw_access, action=manager_task, state=State.DONE, note="x", version=None
        )
    with pytest.raises(ValidationError) as error:
        services.action_close(
            access=manager_access, action=manager_task, state=State.DONE, note=" ", version=None
        )
    assert "note of what was done" in error.value.message_dict["note"][0]
    services.action_close(
        access=manager_access,
        action=manager_task,
        state=State.DONE,
        note="Discussed with Ellie; agreed the plan.",
        version=manager_task.version,
    )
    manager_task.refresh_from_db()
    assert manager_task.state == State.DONE and manager_task.closed_by == home.home_manager

    referral = ActionItem.objects.get(source_id=session.pk, kind=Kind.REFERRAL)
    services.referral_update(
        access=kw_access,
        action=referral,
        agency="MOSAIC",
        made_on=TODAY(),
        outcome="Accepted; first appointment next week.",
        version=referral.version,
    )
    referral.refresh_from_db()
    services.action_close(
        access=kw_access,
        action=referral,
        state=State.DONE,
        note="Referral made.",
        version=referral.version,
    )
    family = ActionItem.objects.get(source_id=session.pk, kind=Kind.PARENTS)
    services.action_close(
        access=kw_access,
        action=family,
        state=State.CANCELLED,
        note="Amber asked us not to; discussed with the manager.",
        version=family.version,
    )
    family.refresh_from_db()
    assert family.state == State.CANCELLED
    assert {a.kind for a in selectors.my_open_actions(kw_access)} == {
        Kind.FOLLOW_UP,
        Kind.SOCIAL_WORKER,
    }


def test_the_social_workers_item_is_in_the_weekly_update_and_sending_it_closes_the_item(
    home, in_org, django_capture_on_commit_callbacks
):
    session = submit_worked_example(home, django_capture_on_commit_callbacks)
    monday = TODAY() - datetime.timedelta(days=TODAY().weekday())
    body = contact_selectors.compose_update(
        home.amber, monday, author_name="Ellie Dawson", to_name="Sam Social"
    )
    assert "Matters for you from our records" in body
    assert "make everyone aware that if Amber continues" in body

    from contacts.models import WeeklyUpdate

    worker = ProfessionalFactory(organisation=home.org, role="social_worker", email="sw@la.example")
    ChildProfessionalFactory(
        child=home.amber, professional=worker, started_on=TODAY() - datetime.timedelta(days=100)
    )
    update = WeeklyUpdate.objects.create(
        organisation=home.org,
        child=home.amber,
        week_start=monday,
        subject="Weekly update",
        body=body,
        author=home.ed,
    )
    from contacts.services import weekly_update_send

    with django_capture_on_commit_callbacks(execute=False):  # the email task is not run here
        weekly_update_send(access=access_for(home.ed, home), update=update, version=update.version)
    services.on_weekly_update_sent(update.pk)
    item = ActionItem.objects.get(source_id=session.pk, kind=Kind.SOCIAL_WORKER)
    assert item.state == State.DONE
    assert "Included in the weekly update" in item.closed_note


def test_in_a_school_the_parents_matter_is_a_call_due_today(org, in_org):
    kw = org.users["key_worker"]
    from sessions_app.models import KeyWorkSession

    session = KeyWorkSession.objects.create(
        organisation=org.org,
        child=org.child,
        author=kw,
        date=TODAY(),
        status="submitted",
        follow_up="",
        matters="Tell parents about the good week.",
        matters_for=["parents"],
    )
    made = services.actions_from_session(session_id=session.pk)
    assert [(a.kind, a.due_on, a.owner) for a in made] == [(Kind.PARENTS, TODAY(), kw)]
    assert made[0].title.startswith("Call ")


def test_a_contacts_follow_up_becomes_the_recorders_action(
    org, in_org, django_capture_on_commit_callbacks
):
    kw = org.users["key_worker"]
    with django_capture_on_commit_callbacks(execute=True):
        contact = contact_record(
            access=access_for(kw, org),
            child=org.child,
            kind=Contact.Kind.PARENT,
            method=Contact.Method.PHONE,
            occurred_at=timezone.now() - datetime.timedelta(minutes=5),
            with_whom="Mum",
            summary="Talked about the week.",
            follow_up="Send the reading list home.",
            follow_up_by=TODAY() + datetime.timedelta(days=2),
        )
    action = ActionItem.objects.get(source="contact", source_id=contact.pk)
    assert (action.owner, action.due_on, action.kind) == (
        kw,
        TODAY() + datetime.timedelta(days=2),
        Kind.FOLLOW_UP,
    )


def test_a_high_level_incident_in_a_home_alerts_its_manager_and_a_schools_does_not(
    home, in_org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        slip = slip_record(
            access=access_for(home.ed, home),
            child=home.amber,
            kind="high",
            occurred_at=timezone.now() - datetime.timedelta(minutes=10),
            what_happened="Amber threw a mug at the wall in the kitchen.",
        )
        slip_record(
            access=access_for(home.ed, home),
            child=home.amber,
            kind="low",
            occurred_at=timezone.now() - datetime.timedelta(minutes=5),
            what_happened="Late down for breakfast.",
        )
        slip_record(
            access=access_for(home.users["key_worker"], home),
            child=home.child,
            kind="high",
            occurred_at=timezone.now() - datetime.timedelta(minutes=5),
            what_happened="Threw a chair.",
        )
    notices = list(Notice.objects.all())
    assert [(n.user, n.url) for n in notices] == [
        (home.home_manager, f"/behaviour/slips/{slip.pk}/")
    ]
    assert "High-level incident: Amber Smith" in notices[0].message


def test_marking_an_incident_significant_brings_the_visit_forward_and_logs_the_notification(
    home, in_org
):
    slip = slip_record(
        access=access_for(home.ed, home),
        child=home.amber,
        kind="high",
        occurred_at=timezone.now() - datetime.timedelta(minutes=10),
        what_happened="Amber went missing for three hours.",
    )
    contact_record(  # the last statutory visit, ten days ago
        access=access_for(home.ed, home),
        child=home.amber,
        kind=Contact.Kind.VISIT,
        method=Contact.Method.IN_PERSON,
        occurred_at=timezone.now() - datetime.timedelta(days=10),
        with_whom="Sam Social",
        summary="Statutory visit.",
    )
    before = contact_selectors.visits_due([home.amber])[0].due_on
    assert before > TODAY()  # the reg. 28 date, weeks away
    with pytest.raises(PermissionDenied):
        services.incident_mark_significant(
            access=access_for(home.ed, home),
            slip=slip,
            visit_within_days=0,
            meeting_needed=True,
            notified_how="phone",
            notification="Told the social worker.",
        )
    escalation = services.incident_mark_significant(
        access=access_for(home.home_manager, home),
        slip=slip,
        visit_within_days=0,
        meeting_needed=True,
        notified_how="phone",
        notification="Phoned the social worker about Amber going missing; she will visit.",
    )
    assert contact_selectors.visits_due([home.amber])[0].due_on == TODAY()
    assert escalation.visit_due_on == TODAY()
    meeting = escalation.meeting_action
    assert meeting.kind == Kind.MEETING and meeting.owner == home.home_manager
    contact = Contact.objects.get(pk=escalation.notification_contact_id)
    assert (contact.kind, contact.professional_role) == ("professional", "social_worker")
    with pytest.raises(ValidationError):  # once per incident
        services.incident_mark_significant(
            access=access_for(home.home_manager, home),
            slip=slip,
            visit_within_days=3,
            meeting_needed=False,
            notified_how="phone",
            notification="Again.",
        )
    assert Escalation.objects.count() == 1


def test_the_homes_setting_is_how_soon_the_visit_is_due_after_a_significant_incident(
    home, in_org, client
):
    from tenancy.models import Site

    Site.objects.filter(pk=home.amber.site_id).update(significant_visit_days=5)
    slip = slip_record(
        access=access_for(home.ed, home),
        child=home.amber,
        kind="high",
        occurred_at=timezone.now() - datetime.timedelta(minutes=10),
        what_happened="Amber went missing for three hours.",
    )
    client.force_login(home.home_manager)
    page = client.get(f"/actions/incidents/{slip.pk}/significant/").content.decode()
    assert 'name="visit_within_days" value="5"' in page and "setting is 5 days" in page
    slip.refresh_from_db()
    escalation = services.incident_mark_significant(
        access=access_for(home.home_manager, home),
        slip=slip,
        meeting_needed=False,
        notified_how="phone",
        notification="Phoned the social worker; she will visit this week.",
    )
    assert escalation.visit_due_on == TODAY() + datetime.timedelta(days=5)


def test_a_visit_after_the_request_meets_it(home, in_org):
    from contacts.services import visit_bring_forward

    def visit(when):
        contact_record(
            access=access_for(home.ed, home),
            child=home.amber,
            kind=Contact.Kind.VISIT,
            method=Contact.Method.IN_PERSON,
            occurred_at=when,
            with_whom="Sam Social",
            summary="Statutory visit.",
        )

    visit(timezone.now() - datetime.timedelta(days=10))
    regular = contact_selectors.visits_due([home.amber])[0].due_on
    visit_bring_forward(actor=home.home_manager, child=home.amber, due_on=TODAY(), reason="Test")
    assert contact_selectors.visits_due([home.amber])[0].due_on == TODAY() < regular
    visit(timezone.now())
    assert contact_selectors.visits_due([home.amber])[0].due_on > regular


def test_overdue_actions_count_by_site(org, in_org):
    kw = org.users["key_worker"]
    for days in (-3, -1, 0, 2):
        ActionItem.objects.create(
            organisation=org.org,
            site=org.school,
            child=org.child,
            kind=Kind.FOLLOW_UP,
            title="x",
            owner=kw,
            due_on=TODAY() + datetime.timedelta(days=days),
        )
    assert selectors.overdue_counts([org.school.pk], {org.school.pk: TODAY()}) == {org.school.pk: 2}


def test_adding_an_action_by_hand_checks_the_fields(org, in_org):
    access = access_for(org.users["key_worker"], org)
    existing = ActionItem.objects.count()  # the world's own
    outsider = UserFactory()
    MembershipFactory(user=outsider, site=org.home, role="key_worker")
    with pytest.raises(ValidationError) as error:
        services.action_add(
            access=access,
            child=org.child,
            kind=Kind.REFERRAL,
            title=" ",
            due_on=None,
            owner=outsider,
        )
    errors = error.value.message_dict
    assert set(errors) == {"title", "due_on", "agency", "owner"}
    assert ActionItem.objects.count() == existing


def test_hooks_run_in_the_organisation_they_were_published_in(
    home, django_capture_on_commit_callbacks
):
    """A command that commits after its organisation scope has closed (the demo seed) still
    alerts the manager: the hook carries the scope it was published in."""
    from tenancy.context import organisation_scope

    with django_capture_on_commit_callbacks(execute=True):
        with organisation_scope(home.org.pk):
            slip = slip_record(
                access=access_for(home.ed, home),
                child=home.amber,
                kind="high",
                occurred_at=timezone.now() - datetime.timedelta(minutes=10),
                what_happened="Amber kicked a door.",
            )
    with organisation_scope(home.org.pk):
        assert Notice.objects.filter(key=f"incident:{slip.pk}", user=home.home_manager).exists()


def test_matters_reach_only_the_people_chosen_never_the_people_the_words_name(
    home, in_org, django_capture_on_commit_callbacks
):
    """The worked example's text names the manager, the social worker and the parents; ticking
    only the social worker makes only the social worker's item, and no referral unless one is
    named in the referral box."""
    day = TODAY() - datetime.timedelta(days=1)
    access = access_for(home.ed, home)
    session = session_services.session_start(access=access, child=home.amber)
    topic = Topic.objects.get_or_create(
        name=worked_example.TOPIC, defaults={"organisation_id": home.org.pk}
    )[0]
    data = {**worked_example.fields(day), "matters_for": ["social_worker"], "referral_agency": ""}
    with django_capture_on_commit_callbacks(execute=True):
        session_services.session_submit(
            access=access,
            session=session,
            expected_version=session.version,
            data=data,
            topics=[topic],
            targets=worked_example.targets(day),
            reviews={},
        )
    kinds = set(
        ActionItem.objects.filter(source="session", source_id=session.pk).values_list(
            "kind", flat=True
        )
    )
    assert kinds == {Kind.FOLLOW_UP, Kind.SOCIAL_WORKER}  # "MOSAIC" in the text is not a referral
    assert not Notice.objects.filter(user=home.home_manager).exists()


def test_a_referral_made_in_the_session_carries_its_agency_and_date(org, in_org):
    from sessions_app.models import KeyWorkSession

    kw = org.users["key_worker"]
    session = KeyWorkSession.objects.create(
        organisation=org.org,
        child=org.child,
        author=kw,
        date=TODAY(),
        status="submitted",
        referral_agency="CAMHS",
        referral_made_on=TODAY(),
    )
    [made] = services.actions_from_session(session_id=session.pk)
    assert (made.kind, made.agency, made.made_on, made.owner) == (
        Kind.REFERRAL,
        "CAMHS",
        TODAY(),
        kw,
    )
    assert made.title == "CAMHS referral" and "made on" in made.details


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"matters_for": []}, "matters_for", "Choose who the matters are for"),
        ({"matters": ""}, "matters", "Write what the manager and the social worker"),
        (
            {"referral_agency": "", "referral_made_on": TODAY()},
            "referral_agency",
            "Name the agency",
        ),
        (
            {"referral_made_on": TODAY() + datetime.timedelta(days=1)},
            "referral_made_on",
            "cannot have been made in the future",
        ),
    ],
)
def test_submitting_matters_without_a_person_or_a_referral_date_without_an_agency_is_refused(
    home, in_org, change, field, words
):
    day = TODAY() - datetime.timedelta(days=1)
    access = access_for(home.ed, home)
    session = session_services.session_start(access=access, child=home.amber)
    topic = Topic.objects.get_or_create(
        name=worked_example.TOPIC, defaults={"organisation_id": home.org.pk}
    )[0]
    data = {**worked_example.fields(day), "matters_for": ["manager", "social_worker"], **change}
    with pytest.raises(ValidationError) as error:
        session_services.session_submit(
            access=access,
            session=session,
            expected_version=session.version,
            data=data,
            topics=[topic],
            targets=worked_example.targets(day),
            reviews={},
        )
    assert words in " ".join(error.value.message_dict[field])
    session.refresh_from_db()
    assert session.status == "draft"


def publish_monthly_review(world, callbacks, follow_ups, *, number_of_times=1):
    from plans import services as plan_services
    from plans.models import PlanType
    from plans.selectors import sections as plan_sections

    access = access_for(world.ed, world)
    versions = []
    for _ in range(number_of_times):
        draft = plan_services.plan_draft_start(
            access=access, child=world.amber, plan_type=PlanType.MONTHLY_REVIEW
        )
        content = {
            s.key: {"text": f"{s.title}: written."}
            for s in plan_sections(PlanType.MONTHLY_REVIEW)
            if not s.many
        }
        content["follow_ups"] = {"items": follow_ups}
        plan_services.plan_draft_save(
            access=access,
            version=draft,
            expected_version=draft.version,
            content=content,
            plan_date=TODAY(),
            next_review_date=TODAY() + datetime.timedelta(days=30),
            change_summary="The month reviewed.",
        )
        draft.refresh_from_db()
        with callbacks(execute=True):
            plan_services.plan_publish(access=access, version=draft, expected_version=draft.version)
        versions.append(draft)
    return versions


def test_a_plan_reviews_follow_ups_become_the_authors_actions_on_the_child_page_and_my_week(
    home, in_org, django_capture_on_commit_callbacks
):
    by = TODAY() + datetime.timedelta(days=10)
    [version] = publish_monthly_review(
        home,
        django_capture_on_commit_callbacks,
        [
            {"what": "Book Amber's dental check.", "by_when": by.isoformat()},
            {"what": "Ask the social worker about contact at Christmas.", "by_when": ""},
            {"what": "", "by_when": ""},  # an empty row adds nothing
        ],
    )
    made = list(ActionItem.objects.filter(source="plan").order_by("pk"))
    assert [(a.title, a.owner, a.kind) for a in made] == [
        ("Book Amber's dental check.", home.ed, Kind.FOLLOW_UP),
        ("Ask the social worker about contact at Christmas.", home.ed, Kind.FOLLOW_UP),
    ]
    assert made[0].due_on == by
    assert made[1].due_on > TODAY()  # by the next key-work session
    assert "Young Person's Monthly Review" in made[0].details
    kw_access = access_for(home.ed, home)
    assert {a.pk for a in selectors.my_open_actions(kw_access)} >= {a.pk for a in made}
    assert {a.pk for a in made} <= {a.pk for a in selectors.child_actions(home.amber)}
    assert AuditEvent.objects.filter(object_type="actions.actionitem", action="create").count() == 2
    # Published again, the same rows (same refs) are not made twice.
    services.actions_from_plan_review(version_id=version.pk)
    assert ActionItem.objects.filter(source="plan").count() == 2


def test_the_follow_up_links_back_to_the_review_it_was_agreed_in(
    client, home, in_org, django_capture_on_commit_callbacks
):
    publish_monthly_review(
        home, django_capture_on_commit_callbacks, [{"what": "Book the dentist.", "by_when": ""}]
    )
    action = ActionItem.objects.get(source="plan")
    client.force_login(home.ed)
    body = client.get(f"/actions/{action.pk}/").content.decode()
    assert f'href="/plans/child/{home.amber.pk}/monthly_review/"' in body
    assert "Plan review" in body


def test_a_site_wide_action_alerts_the_managers_when_it_commits_outside_any_scope(
    home, django_capture_on_commit_callbacks
):
    """The managers' alert runs on commit, after the caller's organisation scope may have ended
    (the demo seed's regulation 44 recommendations commit when the command returns): it runs in
    the action's own organisation and the managers get it."""
    import datetime as _dt

    from actions.models import Notice, Source
    from actions.services import site_action_raise
    from tenancy.context import organisation_scope

    with django_capture_on_commit_callbacks(execute=True):
        with organisation_scope(home.org.pk):
            action = site_action_raise(
                actor=home.home_manager,
                site=home.home,
                title="Log night checks hourly",
                due_on=_dt.date.today() + _dt.timedelta(days=28),
                source=Source.REG44,
                source_id=1,
            )
    with organisation_scope(home.org.pk):
        alerted = Notice.objects.filter(key=f"action:{action.pk}")
        assert list(alerted.values_list("user_id", flat=True)) == [home.home_manager.pk]
