"""Progress pages: class points and their weekly target, progress grades (sheet and import)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from people.selectors import get_child_or_404
from tenancy.access import require_manager
from tenancy.decorators import staff_view
from tenancy.timeutils import site_today

from .. import selectors, services
from ..forms import (
    PointsChooseForm,
    TargetForm,
)
from ._common import _import, _writing_sites

# ---- class points ----------------------------------------------------------------------------


@staff_view
@require_http_methods(["GET", "POST"])
def points_entry(request):
    access = request.access
    # Class points per lesson are a school's (a children's home has no lessons: behaviour.words).
    sites = [s for s in _writing_sites(request) if s.is_school]
    if not sites:
        raise PermissionDenied("Class points are kept by schools: none of your sites is a school.")
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


@staff_view
@require_http_methods(["GET", "POST"])
def progress_import(request):
    return _import(request, kind="progress")


@staff_view
def grade_sheet(request, child_id):
    child = get_child_or_404(request.access, child_id)
    return render(
        request,
        "behaviour/grade_sheet.html",
        {"child": child, "sheet": selectors.grade_sheet(child)},
    )
