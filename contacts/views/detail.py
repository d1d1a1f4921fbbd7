"""One contact: recording it, reading it, and its correction, retraction and history
(tenancy.record_pages)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from people.models import Guardian
from people.selectors import get_child_or_404
from tenancy import record_pages, records
from tenancy.decorators import staff_view
from tenancy.forms import apply_service_errors
from tenancy.timeutils import site_today

from .. import quality_link, selectors, services
from ..forms import (
    ContactForm,
)
from ..models import Contact, WeeklyUpdate
from ._common import QUALITY_PANEL, _form_page

# ---- one contact ------------------------------------------------------------------------------


@staff_view
@require_http_methods(["GET", "POST"])
def contact_new(request, child_id):
    access = request.access
    child = get_child_or_404(access, child_id)
    services.require_recorder(access, child.site_id)
    today = site_today(child.site)
    slips = selectors.linkable_slips(child, today)
    guardians = Guardian.objects.filter(child=child, retracted_at__isnull=True)
    initial = {
        "date": today,
        "time": timezone.localtime(timezone.now(), selectors.ZoneInfo(child.site.time_zone))
        .time()
        .replace(second=0, microsecond=0),
        "kind": request.GET.get("kind") or ("parent" if child.site.is_school else "professional"),
    }
    chosen = [s for s in request.GET.getlist("slip") if s.isdigit()]
    if chosen:
        initial["slips"] = chosen
        initial["purpose"] = Contact.Purpose.SAME_DAY
    if request.GET.get("purpose") in Contact.Purpose.values:
        initial["purpose"] = request.GET["purpose"]
    form = ContactForm(
        request.POST or None, initial=initial, child=child, slips=slips, guardians=guardians
    )
    warnings = []
    if request.method == "POST":
        confirmed = form.confirmed()
        form.add_confirmations(confirmed)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.contact_record(
                    access=access,
                    child=child,
                    kind=data["kind"],
                    purpose=data["purpose"],
                    method=data["method"],
                    direction=data["direction"],
                    occurred_at=data["occurred_at"],
                    with_whom=data["with_whom"],
                    guardian=data.get("guardian"),
                    professional_role=data.get("professional_role") or "",
                    summary=data["summary"],
                    outcome=data.get("outcome") or "",
                    follow_up=data.get("follow_up") or "",
                    follow_up_by=data.get("follow_up_by"),
                    supervised=data.get("supervised"),
                    slips=data.get("slips") or [],
                    confirmed=confirmed,
                )
            except services.NeedsConfirmation as needs:
                warnings = needs.warnings
                form.add_confirmations(needs.confirmations)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Contact logged.")
                return redirect("contacts:child_contacts", child_id=child.pk)
    return _form_page(
        request,
        form=form,
        child=child,
        title=f"Log a contact about {child.display_name}",
        submit="Save contact",
        warnings=warnings,
        extra=QUALITY_PANEL,
    )


@staff_view
def contact_detail(request, contact_id):
    access = request.access
    contact = selectors.get_contact_or_404(access, contact_id)
    update = WeeklyUpdate.objects.filter(contact=contact).first()
    return render(
        request,
        "contacts/contact_detail.html",
        {
            "contact": contact,
            "child": contact.child,
            "update": update,
            "can_change": services.can_change_contact(access, contact) and not contact.is_retracted,
            "can_see_history": records.may_see_history(services.CONTACT, access, contact),
            "quality_fields": quality_link.checker_fields(contact),
            "quality_labels": quality_link.LABELS,
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def contact_correct(request, contact_id):
    return record_pages.correct_page(request, services.CONTACT, contact_id=contact_id)


@staff_view
@require_http_methods(["GET", "POST"])
def contact_retract(request, contact_id):
    return record_pages.retract_page(request, services.CONTACT, contact_id=contact_id)


@staff_view
def contact_history(request, contact_id):
    return record_pages.history_page(request, services.CONTACT, contact_id=contact_id)
