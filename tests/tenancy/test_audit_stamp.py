"""An audit entry's time and actor come from the database and the signed-in session (issue 14.9):
the application role cannot back-date an entry or name another actor."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from tenancy.context import organisation_scope, user_scope
from tenancy.models import AuditEvent


def _insert_raw(org, actor_id, created_at):
    """As an attacker with the application's database role would: plain SQL, any values."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tenancy_auditevent (organisation_id, actor_id, action, object_type,"
            " object_id, object_repr, summary, created_at) VALUES (%s, %s, 'view', 'people.child',"
            " 1, '', '', %s) RETURNING id",
            [org.pk, actor_id, created_at],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_back_dated_entry_naming_someone_else_gets_the_sessions_user_and_the_real_time(org):
    signed_in, someone_else = org.users["key_worker"], org.users["manager"]
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    with organisation_scope(org.org.pk), user_scope(signed_in.pk):
        pk = _insert_raw(org.org, someone_else.pk, long_ago)
        entry = AuditEvent.objects.get(pk=pk)
    assert entry.actor_id == signed_in.pk
    assert abs(entry.created_at - timezone.now()) < datetime.timedelta(minutes=1)


@pytest.mark.django_db
def test_through_the_orm_the_caller_cannot_choose_the_actor_or_the_time(org):
    signed_in = org.users["moderator"]
    with organisation_scope(org.org.pk), user_scope(signed_in.pk):
        entry = AuditEvent.objects.create(
            organisation=org.org,
            actor=org.users["org_admin"],
            action="view",
            object_type="people.child",
            object_id=org.child.pk,
            created_at=datetime.datetime(2021, 6, 1, tzinfo=datetime.UTC),
        )
        stored = AuditEvent.objects.get(pk=entry.pk)
    assert stored.actor_id == signed_in.pk
    assert stored.created_at.year == timezone.now().year


@pytest.mark.django_db
def test_outside_a_request_the_time_is_still_the_databases(org):
    """A Celery task or command has no signed-in user: it names whom it acts for, but not when."""
    with organisation_scope(org.org.pk):
        pk = _insert_raw(org.org, org.users["manager"].pk, datetime.datetime(2019, 5, 5))
        entry = AuditEvent.objects.get(pk=pk)
    assert entry.actor_id == org.users["manager"].pk
    assert entry.created_at.year == timezone.now().year


@pytest.mark.django_db
def test_a_page_view_is_recorded_under_the_signed_in_user(client, org):
    user = org.users["moderator"]
    client.force_login(user)
    assert client.get(f"/children/{org.child.pk}/").status_code == 200
    with organisation_scope(org.org.pk):
        entry = AuditEvent.objects.filter(child_id=org.child.pk).latest("pk")
    assert entry.actor_id == user.pk and entry.summary == f"GET /children/{org.child.pk}/"
