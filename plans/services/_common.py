"""Who may change a child's plans and documents."""

from django.core.exceptions import PermissionDenied

from people.selectors import allocated_staff_ids
from tenancy.access import Access

from ..selectors import can_edit_plans

# ---------------------------------------------------------------- plans and their versions


def _require_editor(access: Access, child) -> None:
    if not can_edit_plans(access, child, allocated_staff_ids(child)):
        raise PermissionDenied(
            "Only the child's key worker (or cover) or a manager can change this."
        )
