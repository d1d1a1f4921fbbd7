"""Attendance pages: the AM/PM register, the attendance import, the attendance certificate (page
and PDF) and appointments."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from people.selectors import can, get_child_or_404
from tenancy import schooldays
from tenancy.audit import Action
from tenancy.decorators import staff_view
from tenancy.forms import apply_service_errors
from tenancy.timeutils import site_today

from .. import codes, selectors, services
from ..forms import (
    CODE_CHOICES,
    AppointmentForm,
    RegisterChooseForm,
)
from ._common import _form_page, _import, _period, _writing_sites

# ---- attendance ------------------------------------------------------------------------------


@staff_view
@require_http_methods(["GET", "POST"])
def register(request):
    access = request.access
    sites = _writing_sites(request)
    source = request.POST if request.method == "POST" else request.GET
    now = timezone.localtime(timezone.now(), selectors._tz(sites[0]))
    choose = RegisterChooseForm(
        source if "date" in source else None,
        sites=sites,
        initial={
            "site": sites[0].pk,
            "date": now.date(),
            "session": "AM" if now.hour < 12 else "PM",
        },
    )
    rows, errors, closed = None, [], None
    if choose.is_bound and choose.is_valid():
        site, day, session = (choose.cleaned_data[k] for k in ("site", "date", "session"))
        rows = selectors.register(site, day, session)
        closed = schooldays.calendar_for(site).why_closed(day)
        if request.method == "POST":
            marks = []
            present = "/" if session == "AM" else "\\"
            for row in rows:
                code = request.POST.get(f"code_{row.child.pk}", "").strip()
                if not code and request.POST.get("all_present") and row.mark is None:
                    code = present
                if not code:
                    continue
                marks.append(
                    services.MarkInput(
                        child=row.child,
                        date=day,
                        session=session,
                        code=code,
                        note=request.POST.get(f"note_{row.child.pk}", "")[:200],
                    )
                )
            try:
                result = services.marks_save(
                    access=access, site=site, marks=marks, replace=bool(request.POST.get("replace"))
                )
            except services.MarksRefused as error:
                errors = error.rows
            else:
                messages.success(
                    request,
                    f"Register saved: {result.created} new, {result.replaced} replaced, "
                    f"{result.unchanged} unchanged.",
                )
                for line in result.kept_closures:
                    messages.info(request, line)
                return redirect(
                    f"{request.path}?site={site.pk}&date={day:%Y-%m-%d}&session={session}"
                )
        default = "/" if choose.cleaned_data["session"] == "AM" else "\\"
        rows = [
            {
                "child": r.child,
                "mark": r.mark,
                "value": request.POST.get(f"code_{r.child.pk}", "")
                if errors
                else (r.mark.code if r.mark else ""),
                "note": request.POST.get(f"note_{r.child.pk}", "")
                if errors
                else (r.mark.note if r.mark else ""),
            }
            for r in rows
        ]
        choose_default = default
    else:
        choose_default = "/"
    return render(
        request,
        "behaviour/register.html",
        {
            "choose": choose,
            "rows": rows,
            "errors": errors,
            "code_choices": CODE_CHOICES,
            "default_code": choose_default,
            "codes": codes.CODES.values(),
            "closed": closed,
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def attendance_import(request):
    return _import(request, kind="attendance")


def _certificate(request, child_id):
    child = get_child_or_404(request.access, child_id)
    form, period = _period(request, child.site, child, default="year")
    return child, form, period, selectors.certificate(child, period.start, period.end)


@staff_view
def certificate(request, child_id):
    child, form, period, cert = _certificate(request, child_id)
    return render(
        request,
        "behaviour/certificate.html",
        {
            "child": child,
            "form": form,
            "period": period,
            "cert": cert,
            "query": request.GET.urlencode(),
        },
    )


@staff_view
def certificate_pdf(request, child_id):
    from weasyprint import HTML

    child, form, period, cert = _certificate(request, child_id)
    request.access.audit_view(
        child,
        action=Action.EXPORT,
        summary="Attendance certificate PDF",
    )
    html = render_to_string(
        "behaviour/certificate_pdf.html",
        {"child": child, "period": period, "cert": cert, "today": site_today(child.site)},
    )
    pdf = HTML(string=html).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"attendance {child.display_name} {site_today(child.site):%Y-%m-%d}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@staff_view
@require_http_methods(["GET", "POST"])
def appointment_add(request, child_id):
    child = get_child_or_404(request.access, child_id)
    if not can(request.access, "behaviour", "write", child):
        raise PermissionDenied("Key workers and managers log appointments; you review records.")
    form = AppointmentForm(request.POST or None, initial={"date": site_today(child.site)})
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_log(access=request.access, child=child, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Appointment logged; the register is checked against it.")
            return redirect("behaviour:child_overview", child_id=child.pk)
    return _form_page(
        request,
        form,
        child,
        "Log a medical or dental appointment",
        "Save",
        intro="The register for that day should show M. If it shows I, O or N, the office is told.",
    )
