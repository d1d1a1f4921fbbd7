"""Contacts' pages, by responsibility (imported only by ``contacts.urls``): ``lists``, ``detail``
(one contact) and ``weekly``; ``_common`` holds what they share."""

from .detail import (
    contact_correct,
    contact_detail,
    contact_history,
    contact_new,
    contact_retract,
)
from .lists import (
    calls_due,
    child_contacts,
    contact_export,
    contact_list,
    contact_settings,
)
from .weekly import (
    weekly_update,
    weekly_update_addendum,
    weekly_update_new,
)

__all__ = [
    "contact_list",
    "contact_export",
    "calls_due",
    "child_contacts",
    "contact_settings",
    "contact_new",
    "contact_detail",
    "contact_correct",
    "contact_retract",
    "contact_history",
    "weekly_update_new",
    "weekly_update",
    "weekly_update_addendum",
]
