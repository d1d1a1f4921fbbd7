"""Every write about actions, alerts and escalations, by responsibility:

- ``notices``: alerts to a person (``notify``), acknowledged or dismissed;
- ``items``: actions added by hand, closed, referrals updated; ``create_action`` makes every row;
- ``from_records``: the hook handlers that turn records into actions;
- ``incidents``: a home's high-level incident alerts its managers; marking it significant.

Keyword-only arguments, one transaction each, one audit entry per changed record. This module
is the public face: views, other apps and ``apps.py`` import from here."""

from .from_records import (
    actions_from_plan_review,
    actions_from_session,
    on_contact_recorded,
    on_plan_published,
    on_session_corrected,
    on_session_submitted,
    on_weekly_update_sent,
    weekly_update_lines,
)
from .incidents import incident_mark_significant, on_slip_recorded
from .items import (
    action_add,
    action_close,
    can_close,
    create_action,
    referral_update,
    site_action_raise,
)
from .notices import manager_ids, notice_dismiss, notices_mark_read, notify

__all__ = [
    "action_add",
    "action_close",
    "actions_from_plan_review",
    "actions_from_session",
    "can_close",
    "create_action",
    "incident_mark_significant",
    "manager_ids",
    "notice_dismiss",
    "notices_mark_read",
    "notify",
    "on_contact_recorded",
    "on_plan_published",
    "on_session_submitted",
    "on_session_corrected",
    "on_slip_recorded",
    "on_weekly_update_sent",
    "referral_update",
    "site_action_raise",
    "weekly_update_lines",
]
