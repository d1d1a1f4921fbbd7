from django.db import models
from django.db.models.expressions import Expression

from .context import require_organisation_id


class CurrentOrganisation(Expression):
    """The current organisation's id, read when the SQL is compiled, not when the queryset is built.

    So a queryset made at import time (a form field's choices) is still scoped to the organisation
    of the request that runs it, and a query run with no organisation in scope raises.
    """

    def __init__(self):
        super().__init__(output_field=models.BigIntegerField())

    def as_sql(self, compiler, connection):
        return "%s", [require_organisation_id()]

    def __repr__(self):
        return "CurrentOrganisation()"


class TenantQuerySet(models.QuerySet):
    pass


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """Default manager of every tenant-owned model: scoped to the current organisation, or refusing."""

    def get_queryset(self):
        return super().get_queryset().filter(organisation_id=CurrentOrganisation())
