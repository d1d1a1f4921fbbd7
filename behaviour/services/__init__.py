"""Every write about slips, points, attendance and progress. Keyword-only arguments, one
transaction each, one audit entry per changed record.

Split by responsibility (``slips``, ``progress``, ``attendance``); every public name is re-
exported here."""

from ._common import SaveResult
from .attendance import (
    CLOSURE_CODE,
    MarkInput,
    MarksRefused,
    appointment_log,
    marks_save,
)
from .progress import (
    GradeInput,
    grades_save,
    points_save,
    points_target_set,
)
from .slips import (
    SLIP,
    SLIP_CORRECTABLE,
    can_change_slip,
    saved_filter_delete,
    saved_filter_save,
    slip_after_correct,
    slip_before_correct,
    slip_check,
    slip_correct,
    slip_record,
    slip_retract,
    slip_site_fields,
    slip_type_add,
)

__all__ = [
    "SaveResult",
    "slip_record",
    "can_change_slip",
    "SLIP",
    "SLIP_CORRECTABLE",
    "slip_check",
    "slip_before_correct",
    "slip_after_correct",
    "slip_site_fields",
    "slip_correct",
    "slip_retract",
    "slip_type_add",
    "saved_filter_save",
    "saved_filter_delete",
    "points_save",
    "points_target_set",
    "GradeInput",
    "grades_save",
    "MarkInput",
    "CLOSURE_CODE",
    "MarksRefused",
    "marks_save",
    "appointment_log",
]
