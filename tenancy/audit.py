"""The audit trail: one entry per write (with before and after values) and one per view or export.

Services call ``audit_write`` inside their transaction, so an entry exists exactly when the change
does; views call ``audit_read`` once per detail page or export.
"""

import datetime
import decimal
import uuid

from django.db import models

from .models import AuditEvent

Action = AuditEvent.Action


def _json(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | datetime.timedelta):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "storage"):  # a file field
        return value.name or ""
    if isinstance(value, list | tuple | set):
        return [_json(v) for v in value]
    return value


def snapshot(instance: models.Model, exclude: tuple[str, ...] = ()) -> dict:
    """The instance's own field values, JSON-ready (foreign keys as ids)."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in ("organisation", *exclude) or field.name.endswith("_at"):
            continue
        if getattr(field, "generated", False):
            continue  # computed by the database from fields already in the snapshot
        data[field.attname] = _json(getattr(instance, field.attname))
    return data


def _child_id(instance) -> int | None:
    if instance._meta.label_lower == "people.child":  # by label: tenancy imports no app above it
        return instance.pk
    if hasattr(instance, "child_id"):
        return instance.child_id
    session = getattr(instance, "session", None)  # moderation, attachments: through the session
    return getattr(session, "child_id", None)


def audit_write(
    *,
    actor,
    action: str,
    instance: models.Model,
    before: dict | None,
    after: dict | None = None,
    summary: str = "",
) -> AuditEvent:
    if after is None and action != Action.RETRACT:
        after = snapshot(instance)
    return AuditEvent.objects.create(
        organisation_id=instance.organisation_id,
        actor=actor,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        child_id=_child_id(instance),
        summary=summary[:300],
        before=before,
        after=after,
    )


def audit_children(
    *, actor, organisation_id: int, child_ids, action: str = Action.EXPORT, summary: str = ""
) -> int:
    """One entry per child for an export (or list) that holds several children's records, in one
    INSERT; returns how many. So an export filtered (by search) down to one child names that child,
    and a site's export names every child in it."""
    ids = sorted({int(i) for i in child_ids})
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                organisation_id=organisation_id,
                actor=actor,
                action=action,
                object_type="people.child",
                object_id=child_id,
                child_id=child_id,
                summary=summary[:300],
            )
            for child_id in ids
        ]
    )
    return len(ids)


def audit_read(*, actor, instance: models.Model, action: str = Action.VIEW, summary: str = ""):
    return AuditEvent.objects.create(
        organisation_id=instance.organisation_id,
        actor=actor,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        child_id=_child_id(instance),
        summary=summary[:300],
    )
