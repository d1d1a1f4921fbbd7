"""Row-level security: the database's own guarantee that one organisation never reads another's rows,
even from a query that forgot its filter."""

import pytest
from django.db import connection, connections

from people.models import Child
from tenancy.context import organisation_scope

from ..factories import ChildFactory


@pytest.mark.django_db
def test_every_tenant_table_has_row_level_security_enabled_forced_and_a_policy():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = c.relname
                           AND p.policyname = 'tenant_isolation')
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organisation_id'
            WHERE c.relkind = 'r'
            ORDER BY c.relname
            """
        )
        rows = cursor.fetchall()
    assert len(rows) >= 8  # sites, memberships and the people tables at least
    missing = [
        name for name, enabled, forced, policy in rows if not (enabled and forced and policy)
    ]
    assert missing == [], f"Tables without row-level security: {missing}"


@pytest.mark.django_db
def test_the_application_role_owns_nothing_and_cannot_bypass_security():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolbypassrls, rolcreatedb FROM pg_roles "
            "WHERE rolname = current_user"
        )
        user, superuser, bypass, createdb = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user"
        )
        (owned,) = cursor.fetchone()
    assert user == connections["default"].settings_dict["USER"]
    assert user != connections["migrator"].settings_dict["USER"]
    assert (superuser, bypass, createdb, owned) == (False, False, False, 0)


@pytest.mark.django_db
def test_a_query_with_no_organisation_returns_nothing(org, other_org):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM people_child")  # raw SQL, no filter at all
        assert cursor.fetchone() == (0,)
    with organisation_scope(org.org.pk), connection.cursor() as cursor:
        cursor.execute("SELECT first_name FROM people_child")  # still no filter written
        assert cursor.fetchall() == [(org.child.first_name,)]


@pytest.mark.django_db
def test_a_row_cannot_be_written_into_another_organisation(org, other_org):
    from django.db import DatabaseError, transaction

    with organisation_scope(org.org.pk), pytest.raises(DatabaseError), transaction.atomic():
        Child.objects.create(
            organisation_id=other_org.org.pk,
            site=other_org.school,
            first_name="Sneaky",
            last_name="Insert",
            date_of_birth="2012-01-01",
            start_date="2024-01-01",
        )


@pytest.mark.django_db
def test_the_setting_does_not_survive_on_a_reused_connection(org):
    """set_config(..., true) is local to its transaction: nothing is left on the connection."""
    with organisation_scope(org.org.pk):
        assert Child.objects.count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.organisation_id', true)")
        assert cursor.fetchone()[0] in ("", None)


@pytest.mark.django_db
def test_a_thousand_alternating_requests_on_one_connection_never_cross(org, other_org):
    from ..auth import VerifiedClient as Client

    for n in range(5):
        ChildFactory(site=org.school, first_name=f"Alphakid{n}")
        ChildFactory(site=other_org.school, first_name=f"Betakid{n}")
    clients = []
    for world, mine, theirs in [(org, "Alpha", "Beta"), (other_org, "Beta", "Alpha")]:
        client = Client()
        client.force_login(world.users["manager"])
        clients.append((client, mine, theirs))
    connection.ensure_connection()
    backend_pid = connection.connection.info.backend_pid
    for i in range(1000):
        client, mine, theirs = clients[i % 2]
        body = client.get("/children/").content.decode()
        assert f"{mine}kid" in body and f"{theirs}kid" not in body, f"request {i}"
    assert connection.connection.info.backend_pid == backend_pid  # one reused connection throughout


@pytest.mark.django_db
def test_celery_tasks_act_for_the_organisation_they_are_given(org, other_org):
    from people.tasks import count_children

    ChildFactory(site=other_org.school)
    assert count_children.delay(org.org.pk).get() == 1
    assert count_children.delay(other_org.org.pk).get() == 2


@pytest.mark.django_db(transaction=True)
def test_a_persistent_connection_carries_no_organisation_into_the_next_request(org):
    """Connections persist between requests (CONN_MAX_AGE): after a committed request for one
    organisation, the same server connection holds no organisation, read without the statement
    prefix, and a tenant table read through it shows nothing."""
    from django.conf import settings

    from ..auth import VerifiedClient as Client

    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    client = Client()
    client.force_login(org.users["manager"])
    assert "Alphachild" in client.get("/children/").content.decode()
    backend_pid = connection.connection.info.backend_pid
    raw = connection.connection.cursor()  # psycopg's own cursor: no organisation prefix
    try:
        raw.execute("SELECT current_setting('app.organisation_id', true), pg_backend_pid()")
        setting, pid = raw.fetchone()
        assert pid == backend_pid  # the very connection the request used
        assert setting in ("", None)
        raw.execute("SELECT count(*) FROM people_child")
        assert raw.fetchone()[0] == 0  # row-level security: no organisation, no rows
    finally:
        raw.close()
