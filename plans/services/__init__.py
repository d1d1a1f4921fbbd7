"""Writes for plans. The task service is the contract other apps use: a key-work session that says
"the Placement Plan / BMP / Risk Assessment needs updating" calls ``plan_update_task_open``;
publishing a new plan version calls ``plan_update_tasks_close``.

Split by responsibility (``update_tasks``, ``versions``, ``documents``, ``health``); every
public name is re-exported here."""

from people.selectors import allocated_staff_ids  # the plans pages ask who is allocated

from .documents import (
    ALLOWED_TYPES,
    DOCUMENT,
    DOCX_TYPE,
    MAX_UPLOAD_BYTES,
    can_change_document,
    check_upload,
    document_retract,
    document_upload,
)
from .health import (
    clothing_add,
    health_appointment_add,
    health_appointment_update,
    health_registration_add,
)
from .update_tasks import (
    plan_update_task_open,
    plan_update_tasks_close,
)
from .versions import (
    EHCP_PAPERWORK_DAYS,
    MONTHLY_OWN_KEYS,
    normalise_content,
    placement_sections_set,
    plan_draft_save,
    plan_draft_start,
    plan_publish,
    plan_share,
    review_day,
)

__all__ = [
    "allocated_staff_ids",
    "plan_update_task_open",
    "plan_update_tasks_close",
    "normalise_content",
    "EHCP_PAPERWORK_DAYS",
    "MONTHLY_OWN_KEYS",
    "plan_draft_start",
    "review_day",
    "plan_draft_save",
    "plan_publish",
    "plan_share",
    "placement_sections_set",
    "MAX_UPLOAD_BYTES",
    "DOCX_TYPE",
    "ALLOWED_TYPES",
    "check_upload",
    "document_upload",
    "DOCUMENT",
    "can_change_document",
    "document_retract",
    "health_registration_add",
    "health_appointment_add",
    "clothing_add",
    "health_appointment_update",
]
