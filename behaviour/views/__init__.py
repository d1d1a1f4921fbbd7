"""Behaviour's pages, by responsibility (imported only by ``behaviour.urls``): ``slips``,
``attendance``, ``progress`` and ``analysis``; ``_common`` holds what they share."""

from .analysis import (
    child_overview,
    child_panel,
    my_patterns,
    site_analysis,
)
from .attendance import (
    appointment_add,
    attendance_import,
    certificate,
    certificate_pdf,
    register,
)
from .progress import (
    grade_sheet,
    points_entry,
    points_target,
    progress_import,
)
from .slips import (
    saved_filter_delete,
    saved_filter_save,
    slip_correct,
    slip_create,
    slip_detail,
    slip_export_csv,
    slip_export_docx,
    slip_export_xlsx,
    slip_history,
    slip_list,
    slip_retract,
    slip_types,
)

__all__ = [
    "slip_list",
    "slip_export_docx",
    "slip_export_xlsx",
    "slip_export_csv",
    "slip_create",
    "slip_detail",
    "slip_correct",
    "slip_retract",
    "slip_history",
    "slip_types",
    "saved_filter_save",
    "saved_filter_delete",
    "register",
    "attendance_import",
    "certificate",
    "certificate_pdf",
    "appointment_add",
    "points_entry",
    "points_target",
    "progress_import",
    "grade_sheet",
    "site_analysis",
    "child_overview",
    "child_panel",
    "my_patterns",
]
