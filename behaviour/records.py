"""Slips as a kind of versioned record (tenancy.records): corrected and retracted by the person who
recorded them or a manager of the site."""

from zoneinfo import ZoneInfo

from django.urls import reverse

from tenancy.records import RecordKind, Wording, register

from . import selectors, services
from .forms import SLIP_FIXED, RetractForm, SlipCorrectForm
from .models import Slip
from .words import for_site


def _crumbs(slip):
    when = slip.occurred_at.astimezone(ZoneInfo(slip.child.site.time_zone))
    return [
        ("Behaviour", reverse("behaviour:slip_list")),
        (slip.child.display_name, reverse("behaviour:child_overview", args=[slip.child_id])),
        (f"{slip.type_name}, {when:%-d %b %Y}", reverse("behaviour:slip_detail", args=[slip.pk])),
    ]


def _fixed(slip):
    """Who the slip is about and the other children involved: not corrected, and why (in the
    site's words)."""
    site = slip.child.site
    said = for_site(site)
    words = {
        "record": said.record,
        "a_record": said.a_record,
        "A_record": said.a_record.capitalize(),
        "child": site.child_word,
        "children": site.children_word,
    }
    return [
        (name, label.format(**words).capitalize(), why.format(**words))
        for name, label, why in SLIP_FIXED
    ]


def _detail(slip):
    return reverse("behaviour:slip_detail", args=[slip.pk])


SLIP = register(
    RecordKind(
        key=services.SLIP,
        model=Slip,
        may_change=services.can_change_slip,
        correctable=services.SLIP_CORRECTABLE,
        before_correct=services.slip_before_correct,
        validate=services.slip_check,
        after_correct=services.slip_after_correct,
        children_changed=True,  # its kind or day may change the calls due
        wording=Wording(
            correct_refused="Only the person who recorded the {record.noun} or a manager "
            "can correct it.",
            retract_refused="Only the person who recorded the {record.noun} or a manager "
            "can retract it.",
            correct_reason="Say why the {record.noun} is being corrected.",
            retract_reason="Say why the {record.noun} is being retracted.",
            retracted_cannot_correct="A retracted {record.noun} cannot be corrected.",
            already_retracted="This {record.noun} has already been retracted.",
            corrected="{record.noun_cap} corrected; the earlier version is kept.",
            retracted="{record.noun_cap} retracted. It is kept, with your reason, but hidden.",
            correct_title="Correct {record.a_noun}",
            correct_submit="Save correction",
            retract_title="Retract {record.a_noun}",
            retract_submit="Retract",
            history_title="History of this {record.noun}",
        ),
        lookup=lambda access, slip_id: selectors.get_slip_or_404(access, slip_id),
        correct_form=SlipCorrectForm,
        form_fields=lambda form: (form.service_data(), {}),
        fixed=_fixed,
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
