"""Uploaded documents as a kind of versioned record (tenancy.records): hidden (retracted) with a
reason by the plans' editors, the file and the record kept."""

from django.urls import reverse

from people.selectors import get_child_or_404
from tenancy.records import RecordKind, Wording, register

from . import selectors, services
from .forms import RetractForm
from .models import PlanDocument


def _document(access, child_id, document_id) -> PlanDocument:
    child = get_child_or_404(access, child_id)
    return selectors.get_document_or_404(access, child, document_id)


def _crumbs(document):
    child = document.child
    return [
        (child.display_name, reverse("people:child_detail", args=[child.pk])),
        ("Plans and documents", reverse("plans:child_plans", args=[child.pk])),
    ]


def _child_plans(document):
    return reverse("plans:child_plans", args=[document.child_id])


DOCUMENT = register(
    RecordKind(
        key=services.DOCUMENT,
        model=PlanDocument,
        may_change=services.can_change_document,
        wording=Wording(
            retract_refused="Only the child's key worker (or cover) or a manager can change this.",
            retract_reason="Give a reason.",
            already_retracted="This document has already been hidden.",
            retracted="Document hidden. It is kept in the record.",
            retract_title="Hide “{record.title}”",
            retract_submit="Hide document",
            retract_intro=(
                "For a document uploaded in error. It is kept, with your reason, but no longer "
                "shown."
            ),
            history_title="History of “{record.title}”",
        ),
        lookup=_document,
        retract_form=RetractForm,
        fixed=lambda document: [
            (
                name,
                label,
                "A document is kept as it was uploaded. Hide this one (give the reason) "
                "and upload the right one.",
            )
            for name, label in (
                ("kind", "Kind of document"),
                ("title", "Title"),
                ("document_date", "Date on the document"),
                ("file", "The file"),
            )
        ],
        crumbs=_crumbs,
        cancel_url=_child_plans,
        retracted_url=_child_plans,
        urls={"retract": "plans:document_retract", "history": "plans:document_history"},
        url_args=lambda document: [document.child_id, document.pk],
    )
)
