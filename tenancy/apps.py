from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def grant_app_role(sender, using, **kwargs):
    """After migrating (as the owner), let the application role read and write every table: data
    rights only, never ownership, so row-level security always applies to it."""
    from django.conf import settings
    from django.db import connections
    from psycopg2 import sql

    if using != settings.MIGRATION_DATABASE_ALIAS:
        return
    role = sql.Identifier(settings.DATABASE_APP_ROLE)
    rights = "SELECT, INSERT, UPDATE, DELETE"
    if settings.DATABASE_APP_CAN_TRUNCATE:
        rights += ", TRUNCATE"
    with connections[using].cursor() as cursor:
        cursor.execute(
            sql.SQL("GRANT " + rights + " ON ALL TABLES IN SCHEMA public TO {}").format(role)
        )
        cursor.execute(
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(role)
        )


class TenancyConfig(AppConfig):
    name = "tenancy"
    verbose_name = "Organisations, sites and memberships"

    def ready(self):
        from . import cleaning, rls

        cleaning.install()  # every form's text fields refuse or drop control characters

        connection_created.connect(rls.install, dispatch_uid="tenancy.rls.install")
        post_migrate.connect(grant_app_role, dispatch_uid="tenancy.grant_app_role")
