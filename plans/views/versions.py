"""Plans and their versions: a child's plans, a plan, its editor, a version and its PDF, sharing,
tasks, reviews and the section titles."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from people.selectors import get_child_or_404
from tenancy.audit import Action
from tenancy.concurrency import EditConflict
from tenancy.decorators import staff_view
from tenancy.forms import apply_service_errors
from tenancy.timeutils import site_today

from .. import exports, selectors, services
from ..forms import (
    PlanVersionForm,
    SectionTitlesForm,
)
from ..models import PlanType, PlanVersion
from ..quality_link import fields_and_labels, form_text_fields
from ..sections import changed_sections
from ._common import PAGE_SIZE, _form_page, _outcome_labels, _visible_plan


@staff_view
def child_plans(request, child_id):
    child = get_child_or_404(request.access, child_id)
    page = selectors.child_plans(request.access, child)
    return render(request, "plans/child_plans.html", {"child": child, "page": page})


@staff_view
def plan_detail(request, child_id, plan_type):
    child, plan, can_edit = _visible_plan(request, child_id, plan_type)
    versions = selectors.plan_versions(plan) if plan else PlanVersion.objects.none()
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    current = next((v for v in page if v.status == "current"), None)
    if plan and current is None:
        current = versions.filter(status="current").first()
    draft = versions.filter(status="draft").first() if plan and can_edit else None
    tasks = list(selectors.open_tasks_for(child, plan_type))
    if plan:
        request.access.audit_view(plan)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "child": child,
            "plan": plan,
            "plan_type": plan_type,
            "label": PlanType(plan_type).label,
            "current": current,
            "blocks": exports.content_blocks(
                current, selectors.sections(plan_type), _outcome_labels(child, plan_type)
            )
            if current
            else [],
            "draft": draft,
            "page": page,
            "tasks": tasks,
            "can_edit": can_edit,
            "current_status": current.review_status(site_today(child.site)) if current else "",
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def plan_edit(request, child_id, plan_type):
    access = request.access
    child, plan, can_edit = _visible_plan(request, child_id, plan_type)
    if not can_edit:
        raise PermissionDenied(
            "Only the child's key worker (or cover) or a manager can edit plans."
        )
    if request.method == "POST" and request.POST.get("action") == "start":
        try:
            services.plan_draft_start(access=access, child=child, plan_type=plan_type)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("plans:plan_detail", child_id=child.pk, plan_type=plan_type)
        return redirect("plans:plan_edit", child_id=child.pk, plan_type=plan_type)
    draft = (
        selectors.plan_versions(plan).filter(status="draft").select_related("plan").first()
        if plan
        else None
    )
    if draft is None:
        messages.info(request, "There is no draft: start a new version first.")
        return redirect("plans:plan_detail", child_id=child.pk, plan_type=plan_type)
    outcome_choices = [
        (item["ref"], item.get("outcome", "")[:80]) for item in selectors.ehcp_outcomes(child)
    ]
    form = PlanVersionForm(
        request.POST or None,
        sections=selectors.sections(plan_type),
        instance=draft,
        outcome_choices=outcome_choices,
    )
    publish_refused = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        publish = request.POST.get("action") == "publish"
        try:
            services.plan_draft_save(
                access=access,
                version=draft,
                expected_version=data.get("version"),
                content=form.content(),
                plan_date=data["plan_date"],
                next_review_date=data.get("next_review_date"),
                paperwork_deadline=data.get("paperwork_deadline"),
                change_summary=data.get("change_summary") or "",
            )
            closed = 0
            if publish:
                closed = services.plan_publish(
                    access=access, version=draft, expected_version=draft.version
                )
        except EditConflict as error:
            form.add_error(None, error)
        except ValidationError as error:
            if publish and draft.version != data.get("version"):
                # The draft was saved; only publishing was refused. Keep the form current.
                publish_refused = True
                form.data = form.data.copy()
                form.data["version"] = draft.version
            apply_service_errors(form, error)
        else:
            if publish:
                note = (
                    f" {closed} update task{'s' if closed != 1 else ''} closed." if closed else ""
                )
                messages.success(request, f"Version {draft.number} published.{note}")
                return redirect("plans:plan_detail", child_id=child.pk, plan_type=plan_type)
            messages.success(request, "Draft saved.")
            return redirect("plans:plan_edit", child_id=child.pk, plan_type=plan_type)
    return render(
        request,
        "plans/plan_edit.html",
        {
            "child": child,
            "plan": plan,
            "plan_type": plan_type,
            "label": PlanType(plan_type).label,
            "draft": draft,
            "form": form,
            "groups": form.bound_groups(),
            "publish_refused": publish_refused,
            "tasks": list(selectors.open_tasks_for(child, plan_type)),
            **dict(zip(("quality_fields", "quality_labels"), form_text_fields(form), strict=True)),
        },
    )


@staff_view
def version_detail(request, child_id, plan_type, version_id):
    child, plan, can_edit = _visible_plan(request, child_id, plan_type)
    if plan is None:
        raise Http404("No such plan.")
    version = selectors.get_version_or_404(plan, version_id)
    if version.status == "draft" and not can_edit:
        raise Http404("No such version.")
    previous = plan.versions.filter(number__lt=version.number).order_by("-number").first()
    request.access.audit_view(version)
    return render(
        request,
        "plans/version_detail.html",
        {
            "child": child,
            "plan": plan,
            "plan_type": plan_type,
            "label": PlanType(plan_type).label,
            "version": version,
            "here": f"Version {version.number}",
            "previous": previous,
            "changed": changed_sections(previous.content if previous else None, version.content),
            "blocks": exports.content_blocks(
                version, selectors.sections(plan_type), _outcome_labels(child, plan_type)
            ),
            **dict(
                zip(
                    ("quality_fields", "quality_labels"),
                    fields_and_labels(
                        selectors.sections(plan_type), version.content, version.change_summary
                    ),
                    strict=True,
                )
            ),
        },
    )


@staff_view
def version_pdf(request, child_id, plan_type, version_id):
    child, plan, can_edit = _visible_plan(request, child_id, plan_type)
    if plan is None:
        raise Http404("No such plan.")
    version = selectors.get_version_or_404(plan, version_id)
    if version.status == "draft" and not can_edit:
        raise Http404("No such version.")
    pdf = exports.plan_version_pdf(
        version=version,
        sections=selectors.sections(plan_type),
        child=child,
        generated_by=request.user,
        today=site_today(child.site),
        outcome_labels=_outcome_labels(child, plan_type),
    )
    request.access.audit_view(version, action=Action.EXPORT, summary="PDF")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{plan_type}-{child.last_name}-v{version.number}.pdf".replace(" ", "-")
    response["Content-Disposition"] = content_disposition_header(False, name)
    response["Cache-Control"] = "private, no-store"
    return response


@staff_view
def plan_share(request, child_id, plan_type):
    child, plan, can_edit = _visible_plan(request, child_id, plan_type)
    if request.method != "POST":  # after the access check: another organisation's id is a 404
        return HttpResponseNotAllowed(["POST"])
    if not can_edit:
        raise PermissionDenied("Only the key worker or a manager can share this.")
    if plan is None:
        raise Http404("No such plan.")
    shared = request.POST.get("shared") == "1"
    try:
        services.plan_share(access=request.access, plan=plan, shared=shared)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "Shared with every staff member of the site."
            if shared
            else "No longer shared: only the key worker and managers can see it.",
        )
    return redirect("plans:plan_detail", child_id=child.pk, plan_type=plan_type)


# ---------------------------------------------------------------- tasks and settings


@staff_view
def task_list(request):
    tasks = selectors.open_tasks(request.access)
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/task_list.html",
        {"page": page, "is_org_admin": request.access.is_org_admin},
    )


@staff_view
def review_list(request):
    page = Paginator(selectors.reviews_due(request.access), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "plans/review_list.html",
        {"page": page, "today": timezone.localdate(), "is_org_admin": request.access.is_org_admin},
    )


@staff_view
@require_http_methods(["GET", "POST"])
def section_settings(request):
    access = request.access
    if not access.is_org_admin:
        raise PermissionDenied("Only an organisation admin changes the plan sections.")
    current = selectors.placement_titles()
    form = SectionTitlesForm(
        request.POST or None, initial={"titles": "\n".join(t for _, t in current)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_sections_set(access=access, titles=form.cleaned_data["titles"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Placement Plan sections saved.")
            return redirect("plans:task_list")
    return _form_page(
        request,
        form=form,
        child=None,
        title="Placement Plan sections",
        submit="Save",
        intro="Each Placement Plan section has needs, actions, who and by when. The Monthly "
        "Review follows the same sections.",
    )
