"""Uploaded documents: the upload, checked by content, and hiding one (the kind ``plans.document``
of tenancy.records)."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction

from people.selectors import allocated_staff_ids
from tenancy import records, uploads
from tenancy.access import Access
from tenancy.audit import Action, audit_write
from tenancy.timeutils import site_today

from ..models import (
    PlanDocument,
)
from ..selectors import can_edit_plans
from ._common import _require_editor

# ---------------------------------------------------------------- uploads

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    DOCX_TYPE: "docx",
    "image/png": "png",
    "image/jpeg": "jpg",
}


def check_upload(upload) -> str:
    """A plan document's real content type, or a ValidationError (tenancy.uploads: size counted
    while reading, type from the content, a PDF that parses, an image that decodes)."""
    return uploads.check_upload(
        upload, kinds=("pdf", "docx", "png", "jpeg"), max_bytes=MAX_UPLOAD_BYTES
    ).content_type


@transaction.atomic
def document_upload(
    *, access: Access, child, kind: str, title: str, document_date: datetime.date, upload
) -> PlanDocument:
    _require_editor(access, child)
    if kind not in PlanDocument.Kind.values:
        raise ValidationError({"kind": "Choose the kind of document."})
    if document_date > site_today(child.site):
        raise ValidationError({"document_date": "The document's date cannot be in the future."})
    content_type = check_upload(upload)
    document = PlanDocument(
        organisation_id=child.organisation_id,
        child=child,
        kind=kind,
        title=title.strip(),
        document_date=document_date,
        content_type=content_type,
        size=upload.size,
        original_name=(upload.name or "")[:255],
        uploaded_by=access.user,
    )
    # The stored name is ours, never the uploader's: organisation, child, random, real extension.
    name = f"{child.organisation_id}/{child.pk}/{uuid.uuid4().hex}.{ALLOWED_TYPES[content_type]}"
    document.file.save(name, upload, save=False)
    document.save()
    audit_write(actor=access.user, action=Action.CREATE, instance=document, before=None)
    return document


DOCUMENT = "plans.document"  # its kind in tenancy.records (plans/records.py)


def can_change_document(access: Access, document: PlanDocument) -> bool:
    """The child's key worker (or cover) and the site's managers: the plans' editors."""
    return can_edit_plans(access, document.child, allocated_staff_ids(document.child))


def document_retract(
    *, access: Access, document: PlanDocument, reason: str, version: int | None = None
) -> PlanDocument:
    """Hide a document uploaded in error. The file and the record are kept
    (``tenancy.records.retract``: the version the page showed is required)."""
    return records.retract(
        DOCUMENT, access=access, instance=document, version=version, reason=reason
    )
