"""What behaviour's pages share: the sites a person records for, the period chooser, the form page
and the file import."""

import datetime
import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from tenancy.timeutils import site_today

from .. import imports, periods, selectors, services
from ..forms import (
    ImportForm,
    PeriodForm,
)
from ..words import for_site, for_sites

PAGE_SIZE = 25
# WeasyPrint reports each layout step at INFO; the certificate needs none of that in the logs.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


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


def _words(request):
    """The words of the person's sites (behaviour.words), for pages about all of them."""
    return for_sites(_sites(request))


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


# ---- analysis --------------------------------------------------------------------------------


def _period(request, site, child=None, default=None):
    """The period chooser of a summary, in the site's words (behaviour.words): a school's half
    term and school year, a children's home's month and last 12 months."""
    words = for_site(site)
    default = default or (periods.HALF_TERM if site.is_school else periods.MONTH)
    form = PeriodForm(
        request.GET or None,
        presets=periods.presets(words, summary=True),
        initial={"preset": default},
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    preset = data.get("preset") or default
    if preset == periods.YEAR:
        today = site_today(site)
        if site.is_school:
            start = selectors.academic_year_start(today)
            return form, periods.Period(start, today, f"This school year (from {start:%-d %b %Y})")
        start = today - datetime.timedelta(days=364)
        return form, periods.Period(start, today, f"The last 12 months (from {start:%-d %b %Y})")
    return form, periods.resolve(
        preset, site=site, child=child, start=data.get("start"), end=data.get("end")
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
