"""Regulation 44 pages: the reports of a home (its visitor and its managers), the visitor's upload
and what they may read of the home's records, one report with the responses, the report's file."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tenancy.decorators import staff_view
from tenancy.exports import stored_file
from tenancy.forms import apply_service_errors
from tenancy.timeutils import site_today

from . import selectors, services
from .forms import ReportForm


def _sites_or_404(access):
    sites = selectors.report_sites(access)
    if not sites:
        raise PermissionDenied("Regulation 44 reports are for a home's visitor and managers.")
    return sites


@staff_view
def index(request):
    access = request.access
    sites = _sites_or_404(access)
    visited = [s for s in sites if s.pk in access.visited_site_ids]
    return render(
        request,
        "regulation44/index.html",
        {
            "reports": list(selectors.reports_for(access)[:100]),
            "visited": [(s, selectors.visited_children(access, s)) for s in visited],
            "can_upload": any(services.can_upload(access, s) for s in visited),
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def report_upload(request):
    access = request.access
    sites = [s for s in _sites_or_404(access) if services.can_upload(access, s)]
    if not sites:
        raise PermissionDenied("Only a home's independent visitor uploads its report.")
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        sites=sites,
        initial={"visit_date": site_today(sites[0])},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        site = next(s for s in sites if s.pk == data["site"])
        try:
            recommendations = services.split_recommendations(data["recommendations"])
            report = services.report_upload(
                access=access,
                site=site,
                visit_date=data["visit_date"],
                upload=data["file"],
                recommendations=recommendations,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Report uploaded with {len(recommendations)} recommendation"
                f"{'' if len(recommendations) == 1 else 's'} for the manager.",
            )
            return redirect("regulation44:report_detail", report.pk)
    return render(
        request,
        "regulation44/upload.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@staff_view
def figures(request, site_id):
    """The home's compliance figures, for its visitor (and its managers)."""
    site = selectors.get_site_or_404(request.access, site_id)
    context = {"site": site, **selectors.compliance_figures(site)}
    return render(request, "regulation44/figures.html", context)


@staff_view
def report_detail(request, report_id):
    access = request.access
    report = selectors.get_report_or_404(access, report_id)
    return render(
        request,
        "regulation44/report_detail.html",
        {
            "report": report,
            "rows": selectors.recommendations_with_actions(report),
            "is_manager": access.can_manage_site(report.site_id),
        },
    )


@staff_view
def report_file(request, report_id):
    report = selectors.get_report_or_404(request.access, report_id)
    is_pdf = report.content_type == "application/pdf"
    response = FileResponse(
        stored_file(report.file),
        content_type=report.content_type,
        as_attachment=not is_pdf,
        filename=f"regulation-44-{report.visit_date:%Y-%m-%d}.{'pdf' if is_pdf else 'docx'}",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_view
def recommendation(request, recommendation_id):
    """Where a recommendation's action links back to: its report, at the recommendation."""
    rec = selectors.get_recommendation_or_404(request.access, recommendation_id)
    url = reverse("regulation44:report_detail", args=[rec.report_id])
    return redirect(f"{url}#recommendation-{rec.number}")
