import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from accounts.session_limits import recently_confirmed
from people.selectors import can, get_child_or_404
from tenancy import record_pages, records, schooldays
from tenancy.access import require_manager
from tenancy.audit import Action
from tenancy.decorators import staff_view
from tenancy.exports import attach
from tenancy.forms import apply_service_errors
from tenancy.timeutils import site_today

from . import charts, codes, exports, imports, periods, selectors, services
from .filters import SlipFilter
from .forms import (
    CODE_CHOICES,
    AppointmentForm,
    ImportForm,
    PeriodForm,
    PointsChooseForm,
    RegisterChooseForm,
    SavedFilterForm,
    SlipForm,
    SlipTypeForm,
    TargetForm,
)
from .models import SavedFilter, Slip

PAGE_SIZE = 25
# WeasyPrint reports each layout step at INFO; the certificate needs none of that in the logs.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
SUMMARY_PRESETS = [p for p in periods.PRESETS] + [("year", "This school year")]


def _sites(request):
    sites = selectors.recording_sites(request.access)
    if not sites:
        raise PermissionDenied("You are not a member of staff at any site.")
    return sites


def _home_site(request):
    return _sites(request)[0]


def _writing_sites(request):
    """Sites where the user records slips, points, marks and appointments (tenancy.access's
    ACCESS_TABLE "behaviour" row: key workers and managers, not moderators); 403 when none."""
    writable = request.access.site_ids_for("behaviour", "write")
    sites = [s for s in _sites(request) if s.pk in writable]
    if not sites:
        raise PermissionDenied("Key workers and managers record behaviour; you review records.")
    return sites


def _child_word(request) -> str:
    return request.access.terms["child"]


# ---- slips ------------------------------------------------------------------------------------


def _slip_query(request):
    access = request.access
    site = _home_site(request)
    filterset = SlipFilter(
        request.GET or None,
        access=access,
        types=list(selectors.slip_types(access)),
        today=site_today(site),
        child_word=_child_word(request),
    )
    data = filterset.form.cleaned_data if filterset.is_bound and filterset.form.is_valid() else {}
    child = data.get("child")
    if child is not None:  # the list (or export) shows this one child's slips
        access.audit_view(child)
    period = periods.resolve(
        data.get("preset") or periods.FORTNIGHT,
        site=child.site if child else site,
        child=child,
        start=data.get("start"),
        end=data.get("end"),
    )
    query = selectors.SlipQuery(
        child=child,
        types=list(data.get("types") or []),
        start=period.start,
        end=period.end,
        staff_id=data["staff"].pk if data.get("staff") else None,
        lesson=data.get("lesson") or "",
        location=data.get("location") or "",
        site=child.site if child else site,
    )
    return filterset, query, period


@staff_view
def slip_list(request):
    filterset, query, period = _slip_query(request)
    slips = selectors.slip_list(request.access, query)
    page = Paginator(slips, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "behaviour/slip_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": params.urlencode(),
            "period": period,
            "totals": selectors.slip_totals(slips),
            "saved": selectors.saved_filters(request.access),
            "save_form": SavedFilterForm(initial={"query": params.urlencode()}),
            "tz": selectors._tz(query.site),
        },
    )


def _export(request, fmt: str):
    if not request.GET:
        # A bare address (a bookmark, a link without filters): say what will be exported first.
        return render(request, "behaviour/export_choose.html", {"fmt": fmt})
    filterset, query, period = _slip_query(request)
    if query.child is None and not recently_confirmed(request):
        # A whole site's log is a bulk export: password and code again first.
        return redirect(
            f"{reverse('confirm_identity')}?{urlencode({'next': request.get_full_path()})}"
        )
    slips = list(selectors.slip_list(request.access, query))
    tz = selectors._tz(query.site)
    subject = query.child.display_name if query.child else query.site.name
    day = site_today(query.site)
    summary = f"Behaviour log ({fmt}, {len(slips)} slips, {period.label})"
    request.access.audit_view(query.child or query.site, action=Action.EXPORT, summary=summary)
    if query.child is None:  # each child in a site's log has the export in their access log
        request.access.audit_export({s.child_id for s in slips}, summary=summary)
    title = f"Behaviour log: {subject}"
    subtitle = (
        f"{period.label}: {period.start:%-d %B %Y} to {period.end:%-d %B %Y}. {len(slips)} slips."
    )
    if fmt == "csv":
        body, ctype = exports.to_csv(slips, tz), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = exports.to_xlsx(slips, tz, title=title)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = exports.to_docx(slips, tz, title=title, subtitle=subtitle)
        ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = HttpResponse(body, content_type=ctype)
    return attach(response, exports.filename(subject, day, fmt, site_name=query.site.name))


@staff_view
def slip_export_docx(request):
    return _export(request, "docx")


@staff_view
def slip_export_xlsx(request):
    return _export(request, "xlsx")


@staff_view
def slip_export_csv(request):
    return _export(request, "csv")


@staff_view
@require_http_methods(["GET", "POST"])
def slip_create(request):
    access = request.access
    site = _writing_sites(request)[0]
    now = timezone.localtime(timezone.now(), selectors._tz(site))
    initial = {"date": now.date(), "time": now.time().replace(second=0, microsecond=0)}
    if request.GET.get("child", "").isdigit():
        initial["child"] = request.GET["child"]
    form = SlipForm(
        request.POST or None,
        initial=initial,
        access=access,
        types=list(selectors.slip_types(access)),
        child_word=_child_word(request),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind, slip_type = data["slip_type"]
        try:
            slip = services.slip_record(
                access=access,
                child=data["child"],
                kind=kind,
                slip_type=slip_type,
                occurred_at=data["occurred_at"],
                lesson=data["lesson"],
                location=data["location"],
                what_happened=data["what_happened"],
                action_taken=data["action_taken"],
                outcome=data["outcome"],
                outcome_detail=data["outcome_detail"],
                points=data["points"],
                worth_a_call=data["worth_a_call"],
                others=list(data["others"]),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            extra = len(data["others"])
            messages.success(
                request,
                f"{slip.type_name} recorded for {slip.child.display_name}"
                + (f", and a linked slip for {extra} more" if extra else "")
                + ".",
            )
            if "another" in request.POST:
                return redirect("behaviour:slip_create")
            return redirect("behaviour:child_overview", child_id=slip.child_id)
    return render(request, "behaviour/slip_form.html", {"form": form})


@staff_view
def slip_detail(request, slip_id):
    access = request.access
    slip = selectors.get_slip_or_404(access, slip_id)
    linked = Slip.objects.filter(incident_ref=slip.incident_ref).exclude(pk=slip.pk).count()
    return render(
        request,
        "behaviour/slip_detail.html",
        {
            "slip": slip,
            "child": slip.child,
            "linked": linked,
            "can_change": services.can_change_slip(access, slip) and not slip.is_retracted,
            "can_see_history": records.may_see_history(services.SLIP, access, slip),
            "tz": selectors._tz(slip.child.site),
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def slip_correct(request, slip_id):
    return record_pages.correct_page(request, "behaviour.slip", slip_id=slip_id)


@staff_view
@require_http_methods(["GET", "POST"])
def slip_retract(request, slip_id):
    return record_pages.retract_page(request, "behaviour.slip", slip_id=slip_id)


@staff_view
def slip_history(request, slip_id):
    return record_pages.history_page(request, "behaviour.slip", slip_id=slip_id)


def _form_page(request, form, child, title, submit, *, intro="", slip=None, multipart=False):
    return render(
        request,
        "behaviour/form_page.html",
        {
            "form": form,
            "child": child,
            "slip": slip,
            "title": title,
            "submit": submit,
            "intro": intro,
            "multipart": multipart,
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def slip_types(request):
    access = request.access
    can_add = access.is_manager_anywhere or access.is_org_admin
    form = SlipTypeForm(request.POST or None)
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied("Only managers add slip types.")
        if form.is_valid():
            try:
                services.slip_type_add(access=access, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Slip type added.")
                return redirect("behaviour:slip_types")
    return render(
        request,
        "behaviour/slip_types.html",
        {"types": selectors.slip_types(access), "form": form, "can_add": can_add},
    )


@staff_view
@require_POST
def saved_filter_save(request):
    form = SavedFilterForm(request.POST)
    if form.is_valid():
        services.saved_filter_save(access=request.access, **form.cleaned_data)
        messages.success(request, f"Filter “{form.cleaned_data['name']}” saved.")
        return redirect(f"/behaviour/?{form.cleaned_data['query']}")
    if "name" in form.errors:
        messages.error(request, "Give the filter a name to save it.")
    else:  # a query that is not one line of plain text (tenancy.cleaning) is not saved
        messages.error(
            request, "That filter could not be saved: " + " ".join(form.errors.get("query", []))
        )
    return redirect("behaviour:slip_list")


@staff_view
def saved_filter_delete(request, filter_id):
    # Looked up before the method check: someone else's filter is a 404 whatever the method.
    saved = get_object_or_404(SavedFilter.objects.filter(user=request.user), pk=filter_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.saved_filter_delete(access=request.access, saved=saved)
    messages.success(request, f"Filter “{saved.name}” removed.")
    return redirect("behaviour:slip_list")


# ---- class points ----------------------------------------------------------------------------


@staff_view
@require_http_methods(["GET", "POST"])
def points_entry(request):
    access = request.access
    sites = _writing_sites(request)
    source = request.POST if request.method == "POST" else request.GET
    choose = PointsChooseForm(
        source if "lesson" in source else None,
        sites=sites,
        initial={"site": sites[0].pk, "date": site_today(sites[0])},
    )
    sheet, result = None, None
    if choose.is_bound and choose.is_valid():
        site, day, lesson = (choose.cleaned_data[k] for k in ("site", "date", "lesson"))
        sheet = selectors.points_sheet(site, day, lesson)
        errors = {}
        if request.method == "POST":
            values = {}
            for child, _ in sheet:
                raw = request.POST.get(f"points_{child.pk}", "").strip()
                if raw == "":
                    values[child.pk] = None
                elif raw.isdigit() and int(raw) <= 50:
                    values[child.pk] = int(raw)
                else:
                    errors[child.pk] = "Enter a whole number from 0 to 50."
            if not errors:
                result = services.points_save(
                    access=access, site=site, date=day, lesson=lesson, points=values
                )
                messages.success(
                    request,
                    f"Points saved for {lesson}: {result['created']} new, "
                    f"{result['updated']} changed.",
                )
                return redirect(
                    f"{request.path}?"
                    + urlencode({"site": site.pk, "date": day.isoformat(), "lesson": lesson})
                )
            messages.error(request, "Nothing saved yet: correct the points marked below.")
        sheet = [
            {
                "child": c,
                "value": request.POST.get(f"points_{c.pk}", "")
                if errors
                else ("" if v is None else v),
                "error": errors.get(c.pk),
            }
            for c, v in sheet
        ]
    return render(
        request,
        "behaviour/points_entry.html",
        {"choose": choose, "sheet": sheet, "lessons": selectors.lessons_used(sites[0])},
    )


@staff_view
@require_POST
def points_target(request):
    access = request.access
    site = access.get_site_or_404(request.POST.get("site"))
    require_manager(access, site.pk)
    form = TargetForm(request.POST)
    if form.is_valid():
        services.points_target_set(access=access, site=site, **form.cleaned_data)
        messages.success(request, f"Weekly target for {site.name} saved.")
    else:
        messages.error(request, "The weekly target must be a whole number from 1 to 1000.")
    return redirect(f"/behaviour/analysis/?site={site.pk}")


# ---- analysis --------------------------------------------------------------------------------


def _period(request, site, child=None, default=periods.HALF_TERM):
    form = PeriodForm(request.GET or None, presets=SUMMARY_PRESETS, initial={"preset": default})
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    preset = data.get("preset") or default
    if preset == "year":
        today = site_today(site)
        start = selectors.academic_year_start(today)
        return form, periods.Period(start, today, f"This school year (from {start:%-d %b %Y})")
    return form, periods.resolve(
        preset, site=site, child=child, start=data.get("start"), end=data.get("end")
    )


@staff_view
def site_analysis(request):
    access = request.access
    sites = _sites(request)
    site = next((s for s in sites if str(s.pk) == request.GET.get("site")), sites[0])
    form, period = _period(request, site)
    result = selectors.site_analysis(access, site, period.start, period.end)
    radar = selectors.below_the_radar(access, site, period.start, period.end, result.target)
    return render(
        request,
        "behaviour/analysis.html",
        {
            "sites": sites,
            "site": site,
            "form": form,
            "period": period,
            "a": result,
            "chart": charts.weekly_slips(result.by_week),
            "points_chart": charts.weekly_points(result.points_weeks),
            "radar": radar,
            "can_manage": access.can_manage_site(site.pk),
            "target_form": TargetForm(initial={"weekly_target": result.target}),
        },
    )


@staff_view
def child_overview(request, child_id):
    access = request.access
    child = get_child_or_404(access, child_id)
    form, period = _period(request, child.site, child, default=periods.FORTNIGHT)
    target = selectors.weekly_target(child.site)
    result = selectors.child_analysis(child, period.start, period.end, target=target)
    today = site_today(child.site)
    found = selectors.child_patterns(child, today)
    cert = selectors.certificate(child, period.start, period.end)
    slips = selectors.slip_list(
        access,
        selectors.SlipQuery(child=child, start=period.start, end=period.end, site=child.site),
    )[:10]
    return render(
        request,
        "behaviour/child_overview.html",
        {
            "child": child,
            "form": form,
            "period": period,
            "a": result,
            "chart": charts.weekly_slips(result.by_week),
            "points_chart": charts.weekly_points(result.points_weeks, key="points"),
            "patterns": found,
            "pattern_start": selectors.pattern_window(today)[0],
            "cert": cert,
            "slips": slips,
            "tz": selectors._tz(child.site),
            "grades": selectors.grade_sheet(child),
            "can_record": can(access, "behaviour", "write", child),
        },
    )


@staff_view
def child_panel(request, child_id):
    """The child page's behaviour and attendance panel (loaded by htmx)."""
    child = get_child_or_404(request.access, child_id)
    today = site_today(child.site)
    start, end = selectors.pattern_window(today)
    return render(
        request,
        "behaviour/_child_panel.html",
        {
            "child": child,
            "patterns": selectors.child_patterns(child, today),
            "cert": selectors.certificate(child, start, end),
            "pattern_start": start,
        },
    )


@staff_view
def my_patterns(request):
    """Patterns for the children the signed-in key worker looks after, to prepare their sessions."""
    sites = _sites(request)
    today = site_today(sites[0])
    return render(
        request,
        "behaviour/my_patterns.html",
        {
            "rows": selectors.my_children_patterns(request.access, today),
            "pattern_start": selectors.pattern_window(today)[0],
        },
    )


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


def _import(request, *, kind: str):
    access = request.access
    sites = [s for s in _sites(request) if access.can_manage_site(s.pk)]
    if not sites:
        raise PermissionDenied("Only managers import files.")
    form = ImportForm(
        request.POST or None, request.FILES or None, sites=sites, with_replace=kind == "attendance"
    )
    errors, result = [], None
    if request.method == "POST" and form.is_valid():
        site = form.cleaned_data["site"]
        try:
            if kind == "attendance":
                rows = imports.attendance_rows(form.cleaned_data["file"], site)
                result = services.marks_save(
                    access=access,
                    site=site,
                    marks=rows,
                    replace=form.cleaned_data["replace"],
                    source="import",
                )
            else:
                rows = imports.progress_rows(form.cleaned_data["file"], site)
                result = services.grades_save(access=access, site=site, grades=rows)
        except services.MarksRefused as error:
            errors = error.rows
        else:
            messages.success(
                request,
                f"Imported: {result.created} new, {result.replaced} changed, "
                f"{result.unchanged} already recorded.",
            )
            for line in getattr(result, "kept_closures", [])[:50]:
                messages.info(request, line)
    return render(
        request,
        "behaviour/import.html",
        {"form": form, "errors": errors, "result": result, "kind": kind},
    )


@staff_view
@require_http_methods(["GET", "POST"])
def attendance_import(request):
    return _import(request, kind="attendance")


@staff_view
@require_http_methods(["GET", "POST"])
def progress_import(request):
    return _import(request, kind="progress")


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


@staff_view
def grade_sheet(request, child_id):
    child = get_child_or_404(request.access, child_id)
    return render(
        request,
        "behaviour/grade_sheet.html",
        {"child": child, "sheet": selectors.grade_sheet(child)},
    )
