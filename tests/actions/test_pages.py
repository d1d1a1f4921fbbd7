"""The actions pages: what each person sees, forms with their errors, and fixed query counts."""

import datetime

import pytest
from django.utils import timezone

from actions.models import ActionItem, Kind, Notice, State
from behaviour.models import Slip

from ..behaviour.factories import SlipFactory
from ..factories import ChildFactory, KeyWorkerAllocationFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def make_actions(world, n, *, owner=None, child=None, days=-1):
    owner = owner or world.users["key_worker"]
    rows = []
    for i in range(n):
        target = child or ChildFactory(site=world.school)
        rows.append(
            ActionItem.objects.create(
                organisation=world.org,
                site=target.site,
                child=target,
                kind=Kind.FOLLOW_UP,
                title=f"Action {i}",
                owner=owner,
                due_on=TODAY() + datetime.timedelta(days=days),
            )
        )
    return rows


def test_my_actions_list_shows_overdue_and_runs_a_fixed_number_of_queries(
    client, org, in_org, django_assert_num_queries
):
    kw = org.users["key_worker"]
    make_actions(org, 3)
    client.force_login(kw)
    client.get("/actions/")  # warm the session's first-request work

    def page():
        # 1 user, 2 savepoint (the request's transaction), 3 count of my actions (for
        # the paginator; the children I can see as a subquery), 4 the page of actions with child,
        # site and owner, 5 release savepoint. (Alerts are their own page; the device and the
        # memberships come from the session's cached entry, the top bar's counts from the cache.)
        return client.get("/actions/")

    with django_assert_num_queries(5):
        response = page()
    assert response.status_code == 200
    make_actions(org, 6)
    with django_assert_num_queries(5):
        response = page()
    body = response.content.decode()
    assert body.count('badge text-bg-danger">Overdue') == 9
    assert f"Follow up {org.child.first_name}" in body  # the world's own, due next week


def test_a_child_page_lists_the_childs_actions(client, org, in_org, django_assert_num_queries):
    make_actions(org, 2, child=org.child)
    client.force_login(org.users["moderator"])
    client.get(f"/actions/child/{org.child.pk}/")
    # 1 user, 2 savepoint, 3 the child (visible to me),
    # 4 its view's audit entry (written by the fetch), 5 the child's actions with site and owner,
    # 6 release savepoint.
    # (The two-factor device and the memberships are cached per session: tenancy.authcache.)
    with django_assert_num_queries(6):
        client.get(f"/actions/child/{org.child.pk}/")
    make_actions(org, 5, child=org.child)
    with django_assert_num_queries(6):
        response = client.get(f"/actions/child/{org.child.pk}/")
    assert response.content.decode().count("/actions/") >= 8
    response = client.get(f"/children/{org.child.pk}/")
    assert 'data-testid="child-page-actions"' in response.content.decode()


def test_adding_an_action_shows_errors_beside_the_fields_and_saves_nothing(client, org, in_org):
    client.force_login(org.users["key_worker"])
    before = ActionItem.objects.count()
    response = client.post(
        f"/actions/child/{org.child.pk}/new/",
        {"kind": "referral", "title": "Refer to CAMHS", "due_on": "", "agency": ""},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing has been saved yet" in body
    assert "Name the agency the referral is to" in body
    assert ActionItem.objects.count() == before
    response = client.post(
        f"/actions/child/{org.child.pk}/new/",
        {
            "kind": "referral",
            "title": "Refer to CAMHS",
            "due_on": TODAY().isoformat(),
            "agency": "CAMHS",
            "owner": org.users["key_worker"].pk,
        },
    )
    action = ActionItem.objects.get(title="Refer to CAMHS")
    assert response.status_code == 302 and response["Location"] == f"/actions/{action.pk}/"


def test_closing_needs_a_note_and_only_the_owner_or_a_manager_may(client, org, in_org):
    action = org.action
    client.force_login(org.users["moderator"])
    response = client.post(f"/actions/{action.pk}/close/", {"state": "done", "note": "x"})
    assert response.status_code == 403
    client.force_login(org.users["key_worker"])
    response = client.post(f"/actions/{action.pk}/close/", {"state": "done", "note": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    response = client.post(
        f"/actions/{action.pk}/close/",
        {"state": "done", "note": "Research handed in.", "version": action.version},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.state == State.DONE and action.closed_note == "Research handed in."
    assert client.get(f"/actions/{action.pk}/close/").status_code == 405


ALERTS_BADGE = 'href="/actions/alerts/">Alerts'


def alerts_badge(page: str) -> str:
    """The top bar's *Alerts* link as rendered in the page (count cached per person)."""
    return page.split(ALERTS_BADGE, 1)[1][:120]


def make_notices(world, user, n, start=0):
    return [
        Notice.objects.create(
            organisation=world.org,
            user=user,
            site=world.school,
            key=f"test:{start + i}",
            message=f"For the manager: matter {start + i}",
            url="/actions/",
        )
        for i in range(n)
    ]


def test_alerts_are_acknowledged_dismissed_or_all_marked_read_only_by_their_person(
    client, org, in_org
):
    manager = org.users["manager"]
    first, second, third = make_notices(org, manager, 3)
    [theirs] = make_notices(org, org.users["key_worker"], 1, start=10)
    client.force_login(manager)
    assert 'data-unread="3"' in alerts_badge(client.get("/").content.decode())
    client.post("/actions/alerts/", {"do": "read", "notice": first.pk})
    assert 'data-unread="2"' in alerts_badge(client.get("/").content.decode())
    client.post("/actions/alerts/", {"do": "dismiss", "notice": second.pk})
    body = client.get("/actions/alerts/").content.decode()
    assert "matter 1" not in body and "matter 0" in body and "matter 2" in body
    assert 'data-unread="1"' in alerts_badge(client.get("/").content.decode())
    # Someone else's alert: nothing happens to it, and nothing of it is shown.
    client.post("/actions/alerts/", {"do": "dismiss", "notice": theirs.pk})
    client.post("/actions/alerts/", {"do": "read", "notice": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None and theirs.dismissed_at is None
    client.post("/actions/alerts/", {"do": "read_all"})
    assert "data-unread" not in alerts_badge(client.get("/").content.decode())
    client.post("/actions/alerts/", {"do": "dismiss", "notice": "x"})  # not an id: ignored
    third.refresh_from_db()
    assert third.read_at is not None and third.dismissed_at is None


def test_alerts_and_actions_are_separate_lists_each_with_its_empty_state(client, org, in_org):
    manager = org.users["manager"]
    client.force_login(manager)
    alerts = client.get("/actions/alerts/").content.decode()
    assert 'data-testid="no-alerts"' in alerts and "action-list" not in alerts
    actions = client.get("/actions/").content.decode()
    assert "You have no open actions." in actions and 'data-testid="notices"' not in actions
    make_notices(org, manager, 1)
    actions = client.get("/actions/").content.decode()
    assert "For the manager: matter 0" not in actions  # an alert is not an action
    assert "For the manager: matter 0" in client.get("/actions/alerts/").content.decode()
    nav = client.get("/").context
    assert [b["label"] for b in nav["nav_badges"]] == ["Overdue", "Alerts"]
    assert "Actions" in [i["label"] for i in nav["nav_items"]]


def test_the_alerts_list_runs_a_fixed_number_of_queries(
    client, org, in_org, django_assert_num_queries
):
    manager = org.users["manager"]
    make_notices(org, manager, 2)
    client.force_login(manager)
    client.get("/actions/alerts/")
    # 1 user, 2 savepoint, 3 count of my alerts (the paginator), 4 the page of
    # alerts, 5 release savepoint (device and memberships from the session's cached entry).
    with django_assert_num_queries(5):
        response = client.get("/actions/alerts/")
    assert response.content.decode().count("Acknowledge</button>") == 2
    make_notices(org, manager, 20, start=2)
    with django_assert_num_queries(5):
        response = client.get("/actions/alerts/")
    assert response.content.decode().count("Dismiss</button>") == 22


def test_the_significant_incident_page_is_for_the_homes_managers(client, home, in_org):
    slip = SlipFactory(
        child=home.amber, kind="high", recorded_by=home.ed, what_happened="Broke a window."
    )
    client.force_login(home.ed)
    assert client.get(f"/actions/incidents/{slip.pk}/significant/").status_code == 403
    assert "Mark significant" not in client.get(f"/behaviour/slips/{slip.pk}/").content.decode()
    client.force_login(home.home_manager)
    page = client.get(f"/behaviour/slips/{slip.pk}/").content.decode()
    assert "Mark significant" in page
    response = client.post(
        f"/actions/incidents/{slip.pk}/significant/",
        {"visit_within_days": "", "meeting_needed": "no", "notified_how": "phone"},
    )
    assert response.status_code == 400 and "Nothing has been saved yet" in response.content.decode()
    response = client.post(
        f"/actions/incidents/{slip.pk}/significant/",
        {
            "visit_within_days": "2",
            "meeting_needed": "no",
            "notified_how": "phone",
            "notification": "Phoned the social worker.",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/behaviour/slips/{slip.pk}/").content.decode()
    assert "Marked significant" in page
    due = (TODAY() + datetime.timedelta(days=2)).strftime("%-d %B %Y")
    assert due in page
    assert Slip.objects.filter(pk=slip.pk).exists()


def test_overdue_actions_show_on_the_compliance_dashboard(client, org, in_org):
    make_actions(org, 2, days=-2)
    client.force_login(org.users["manager"])
    body = client.get(f"/compliance/sites/{org.school.pk}/").content.decode()
    assert 'data-testid="dashboard-actions"' in body and "2 overdue" in body


def test_my_week_lists_my_open_actions(client, org, in_org):
    KeyWorkerAllocationFactory  # noqa: B018 - the world allocates the key worker already
    make_actions(org, 1, child=org.child)
    client.force_login(org.users["key_worker"])
    body = client.get("/compliance/my-week/").content.decode()
    assert 'data-testid="my-week-actions"' in body and "Action 0" in body


def test_the_hooks_are_subscribed_and_a_parents_task_offers_to_log_the_call(client, org, in_org):
    from tenancy.hooks import subscriptions

    hooks = subscriptions()
    for event in (
        "sessions.session_submitted",
        "behaviour.slip_recorded",
        "contacts.contact_recorded",
        "contacts.weekly_update_sent",
        "contacts.weekly_update_lines",
        "plans.plan_published",
    ):
        assert any(name.startswith("actions.") for name in hooks[event]), event
    action = make_actions(org, 1, child=org.child)[0]
    ActionItem.objects.filter(pk=action.pk).update(kind=Kind.PARENTS)
    client.force_login(org.users["key_worker"])
    body = client.get(f"/actions/{action.pk}/").content.decode()
    assert f"/contacts/child/{org.child.pk}/new/?kind=parent" in body and "Log the call" in body


@pytest.mark.parametrize(
    "path,data",
    [
        ("close", {"state": "done", "note": "Research handed in."}),
        ("referral", {"agency": "CAMHS", "made_on": "2026-11-20", "outcome": "Accepted."}),
    ],
)
def test_closing_or_updating_without_the_version_shown_is_refused(client, org, in_org, path, data):
    """tests/tenancy/test_version_walk.py's rule for the action forms: a missing or malformed
    version is a refusal with a message, never "the current version"."""
    action = org.action
    client.force_login(org.users["key_worker"])
    for version in (None, "abc"):
        posted = dict(data) if version is None else {**data, "version": version}
        response = client.post(f"/actions/{action.pk}/{path}/", posted)
        assert response.status_code in (400, 409, 200), response.status_code  # never a redirect
    action.refresh_from_db()
    assert action.state == State.OPEN and action.closed_note == "" and action.outcome == ""
