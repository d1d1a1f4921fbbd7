"""The audit trail: one history entry per write, one read entry per view, none editable."""

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from people.models import Child, Guardian, KeyWorkerAllocation, PenPortrait
from tenancy.context import organisation_scope
from tenancy.models import AuditEvent

from ..factories import MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _in_org(org):
    with organisation_scope(org.org.pk):
        yield


def events():
    """Changes only: opening a child's form is a view, logged as one (see test_audit_walk.py)."""
    return list(AuditEvent.objects.exclude(action__in=["view", "export"]).order_by("pk"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url,data,model,action",
    [
        (
            "/children/{child}/pen-portrait/",
            {"medical": "Nut allergy.", "behaviour": "Calm.", "version": 1},
            PenPortrait,
            "update",
        ),
        (
            "/children/{child}/family/add/",
            {"name": "Ann Lee", "relationship": "Aunt", "phone": "07700 900111"},
            Guardian,
            "create",
        ),
        (
            "/children/{child}/family/{guardian}/",
            {"name": "Renamed", "relationship": "Mother", "phone": "07700 900123", "version": 1},
            Guardian,
            "update",
        ),
        (
            "/children/{child}/family/{guardian}/remove/",
            {"reason": "Entered on the wrong child.", "version": 1},
            Guardian,
            "retract",
        ),
        (
            "/children/{child}/cover/",
            {"staff": "{kw2}", "starts_on": "{far}", "ends_on": "{farther}", "detail": "Leave"},
            KeyWorkerAllocation,
            "create",
        ),
    ],
)
def test_each_write_leaves_exactly_one_history_entry(client, org, url, data, model, action):
    kw2 = UserFactory()
    MembershipFactory(user=kw2, site=org.school)
    today = timezone.localdate()
    fill = {
        "child": org.child.pk,
        "guardian": org.guardian.pk,
        "kw2": kw2.pk,
        "far": today.replace(year=today.year + 1).isoformat(),
        "farther": today.replace(year=today.year + 1, day=min(today.day + 1, 28)).isoformat()
        if today.day < 28
        else today.replace(year=today.year + 1, month=today.month % 12 + 1, day=1).isoformat(),
    }
    data = {k: (v.format(**fill) if isinstance(v, str) else v) for k, v in data.items()}
    client.force_login(org.users["manager"])
    before = len(events())
    response = client.post(url.format(**fill), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    new = events()[before:]
    assert len(new) == 1
    entry = new[0]
    assert entry.actor == org.users["manager"]
    assert entry.organisation_id == org.org.pk
    assert entry.object_type == model._meta.label_lower and entry.action == action
    assert entry.child_id == org.child.pk
    assert entry.after is not None


@pytest.mark.django_db
def test_change_of_key_worker_records_the_ended_and_the_new_allocation(client, org):
    kw2 = UserFactory()
    MembershipFactory(user=kw2, site=org.school)
    client.force_login(org.users["manager"])
    before = len(events())
    client.post(
        f"/children/{org.child.pk}/key-worker/",
        {
            "staff": kw2.pk,
            "starts_on": timezone.localdate().isoformat(),
            "reason": "best_interests",
            "detail": "Agreed at review.",
        },
    )
    new = events()[before:]
    assert [(e.action, e.before is not None) for e in new] == [("update", True), ("create", False)]
    assert (
        new[0].before["ends_on"] is None
        and new[0].after["ends_on"] == timezone.localdate().isoformat()
    )


@pytest.mark.django_db
def test_each_view_of_a_child_leaves_one_read_entry(client, org):
    client.force_login(org.users["moderator"])
    client.get(f"/children/{org.child.pk}/")
    client.get(f"/children/{org.child.pk}/")
    reads = AuditEvent.objects.filter(action="view", child_id=org.child.pk)
    assert reads.count() == 2
    assert {e.actor for e in reads} == {org.users["moderator"]}


@pytest.mark.django_db
def test_failed_writes_leave_no_entry(client, org):
    client.force_login(org.users["manager"])
    before = len(events())
    response = client.post(
        f"/children/{org.child.pk}/family/add/", {"name": "", "relationship": ""}
    )
    assert len(events()) == before  # no change recorded; the form shown again is a view
    assert response.status_code == 200


@pytest.mark.django_db
def test_audit_entries_cannot_be_changed_or_deleted(client, org):
    client.force_login(org.users["manager"])
    client.get(f"/children/{org.child.pk}/")
    entry = AuditEvent.objects.latest("pk")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=entry.pk).update(summary="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=entry.pk).delete()


@pytest.mark.django_db
def test_managers_see_history_and_access_log_others_cannot(client, org):
    client.force_login(org.users["key_worker"])
    client.get(f"/children/{org.child.pk}/")
    client.post(
        f"/children/{org.child.pk}/pen-portrait/",
        {"medical": "Hay fever.", "behaviour": "", "version": 1},
    )
    assert client.get(f"/children/{org.child.pk}/history/").status_code == 403
    client.force_login(org.users["manager"])
    body = client.get(f"/children/{org.child.pk}/history/").content.decode()
    assert "Viewed" in body and "Changed" in body and "Hay fever." in body
    access_only = client.get(
        f"/children/{org.child.pk}/history/", {"show": "access"}
    ).content.decode()
    assert "Hay fever." not in access_only and "Viewed" in access_only


@pytest.mark.django_db
def test_history_page_runs_a_fixed_number_of_queries(client, org, django_assert_num_queries):
    client.force_login(org.users["manager"])
    for _ in range(10):
        client.get(f"/children/{org.child.pk}/")
    client.get(f"/children/{org.child.pk}/history/")
    # 1 user, 2 savepoint, 3 the child, 4 the
    # audit entry of this view, 5 count, 6 the page of entries with their actors, 7 release.
    # (The two-factor device and the memberships are cached per session: tenancy.authcache.)
    with django_assert_num_queries(7):
        client.get(f"/children/{org.child.pk}/history/")


@pytest.mark.django_db
def test_retracted_contact_is_hidden_but_kept(client, org):
    client.force_login(org.users["key_worker"])
    response = client.post(
        f"/children/{org.child.pk}/family/{org.guardian.pk}/remove/", {"reason": "", "version": 1}
    )
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    client.post(
        f"/children/{org.child.pk}/family/{org.guardian.pk}/remove/",
        {"reason": "Wrong child.", "version": 1},
    )
    client.get(f"/children/{org.child.pk}/")  # shows (and uses up) the confirmation message
    assert org.guardian.name not in client.get(f"/children/{org.child.pk}/").content.decode()
    kept = Guardian.objects.get(pk=org.guardian.pk)
    assert kept.is_retracted and kept.retraction_reason == "Wrong child."
    assert kept.retracted_by == org.users["key_worker"]
    client.force_login(org.users["manager"])
    assert "Wrong child." in client.get(f"/children/{org.child.pk}/history/").content.decode()
    # nothing about children is ever hard-deleted through the application
    assert Child.objects.filter(pk=org.child.pk).exists()


def test_snapshots_are_json_whatever_the_field_type():
    """UUIDs (the weekly update's idempotency key), durations and nested values serialise."""
    import datetime
    import decimal
    import json
    import uuid

    from tenancy.audit import _json

    key = uuid.UUID("12345678-1234-5678-1234-567812345678")
    value = {"key": key, "span": datetime.timedelta(minutes=20), "n": [decimal.Decimal("1.5")]}
    assert json.loads(json.dumps(_json(value))) == {
        "key": "12345678-1234-5678-1234-567812345678",
        "span": "0:20:00",
        "n": ["1.5"],
    }
