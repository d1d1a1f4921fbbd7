import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from tenancy import record_pages
from tenancy.access import require_manager
from tenancy.decorators import staff_view
from tenancy.exports import stored_file
from tenancy.forms import apply_service_errors
from tenancy.models import Site
from tenancy.navigation import child_links, home_panels
from tenancy.timeutils import site_today

from . import selectors, services
from .filters import ChildFilter
from .forms import (
    AdmissionForm,
    AllocationForm,
    ChildForm,
    CoverForm,
    EndLinkForm,
    GuardianForm,
    HistoryFilterForm,
    PenPortraitForm,
    ProfessionalLinkForm,
)
from .models import ChildProfessional, Guardian, KeyWorkerAllocation

PAGE_SIZE = 25


def _form_page(request, *, form, child, title, submit, intro="", enctype=False):
    return render(
        request,
        "people/form_page.html",
        {
            "form": form,
            "child": child,
            "title": title,
            "submit": submit,
            "intro": intro,
            "multipart": enctype,
        },
    )


@staff_view
def child_list(request):
    access = request.access
    filterset = ChildFilter(request.GET or None, access=access)
    data = filterset.form.cleaned_data if filterset.is_bound and filterset.form.is_valid() else {}
    children = selectors.child_list(
        access,
        search=data.get("q") or "",
        site_id=data["site"].pk if data.get("site") else None,
        key_worker_id=data["key_worker"].pk if data.get("key_worker") else None,
        include_left=bool(data.get("include_left")),
        no_key_worker=bool(data.get("no_key_worker")),
    )
    page = Paginator(children, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/child_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_add": access.is_manager_anywhere,
            "can_admit": any(
                s.pk in access.managed_site_ids and not s.is_school for s in access.all_sites
            ),
        },
    )


@staff_view
def child_detail(request, child_id):
    child = selectors.get_child_or_404(request.access, child_id)
    page = selectors.child_page(request.access, child)
    return render(
        request,
        "people/child_detail.html",
        {
            "page": page,
            "child": child,
            "age": child.age_on(site_today(child.site)),
            "links": child_links(request, child),
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def child_create(request):
    access = request.access
    if not access.is_manager_anywhere:
        raise PermissionDenied("Only managers add children.")
    sites = Site.objects.filter(pk__in=access.managed_site_ids)
    form = ChildForm(request.POST or None, request.FILES or None, sites=sites, creating=True)
    if request.method == "POST" and form.is_valid():
        skip = ("site", "key_worker", "version")
        fields = {k: v for k, v in form.cleaned_data.items() if k not in skip}
        try:
            child = services.child_create(
                access=access,
                site=form.cleaned_data["site"],
                key_worker=form.cleaned_data.get("key_worker"),
                **fields,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{child.display_name} added.")
            return redirect("people:child_detail", child_id=child.pk)
    return _form_page(
        request,
        form=form,
        child=None,
        title=f"Add a {access.terms['child']}",
        submit="Add",
        enctype=True,
    )


@staff_view
@require_http_methods(["GET", "POST"])
def child_edit(request, child_id):
    access = request.access
    child = selectors.get_child_or_404(access, child_id)
    require_manager(access, child.site_id)
    form = ChildForm(
        request.POST or None, request.FILES or None, instance=child, sites=None, creating=False
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.child_update(access=access, child=child, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Details saved.")
            return redirect("people:child_detail", child_id=child.pk)
    return _form_page(
        request,
        form=form,
        child=child,
        title=f"Edit {child.display_name}",
        submit="Save",
        intro="Setting a leaving date ends the key-worker allocation on that day.",
        enctype=True,
    )


@staff_view
def child_photo(request, child_id):
    child = selectors.get_child_or_404(request.access, child_id)
    if not child.photo:
        raise Http404("No photo.")
    content_type = mimetypes.guess_type(child.photo.name)[0] or "application/octet-stream"
    response = FileResponse(stored_file(child.photo), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@staff_view
@require_http_methods(["GET", "POST"])
def allocation_change(request, child_id):
    access = request.access
    child = selectors.get_child_or_404(access, child_id)
    require_manager(access, child.site_id)
    current = KeyWorkerAllocation.objects.filter(
        child=child, kind="primary", ends_on__isnull=True
    ).first()
    form = AllocationForm(
        request.POST or None,
        child=child,
        has_current=current is not None,
        initial={"starts_on": site_today(child.site)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != "confirm_over_limit"}
            services.allocation_change(access=access, child=child, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            staff = form.cleaned_data["staff"]
            messages.success(request, f"{staff.get_full_name()} is now the key worker.")
            return redirect("people:child_detail", child_id=child.pk)
    intro = (
        f"Current key worker: {current.staff.get_full_name()} since {current.starts_on:%d %B %Y}. "
        "A change needs one of the four reasons, and the history is kept."
        if current
        else "Appoint a key worker before or at admission."
    )
    return _form_page(
        request,
        form=form,
        child=child,
        title="Change key worker" if current else "Appoint a key worker",
        submit="Save",
        intro=intro,
    )


@staff_view
@require_http_methods(["GET", "POST"])
def cover_add(request, child_id):
    access = request.access
    child = selectors.get_child_or_404(access, child_id)
    require_manager(access, child.site_id)
    form = CoverForm(request.POST or None, child=child)
    if request.method == "POST" and form.is_valid():
        try:
            services.cover_add(access=access, child=child, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Cover planned.")
            return redirect("people:child_detail", child_id=child.pk)
    return _form_page(
        request,
        form=form,
        child=child,
        title="Plan cover",
        submit="Save",
        intro="For a planned absence of the key worker: who covers, and until when.",
    )


def _editable_child(request, child_id):
    child = selectors.get_child_or_404(request.access, child_id)
    allocated = selectors.allocated_staff_ids(child)
    if not selectors.can_edit_child_details(request.access, child, allocated):
        raise PermissionDenied("Only the child's key worker or a manager can change this.")
    return child, allocated


@staff_view
@require_http_methods(["GET", "POST"])
def pen_portrait_edit(request, child_id):
    access = request.access
    child, allocated = _editable_child(request, child_id)
    portrait = getattr(child, "pen_portrait", None) if hasattr(child, "pen_portrait") else None
    form = PenPortraitForm(
        request.POST or None,
        instance=portrait,
        show_household=selectors.can_see_household(access, child, allocated),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pen_portrait_update(access=access, child=child, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Pen portrait saved.")
            return redirect("people:child_detail", child_id=child.pk)
    return _form_page(request, form=form, child=child, title="Pen portrait", submit="Save")


@staff_view
@require_http_methods(["GET", "POST"])
def guardian_edit(request, child_id, guardian_id=None):
    access = request.access
    child, _ = _editable_child(request, child_id)
    guardian = None
    if guardian_id is not None:
        guardian = get_object_or_404(Guardian.objects.filter(child=child), pk=guardian_id)
    form = GuardianForm(request.POST or None, instance=guardian)
    if request.method == "POST" and form.is_valid():
        try:
            services.guardian_save(
                access=access, child=child, guardian=guardian, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Family contact saved.")
            return redirect("people:child_detail", child_id=child.pk)
    title = f"Edit {guardian.name}" if guardian else "Add a parent or carer"
    return _form_page(request, form=form, child=child, title=title, submit="Save")


@staff_view
@require_http_methods(["GET", "POST"])
def professional_add(request, child_id):
    access = request.access
    child, _ = _editable_child(request, child_id)
    form = ProfessionalLinkForm(request.POST or None, site=child.site)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.professional_link(
                access=access,
                child=child,
                professional=data["professional"],
                started_on=data["started_on"],
                **{k: data[k] for k in ("name", "role", "agency", "phone", "email")},
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Professional linked.")
            return redirect("people:child_detail", child_id=child.pk)
    return _form_page(request, form=form, child=child, title="Add a professional", submit="Save")


@staff_view
@require_http_methods(["GET", "POST"])
def professional_end(request, child_id, link_id):
    access = request.access
    child, _ = _editable_child(request, child_id)
    link = get_object_or_404(
        ChildProfessional.objects.filter(child=child, ended_on__isnull=True).select_related(
            "professional", "child"
        ),
        pk=link_id,
    )
    form = EndLinkForm(request.POST or None, initial={"ended_on": site_today(child.site)})
    if request.method == "POST" and form.is_valid():
        try:
            services.professional_unlink(access=access, link=link, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{link.professional.name}'s involvement ended.")
            return redirect("people:child_detail", child_id=child.pk)
    return _form_page(
        request,
        form=form,
        child=child,
        title=f"End {link.professional.name}'s involvement",
        submit="Save",
        intro="The link is kept in the child's history.",
    )


@staff_view
@require_http_methods(["GET", "POST"])
def guardian_retract(request, child_id, guardian_id):
    return record_pages.retract_page(
        request, services.GUARDIAN, child_id=child_id, guardian_id=guardian_id
    )


@staff_view
def guardian_history(request, child_id, guardian_id):
    return record_pages.history_page(
        request, services.GUARDIAN, child_id=child_id, guardian_id=guardian_id
    )


@staff_view
def child_history(request, child_id):
    """The record's change history and access log: managers and organisation admins only."""
    access = request.access
    child = selectors.get_child_or_404(access, child_id)
    require_manager(access, child.site_id)
    form = HistoryFilterForm(request.GET or None)
    show = form.cleaned_data["show"] if form.is_valid() and form.cleaned_data["show"] else "all"
    page = Paginator(selectors.child_history(child, show=show), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/child_history.html",
        {"child": child, "page": page, "form": form, "show": show, "query": query.urlencode()},
    )


@staff_view
def retention(request):
    access = request.access
    if not access.is_manager_anywhere:
        raise PermissionDenied("Only managers and organisation admins see the retention report.")
    reached_only = request.GET.get("reached") == "1"
    rows = selectors.retention_report(access, reached_only=reached_only)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/retention.html",
        {
            "page": page,
            "reached_only": reached_only,
            "query": "reached=1" if reached_only else "",
            "today": selectors._today(),
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def child_admit(request):
    """Admitting a young person to a children's home: the short form a manager fills on day one."""
    access = request.access
    homes = Site.objects.filter(pk__in=access.managed_site_ids, kind=Site.Kind.HOME)
    if not homes.exists():
        raise PermissionDenied("Only managers of a children's home admit young people.")
    form = AdmissionForm(request.POST or None, sites=homes)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child_fields = {
            k: data[k]
            for k in ("first_name", "last_name", "preferred_name", "date_of_birth", "start_date")
        }
        try:
            child = services.child_admit(
                access=access,
                site=data["site"],
                placing_authority=data["placing_authority"],
                legal_status=data["legal_status"],
                until_18=data["until_18"],
                social_worker={
                    "name": data["social_worker_name"],
                    "phone": data["social_worker_phone"],
                    "email": data["social_worker_email"],
                },
                iro={
                    "name": data["iro_name"],
                    "phone": data["iro_phone"],
                    "email": data["iro_email"],
                },
                key_worker=data.get("key_worker"),
                la_reference=data["la_reference"],
                **child_fields,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{child.display_name} admitted.")
            return redirect("people:child_detail", child_id=child.pk)
    return _form_page(
        request,
        form=form,
        child=None,
        title="Admit a young person",
        submit="Admit",
        intro="Fill this in on the day of admission. The key worker should be appointed before "
        "or at admission.",
    )


# ---------------------------------------------------------------- home and staff


@staff_view
def home(request):
    access = request.access
    # An independent visitor is never anyone's key worker: no "My young people" for them.
    mine = None if access.is_independent_visitor else list(selectors.my_children(access))
    return render(
        request,
        "tenancy/home.html",
        {
            "my_children": mine,
            "summaries": selectors.site_summaries(access),
            "panels": home_panels(request),
        },
    )


@staff_view
def staff_list(request):
    access = request.access
    site_id = request.GET.get("site")
    site = access.get_site_or_404(site_id) if site_id else None
    rows = selectors.staff_with_caseloads(access, site_id=site.pk if site else None)
    return render(
        request, "tenancy/staff_list.html", {"rows": rows, "site": site, "sites": access.all_sites}
    )
