"""Family contacts (guardians) as a kind of versioned record (tenancy.records): removed with a
reason by the child's key worker or a manager, kept in the history; edited on their own form."""

from django.http import Http404
from django.urls import reverse

from tenancy.records import RecordKind, Wording, register

from . import selectors, services
from .forms import RetractForm
from .models import Guardian


def _guardian(access, child_id, guardian_id) -> Guardian:
    """The child's guardian, retracted or not (its history stays readable), or 404."""
    child = selectors.get_child_or_404(access, child_id)
    try:
        return Guardian.objects.select_related("child__site").get(pk=guardian_id, child=child)
    except (Guardian.DoesNotExist, ValueError, TypeError):
        raise Http404("No such family member.")


def _crumbs(guardian):
    child = guardian.child
    return [
        (child.site.children_word.capitalize(), reverse("people:child_list")),
        (child.display_name, reverse("people:child_detail", args=[child.pk])),
    ]


def _child_page(guardian):
    return reverse("people:child_detail", args=[guardian.child_id])


GUARDIAN = register(
    RecordKind(
        key=services.GUARDIAN,
        model=Guardian,
        may_change=services.can_change_guardian,
        wording=Wording(
            retract_refused="Only the child's key worker or a manager can change this.",
            retract_reason="Say why this contact is being removed.",
            already_retracted="This contact has already been removed.",
            retracted="{record.name} removed. The record is kept in the history.",
            retract_title="Remove {record.name}",
            retract_submit="Remove",
            retract_intro="Use this for a contact recorded in error or no longer involved.",
            history_title="History of {record.name}",
        ),
        lookup=_guardian,
        retract_form=RetractForm,
        crumbs=_crumbs,
        cancel_url=_child_page,
        retracted_url=_child_page,
        urls={"retract": "people:guardian_retract", "history": "people:guardian_history"},
        url_args=lambda guardian: [guardian.child_id, guardian.pk],
    )
)
