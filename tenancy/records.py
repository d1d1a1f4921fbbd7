"""Versioned records: one mechanism to correct a record (a new version with a reason, the earlier
one kept in the audit trail) and to retract it (hidden from normal lists, kept, with a reason).

Each kind of record registers a ``RecordKind`` at start-up (``<app>/records.py``, imported by the
app's ``AppConfig.ready()``): its model, who may change it, which fields a correction may change,
its own validation, the wording, and what its pages need (form, lookup, breadcrumbs, redirects).
``correct`` and ``retract`` below are the services; ``tenancy.record_pages`` the pages. The apps'
public service names (``behaviour.services.slip_correct`` …) are thin calls into these.

Rules every kind gets from here (issue 18, and the version check of issue 14.6):

- the person must be allowed (``may_change``), else ``PermissionDenied``;
- a retracted record is neither corrected nor retracted again (``ValidationError``);
- a reason is required (``ValidationError`` on the ``reason`` field);
- the version the form was showing is required: missing or malformed raises ``MissingVersion``,
  stale raises ``EditConflict`` (``tenancy.concurrency.save_if_unchanged``); nothing is written;
- one audit entry (``correct`` or ``retract``) with the snapshot before and after, whose summary
  is the reason; the earlier values are therefore kept (every correctable field is in the
  snapshot, a date and time too, and a link to another record also by its name, so the history
  reads "old → new" for each);
- all of it in one transaction; ``records.children_changed`` is published when the kind says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from .audit import Action, audit_write, snapshot
from .concurrency import save_if_unchanged
from .hooks import CHILDREN_CHANGED, publish

RETRACT_FIELDS = ["retracted_at", "retracted_by", "retraction_reason"]


class NeedsConfirmation(ValidationError):
    """Saving needs the person to confirm they have seen these warnings (nothing was saved).
    ``warnings``: sentences shown above the form; ``confirmations``: the names of the checkboxes
    (form fields) still unticked."""

    def __init__(self, warnings: list[str], confirmations: list[str]):
        super().__init__(warnings, code="needs_confirmation")
        self.warnings = warnings
        self.confirmations = confirmations


@dataclass(frozen=True)
class Wording:
    """What people read. Strings may name the record as ``{record}`` (``str.format``), e.g.
    ``"{record.name} removed."``; success messages are formatted after the save."""

    correct_refused: str = "Only the person who recorded it or a manager can correct it."
    retract_refused: str = "Only the person who recorded it or a manager can retract it."
    correct_reason: str = "Say why the record is being corrected."
    retract_reason: str = "Say why the record is being retracted."
    retracted_cannot_correct: str = "This record has been retracted."
    already_retracted: str = "This record has already been retracted."
    corrected: str = "Record corrected; the earlier version is kept."
    retracted: str = "Record retracted: hidden from lists, kept in the record."
    correct_title: str = "Correct a record"
    correct_submit: str = "Save correction"
    correct_intro: str = ""
    retract_title: str = "Retract a record"
    retract_submit: str = "Retract"
    retract_intro: str = ""
    history_title: str = "History of {record}"


def _default_assign(kind: RecordKind, instance, fields: dict) -> list[str]:
    for name in kind.correctable:
        if name in fields:
            value = fields[name]
            setattr(instance, name, value.strip() if isinstance(value, str) else value)
    return list(kind.correctable)


def _default_form_fields(form) -> tuple[dict, dict]:
    data = {
        k: v
        for k, v in form.cleaned_data.items()
        if k not in ("version", "reason") and not k.startswith("confirm_")
    }
    options = {"confirmed": form.confirmed()} if hasattr(form, "confirmed") else {}
    return data, options


def _default_history(instance):
    from .models import AuditEvent

    return (
        AuditEvent.objects.filter(object_type=instance._meta.label_lower, object_id=instance.pk)
        .exclude(action__in=[Action.VIEW, Action.EXPORT])
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class RecordKind:
    """One kind of versioned record. Services use the first group of fields, pages the second.

    ``may_change(access, instance) -> bool``: who may correct or retract (and read its history,
    with the site's managers). ``correctable``: the fields a correction may change (empty: the
    kind is never corrected); ``retractable``: whether it can be retracted.

    Correction hooks, in the order they run inside the transaction:
    ``before_correct(access, instance, *, reason, options)`` (the record still as it was, e.g. a
    session's readable earlier version), ``assign(instance, fields) -> [field names]`` (default:
    each correctable field, text stripped), ``validate(access, instance, *, options) -> [extra
    field names to save]`` (raise ``ValidationError``/``NeedsConfirmation``), then the conditional
    save, the audit entry, ``after_correct(access, instance, *, options)``.
    ``after_retract(access, instance)`` runs after a retraction's audit entry.

    What a person typed when recording is correctable; what is not (who the record is about, say)
    is named by ``fixed(instance) -> [(form field name, label, why)]``, shown on the correction
    page, so nobody looks for a field that is not there (tests/tenancy/test_record_kinds.py walks
    each kind's recording form against its correction form and this list)."""

    key: str
    model: type[models.Model]
    may_change: Callable
    wording: Wording = field(default_factory=Wording)
    correctable: tuple[str, ...] = ()
    retractable: bool = True
    before_correct: Callable | None = None
    assign: Callable | None = None
    validate: Callable | None = None
    after_correct: Callable | None = None
    after_retract: Callable | None = None
    children_changed: bool = False
    # ---- pages (tenancy.record_pages)
    lookup: Callable | None = None  # (access, **url kwargs) -> instance, or Http404
    site_id: Callable = lambda instance: instance.child.site_id
    correct_form: type | None = None  # called (data, instance=instance)
    retract_form: type | None = None
    form_fields: Callable = _default_form_fields  # form -> (fields, options)
    crumbs: Callable | None = None  # instance -> [(label, url)], the page's own title excluded
    cancel_url: Callable | None = None  # instance -> url
    corrected_url: Callable | None = None  # instance -> url after a correction
    retracted_url: Callable | None = None  # instance -> url after a retraction
    history: Callable = _default_history  # instance -> AuditEvent queryset, newest first
    correct_template: str = "tenancy/record_form.html"
    retract_template: str = "tenancy/record_form.html"
    page_context: Callable | None = None  # instance -> extra template context
    urls: dict = field(default_factory=dict)  # "correct"/"retract"/"history" -> URL name
    url_args: Callable = lambda instance: [instance.pk]  # the URL's arguments
    fixed: Callable = lambda instance: []  # instance -> [(field name, label, why not corrected)]
    time_zone: Callable = lambda instance: instance.child.site.time_zone  # its pages' times

    @property
    def corrects(self) -> bool:
        return bool(self.correctable)

    def url(self, page: str, instance) -> str:
        """The address of the record's ``page`` ("correct", "retract" or "history")."""
        from django.urls import reverse

        return reverse(self.urls[page], args=self.url_args(instance))

    def text(self, name: str, instance) -> str:
        return getattr(self.wording, name).format(record=instance)


_KINDS: dict[str, RecordKind] = {}


def register(kind: RecordKind) -> RecordKind:
    """Add a kind (once, from the app's ``ready()``); a second kind with the same key is refused."""
    if kind.key in _KINDS and _KINDS[kind.key] is not kind:
        raise RuntimeError(f"Record kind {kind.key!r} is registered twice.")
    _KINDS[kind.key] = kind
    return kind


def kind(key: str) -> RecordKind:
    return _KINDS[key]


def kinds() -> list[RecordKind]:
    """Every registered kind, by key (the walk in tests/tenancy/test_record_kinds.py uses it)."""
    return [_KINDS[k] for k in sorted(_KINDS)]


def may_see_history(key: str, access, instance) -> bool:
    """Whoever may change the record, and the managers of its site, read its history."""
    record = _KINDS[key]
    return record.may_change(access, instance) or access.can_manage_site(record.site_id(instance))


def record_snapshot(record: RecordKind, instance) -> dict:
    """``tenancy.audit.snapshot`` with every correctable field (a date and time the person typed,
    which the plain snapshot leaves out with the bookkeeping times) and, for each correctable link
    to another record, its name under the field's name (``slip_type``: "Uniform"), so the history
    shows what it was and what it became."""
    from .audit import _json

    data = snapshot(instance)
    for name in record.correctable:
        try:
            field = instance._meta.get_field(name)
        except FieldDoesNotExist:  # a kind's own pseudo-field
            continue
        if not getattr(field, "concrete", False):
            continue
        if field.is_relation:
            related = getattr(instance, name)
            data[name] = str(related) if related is not None else ""
        else:
            data[field.attname] = _json(getattr(instance, field.attname))
    return data


def _reason_value(instance, name: str, reason: str) -> str:
    limit = instance._meta.get_field(name).max_length
    return reason[:limit] if limit else reason


@transaction.atomic
def correct(
    key: str,
    *,
    access,
    instance,
    version,
    reason: str,
    fields: dict,
    options: dict | None = None,
):
    """Correct ``instance`` (of the kind ``key``) with ``fields`` (only the kind's correctable ones
    are used): a new version, with ``reason`` kept on the record and as the audit entry's summary.
    ``version``: what the person's form showed. Errors: see the module docstring. Returns the
    instance, saved, with its new ``version``."""
    record = _KINDS[key]
    options = options or {}
    reason = (reason or "").strip()
    if not record.corrects:
        raise PermissionDenied("This kind of record is not corrected.")
    if not record.may_change(access, instance):
        raise PermissionDenied(record.text("correct_refused", instance))
    if getattr(instance, "retracted_at", None) is not None:
        raise ValidationError(record.text("retracted_cannot_correct", instance))
    if not reason:
        raise ValidationError({"reason": record.text("correct_reason", instance)})
    before = record_snapshot(record, instance)
    if record.before_correct:
        record.before_correct(access, instance, reason=reason, options=options)
    assign = record.assign or (lambda obj, data: _default_assign(record, obj, data))
    names = list(assign(instance, fields))
    if record.validate:
        names += record.validate(access, instance, options=options) or []
    instance.correction_reason = _reason_value(instance, "correction_reason", reason)
    save_if_unchanged(instance, version, sorted({*names, "correction_reason"}))
    audit_write(
        actor=access.user,
        action=Action.CORRECT,
        instance=instance,
        before=before,
        after=record_snapshot(record, instance),
        summary=reason,
    )
    if record.after_correct:
        record.after_correct(access, instance, options=options)
    if record.children_changed:
        publish(CHILDREN_CHANGED, child_ids=[instance.child_id])
    return instance


@transaction.atomic
def retract(key: str, *, access, instance, version, reason: str):
    """Retract ``instance``: hidden from normal lists, kept, with ``reason`` and who and when.
    Errors: see the module docstring (a record already retracted is refused). Returns it saved."""
    record = _KINDS[key]
    reason = (reason or "").strip()
    if not record.retractable:
        raise PermissionDenied("This kind of record is not retracted.")
    if not record.may_change(access, instance):
        raise PermissionDenied(record.text("retract_refused", instance))
    if instance.retracted_at is not None:
        raise ValidationError(record.text("already_retracted", instance))
    if not reason:
        raise ValidationError({"reason": record.text("retract_reason", instance)})
    before = snapshot(instance)
    instance.retracted_at = timezone.now()
    instance.retracted_by = access.user
    instance.retraction_reason = _reason_value(instance, "retraction_reason", reason)
    save_if_unchanged(instance, version, RETRACT_FIELDS)
    audit_write(
        actor=access.user,
        action=Action.RETRACT,
        instance=instance,
        before=before,
        after=snapshot(instance),
        summary=reason,
    )
    if record.after_retract:
        record.after_retract(access, instance)
    if record.children_changed:
        publish(CHILDREN_CHANGED, child_ids=[instance.child_id])
    return instance
