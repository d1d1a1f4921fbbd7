"""Contacts as a kind of versioned record (tenancy.records): corrected and retracted by the person
who recorded them or a manager of the site; the correction page keeps the live quality check."""

from django.urls import reverse

from tenancy.records import RecordKind, Wording, register

from . import quality_link, selectors, services
from .forms import CONTACT_FIXED, ContactCorrectForm, RetractForm
from .models import Contact


def _crumbs(contact):
    return [
        ("Contacts", reverse("contacts:contact_list")),
        (contact.child.display_name, reverse("contacts:child_contacts", args=[contact.child_id])),
    ]


def _child_contacts(contact):
    return reverse("contacts:child_contacts", args=[contact.child_id])


CONTACT = register(
    RecordKind(
        key=services.CONTACT,
        model=Contact,
        may_change=services.can_change_contact,
        correctable=services.CORRECTABLE,
        validate=services.contact_check,
        children_changed=True,  # a call a retracted contact cleared is due again
        wording=Wording(
            retracted_cannot_correct="This contact has been retracted.",
            already_retracted="This contact has already been retracted.",
            corrected="Contact corrected.",
            retracted="Contact retracted: hidden from lists, kept in the record.",
            correct_title="Correct a contact",
            correct_submit="Save",
            retract_title="Retract a contact",
            retract_submit="Retract",
            history_title="History of this contact",
        ),
        lookup=lambda access, contact_id: selectors.get_contact_or_404(access, contact_id),
        correct_form=ContactCorrectForm,
        fixed=lambda contact: list(CONTACT_FIXED),
        retract_form=RetractForm,
        crumbs=_crumbs,
        cancel_url=_child_contacts,
        corrected_url=lambda contact: reverse("contacts:contact_detail", args=[contact.pk]),
        retracted_url=_child_contacts,
        correct_template="contacts/record_form.html",
        urls={
            "correct": "contacts:contact_correct",
            "retract": "contacts:contact_retract",
            "history": "contacts:contact_history",
        },
        page_context=lambda contact: {
            "quality_fields": quality_link.FIELDS,
            "quality_labels": quality_link.LABELS,
        },
    )
)
