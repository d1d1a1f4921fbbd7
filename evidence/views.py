"""Evidence pages: a child's target impact and chronology, What works for managers."""

import datetime

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from people.selectors import can, get_child_or_404
from tenancy.audit import Action
from tenancy.decorators import staff_view
from tenancy.exports import export_filename
from tenancy.timeutils import site_today

from . import charts, exports, impact, selectors
from . import story as story_module
from .forms import ChronologyFilter, StoryPeriod, WhatWorksFilter

PAGE_SIZE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


@staff_view
def child_impact(request, child_id):
    child = get_child_or_404(request.access, child_id)
    rows = selectors.child_impact(child)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "evidence/child_impact.html",
        {"child": child, "page": page, "rows": page.object_list, "weeks": impact.WEEKS,
         "query": ""},
    )  # fmt: skip


def _what_works(request):
    access = request.access
    sites = selectors.what_works_sites(access)
    today = timezone.localdate()
    form = WhatWorksFilter(
        request.GET,
        sites=sites,
        key_workers=selectors.key_worker_choices(sites),
        today=today,
    )
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    site_ids = tuple(s.pk for s in sites if data.get("site") in (None, s.pk))
    filters = selectors.Filters(
        site_ids=site_ids,
        start=data["start"],
        end=data["end"],
        key_worker_id=data.get("key_worker"),
        min_age=data.get("min_age"),
        max_age=data.get("max_age"),
        measure=data["measure"],
    )
    return form, selectors.what_works(filters, today)


@staff_view
def what_works(request):
    form, result = _what_works(request)
    geometry = selectors.chart(result.rows) if result else None
    return render(
        request,
        "evidence/what_works.html",
        {"form": form, "result": result, "chart": geometry,
         "measure_label": selectors.MEASURE_LABELS[result.filters.measure] if result else "",
         "min_children": impact.MIN_CHILDREN, "query": request.GET.urlencode()},
    )  # fmt: skip


@staff_view
def what_works_csv(request):
    form, result = _what_works(request)
    if result is None:
        return HttpResponse("Those filters are not valid.", status=400)
    sites = ", ".join(s.name for s in request.access.all_sites if s.pk in result.filters.site_ids)
    name = export_filename("what works", sites, day=result.filters.end, ext="csv")
    return _download(exports.what_works_csv(result), "text/csv; charset=utf-8", name)


@staff_view
def what_works_png(request):
    """The same chart as a PNG image, for a report (Word and PDF documents take PNG)."""
    form, result = _what_works(request)
    if result is None:
        return HttpResponse("Those filters are not valid.", status=400)
    title = f"What works: {selectors.MEASURE_LABELS[result.filters.measure]}, before and after"
    png = charts.what_works_png(selectors.chart(result.rows), title=title)
    return _download(png, "image/png", "what-works.png")


@staff_view
def what_works_chart(request):
    form, result = _what_works(request)
    if result is None:
        return HttpResponse("Those filters are not valid.", status=400)
    title = f"What works: {selectors.MEASURE_LABELS[result.filters.measure]}, before and after"
    return _download(
        exports.what_works_svg(selectors.chart(result.rows), title=title),
        "image/svg+xml",
        "what-works.svg",
    )


def _chronology(request, child_id):
    access = request.access
    child = get_child_or_404(access, child_id)
    allowed = selectors.chronology_kinds(access, child)
    form = ChronologyFilter(request.GET or None, allowed=allowed)
    entries = []
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        kinds = data.get("kind") or allowed
        entries = selectors.chronology(
            child,
            kinds=[k for k in kinds if k in allowed],
            start=data.get("start"),
            end=data.get("end"),
            narrow_plans=can(access, "narrow_plans", "read", child),
        )
    return child, form, entries


@staff_view
def chronology(request, child_id):
    child, form, entries = _chronology(request, child_id)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "evidence/chronology.html",
        {"child": child, "form": form, "page": page, "entries": page.object_list,
         "query": query.urlencode()},
    )  # fmt: skip


@staff_view
def chronology_pdf(request, child_id):
    child, form, entries = _chronology(request, child_id)
    if form.errors:
        return HttpResponse("Those filters are not valid.", status=400)
    data = form.cleaned_data if form.is_bound else {}
    pdf = exports.chronology_pdf(
        child=child,
        entries=entries,
        organisation=request.access.organisation,
        start=data.get("start"),
        end=data.get("end"),
        generated=site_today(child.site),
    )
    request.access.audit_view(child, action=Action.EXPORT, summary="Chronology PDF")
    name = f"chronology-{child.last_name}-{datetime.date.today():%Y-%m-%d}.pdf".lower()
    return _download(pdf, "application/pdf", name)


def _story(request, child_id):
    """The child's key-work story over ``?start=&end=`` (default: the last 12 months), for the
    PDF and the Word file alike; a 400 response for a bad period."""
    access = request.access
    child = get_child_or_404(access, child_id)
    if not can(access, "sessions", "read", child):
        raise Http404("No such child.")
    form = StoryPeriod(request.GET)
    if not form.is_valid():
        message = "; ".join(e for errs in form.errors.values() for e in errs)
        return child, None, HttpResponse(message, status=400)
    today = site_today(child.site)
    end = form.cleaned_data.get("end") or today
    start = form.cleaned_data.get("start") or end - datetime.timedelta(days=365)
    return child, story_module.full_story(access, child, start, end), None


@staff_view
def story_pdf(request, child_id):
    child, full, refused = _story(request, child_id)
    if refused:
        return refused
    today = site_today(child.site)
    pdf = exports.story_pdf(full=full, organisation=request.access.organisation, generated=today)
    request.access.audit_view(child, action=Action.EXPORT, summary="Key-work story PDF")
    name = export_filename("Key-work story", child.full_name, day=today, ext="pdf")
    return _download(pdf, "application/pdf", name)


@staff_view
def story_docx(request, child_id):
    child, full, refused = _story(request, child_id)
    if refused:
        return refused
    today = site_today(child.site)
    body = exports.story_docx(full=full, organisation=request.access.organisation, generated=today)
    request.access.audit_view(child, action=Action.EXPORT, summary="Key-work story Word file")
    name = export_filename("Key-work story", child.full_name, day=today, ext="docx")
    return _download(body, DOCX, name)
