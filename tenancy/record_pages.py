"""The pages of a versioned record (``tenancy.records``): correct, retract and history.

Each app's view is a one-line call, so the app keeps its URL, its decorators and its place in the
access walks: ``return record_pages.correct_page(request, "behaviour.slip", slip_id=slip_id)``.
The keyword arguments go to the kind's ``lookup`` (which 404s on another organisation's record and
audits the view). Who may use the page is the kind's ``may_change`` (403 otherwise); the history
is also open to the managers of the record's site.

A refused save shows the form again with what the person typed: a stale version as the conflict
message at the top (``EditConflict``), a missing one as ``MissingVersion``'s message, a service's
field errors beside their fields, warnings to confirm (``NeedsConfirmation``) above the form.
"""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from .concurrency import EditConflict
from .forms import apply_service_errors
from .records import NeedsConfirmation, correct, kind, may_see_history, retract

HISTORY_PAGE_SIZE = 50


def _context(record, instance, *, form, title, submit, intro, warnings=()):
    return {
        "form": form,
        "record": instance,
        "child": getattr(instance, "child", None),
        "crumbs": record.crumbs(instance) if record.crumbs else [],
        "cancel_url": record.cancel_url(instance) if record.cancel_url else "",
        "title": record.text(title, instance),
        "submit": record.text(submit, instance),
        "intro": record.text(intro, instance) if intro else "",
        "warnings": warnings,
        **(record.page_context(instance) if record.page_context else {}),
    }


def _render(request, record, instance, template, context):
    """Times on the page (the history's "when", a corrected date and time) in the record's own
    site's zone, whatever the server's."""
    with timezone.override(ZoneInfo(record.time_zone(instance))):
        return render(request, template, context)


def _allowed(record, request, instance, refused: str) -> None:
    if not record.may_change(request.access, instance):
        raise PermissionDenied(record.text(refused, instance))


def correct_page(request, key: str, **lookup):
    """GET: the correction form, filled from the record. POST: ``tenancy.records.correct``, then
    the kind's success message and redirect; on refusal the form again (status 200)."""
    record = kind(key)
    instance = record.lookup(request.access, **lookup)
    _allowed(record, request, instance, "correct_refused")
    form = record.correct_form(request.POST or None, instance=instance)
    warnings: list[str] = []
    if request.method == "POST":
        if hasattr(form, "add_confirmations"):
            form.add_confirmations(form.confirmed())
        if form.is_valid():
            fields, options = record.form_fields(form)
            try:
                correct(
                    key,
                    access=request.access,
                    instance=instance,
                    version=form.cleaned_data.get("version"),
                    reason=form.cleaned_data.get("reason", ""),
                    fields=fields,
                    options=options,
                )
            except NeedsConfirmation as needs:
                warnings = needs.warnings
                form.add_confirmations(needs.confirmations)
            except EditConflict as error:
                form.add_error(None, error)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, record.text("corrected", instance))
                return redirect(record.corrected_url(instance))
        instance.refresh_from_db()  # the failed attempt changed it in memory only
    context = _context(
        record,
        instance,
        form=form,
        title="correct_title",
        submit="correct_submit",
        intro="correct_intro",
        warnings=warnings,
    )
    # What this page cannot change, and why (the kind's ``fixed``), above the form.
    context["fixed"] = [(label, why) for _name, label, why in record.fixed(instance)]
    return _render(request, record, instance, record.correct_template, context)


def retract_page(request, key: str, **lookup):
    """GET: the retraction form (a reason). POST: ``tenancy.records.retract``, then the kind's
    message and redirect; on refusal the form again with the reason typed."""
    record = kind(key)
    instance = record.lookup(request.access, **lookup)
    _allowed(record, request, instance, "retract_refused")
    form = record.retract_form(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            retract(
                key,
                access=request.access,
                instance=instance,
                version=form.cleaned_data.get("version"),
                reason=form.cleaned_data["reason"],
            )
        except EditConflict as error:
            form.add_error(None, error)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, record.text("retracted", instance))
            return redirect(record.retracted_url(instance))
        instance.refresh_from_db()
    context = _context(
        record,
        instance,
        form=form,
        title="retract_title",
        submit="retract_submit",
        intro="retract_intro",
    )
    if not record.corrects:  # never corrected: what it holds cannot be changed, and why
        context["fixed"] = [(label, why) for _name, label, why in record.fixed(instance)]
    return _render(request, record, instance, record.retract_template, context)


def history_page(request, key: str, **lookup):
    """Every change to one record, newest first (created, corrected with the reason and the
    values before and after, retracted with the reason), paged. For whoever may change the record
    and the managers of its site; 403 otherwise."""
    record = kind(key)
    access = request.access
    instance = record.lookup(access, **lookup)
    if not may_see_history(key, access, instance):
        raise PermissionDenied("Only the person who recorded it or a manager can see its history.")
    page = Paginator(record.history(instance), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = _context(
        record, instance, form=None, title="history_title", submit="history_title", intro=""
    )
    return _render(
        request,
        record,
        instance,
        "tenancy/record_history.html",
        {**context, "page": page, "query": ""},
    )
