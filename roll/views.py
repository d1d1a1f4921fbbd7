from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tenancy.decorators import staff_view
from tenancy.exports import attach, csv_bytes, export_filename
from tenancy.models import Site

from . import parsers, services
from .forms import CommitForm, UploadForm
from .models import RollImport

TEMPLATE_HEADINGS = [
    "UPN",
    "Legal Surname",
    "Legal Forename",
    "Preferred Forename",
    "DOB",
    "Gender",
    "NC Year",
    "Reg Group",
    "Admission Date",
    "Leaving Date",
    "SEN Status",
    "Looked After",
]
TEMPLATE_EXAMPLE = [
    "H801200001001",
    "Example",
    "Pupil",
    "",
    "17/05/2014",
    "F",
    "7",
    "7B",
    "03/09/2025",
    "",
    "K",
    "No",
]


def _managed_sites(access):
    if not access.is_manager_anywhere:
        raise PermissionDenied("Only managers and organisation admins import the roll.")
    return Site.objects.filter(pk__in=access.managed_site_ids)


def _get_import_or_404(access, import_id) -> RollImport:
    record = (
        RollImport.objects.filter(pk=import_id, site_id__in=access.managed_site_ids)
        .select_related("site", "uploaded_by")
        .first()
    )
    if record is None:
        raise Http404("No such import.")
    return record


@staff_view
@require_http_methods(["GET", "POST"])
def upload(request):
    access = request.access
    sites = _managed_sites(access)
    form = UploadForm(request.POST or None, request.FILES or None, sites=sites)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.roll_upload(
                access=access, site=form.cleaned_data["site"], upload=form.cleaned_data["file"]
            )
        except parsers.FileRefused as error:
            form.add_error("file", str(error))
        else:
            return redirect("roll:preview", import_id=record.pk)
    recent = (
        RollImport.objects.filter(site__in=sites)
        .select_related("site", "uploaded_by")
        .order_by("-created_at", "-pk")[:20]
    )  # one query: the 20 newest imports of the user's sites
    return render(request, "roll/upload.html", {"form": form, "recent": recent})


@staff_view
def template(request):
    sites = list(_managed_sites(request.access))
    response = HttpResponse(
        csv_bytes(TEMPLATE_HEADINGS, [TEMPLATE_EXAMPLE]), content_type="text/csv; charset=utf-8"
    )
    where = sites[0].name if len(sites) == 1 else ""
    return attach(response, export_filename("pupil roll template", where, ext="csv"))


@staff_view
@require_http_methods(["GET", "POST"])
def preview(request, import_id):
    access = request.access
    record = _get_import_or_404(access, import_id)
    the_plan = services.roll_preview(access=access, record=record)
    form = CommitForm(
        request.POST or None,
        leavers=the_plan.leavers,
        initial={"digest": the_plan.digest(), "leaving_date": record.file_date},
    )
    errors = []
    if request.method == "POST":
        if record.status != RollImport.Status.PREVIEW:
            errors = ["This file has already been committed or discarded."]
        elif form.is_valid():
            try:
                counts = services.roll_commit(
                    access=access,
                    record=record,
                    digest=form.cleaned_data["digest"],
                    leaver_ids=[int(i) for i in form.cleaned_data["leavers"]],
                    leaving_date=form.cleaned_data["leaving_date"],
                )
            except services.RollRefused as error:
                errors = error.rows
            else:
                messages.success(
                    request,
                    f"Roll imported: {counts['new']} new, {counts['changed']} changed, "
                    f"{counts['leavers']} marked as left, {counts['contacts']} family contacts, "
                    f"{counts['marks']} attendance marks.",
                )
                return redirect("roll:preview", import_id=record.pk)
    return render(
        request,
        "roll/preview.html",
        {"record": record, "plan": the_plan, "form": form, "errors": errors},
    )


@staff_view
@require_http_methods(["GET", "POST"])
def discard(request, import_id):
    record = _get_import_or_404(request.access, import_id)  # another's import: 404, GET or POST
    if request.method == "GET":
        return redirect("roll:preview", import_id=record.pk)
    services.roll_discard(access=request.access, record=record)
    messages.info(request, f"{record.file_name} discarded: nothing was imported.")
    return redirect("roll:upload")
