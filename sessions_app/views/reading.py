"""A submitted record: reading it, earlier versions, its PDF and bundles, sign-off or return,
correction and history (tenancy.record_pages)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from accounts.decorators import confirmation_needed
from people.selectors import get_child_or_404
from tenancy import record_pages, records
from tenancy.audit import Action
from tenancy.concurrency import EditConflict
from tenancy.decorators import staff_view
from tenancy.exports import stored_file

from .. import exports, selectors, services
from ..forms import (
    BundleForm,
    ReturnForm,
    SessionForm,
)
from ..models import KeyWorkSession
from ..since_last import summary_rows
from ._common import _version

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
        elif name in ("quality_standards", "matters_for"):
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
        stored_file(job.file),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"key-work-{job.child.last_name.lower()}-{job.start}-{job.end}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
