"""Health registrations, appointments and the clothing log (children's homes)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from tenancy.decorators import staff_view
from tenancy.forms import apply_service_errors

from .. import selectors, services
from ..forms import (
    ClothingForm,
    HealthAppointmentForm,
    HealthRegistrationForm,
)
from ._common import _editor_child, _form_page

# ---------------------------------------------------------------- health and clothing (homes)


def _home_form(request, child_id, form_class, service, title, done):
    child = _editor_child(request, child_id)
    if child.site.is_school:
        raise Http404("Kept by children's homes only.")
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            service(access=request.access, child=child, **data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("plans:child_plans", child_id=child.pk)
    return _form_page(request, form=form, child=child, title=title, submit="Save")


@staff_view
@require_http_methods(["GET", "POST"])
def health_registration_add(request, child_id):
    return _home_form(
        request,
        child_id,
        HealthRegistrationForm,
        services.health_registration_add,
        "Add a health registration",
        "Registration saved.",
    )


@staff_view
@require_http_methods(["GET", "POST"])
def health_appointment_add(request, child_id):
    return _home_form(
        request,
        child_id,
        HealthAppointmentForm,
        services.health_appointment_add,
        "Add a health appointment",
        "Appointment saved.",
    )


@staff_view
@require_http_methods(["GET", "POST"])
def health_appointment_edit(request, child_id, appointment_id):
    child = _editor_child(request, child_id)
    appointment = selectors.get_appointment_or_404(child, appointment_id)
    form = HealthAppointmentForm(request.POST or None, instance=appointment)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version", None)
        try:
            services.health_appointment_update(
                access=request.access, appointment=appointment, expected_version=expected, **data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Appointment saved.")
            return redirect("plans:child_plans", child_id=child.pk)
    return _form_page(
        request,
        form=form,
        child=child,
        title=f"{appointment.get_kind_display()} appointment",
        submit="Save",
        intro="Record the date it happened, or correct the due date.",
    )


@staff_view
@require_http_methods(["GET", "POST"])
def clothing_add(request, child_id):
    return _home_form(
        request,
        child_id,
        ClothingForm,
        services.clothing_add,
        "Log a clothing purchase",
        "Purchase logged.",
    )
