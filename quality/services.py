"""Writes of the record-quality app: the organisation's checker settings."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from tenancy.access import Access
from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import EditConflict, save_if_unchanged

from .models import QualitySettings
from .selectors import can_edit_settings


@transaction.atomic
def quality_settings_update(
    *,
    access: Access,
    version: int | None,
    banned_phrases: str,
    accepted_words: str,
) -> QualitySettings:
    """Save the organisation's extra phrases and accepted words (created on first save)."""
    if not can_edit_settings(access):
        raise PermissionDenied("Only managers and organisation admins change these settings.")
    org_id = access.organisation.pk
    current = QualitySettings.objects.select_for_update().filter(organisation_id=org_id).first()
    if current is None:
        if version is not None:
            raise EditConflict()  # the form was shown for a record that no longer exists
        try:
            with transaction.atomic():
                current = QualitySettings.objects.create(
                    organisation_id=org_id,
                    banned_phrases=banned_phrases,
                    accepted_words=accepted_words,
                    updated_by=access.user,
                )
        except IntegrityError:
            raise EditConflict()  # someone else saved the first settings a moment earlier
        audit_write(actor=access.user, action=Action.CREATE, instance=current, before=None)
        return current
    before = snapshot(current)
    current.banned_phrases = banned_phrases
    current.accepted_words = accepted_words
    current.updated_by = access.user
    save_if_unchanged(current, version, ["banned_phrases", "accepted_words", "updated_by"])
    audit_write(actor=access.user, action=Action.UPDATE, instance=current, before=before)
    return current
