"""PostgreSQL row-level security: the backstop under the ORM's organisation scope.

Every tenant-owned table has RLS enabled and forced, with a policy that lets a row through only when
its ``organisation_id`` equals the per-transaction setting ``app.organisation_id``. The setting is sent
with every statement the application runs (``set_config(..., true)``, local to that transaction), so a
pooled or reused connection never carries one request's organisation into the next. With no
organisation set, tenant tables look empty.

New tenant tables get their policy with the migration operation ``EnableRowLevelSecurity("Model")``;
``tests/tenancy/test_rls.py`` fails if any table with an ``organisation_id`` column lacks it.
"""

from django.db import migrations

ORG_SETTING = "app.organisation_id"
USER_SETTING = "app.user_id"
CURRENT_ORG_SQL = f"NULLIF(current_setting('{ORG_SETTING}', true), '')::bigint"
CURRENT_USER_SQL = f"NULLIF(current_setting('{USER_SETTING}', true), '')::bigint"
POLICY = "tenant_isolation"


def enable_sql(table: str, *, extra_using: str = "") -> list[str]:
    using = f"organisation_id = {CURRENT_ORG_SQL}"
    if extra_using:
        using = f"({using}) OR ({extra_using})"
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY} ON "{table}"',
        f'CREATE POLICY {POLICY} ON "{table}" USING ({using}) '
        f"WITH CHECK (organisation_id = {CURRENT_ORG_SQL})",
    ]


def disable_sql(table: str) -> list[str]:
    return [
        f'DROP POLICY IF EXISTS {POLICY} ON "{table}"',
        f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY',
    ]


class EnableRowLevelSecurity(migrations.operations.base.Operation):
    """Migration operation: enable, force and add the tenant policy on a model's table."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str, extra_using: str = ""):
        self.model_name = model_name
        self.extra_using = extra_using

    def deconstruct(self):
        kwargs = {"model_name": self.model_name}
        if self.extra_using:
            kwargs["extra_using"] = self.extra_using
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label, state):
        pass

    def _table(self, app_label, state):
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for sql in enable_sql(self._table(app_label, to_state), extra_using=self.extra_using):
            schema_editor.execute(sql)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for sql in disable_sql(self._table(app_label, from_state)):
            schema_editor.execute(sql)

    def describe(self):
        return f"Enable row-level security on {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"rls_{self.model_name.lower()}"


def _prefix() -> str:
    from .context import current_organisation_id, current_user_id

    org_id = current_organisation_id()
    user_id = current_user_id()
    # Integers from our own context variables, never user input: safe to inline.
    org = str(int(org_id)) if org_id is not None else ""
    user = str(int(user_id)) if user_id is not None else ""
    return (
        f"SELECT set_config('{ORG_SETTING}', '{org}', true), "
        f"set_config('{USER_SETTING}', '{user}', true); "
    )


SAVEPOINT_SQL = ("SAVEPOINT ", "ROLLBACK TO SAVEPOINT ", "RELEASE SAVEPOINT ")


def tenant_execute_wrapper(execute, sql, params, many, context):
    """Sends the current organisation with each statement, in the same transaction as it.
    Savepoint statements go alone: after an error, PostgreSQL refuses everything but the
    rollback, so a prefixed ``ROLLBACK TO SAVEPOINT`` would never run."""
    if isinstance(sql, str) and sql.startswith(SAVEPOINT_SQL):
        return execute(sql, params, many, context)
    return execute(_prefix() + sql, params, many, context)


def install(sender, connection, **kwargs):
    """``connection_created`` receiver: only the application's alias is wrapped."""
    from django.conf import settings

    if connection.alias in settings.RLS_DATABASE_ALIASES and (
        tenant_execute_wrapper not in connection.execute_wrappers
    ):
        connection.execute_wrappers.append(tenant_execute_wrapper)
