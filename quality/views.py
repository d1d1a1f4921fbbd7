from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from people.selectors import children_visible_to, get_child_or_404
from tenancy.concurrency import EditConflict
from tenancy.decorators import staff_view

from . import checker, selectors, services
from .forms import MAX_TEXT, CheckTextForm, QualitySettingsForm

# POST keys of the live check that are not text to check.
CONTROL = {
    "csrfmiddlewaretoken",
    "site_kind",
    "child",
    "child_id",
    "record_kind",
    "duration_minutes",
    "quality_standards",
    "version",
}
RECORD_KINDS = ("note", "session", "contact")
FIELD_LABELS = {
    "text": "Record",
    "targets": "Targets",
    "duration": "Session length",
    "standards": "Quality Standards",
}
MAX_FIELDS = 30


def _label(name: str, context: checker.Context) -> str:
    for spec in checker.specs_for(context):
        if spec.name == name:
            return spec.label
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def _rows(report: checker.Report, fields: dict[str, str], context: checker.Context) -> list[dict]:
    """Findings grouped by field, each with a little of the text either side for display."""
    groups = []
    for name, findings in report.by_field().items():
        text = fields.get(name, "")
        rows = []
        for finding in findings:
            rows.append(
                {
                    "finding": finding,
                    "before": text[max(0, finding.start - 40) : finding.start],
                    "after": text[finding.end : finding.end + 40],
                    "cut_before": finding.start > 40,
                    "cut_after": finding.end + 40 < len(text),
                }
            )
        groups.append({"name": name, "label": _label(name, context), "rows": rows})
    return groups


def _result(access, *, fields, site_kind, record_kind, child, duration, standards) -> dict:
    context = selectors.check_context(
        access, site_kind=site_kind, record_kind=record_kind, child=child
    )
    report = checker.check(
        fields, context, duration_minutes=duration, quality_standards=tuple(standards)
    )
    return {
        "report": report,
        "groups": _rows(report, fields, context),
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
            fields={"text": _normalise(data["text"]), "targets": _normalise(data["targets"])},
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


def _normalise(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


@staff_view
@require_POST
def check_endpoint(request):
    """The live check for record forms (htmx): the form's text fields in, the findings partial out.

    Besides the text fields it reads ``site_kind`` (school or home), ``record_kind`` (note, session
    or contact; sessions and contacts also get the required-section checks), ``child_id`` (or
    ``child``; another organisation's or site's child is a 404), ``duration_minutes`` and
    ``quality_standards`` (numbers 1 to 9, repeated). Problems with the input are shown in the
    partial, never as an error page, so the form keeps working.
    """
    access = request.access
    post = request.POST
    problems = []
    child_id = post.get("child_id") or post.get("child")
    child = get_child_or_404(access, child_id) if child_id else None
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
    fields = {k: _normalise(v) for k, v in post.items() if k not in CONTROL}
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
            )
        except EditConflict as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Record-quality settings saved.")
            return redirect("quality:settings")
    return render(request, "quality/settings.html", {"form": form, "current": current})
