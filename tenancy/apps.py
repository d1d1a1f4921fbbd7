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


def _members_of(organisation_id) -> list[int]:
    from .models import Membership

    # Explicit escape from the ORM scope: a change to an organisation or a site reaches every one
    # of its members, whatever organisation is in scope for the writer.
    return list(
        Membership.unscoped.filter(organisation_id=organisation_id)
        .values_list("user_id", flat=True)
        .distinct()
    )


def bump_membership(sender, instance, **kwargs):
    from . import authcache

    authcache.bump([instance.user_id])


def bump_user(sender, instance, **kwargs):
    from . import authcache

    authcache.bump([instance.pk])


def bump_organisation(sender, instance, **kwargs):
    from . import authcache

    authcache.bump(_members_of(instance.pk))


def bump_site(sender, instance, **kwargs):
    from . import authcache

    authcache.bump(_members_of(instance.organisation_id))


class TenancyConfig(AppConfig):
    name = "tenancy"
    verbose_name = "Organisations, sites and memberships"

    def ready(self):
        from . import cleaning, rls

        cleaning.install()  # every form's text fields refuse or drop control characters

        connection_created.connect(rls.install, dispatch_uid="tenancy.rls.install")
        post_migrate.connect(grant_app_role, dispatch_uid="tenancy.grant_app_role")

        # What a person may do is cached per session (tenancy.authcache): any write to a
        # membership, a site, an organisation or the user gives the people concerned a new version.
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from .models import Membership, Organisation, Site

        for model, receiver in (
            (Membership, bump_membership),
            (get_user_model(), bump_user),
            (Organisation, bump_organisation),
            (Site, bump_site),
        ):
            for signal in (post_save, post_delete):
                signal.connect(receiver, sender=model, dispatch_uid=f"authcache.{model.__name__}")
