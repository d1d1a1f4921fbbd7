import datetime
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from checking import checker
from checking.findings import rows_for
from people.selectors import children_visible_to, get_child_or_404
from tenancy.concurrency import EditConflict
from tenancy.decorators import staff_view
from tenancy.exports import CsvStream, attach, export_filename
from tenancy.text import normalise

from .. import selectors, services
from ..forms import (
    MAX_TEXT,
    CheckTextForm,
    PeriodForm,
    QualitySettingsForm,
)
from ..performance import csv_rows, performance
from .moderation import (
    QUEUE_PAGE,
    _criterion_or_404,
    _require_moderator,
    feedback_detail,
    moderate,
    moderation_queue,
    my_feedback,
    rubric_edit,
)

# POST keys of the live check that are not text to check.
CONTROL = {
    "csrfmiddlewaretoken",
    "site_kind",
    "child",
    "child_id",
    "record_kind",
    "duration_minutes",
    "quality_standards",
    "quality_fields",
    "quality_labels",
    "version",
}
RECORD_KINDS = ("note", "session", "contact")
MAX_FIELDS = 30


def _labels(value: str) -> dict[str, str]:
    """Headings for the fields of a form whose names mean nothing to a reader (a plan's
    ``s__health__text``), posted by the live panel as JSON; anything else is ignored."""
    try:
        labels = json.loads(value or "{}")
    except ValueError:
        return {}
    if not isinstance(labels, dict):
        return {}
    return {
        str(k)[:100]: str(v)[:200]
        for k, v in list(labels.items())[: MAX_FIELDS * 4]
        if isinstance(v, str)
    }


def _result(
    access, *, fields, site_kind, record_kind, child, duration, standards, labels=None
) -> dict:
    report = selectors.run_check(
        access,
        fields=fields,
        site_kind=site_kind,
        record_kind=record_kind,
        child=child,
        duration_minutes=duration,
        quality_standards=tuple(standards),
    )
    context = checker.Context(site_kind=site_kind, record_kind=record_kind)
    return {
        "report": report,
        "groups": rows_for(report, fields, context, labels),
        "checked": any(v.strip() for v in fields.values()),
    }


@staff_view
@require_http_methods(["GET", "POST"])
def check_page(request):
    """Try the checker on any text: for training, and for anyone who wants a second look."""
    access = request.access
    kinds = selectors.site_kinds(access)
    form = CheckTextForm(request.POST or None, kinds=kinds, children=children_visible_to(access))
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child = data["child"]
        result = _result(
            access,
            fields={"text": normalise(data["text"]), "targets": normalise(data["targets"])},
            site_kind=child.site.kind if child else data["site_kind"],
            record_kind="note",
            child=child,
            duration=data["duration_minutes"],
            standards=data.get("quality_standards") or (),
        )
    return render(
        request,
        "quality/check.html",
        {
            "form": form,
            "result": result,
            "can_edit_settings": selectors.can_edit_settings(access),
        },
    )


@staff_view
@require_POST
def check_endpoint(request):
    """The live check for record forms (htmx): the form's text fields in, the findings partial out.

    Besides the text fields it reads ``site_kind`` (school or home), ``record_kind`` (note, session
    or contact; sessions and contacts also get the required-section checks), ``child_id`` (or
    ``child``; another organisation's or site's child is a 404), ``duration_minutes`` and
    ``quality_standards`` (numbers 1 to 9, repeated). ``quality_fields`` (comma-separated names)
    limits the check to those fields, so a whole form can be posted with ``hx-include``. Problems with the input are shown in the
    partial, never as an error page, so the form keeps working.
    """
    access = request.access
    post = request.POST
    problems = []
    child_id = post.get("child_id") or post.get("child")
    # The live check runs as the person types: it shows findings about their text, not the
    # child's records, so it is not a view to audit (the record's own page is).
    child = get_child_or_404(access, child_id, audit=False) if child_id else None
    kinds = selectors.site_kinds(access)
    site_kind = child.site.kind if child else post.get("site_kind", "")
    if site_kind not in kinds:
        if len(kinds) == 1 and not site_kind:
            site_kind = kinds[0]
        else:
            problems.append(
                "Choose whether the record is written in a school or a children's home."
            )
    record_kind = post.get("record_kind") or "note"
    if record_kind not in RECORD_KINDS:
        problems.append("The kind of record is not one the checker knows.")
    duration = None
    if post.get("duration_minutes", "").strip():
        try:
            duration = int(post["duration_minutes"])
            if not 0 <= duration <= 600:
                raise ValueError
        except ValueError:
            problems.append("The session length must be a whole number of minutes, 0 to 600.")
            duration = None
    standards = []
    for value in post.getlist("quality_standards"):
        if value.isdigit() and int(value) in checker.QUALITY_STANDARDS:
            standards.append(int(value))
        else:
            problems.append("Quality Standards are numbered 1 to 9.")
            break
    wanted = [n.strip() for n in post.get("quality_fields", "").split(",") if n.strip()]
    fields = {
        k: normalise(v) for k, v in post.items() if k not in CONTROL and (not wanted or k in wanted)
    }
    if len(fields) > MAX_FIELDS or sum(len(v) for v in fields.values()) > MAX_TEXT:
        problems.append(f"The text is too long to check at once (at most {MAX_TEXT:,} characters).")
    context = {"problems": problems}
    if not problems:
        context.update(
            _result(
                access,
                fields=fields,
                site_kind=site_kind,
                record_kind=record_kind,
                child=child,
                duration=duration,
                standards=standards,
                labels=_labels(post.get("quality_labels", "")),
            )
        )
    return render(request, "quality/_findings.html", context)


@staff_view
@require_http_methods(["GET", "POST"])
def settings_edit(request):
    access = request.access
    if not selectors.can_edit_settings(access):
        raise PermissionDenied("Only managers and organisation admins change these settings.")
    current = selectors.quality_settings(access)
    form = QualitySettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.quality_settings_update(
                access=access,
                version=form.cleaned_data.get("version"),
                banned_phrases=form.cleaned_data["banned_phrases"],
                accepted_words=form.cleaned_data["accepted_words"],
                disclosure_phrases=form.cleaned_data["disclosure_phrases"],
            )
        except EditConflict as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Record-quality settings saved.")
            return redirect("quality:settings")
    return render(request, "quality/settings.html", {"form": form, "current": current})


# ------------------------------------------------------------------------------ performance


def _performance_request(request):
    access = request.access
    if not selectors.can_moderate(access):
        raise PermissionDenied("The performance view is for managers and moderators.")
    sites = [s for s in access.all_sites if s.pk in access.moderated_site_ids]
    today = timezone.localdate()
    default = {"start": today - datetime.timedelta(days=182), "end": today}
    form = PeriodForm(request.GET or None, sites=sites, initial=default)
    result = None
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else default
        chosen = [s for s in sites if not data.get("site") or s.pk == data["site"]]
        result = performance(chosen, start=data["start"], end=data["end"], today=today)
    return form, result


@staff_view
def performance_view(request):
    form, result = _performance_request(request)
    return render(
        request,
        "quality/performance.html",
        {"form": form, "result": result, "query": request.GET.urlencode()},
    )


@staff_view
def performance_csv(request):
    form, result = _performance_request(request)
    if result is None:
        return render(
            request,
            "quality/performance.html",
            {"form": form, "result": None, "query": ""},
            status=400,
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    sites = ", ".join(s.name for s in request.access.all_sites[:3])
    name = export_filename(
        f"key-worker performance {result.start:%-d %b %Y} to {result.end:%-d %b %Y}",
        sites,
        ext="csv",
    )
    CsvStream(response).writerows(csv_rows(result))
    # Its behaviour and attendance columns come from each key worker's children: each is named.
    request.access.audit_export(
        {child_id for w in result.workers for child_id in w.children},
        summary=f"Key-worker performance CSV, {result.start} to {result.end}",
    )
    return attach(response, name)
