"""`migrate` runs as the table owner (the ``migrator`` alias) unless told otherwise: the application's
own role owns nothing and cannot create tables."""

from django.conf import settings
from django.core.management.commands.migrate import Command as MigrateCommand


class Command(MigrateCommand):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(database=settings.MIGRATION_DATABASE_ALIAS)
