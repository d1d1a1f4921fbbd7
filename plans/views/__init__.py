"""Plans' pages, by responsibility (imported only by ``plans.urls``): ``versions``, ``documents``
and ``health``; ``_common`` holds what they share."""

from .documents import (
    document_file,
    document_history,
    document_retract,
    document_upload,
)
from .health import (
    clothing_add,
    health_appointment_add,
    health_appointment_edit,
    health_registration_add,
)
from .versions import (
    child_plans,
    plan_detail,
    plan_edit,
    plan_share,
    review_list,
    section_settings,
    task_list,
    version_detail,
    version_pdf,
)

__all__ = [
    "child_plans",
    "plan_detail",
    "plan_edit",
    "version_detail",
    "version_pdf",
    "plan_share",
    "task_list",
    "review_list",
    "section_settings",
    "document_upload",
    "document_file",
    "document_retract",
    "document_history",
    "health_registration_add",
    "health_appointment_add",
    "health_appointment_edit",
    "clothing_add",
]
