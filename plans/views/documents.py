"""Uploaded documents: upload, the file, hiding one and its history (tenancy.record_pages)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from people.selectors import get_child_or_404
from tenancy import record_pages
from tenancy.decorators import staff_view
from tenancy.exports import stored_file
from tenancy.forms import apply_service_errors

from .. import selectors, services
from ..forms import (
    DocumentForm,
)
from ._common import _editor_child, _form_page

# ---------------------------------------------------------------- documents


@staff_view
@require_http_methods(["GET", "POST"])
def document_upload(request, child_id):
    """Upload a document. The size limit is enforced while the file streams in and again while
    it is checked (tenancy.uploads, the one upload check)."""
    child = _editor_child(request, child_id)
    form = DocumentForm(request.POST or None, request.FILES or None, school=child.site.is_school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.document_upload(
                access=request.access,
                child=child,
                kind=data["kind"],
                title=data["title"],
                document_date=data["document_date"],
                upload=data["file"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Document uploaded.")
            return redirect("plans:child_plans", child_id=child.pk)
    return _form_page(
        request,
        form=form,
        child=child,
        title="Upload a document",
        submit="Upload",
        intro="Care Plans, Pathway Plans, health assessments and reports are seen only by the key "
        "worker and managers.",
        multipart=True,
    )


@staff_view
def document_file(request, child_id, document_id):
    access = request.access
    child = get_child_or_404(access, child_id)
    document = selectors.get_document_or_404(access, child, document_id)
    allocated = services.allocated_staff_ids(child)
    if not selectors.can_view_document(access, child, document, allocated):
        raise PermissionDenied("Only the key worker and managers can open this document.")
    disposition = "inline" if document.content_type != services.DOCX_TYPE else "attachment"
    ext = services.ALLOWED_TYPES[document.content_type]
    response = FileResponse(
        stored_file(document.file),
        content_type=document.content_type,
        as_attachment=disposition == "attachment",
        filename=f"{document.kind}-{document.document_date:%Y-%m-%d}.{ext}",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_view
@require_http_methods(["GET", "POST"])
def document_retract(request, child_id, document_id):
    return record_pages.retract_page(
        request, services.DOCUMENT, child_id=child_id, document_id=document_id
    )


@staff_view
def document_history(request, child_id, document_id):
    return record_pages.history_page(
        request, services.DOCUMENT, child_id=child_id, document_id=document_id
    )
