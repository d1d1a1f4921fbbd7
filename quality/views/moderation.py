"""Moderation pages: the moderator's queue, moderating a record against the rubric, the key
worker's feedback and its acknowledgement, and the rubric's editor."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tenancy.concurrency import EditConflict
from tenancy.decorators import staff_view
from tenancy.forms import apply_service_errors

from .. import selectors, services
from ..forms import (
    AcknowledgeForm,
    CriterionForm,
    ModerationForm,
    ModerationSettingsForm,
)
from ..models import RubricCriterion

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
