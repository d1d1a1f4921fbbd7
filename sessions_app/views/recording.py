"""Recording a session: starting, the editor with its autosave and live quality check, discarding a
draft, attachments."""

import datetime
import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from people.selectors import get_child_or_404
from tenancy.audit import Action
from tenancy.concurrency import EditConflict
from tenancy.decorators import staff_view
from tenancy.exports import stored_file
from tenancy.siterules import half_term_progress

from .. import selectors, services
from ..forms import (
    AttachmentForm,
    ReviewForm,
    SessionForm,
    target_formset,
)
from ..models import KeyWorkSession, SessionAttachment
from ..since_last import since_last_summary, summary_rows
from ._common import DRAFT_CONFLICT, _apply_errors, _version

# -- Recording ----------------------------------------------------------------------------------


@staff_view
@require_http_methods(["GET", "POST"])
def session_start(request, child_id):
    child = get_child_or_404(request.access, child_id)
    if not selectors.can_record_for(request.user, child):
        raise PermissionDenied(
            f"Only {child.display_name}'s key worker or cover records key-work sessions."
        )
    if request.method == "POST":
        existing = selectors.open_draft(child=child, author=request.user)
        if existing is not None and request.POST.get("another") != "1":
            # A second "With ‹child›" click carries on with the draft, never a second empty one.
            messages.info(
                request,
                f"Carrying on with your draft for {child.first_name}, started "
                f"{timezone.localtime(existing.created_at):%-d %B}.",
            )
            return redirect("sessions_app:session_edit", session_id=existing.pk)
        session = services.session_start(access=request.access, child=child)
        return redirect("sessions_app:session_edit", session_id=session.pk)
    drafts = KeyWorkSession.objects.filter(
        child=child, author=request.user, status__in=KeyWorkSession.EDITABLE
    ).order_by("-date")
    return render(request, "sessions_app/start.html", {"child": child, "drafts": drafts})


def _editor_parts(request, session, data=None):
    form = SessionForm(data, session=session)
    targets = target_formset(
        data,
        session=session,
        school_max=services.SCHOOL_MAX_TARGETS,
        default_due=services.next_due(session.child, session.date),
    )
    reviewable = services.reviewable_targets(session)
    review_form = ReviewForm(data, targets=reviewable, reviews=session.planned_reviews)
    return form, targets, review_form


def _editable_session(request, session_id):
    session = selectors.get_session_or_404(request.access, session_id)
    if session.author_id != request.user.pk:
        raise PermissionDenied("Only the author changes this record.")
    return session


def _editor(request, session, form, targets, review_form, extra_errors=None, status=200):
    child = session.child
    since = None
    if child.site.is_school:
        start = selectors.last_session_date(child) or (
            session.date - datetime.timedelta(days=services.SCHOOL_INTERVAL_DAYS)
        )
        since = {
            "start": start,
            "rows": summary_rows(since_last_summary(child, start, session.date)),
        }
    return render(
        request,
        "sessions_app/session_form.html",
        {
            "session": session,
            "child": child,
            "form": form,
            "targets": targets,
            "review_form": review_form,
            "extra_errors": extra_errors or {},
            "since": since,
            "next_due": targets.default_due,  # computed once, with the targets' default
            "made_title": session.made_title([t.name for t in session.topics.all()]),
            "half_term": half_term_progress(child) if child.site.is_school else "",
            "school_max": services.SCHOOL_MAX_TARGETS,
            "tab": request.POST.get("tab") or secrets.token_hex(8),
            "attachments": session.attachments.all(),
            "attach_form": AttachmentForm(),
        },
        status=status,
    )


@staff_view
@require_http_methods(["GET", "POST"])
def session_edit(request, session_id):
    access = request.access
    session = _editable_session(request, session_id)
    if not session.is_editable:
        messages.info(request, "This record has been submitted: it is read-only now.")
        return redirect("sessions_app:session_detail", session_id=session.pk)
    if request.method == "GET":
        return _editor(request, session, *_editor_parts(request, session))
    form, targets, review_form = _editor_parts(request, session, request.POST)
    form.is_valid(), targets.is_valid(), review_form.is_valid()
    extra: dict = {}
    if form.errors or targets.total_error_count() or review_form.errors:
        return _editor(request, session, form, targets, review_form, extra)
    submitting = request.POST.get("action") == "submit"
    kwargs = {
        "access": access,
        "session": session,
        "expected_version": _version(request),
        "data": form.service_data(),
        "topics": list(form.cleaned_data.get("topics") or []),
        "targets": targets.rows(),
        "reviews": review_form.reviews(),
        "tab": request.POST.get("tab", ""),
    }
    try:
        if submitting:
            services.session_submit(**kwargs)
        else:
            services.session_save_draft(**kwargs)
    except EditConflict as error:
        form.add_error(None, error)
    except ValidationError as error:
        _apply_errors(form, error, extra)
        if submitting:
            # Not submitted, but nothing typed is lost: keep it as the draft.
            session.refresh_from_db()
            kwargs["session"] = session
            try:
                services.session_save_draft(**kwargs)
            except ValidationError:
                pass  # an edit conflict: the form says so already
    else:
        if submitting:
            messages.success(request, "Submitted and signed. The record is now read-only.")
            return redirect("sessions_app:session_detail", session_id=session.pk)
        if session.draft_warnings:
            messages.warning(
                request, "Draft saved, except: " + "; ".join(session.draft_warnings) + "."
            )
        else:
            messages.success(request, "Draft saved.")
        return redirect("sessions_app:session_edit", session_id=session.pk)
    # Keep what was typed: the session object may hold half-applied values, so re-read the row.
    session.refresh_from_db()
    return _editor(request, session, form, targets, review_form, extra)


@staff_view
def session_discard(request, session_id):
    """The author throws away a draft that was never submitted (audited, with its text)."""
    session = _editable_session(request, session_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    child_id = session.child_id
    try:
        services.session_discard(access=request.access, session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("sessions_app:session_edit", session_id=session.pk)
    messages.success(request, "Draft discarded.")
    return redirect("sessions_app:child_sessions", child_id=child_id)


@staff_view
def session_autosave(request, session_id):
    """htmx autosave of a draft: saves what parsed, says what did not, refuses a stale tab."""
    session = _editable_session(request, session_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not session.is_editable:
        return render(
            request,
            "sessions_app/_autosave.html",
            {"error": "This record has been submitted: changes here are not saved."},
        )
    form, targets, review_form = _editor_parts(request, session, request.POST)
    form.is_valid(), targets.is_valid(), review_form.is_valid()
    unsaved = [form.fields[name].label or name for name in form.errors if name in form.fields]
    try:
        services.session_save_draft(
            access=request.access,
            session=session,
            expected_version=_version(request),
            data=form.service_data(),
            topics=list(form.cleaned_data.get("topics") or []),
            targets=targets.rows() if not targets.total_error_count() else None,
            reviews=review_form.reviews(),
            tab=request.POST.get("tab", ""),
        )
    except EditConflict:
        return render(request, "sessions_app/_autosave.html", {"error": DRAFT_CONFLICT})
    except ValidationError as error:
        return render(request, "sessions_app/_autosave.html", {"error": " ".join(error.messages)})
    unsaved += session.draft_warnings
    if targets.total_error_count():
        unsaved.append("targets")
    response = render(
        request,
        "sessions_app/_autosave.html",
        {
            "session": session,
            "saved_at": timezone.now(),
            "unsaved": unsaved,
            "made_title": session.made_title(
                [t.name for t in form.cleaned_data.get("topics") or []]
            ),
        },
    )
    response["HX-Trigger"] = "kw-draft-saved"  # the quality panel checks the saved draft again
    return response


@staff_view
def session_quality(request, session_id):
    """The record-quality findings for a saved draft (refreshed after each autosave) or the
    stored check of a submitted record."""
    from ..quality_link import findings_context

    session = selectors.get_session_or_404(request.access, session_id)
    return render(request, "quality/_findings.html", findings_context(request.access, session))


# -- Attachments --------------------------------------------------------------------------------


@staff_view
def attachment_add(request, session_id):
    """htmx upload from the editor (no page change, so nothing typed is interrupted)."""
    session = _editable_session(request, session_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                access=request.access, session=session, file=form.cleaned_data["file"]
            )
        except ValidationError as error:
            _apply_errors(form, error, {})
        else:
            form = AttachmentForm()
    template = "sessions_app/_attachments.html" if request.htmx else None
    if template is None:
        return redirect("sessions_app:session_edit", session_id=session.pk)
    return render(
        request,
        template,
        {"session": session, "attachments": session.attachments.all(), "attach_form": form},
    )


@staff_view
def attachment_download(request, session_id, attachment_id):
    session = selectors.get_session_or_404(request.access, session_id)
    try:
        attachment = session.attachments.get(pk=attachment_id)
    except (SessionAttachment.DoesNotExist, ValueError):
        raise Http404("No such file.")
    request.access.audit_view(attachment, action=Action.EXPORT)
    response = FileResponse(
        stored_file(attachment.file), as_attachment=True, filename=attachment.name
    )
    response["Cache-Control"] = "private, no-store"
    return response
