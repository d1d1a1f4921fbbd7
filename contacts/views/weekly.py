"""The weekly social-worker update: writing, sending, the addendum."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from people.selectors import get_child_or_404
from tenancy.concurrency import EditConflict
from tenancy.decorators import staff_view
from tenancy.forms import apply_service_errors
from tenancy.timeutils import site_today

from .. import selectors, services
from ..forms import (
    UncertainUpdateForm,
    WeeklyUpdateForm,
)
from ..models import WeeklyUpdate
from ._common import _form_page

# ---- the weekly social-worker update ----------------------------------------------------------


@staff_view
@require_http_methods(["GET", "POST"])
def weekly_update_new(request, child_id):
    """Compose this week's update: pre-filled from the week's records in the site's time zone."""
    access = request.access
    child = get_child_or_404(access, child_id)
    services.require_update_writer(access, child)
    if child.site.is_school:
        raise PermissionDenied("Weekly social-worker updates are for children's homes.")
    monday, _ = selectors.week_of(site_today(child.site))
    existing = WeeklyUpdate.objects.filter(
        child=child, week_start=monday, addendum_of__isnull=True
    ).first()
    if existing:
        return redirect("contacts:weekly_update", update_id=existing.pk)
    worker = selectors.social_worker(child, site_today(child.site))
    initial = {
        "subject": f"Weekly update: {child.display_name}, week of {monday:%d %B %Y}",
        "body": selectors.compose_update(
            child,
            monday,
            author_name=request.user.get_full_name(),
            to_name=worker.name if worker else "",
        ),
        "to_email": worker.email if worker else "",
    }
    form = WeeklyUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update = services.weekly_update_save(
                access=access,
                child=child,
                week_start=monday,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if request.POST.get("action") == "send":
                return _send(request, update, to_email=form.cleaned_data.get("to_email", ""))
            messages.success(request, "Draft saved.")
            return redirect("contacts:weekly_update", update_id=update.pk)
    return _form_page(
        request,
        form=form,
        child=child,
        title=f"Weekly update to the social worker, week of {monday:%d %B %Y}",
        submit="Save draft",
        intro=(
            f"To {worker.name} ({worker.email or 'no email address on record'})."
            if worker
            else "No social worker on record yet: you can save a draft."
        ),
        extra={"send_button": True},
    )


def _send(request, update, *, to_email="", checked_not_received=False, form=None):
    """Queue the update (its intent is committed first) and go back to its page. A refusal is
    shown on the page: beside the address when the address is the problem."""
    try:
        services.weekly_update_send(
            access=request.access,
            update=update,
            version=update.version,  # the version this request has just saved or checked
            to_email=to_email,
            checked_not_received=checked_not_received,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        update.refresh_from_db()
        if update.status == WeeklyUpdate.Status.SENT:
            messages.success(request, f"Sent to {update.to_name} <{update.to_email}>.")
        elif update.status == WeeklyUpdate.Status.FAILED:
            messages.error(
                request,
                f"Sending to {update.to_email} failed: your text is kept. Check the address and "
                "send again.",
            )
        else:
            messages.info(
                request, f"Sending to {update.to_name}: this page shows when it has gone."
            )
    return redirect("contacts:weekly_update", update_id=update.pk)


@staff_view
@require_http_methods(["GET", "POST"])
def weekly_update(request, update_id):
    access = request.access
    update = selectors.get_update_or_404(access, update_id)
    child = update.child
    worker = selectors.social_worker(child, site_today(child.site))
    to_email = update.to_email or (worker.email if worker else "")
    form = WeeklyUpdateForm(
        request.POST or None,
        instance=update,
        addendum=update.is_addendum,
        initial={
            "subject": update.subject,
            "body": update.body,
            "version": update.version,
            "to_email": to_email,
        },
    )
    uncertain_form = UncertainUpdateForm(
        request.POST or None, instance=update, initial={"version": update.version}
    )
    action = request.POST.get("action")
    if request.method == "POST" and action in ("confirm_received", "resend"):
        services.require_update_writer(access, child)
        if uncertain_form.is_valid():
            try:
                if action == "confirm_received":
                    services.weekly_update_confirm_received(
                        access=access,
                        update=update,
                        version=uncertain_form.cleaned_data.get("version"),
                    )
                    messages.success(request, "Recorded as sent: it was not sent again.")
                    return redirect("contacts:weekly_update", update_id=update.pk)
                if uncertain_form.cleaned_data.get("version") != update.version:
                    raise EditConflict()
                return _send(
                    request,
                    update,
                    checked_not_received=uncertain_form.cleaned_data["checked_not_received"],
                )
            except ValidationError as error:
                apply_service_errors(uncertain_form, error)
    elif request.method == "POST":
        services.require_update_writer(access, child)
        if form.is_valid():
            try:
                services.weekly_update_save(
                    access=access,
                    child=child,
                    week_start=update.week_start,
                    update=update,
                    version=form.cleaned_data.get("version"),
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except EditConflict as error:
                form.add_error(None, error)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                if action == "send":
                    return _send(request, update, to_email=form.cleaned_data.get("to_email", ""))
                messages.success(request, "Draft saved.")
                return redirect("contacts:weekly_update", update_id=update.pk)
    original = update.addendum_of if update.is_addendum else update
    addenda = list(original.addenda.order_by("pk")) if original.pk else []
    can_send = services.can_write_update(access, child)
    return render(
        request,
        "contacts/weekly_update.html",
        {
            "update": update,
            "child": child,
            "form": form if update.is_editable and can_send else None,
            "uncertain_form": (
                uncertain_form if update.status == WeeklyUpdate.Status.UNCERTAIN else None
            ),
            "can_send": can_send,
            "original": original,
            "addenda": addenda,
            "can_add_addendum": (
                can_send
                and original.status == WeeklyUpdate.Status.SENT
                and all(a.status == WeeklyUpdate.Status.SENT for a in addenda)
            ),
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def weekly_update_addendum(request, update_id):
    """Write an addendum to a sent weekly update (issue 17.9): sent and logged as its own
    contact."""
    access = request.access
    original = selectors.get_update_or_404(access, update_id)
    if original.is_addendum:
        original = original.addendum_of
    child = original.child
    services.require_recorder(access, child.site_id)
    open_one = original.addenda.exclude(status=WeeklyUpdate.Status.SENT).first()
    if open_one is not None:
        return redirect("contacts:weekly_update", update_id=open_one.pk)
    sent_on = original.sent_at
    initial = {
        "subject": f"Addendum: {original.subject}"[:200],
        "body": (
            f"Dear {original.to_name or 'colleague'},\n\nFurther to my update of "
            + (f"{timezone.localtime(sent_on):%d %B %Y}" if sent_on else "this week")
            + f" about {child.display_name}:\n\n\n\n{request.user.get_full_name()}"
        ),
    }
    form = WeeklyUpdateForm(request.POST or None, initial=initial, addendum=True)
    form.fields.pop("to_email")
    if request.method == "POST" and form.is_valid():
        try:
            addendum = services.weekly_update_addendum_save(
                access=access,
                original=original,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if request.POST.get("action") == "send":
                return _send(request, addendum)
            messages.success(request, "Addendum saved as a draft.")
            return redirect("contacts:weekly_update", update_id=addendum.pk)
    return _form_page(
        request,
        form=form,
        child=child,
        title=(
            f"Addendum to the weekly update, week of {original.week_start:%d %B %Y}: "
            f"{child.display_name}"
        ),
        submit="Save draft",
        intro=f"To {original.to_name} ({original.to_email}).",
        extra={"send_button": True},
    )
