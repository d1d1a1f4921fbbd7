import datetime
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from checking import checker
from checking.findings import rows_for
from people.selectors import children_visible_to, get_child_or_404
from tenancy.concurrency import EditConflict
from tenancy.decorators import staff_view
from tenancy.exports import CsvStream, attach, export_filename
from tenancy.forms import apply_service_errors
from tenancy.text import normalise

from . import selectors, services
from .forms import (
    MAX_TEXT,
    AcknowledgeForm,
    CheckTextForm,
    CriterionForm,
    ModerationForm,
    ModerationSettingsForm,
    PeriodForm,
    QualitySettingsForm,
)
from .models import RubricCriterion
from .performance import csv_rows, performance

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


# ------------------------------------------------------------------------------- moderation


QUEUE_PAGE = 25


def _require_moderator(access) -> None:
    if not selectors.can_moderate(access):
        raise PermissionDenied("Only moderators and managers moderate records.")


@staff_view
def moderation_queue(request):
    """Submitted session records of the user's sites waiting for a moderator, oldest first."""
    access = request.access
    _require_moderator(access)
    sites = [s for s in access.all_sites if s.pk in access.moderated_site_ids]
    site = None
    if request.GET.get("site"):
        site = access.get_site_or_404(request.GET["site"])
        if site.pk not in access.moderated_site_ids:
            raise Http404("No such site.")
    settings = selectors.moderation_settings(access)
    search = request.GET.get("q", "").strip()[:100]
    query = {k: v for k, v in (("site", site.pk if site else ""), ("q", search)) if v}
    return render(
        request,
        "quality/queue.html",
        {
            "page": Paginator(
                selectors.queue(
                    access, site_id=site.pk if site else None, settings=settings, search=search
                ),
                QUEUE_PAGE,
            ).get_page(request.GET.get("page")),
            "query": urlencode(query),
            "search": search,
            "history": selectors.moderation_history(access),
            "sites": sites,
            "site": site,
            "settings": settings,
            "can_edit_rubric": selectors.can_edit_rubric(access),
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def moderate(request, session_id):
    """The record beside its stored automatic findings, and the rubric form."""
    access = request.access
    session = selectors.get_session_to_moderate_or_404(access, session_id)
    services.rubric_ensure(organisation_id=access.organisation.pk)
    criteria = selectors.criteria()
    form = ModerationForm(
        request.POST or None, criteria=criteria, initial={"record_version": session.record_version}
    )
    own = session.author_id == request.user.pk
    if request.method == "POST":
        if own:
            raise PermissionDenied("Another moderator reviews your own records.")
        if form.is_valid():
            try:
                moderation = services.moderation_record(
                    access=access,
                    session=session,
                    record_version=form.cleaned_data["record_version"],
                    scores=form.scores(),
                    feedback=form.cleaned_data["feedback"],
                    send_back=form.cleaned_data["send_back"],
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Moderation saved: {session.author.get_full_name()} will see your feedback"
                    + (" and correct the record." if moderation.outcome == "correction" else "."),
                )
                return redirect("quality:queue")
    from sessions_app.selectors import session_record
    from sessions_app.since_last import summary_rows

    session_record(session)
    earlier = selectors.with_scores(session.moderations.select_related("moderator"))

    return render(
        request,
        "quality/moderate.html",
        {
            "session": session,
            "s": session,
            "form": form,
            "own": own,
            "findings": selectors.stored_findings(session),
            "earlier": earlier,
            "already": any(m.record_version == session.record_version for m in earlier),
            "child": session.child,
            "since_rows": summary_rows(session.since_last),
        },
    )


@staff_view
def my_feedback(request):
    access = request.access
    rows = selectors.my_feedback(access)
    return render(
        request,
        "quality/my_feedback.html",
        {"rows": rows, "waiting": sum(1 for m in rows if not m.is_acknowledged)},
    )


@staff_view
@require_http_methods(["GET", "POST"])
def feedback_detail(request, moderation_id):
    """One moderation: the key worker reads and acknowledges it; moderators and managers read it."""
    access = request.access
    moderation = selectors.get_moderation_or_404(access, moderation_id)
    is_author = moderation.author_id == request.user.pk
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST":
        if not is_author:
            raise PermissionDenied("Only the record's author acknowledges its feedback.")
        if form.is_valid():
            try:
                services.feedback_acknowledge(
                    access=access, moderation=moderation, reply=form.cleaned_data["reply"]
                )
            except ValidationError as error:
                if moderation.is_acknowledged:  # a second tab, or a double click
                    messages.info(request, " ".join(error.messages))
                    return redirect("quality:feedback_detail", moderation_id=moderation.pk)
                apply_service_errors(form, error)
            else:
                messages.success(request, "Feedback acknowledged: thank you.")
                return redirect("quality:my_feedback")
    session = moderation.session
    from sessions_app.services import can_correct

    return render(
        request,
        "quality/feedback_detail.html",
        {
            "moderation": moderation,
            "scores": selectors.with_scores(type(moderation).objects.filter(pk=moderation.pk))[
                0
            ].score_list,
            "session": session,
            "is_author": is_author,
            "form": form,
            "corrected": session.record_version > moderation.record_version,
            "can_correct": is_author and can_correct(access, session),
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def rubric_edit(request):
    """The organisation's rubric (add, rename, archive, restore, delete unused criteria) and which
    records go to the queue."""
    access = request.access
    if not selectors.can_edit_rubric(access):
        raise PermissionDenied("Only moderators, managers and organisation admins edit the rubric.")
    services.rubric_ensure(organisation_id=access.organisation.pk)
    add_form = CriterionForm(prefix="add")
    current = selectors.moderation_settings(access)
    sample_form = ModerationSettingsForm(instance=current, prefix="sample")
    edit_errors: dict[int, list[str]] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        criterion = None
        if action in ("rename", "archive", "restore", "delete"):
            criterion = _criterion_or_404(request.POST.get("criterion"))
        try:
            if action == "add":
                add_form = CriterionForm(request.POST, prefix="add")
                if add_form.is_valid():
                    services.rubric_criterion_add(access=access, **add_form.cleaned_data)
                    messages.success(request, "Criterion added.")
                    return redirect("quality:rubric")
            elif action == "rename":
                form = CriterionForm(request.POST, prefix=f"c{criterion.pk}")
                if form.is_valid():
                    services.rubric_criterion_update(
                        access=access, criterion=criterion, **form.cleaned_data
                    )
                    messages.success(request, "Criterion saved.")
                    return redirect("quality:rubric")
                edit_errors[criterion.pk] = [e for errs in form.errors.values() for e in errs]
            elif action in ("archive", "restore"):
                services.rubric_criterion_archive(
                    access=access, criterion=criterion, archived=action == "archive"
                )
                messages.success(
                    request,
                    f"“{criterion.name}” {action == 'archive' and 'archived' or 'restored'}.",
                )
                return redirect("quality:rubric")
            elif action == "delete":
                services.rubric_criterion_delete(access=access, criterion=criterion)
                messages.success(request, f"“{criterion.name}” deleted.")
                return redirect("quality:rubric")
            elif action == "sample":
                sample_form = ModerationSettingsForm(
                    request.POST, instance=current, prefix="sample"
                )
                if sample_form.is_valid():
                    services.moderation_settings_update(
                        access=access,
                        version=sample_form.cleaned_data.get("version"),
                        sample_mode=sample_form.cleaned_data["sample_mode"],
                        sample_every=sample_form.cleaned_data["sample_every"],
                    )
                    messages.success(request, "Moderation sample saved.")
                    return redirect("quality:rubric")
            else:
                messages.error(request, "Choose what to change.")
        except EditConflict as error:
            sample_form.add_error(None, error)
        except ValidationError as error:
            if action == "add":
                apply_service_errors(add_form, error)
            elif action == "sample":
                apply_service_errors(sample_form, error)
            elif criterion is not None:
                edit_errors[criterion.pk] = error.messages
    in_use = selectors.criteria_in_use()
    rows = [
        {
            "criterion": c,
            "form": CriterionForm(
                prefix=f"c{c.pk}", initial={"name": c.name, "description": c.description}
            ),
            "used": c.pk in in_use,
            "errors": edit_errors.get(c.pk, []),
        }
        for c in selectors.criteria(include_archived=True)
    ]
    return render(
        request,
        "quality/rubric.html",
        {"rows": rows, "add_form": add_form, "sample_form": sample_form, "current": current},
    )


def _criterion_or_404(value):
    try:
        return RubricCriterion.objects.get(pk=int(value))
    except (RubricCriterion.DoesNotExist, ValueError, TypeError):
        raise Http404("No such criterion.")


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
