import datetime
import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from accounts.decorators import confirmation_needed
from compliance.selectors import half_term_progress
from people.selectors import get_child_or_404, my_children
from tenancy import record_pages, records
from tenancy.audit import Action
from tenancy.concurrency import EditConflict
from tenancy.decorators import staff_view
from tenancy.timeutils import site_today

from . import exports, selectors, services
from .filters import SessionFilter
from .forms import (
    AttachmentForm,
    BundleForm,
    ReturnForm,
    ReviewForm,
    SessionForm,
    TopicForm,
    target_formset,
)
from .models import KeyWorkSession, SessionAttachment, Topic
from .since_last import since_last_summary, summary_rows

PAGE_SIZE = 25
DRAFT_CONFLICT = (
    "Not saved: this draft was saved from another tab or device after you opened it. Your text is "
    "still on this page: copy what you need, then reload to see the other version."
)


def _apply_errors(form, error: ValidationError, extra: dict) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            if field in form.fields:
                form.add_error(field, errors)
            else:
                extra.setdefault(field, []).extend(e.message for e in errors)
    else:
        form.add_error(None, error)


def _version(request) -> int | None:
    try:
        return int(request.POST.get("version") or "")
    except ValueError:
        return None


# -- Lists --------------------------------------------------------------------------------------


def _list_page(request, *, title, heading_child=None, site=None, author=None, show=()):
    access = request.access
    site_ids = (
        {site.pk}
        if site
        else ({heading_child.site_id} if heading_child else access.visible_site_ids)
    )
    words = heading_child.site.child_word if heading_child else access.terms["child"]
    filterset = SessionFilter(
        request.GET or None, access=access, site_ids=site_ids, child_word=words, show=show
    )
    today = site_today(site or (heading_child.site if heading_child else access.all_sites[0]))
    sessions = selectors.session_list(
        access,
        author=author,
        site_id=site.pk if site else None,
        child=heading_child,
        filters=filterset.values(today),
    )
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "title": title,
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "show": show,
        "site": site,
        "sites": access.all_sites,
        "can_manage_topics": access.is_org_admin or access.is_manager_anywhere,
    }


@staff_view
def my_sessions(request):
    kinds = {site.kind for site in request.access.all_sites}
    show = ("child", "period", "topic", "status")
    show += ("focus",) if "school" in kinds else ()
    show += ("quality_standard",) if "home" in kinds else ()
    context = _list_page(request, title="My key-work sessions", author=request.user, show=show)
    context["my_children"] = list(my_children(request.access))
    context["tab"] = "mine"
    return render(request, "sessions_app/session_list.html", context)


@staff_view
def site_sessions(request, site_id):
    site = request.access.get_site_or_404(site_id)
    show = ("child", "key_worker", "period", "topic", "status")
    show += ("focus",) if site.is_school else ("quality_standard",)
    context = _list_page(request, title=f"Sessions at {site.name}", site=site, show=show)
    context["tab"] = f"site-{site.pk}"
    context["can_sign_off"] = request.access.can_manage_site(site.pk)
    return render(request, "sessions_app/session_list.html", context)


@staff_view
def child_sessions(request, child_id):
    access = request.access
    child = get_child_or_404(access, child_id)
    show = ("key_worker", "period", "topic", "status")
    show += ("focus",) if child.site.is_school else ("quality_standard",)
    context = _list_page(
        request, title=f"Key-work sessions: {child.display_name}", heading_child=child, show=show
    )
    today = site_today(child.site)
    context.update(
        child=child,
        can_record=selectors.can_record_for(request.user, child, today),
        bundle_form=BundleForm(initial={"start": today.replace(day=1), "end": today}),
        tab="child",
    )
    return render(request, "sessions_app/session_list.html", context)


@staff_view
def child_targets(request, child_id):
    child = get_child_or_404(request.access, child_id)
    page = Paginator(selectors.target_history(child), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "sessions_app/targets.html",
        {"child": child, "targets": page.object_list, "page": page, "query": ""},
    )


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
    from .quality_link import findings_context

    session = selectors.get_session_or_404(request.access, session_id)
    return render(request, "quality/_findings.html", findings_context(request.access, session))


# -- Reading ------------------------------------------------------------------------------------


@staff_view
def session_detail(request, session_id):
    access = request.access
    session = selectors.session_record(selectors.get_session_or_404(access, session_id))
    can_review = (
        session.status == KeyWorkSession.Status.SUBMITTED
        and access.can_manage_site(session.child.site_id)
        and session.author_id != request.user.pk
    )
    return render(
        request,
        "sessions_app/session_detail.html",
        {
            "s": session,
            "child": session.child,
            "since_rows": summary_rows(session.since_last),
            "can_review": can_review,
            "return_form": ReturnForm(initial={"version": session.version}),
            "can_edit": session.is_editable and session.author_id == request.user.pk,
            "can_correct": services.can_correct(access, session),
            "can_see_history": records.may_see_history(services.SESSION, access, session),
        },
    )


@staff_view
def session_revision(request, session_id, revision_id):
    session = selectors.get_session_or_404(request.access, session_id)
    revision = selectors.get_revision_or_404(session, revision_id)
    content = revision.content
    rows = []
    form = SessionForm(session=session)
    for name, field in form.fields.items():
        if name in ("version",):
            continue
        value = content.get(name)
        if name == "topics":
            value = ", ".join(content.get("topics", []))
        elif name == "quality_standards":
            labels = dict(field.choices)
            value = "; ".join(str(labels.get(v, v)) for v in value or [])
        elif hasattr(field, "choices") and value not in (None, ""):
            value = dict(field.choices).get(
                value if not isinstance(value, bool) else {True: "yes", False: "no"}[value], value
            )
        rows.append((field.label or name, value))
    return render(
        request,
        "sessions_app/revision.html",
        {"s": session, "child": session.child, "revision": revision, "rows": rows},
    )


@staff_view
def session_pdf(request, session_id):
    access = request.access
    session = selectors.session_record(selectors.get_session_or_404(access, session_id))
    pdf = exports.session_pdf(session, organisation=access.organisation)
    request.access.audit_view(session, action=Action.EXPORT, summary="PDF")
    name = f"key-work-{session.child.last_name}-{session.date:%Y-%m-%d}-v{session.record_version}"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{name.lower()}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


# -- Sign-off and corrections -------------------------------------------------------------------


@staff_view
def session_review(request, session_id):
    access = request.access
    session = selectors.get_session_or_404(access, session_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ReturnForm(request.POST)
    form.is_valid()
    try:
        if request.POST.get("action") == "return":
            services.session_return(
                access=access,
                session=session,
                expected_version=_version(request),
                comment=form.cleaned_data.get("comment") or "",
            )
            messages.success(request, "Returned to the author with your comment.")
        else:
            services.session_sign_off(
                access=access, session=session, expected_version=_version(request)
            )
            messages.success(request, "Signed off.")
    except EditConflict:
        messages.error(request, "The record changed while you were reading it: check it again.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("sessions_app:session_detail", session_id=session.pk)


@staff_view
@require_http_methods(["GET", "POST"])
def session_correct(request, session_id):
    return record_pages.correct_page(request, services.SESSION, session_id=session_id)


@staff_view
def session_history(request, session_id):
    return record_pages.history_page(request, services.SESSION, session_id=session_id)


# -- Bundles ------------------------------------------------------------------------------------


@staff_view
def bundle_start(request, child_id):
    child = get_child_or_404(request.access, child_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    back = reverse("sessions_app:child_sessions", args=[child.pk])
    if reauth := confirmation_needed(request, next_url=back):  # a bundle is a bulk export
        return reauth
    form = BundleForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Choose a valid date range for the bundle (the end after the start)."
        )
        return redirect("sessions_app:child_sessions", child_id=child.pk)
    job = services.bundle_request(access=request.access, child=child, **form.cleaned_data)
    return redirect("sessions_app:bundle_status", job_id=job.pk)


@staff_view
def bundle_status(request, job_id):
    job = selectors.get_bundle_or_404(request.access, job_id)
    template = "sessions_app/_bundle_progress.html" if request.htmx else "sessions_app/bundle.html"
    return render(request, template, {"job": job, "child": job.child})


@staff_view
def bundle_download(request, job_id):
    job = selectors.get_bundle_or_404(request.access, job_id)
    if job.status != job.Status.DONE or not job.file:
        raise Http404("The bundle is not ready.")
    request.access.audit_view(job, action=Action.EXPORT, summary="Bundle PDF")
    response = FileResponse(
        job.file.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"key-work-{job.child.last_name.lower()}-{job.start}-{job.end}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# -- Topics -------------------------------------------------------------------------------------


@staff_view
@require_http_methods(["GET", "POST"])
def topics(request):
    access = request.access
    if not (access.is_org_admin or access.is_manager_anywhere):
        raise PermissionDenied("Only managers and organisation admins change the topic list.")
    services.topics_ensure_defaults(organisation_id=access.organisation.pk)
    form = TopicForm(request.POST if "name" in request.POST else None)
    if request.method == "POST":
        if "topic" in request.POST:
            try:
                topic = Topic.objects.get(pk=int(request.POST["topic"]))
            except (Topic.DoesNotExist, ValueError):
                raise Http404("No such topic.")
            services.topic_set_active(
                access=access, topic=topic, is_active=request.POST.get("active") == "1"
            )
            messages.success(request, f"“{topic.name}” updated.")
            return redirect("sessions_app:topics")
        if form.is_valid():
            try:
                services.topic_add(access=access, name=form.cleaned_data["name"])
            except ValidationError as error:
                _apply_errors(form, error, {})
            else:
                messages.success(request, "Topic added.")
                return redirect(reverse("sessions_app:topics"))
    return render(
        request,
        "sessions_app/topics.html",
        {"topics": Topic.objects.order_by("-is_active", "name"), "form": form},
    )


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
        attachment.file.open("rb"), as_attachment=True, filename=attachment.name
    )
    response["Cache-Control"] = "private, no-store"
    return response
