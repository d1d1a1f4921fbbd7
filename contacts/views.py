import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.decorators import confirmation_needed
from people.models import Guardian
from people.selectors import get_child_or_404
from tenancy import record_pages, records
from tenancy.access import require_manager
from tenancy.audit import Action
from tenancy.concurrency import EditConflict
from tenancy.decorators import staff_view
from tenancy.exports import CsvStream, attach, export_filename
from tenancy.forms import apply_service_errors
from tenancy.timeutils import site_today

from . import quality_link, selectors, services
from .forms import (
    ContactFilterForm,
    ContactForm,
    ContactSettingsForm,
    UncertainUpdateForm,
    WeeklyUpdateForm,
)
from .models import Contact, WeeklyUpdate

PAGE_SIZE = 25
# The live record-quality check beside the contact form (quality's panel and endpoint).
QUALITY_PANEL = {"quality_fields": quality_link.FIELDS, "quality_labels": quality_link.LABELS}


def _form_page(request, *, form, child, title, submit, intro="", warnings=(), extra=None):
    return render(
        request,
        "contacts/form_page.html",
        {
            "form": form,
            "child": child,
            "title": title,
            "submit": submit,
            "intro": intro,
            "warnings": warnings,
            **(extra or {}),
        },
    )


def _today(access):
    sites = access.all_sites
    return site_today(sites[0]) if sites else timezone.localdate()


# ---- lists ------------------------------------------------------------------------------------


def _query(request):
    access = request.access
    form = ContactFilterForm(request.GET or None, sites=access.all_sites)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    query = selectors.ContactQuery(
        site=data.get("site"),
        kind=data.get("kind") or "",
        purpose=data.get("purpose") or "",
        start=data.get("start"),
        end=data.get("end"),
        search=data.get("q") or "",
    )
    return form, query


@staff_view
def contact_list(request):
    form, query = _query(request)
    contacts = selectors.contact_list(request.access, query)
    page = Paginator(contacts, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "contacts/contact_list.html",
        {"filter_form": form, "page": page, "query": params.urlencode()},
    )


@staff_view
def contact_export(request):
    access = request.access
    _form, query = _query(request)
    if getattr(query, "child", None) is None and (reauth := confirmation_needed(request)):
        return reauth  # many children's contacts: a bulk export
    rows = selectors.contact_list(access, query)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    who = query.child.display_name if getattr(query, "child", None) else ""
    where = query.site.name if query.site else ", ".join(s.name for s in access.all_sites[:3])
    attach(response, export_filename("contacts", who, where, day=_today(access), ext="csv"))
    writer = CsvStream(response)
    writer.writerow(
        [
            "Date",
            "Time",
            "Site",
            "Child",
            "Kind",
            "Purpose",
            "Method",
            "Made or received",
            "Who with",
            "Summary",
            "Outcome",
            "Follow-up",
            "Follow up by",
            "Recorded by",
        ]
    )
    child_ids = set()
    for c in rows.iterator(chunk_size=500):
        child_ids.add(c.child_id)
        local = timezone.localtime(c.occurred_at, selectors.ZoneInfo(c.site.time_zone))
        writer.writerow(
            [
                local.date().isoformat(),
                f"{local:%H:%M}",
                c.site.name,
                c.child.display_name,
                c.get_kind_display(),
                c.get_purpose_display(),
                c.get_method_display(),
                c.get_direction_display(),
                c.with_whom,
                c.summary,
                c.outcome,
                c.follow_up,
                c.follow_up_by.isoformat() if c.follow_up_by else "",
                c.recorded_by.get_full_name(),
            ]
        )
    site = query.site or (access.all_sites[0] if access.all_sites else None)
    if site is not None:
        request.access.audit_view(
            site,
            action=Action.EXPORT,
            summary="Contacts exported to CSV",
        )
    # Each child whose contacts are in the file (one, when a search narrowed it to one child).
    access.audit_export(child_ids, summary="Contacts exported to CSV")
    return response


@staff_view
def calls_due(request):
    """What contact is owed: a school's same-day and weekly round-up calls home, a home's weekly
    updates to social workers and statutory visits. Each kind of site gets its own sections;
    managers of a home see every young person of the site (issue 17)."""
    access = request.access
    today = _today(access)
    monday, sunday = selectors.week_of(today)
    has_school = any(s.is_school for s in access.all_sites)
    has_home = any(not s.is_school for s in access.all_sites)
    # Managers may look across their site(s): every pupil's calls due, not only their own.
    whole_site = access.is_manager_anywhere and request.GET.get("scope") == "site"
    mine = not whole_site
    due_today = earlier = pupils = roundups = []
    if has_school:
        due_today = selectors.calls_due(access, today, mine=mine)
        earlier = (
            selectors.calls_due_between(
                access, monday, today - datetime.timedelta(days=1), mine=mine
            )
            if today > monday
            else []
        )
        pupils = selectors.my_children_at(access, today, kind="school")
        roundups = selectors.roundups_outstanding(pupils, today)
    young_people = []
    home_whole_site = False
    if has_home:
        young_people = selectors.site_children_at(access, today, kind="home")
        home_whole_site = bool(young_people)
        if not young_people:
            young_people = selectors.my_children_at(access, today, kind="home")
    updates = selectors.updates_for_week(young_people, monday)
    weekly = [(child, updates.get(child.pk)) for child in young_people]
    failed = selectors.failed_updates(access, young_people)
    visits = selectors.visits_due(young_people)
    return render(
        request,
        "contacts/calls_due.html",
        {
            "today": today,
            "monday": monday,
            "sunday": sunday,
            "whole_site": whole_site,
            "can_see_site": access.is_manager_anywhere and has_school,
            "has_school": has_school,
            "has_home": has_home,
            "home_whole_site": home_whole_site,
            "due_today": due_today,
            "earlier": earlier,
            "pupils": pupils,
            "roundups": roundups,
            "young_people": young_people,
            "weekly": weekly,
            "failed": failed,
            "visits": visits,
        },
    )


@staff_view
def child_contacts(request, child_id):
    access = request.access
    child = get_child_or_404(access, child_id)
    today = site_today(child.site)
    page = Paginator(selectors.child_timeline(child), PAGE_SIZE).get_page(request.GET.get("page"))
    due = selectors.calls_due(access, today, child=child)
    visit = selectors.visits_due([child])[0] if not child.site.is_school else None
    updates = list(WeeklyUpdate.objects.filter(child=child).order_by("-week_start")[:6])
    return render(
        request,
        "contacts/child_contacts.html",
        {
            "child": child,
            "page": page,
            "due": due,
            "visit": visit,
            "updates": updates,
            "today": today,
            "can_record": services.can_record_contacts(access, child.site_id),
        },
    )


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


# ---- settings ---------------------------------------------------------------------------------


@staff_view
@require_http_methods(["GET", "POST"])
def contact_settings(request, site_id):
    access = request.access
    site = access.get_site_or_404(site_id)
    require_manager(access, site.pk)
    current = selectors.settings_for(site)
    form = ContactSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            services.contact_settings_update(access=access, site=site, version=version, **data)
        except EditConflict as error:
            form.add_error(None, error)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Contact rules saved.")
            return redirect("contacts:calls_due")
    return _form_page(
        request,
        form=form,
        child=None,
        title=f"Contact rules, {site.name}",
        submit="Save",
        intro="Same-day calls home (schools) and the statutory-visit rule (children's homes, "
        "Care Planning Regulations 2010, reg. 28).",
    )
