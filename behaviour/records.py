"""Slips as a kind of versioned record (tenancy.records): corrected and retracted by the person who
recorded them or a manager of the site."""

from django.urls import reverse

from tenancy.records import RecordKind, Wording, register

from . import selectors, services
from .forms import RetractForm, SlipCorrectForm
from .models import Slip


def _crumbs(slip):
    return [
        ("Behaviour", reverse("behaviour:slip_list")),
        (slip.child.display_name, reverse("behaviour:child_overview", args=[slip.child_id])),
        (
            f"{slip.type_name}, {slip.occurred_at:%-d %b %Y}",
            reverse("behaviour:slip_detail", args=[slip.pk]),
        ),
    ]


def _detail(slip):
    return reverse("behaviour:slip_detail", args=[slip.pk])


SLIP = register(
    RecordKind(
        key=services.SLIP,
        model=Slip,
        may_change=services.can_change_slip,
        correctable=services.SLIP_CORRECTABLE,
        validate=services.slip_check,
        wording=Wording(
            correct_refused="Only the person who recorded the slip or a manager can correct it.",
            retract_refused="Only the person who recorded the slip or a manager can retract it.",
            correct_reason="Say why the slip is being corrected.",
            retract_reason="Say why the slip is being retracted.",
            retracted_cannot_correct="A retracted slip cannot be corrected.",
            already_retracted="This slip has already been retracted.",
            corrected="Slip corrected; the earlier version is kept.",
            retracted="Slip retracted. It is kept, with your reason, but hidden.",
            correct_title="Correct a slip",
            correct_submit="Save correction",
            retract_title="Retract a slip",
            retract_submit="Retract",
            history_title="History of this slip",
        ),
        lookup=lambda access, slip_id: selectors.get_slip_or_404(access, slip_id),
        correct_form=SlipCorrectForm,
        retract_form=RetractForm,
        crumbs=_crumbs,
        cancel_url=_detail,
        corrected_url=_detail,
        retracted_url=lambda slip: reverse("behaviour:child_overview", args=[slip.child_id]),
        urls={
            "correct": "behaviour:slip_correct",
            "retract": "behaviour:slip_retract",
            "history": "behaviour:slip_history",
        },
    )
)
