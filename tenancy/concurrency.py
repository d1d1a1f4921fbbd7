"""Two people editing one record: the second save is refused, and nothing they typed is lost.

Editable models carry a ``version`` integer. The form sends back the version it was shown; the
service saves only if the row still has it (one conditional UPDATE), otherwise raises
``EditConflict`` and the view shows the form again with the person's own text and the message.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

CONFLICT_MESSAGE = (
    "Someone else saved this record while you were editing it. Your text is below and has not been "
    "saved: copy what you need, reload the page to see their version, then make your change again."
)


MISSING_VERSION_MESSAGE = (
    "This form did not say which version of the record it was showing, so saving it could "
    "overwrite someone else's changes. Nothing was saved: reload the page and make your change "
    "again."
)


class EditConflict(ValidationError):
    def __init__(self, message: str = CONFLICT_MESSAGE):
        super().__init__(message, code="edit_conflict")


class MissingVersion(ValidationError):
    """The version a form sent back is missing or not a version number (issue 14.6): refused,
    never taken to mean "the current version"."""

    def __init__(self, message: str = MISSING_VERSION_MESSAGE):
        super().__init__(message, code="missing_version")


class _Current:
    """``save_if_unchanged(..., CURRENT, ...)``: a service's own write that is not an edit of
    what a person was shown (an import, a computed field), so the row's current version is
    the expected one. Never for a version that came from a request."""

    def __repr__(self) -> str:
        return "CURRENT"


CURRENT = _Current()


def parse_version(value) -> int:
    """The version a form or request sent back, as a positive int. ``None``, ``""``, text,
    booleans, zero and negative numbers raise ``MissingVersion``."""
    if isinstance(value, bool):
        raise MissingVersion()
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    else:
        raise MissingVersion()
    if number < 1 or number > 2_147_483_647:
        raise MissingVersion()
    return number


class Versioned(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


def save_if_unchanged(instance: Versioned, expected_version, fields: list[str]) -> None:
    """Write ``fields`` of an existing row only if its version is still ``expected_version``.

    ``expected_version``: the version the person's form was showing (an int or its digits), or
    ``CURRENT`` for a service's own write. Missing or malformed raises ``MissingVersion``; a
    version that is no longer the row's raises ``EditConflict``. Nothing is written either way."""
    model = type(instance)
    if expected_version is CURRENT:
        expected_version = instance.version
    else:
        expected_version = parse_version(expected_version)
    values = {name: getattr(instance, name) for name in fields}
    auto_now = [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]
    for name in auto_now:
        field = model._meta.get_field(name)
        values[name] = field.pre_save(instance, add=False)
    # A file chosen in the form is only in memory until its field's pre_save stores it (save()
    # does that; a queryset update does not): store it now, and take it away again if the row
    # turns out to have changed meanwhile.
    stored = []
    for name in fields:
        field = model._meta.get_field(name)
        if isinstance(field, models.FileField):
            file = getattr(instance, name)
            fresh = bool(file) and not file._committed
            values[name] = field.pre_save(instance, add=False)
            if fresh:
                stored.append(values[name])
    updated = model.objects.filter(pk=instance.pk, version=expected_version).update(
        version=models.F("version") + 1, **values
    )
    if updated != 1:
        for file in stored:
            file.storage.delete(file.name)
        raise EditConflict()
    instance.version = expected_version + 1


class Retractable(models.Model):
    """A record withdrawn with a reason: hidden from normal lists, kept for inspectors and history."""

    retracted_at = models.DateTimeField(null=True, blank=True, editable=False)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    retraction_reason = models.TextField(blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None
