"""Slip pages: the list and its exports, recording, the slip, its correction, retraction and
history (tenancy.record_pages), slip types and saved filters."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.session_limits import recently_confirmed
from tenancy import record_pages, records
from tenancy.audit import Action
from tenancy.decorators import staff_view
from tenancy.exports import attach
from tenancy.forms import apply_service_errors
from tenancy.timeutils import site_today

from .. import exports, periods, selectors, services
from ..filters import SlipFilter
from ..forms import (
    SavedFilterForm,
    SlipForm,
    SlipTypeForm,
)
from ..models import SavedFilter, Slip
from ..words import for_site
from ._common import PAGE_SIZE, _child_word, _home_site, _words, _writing_sites

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
        words=_words(request),
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
            "totals": selectors.slip_totals(slips, filterset.words),
            "saved": selectors.saved_filters(request.access),
            "save_form": SavedFilterForm(initial={"query": params.urlencode()}),
            "tz": selectors._tz(query.site),
            "words": filterset.words,
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
    word = query.site.child_word  # the column of names: Pupil or Young person
    if fmt == "csv":
        body, ctype = exports.to_csv(slips, tz, child_word=word), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        body = exports.to_xlsx(slips, tz, title=title, child_word=word)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = exports.to_docx(slips, tz, title=title, subtitle=subtitle, child_word=word)
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
        try:
            slip = services.slip_record(
                access=access,
                child=data["child"],
                others=list(data["others"]),
                **form.service_data(),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            extra = len(data["others"])
            messages.success(
                request,
                f"{slip.type_name} recorded for {slip.child.display_name}"
                + (f", and a linked {slip.noun} for {extra} more" if extra else "")
                + ".",
            )
            if "another" in request.POST:
                return redirect("behaviour:slip_create")
            return redirect("behaviour:child_overview", child_id=slip.child_id)
    return render(request, "behaviour/slip_form.html", {"form": form, "words": form.words})


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
            "words": for_site(slip.child.site),
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


@staff_view
@require_http_methods(["GET", "POST"])
def slip_types(request):
    access = request.access
    can_add = access.is_manager_anywhere or access.is_org_admin
    words = _words(request)
    form = SlipTypeForm(request.POST or None)
    form.fields["kind"].choices = words.kind_choices
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
        {
            "types": [(t, words.kind_label(t.kind)) for t in selectors.slip_types(access)],
            "form": form,
            "can_add": can_add,
            "words": words,
            "title": "Types" if words.mixed else f"{words.record_cap} types",
        },
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
