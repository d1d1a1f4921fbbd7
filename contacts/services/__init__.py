"""Every write about contacts. Keyword-only arguments, one transaction each, one audit entry per
changed record. Emails leave only from the Celery task, after the transaction commits.

Split by responsibility (``recording``, ``weekly``, ``outbox``); every public name is re-
exported here."""

from tenancy.records import NeedsConfirmation

from ._common import (
    SITE_KINDS,
    can_change_contact,
    can_record_contacts,
    can_write_update,
    require_recorder,
    require_update_writer,
)
from .outbox import (
    INTERRUPTED,
    QUEUED_EVENT,
    weekly_update_deliver,
    weekly_update_recover,
)
from .recording import (
    CONTACT,
    CORRECTABLE,
    SETTINGS_FIELDS,
    contact_check,
    contact_correct,
    contact_record,
    contact_retract,
    contact_settings_update,
    contact_warnings,
    visit_bring_forward,
)
from .weekly import (
    weekly_update_addendum_save,
    weekly_update_confirm_received,
    weekly_update_save,
    weekly_update_send,
)

__all__ = [
    "SITE_KINDS",
    "can_change_contact",
    "can_record_contacts",
    "can_write_update",
    "require_recorder",
    "require_update_writer",
    "NeedsConfirmation",
    "contact_warnings",
    "contact_record",
    "CORRECTABLE",
    "CONTACT",
    "contact_check",
    "contact_correct",
    "contact_retract",
    "SETTINGS_FIELDS",
    "contact_settings_update",
    "visit_bring_forward",
    "weekly_update_save",
    "weekly_update_send",
    "weekly_update_confirm_received",
    "weekly_update_addendum_save",
    "QUEUED_EVENT",
    "INTERRUPTED",
    "weekly_update_deliver",
    "weekly_update_recover",
]
