"""What the plans pages share: the plan a person may see, the editor check, the form page."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from people.selectors import get_child_or_404

from .. import selectors, services
from ..models import PlanType

PAGE_SIZE = 25


def _plan_type(plan_type: str) -> str:
    if plan_type not in PlanType.values:
        raise Http404("No such plan.")
    return plan_type


def _visible_plan(request, child_id, plan_type):
    """The child, its plan (or None) and who-may-what, or 404/403."""
    access = request.access
    child = get_child_or_404(access, child_id)
    plan_type = _plan_type(plan_type)
    plan = selectors.get_plan_for_child(child, plan_type)
    allocated = services.allocated_staff_ids(child)
    if not selectors.can_view_plan(access, child, plan_type, plan, allocated):
        raise PermissionDenied("Only the key worker and managers can see this plan.")
    return child, plan, selectors.can_edit_plans(access, child, allocated)


def _outcome_labels(child, plan_type) -> dict | None:
    """IEP targets name the EHCP outcome they serve; other plans need nothing extra."""
    if plan_type != PlanType.IEP:
        return None
    return {o.get("ref"): o.get("outcome", "") for o in selectors.ehcp_outcomes(child)}


def _editor_child(request, child_id):
    child = get_child_or_404(request.access, child_id)
    if not selectors.can_edit_plans(request.access, child, services.allocated_staff_ids(child)):
        raise PermissionDenied("Only the child's key worker (or cover) or a manager can do that.")
    return child


def _form_page(request, *, form, child, title, submit, intro="", multipart=False):
    return render(
        request,
        "plans/form_page.html",
        {
            "form": form,
            "child": child,
            "title": title,
            "submit": submit,
            "intro": intro,
            "multipart": multipart,
        },
    )
