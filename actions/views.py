from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from behaviour.selectors import get_slip_or_404
from people.selectors import get_child_or_404
from tenancy.concurrency import EditConflict
from tenancy.decorators import staff_view
from tenancy.forms import apply_service_errors
from tenancy.timeutils import site_today

from . import selectors, services
from .forms import ActionForm, CloseForm, ReferralForm, SignificantForm
from .models import Kind, Source, State

PAGE_SIZE = 25


def _mark_overdue(rows, access):
    today = {s.pk: site_today(s) for s in access.all_sites}
    for row in rows:
        row.overdue = row.is_overdue(today.get(row.site_id, row.due_on))
    return rows


@staff_view
def index(request):
    """*Actions*: work items with an owner, a due date and a state — the person's own, or (a
    manager) everyone's at the sites they manage. Alerts are on their own page (``alerts``)."""
    access = request.access
    show = "site" if request.GET.get("show") == "site" and access.managed_site_ids else "mine"
    state = request.GET.get("state", State.OPEN)
    if state not in (*State.values, "all"):
        state = State.OPEN
    page = Paginator(selectors.action_list(access, show=show, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _mark_overdue(page.object_list, access)
    return render(
        request,
        "actions/index.html",
        {
            "page": page,
            "show": show,
            "state": state,
            "states": [
                (State.OPEN, "Open"),
                (State.DONE, "Done"),
                (State.CANCELLED, "Cancelled"),
                ("all", "All"),
            ],
            "is_manager": bool(access.managed_site_ids),
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def alerts(request):
    """*Alerts*: what tells this person something needs them (a matter for the manager, an
    incident, a safeguarding concern), newest first; each is acknowledged (read) or dismissed
    (taken off the list), or all are marked read. Only the person's own: another's id does
    nothing."""
    if request.method == "POST":
        do = request.POST.get("do")
        notice_id = request.POST.get("notice", "")
        if do == "read_all":
            count = services.notices_mark_read(user=request.user)
            messages.success(request, f"{count} alert{'s' if count != 1 else ''} marked as read.")
        elif do in ("read", "dismiss") and notice_id.isdigit():
            if do == "read":
                services.notices_mark_read(user=request.user, ids=[int(notice_id)])
            else:
                services.notice_dismiss(user=request.user, notice_id=int(notice_id))
        return redirect(f"{request.path}?page={request.POST.get('page', '1')[:6]}")
    page = Paginator(selectors.notices_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    unread = sum(1 for n in page.object_list if not n.read_at)
    return render(request, "actions/alerts.html", {"page": page, "unread_here": unread})


@staff_view
def child_actions(request, child_id):
    access = request.access
    child = get_child_or_404(access, child_id)
    rows = _mark_overdue(selectors.child_actions(child), access)
    return render(request, "actions/child_actions.html", {"child": child, "rows": rows})


@staff_view
@require_http_methods(["GET", "POST"])
def action_new(request, child_id):
    access = request.access
    child = get_child_or_404(access, child_id)
    source = request.GET.get("source") or request.POST.get("source") or Source.MANUAL
    source_id = request.GET.get("source_id") or request.POST.get("source_id") or None
    if source not in Source.values:
        source = Source.MANUAL
    if source != Source.MANUAL and not _record_is_about(source, source_id, child):
        raise Http404("No such record for this child.")
    initial = {
        "due_on": site_today(child.site),
        "owner": request.user.pk,
        "source": source,
        "source_id": source_id,
    }
    form = ActionForm(request.POST or None, site_id=child.site_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = services.action_add(
                access=access,
                child=child,
                kind=data["kind"],
                title=data["title"],
                details=data["details"],
                owner=data["owner"],
                due_on=data["due_on"],
                agency=data["agency"],
                made_on=data["made_on"],
                source=data["source"] or Source.MANUAL,
                source_id=data["source_id"] if data["source"] not in ("", Source.MANUAL) else None,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Action added.")
            return redirect("actions:action_detail", action.pk)
    return render(
        request, "actions/form_page.html", {"form": form, "child": child, "title": "Add an action"}
    )


@staff_view
def action_detail(request, action_id):
    access = request.access
    action = selectors.get_action_or_404(access, action_id)
    _mark_overdue([action], access)
    can_close = services.can_close(access, action) and action.is_open
    return render(
        request,
        "actions/action_detail.html",
        {
            "action": action,
            "child": action.child,
            "can_close": can_close,
            "can_edit_referral": services.can_close(access, action)
            and action.kind == Kind.REFERRAL,
            "close_form": CloseForm(initial={"version": action.version}),
            "referral_form": ReferralForm(
                initial={
                    "version": action.version,
                    "agency": action.agency,
                    "made_on": action.made_on,
                    "outcome": action.outcome,
                }
            ),
            "source_url": _source_url(action),
        },
    )


def _record_is_about(source: str, source_id, child) -> bool:
    """The record an action is added from must be about the same child."""
    from behaviour.models import Slip as SlipModel
    from contacts.models import Contact
    from sessions_app.models import KeyWorkSession

    model = {Source.SESSION: KeyWorkSession, Source.CONTACT: Contact, Source.SLIP: SlipModel}
    if source not in model or not str(source_id or "").isdigit():
        return False
    return model[source].objects.filter(pk=int(source_id), child=child).exists()


def _source_url(action) -> str:
    from django.urls import reverse

    if not action.source_id:
        return ""
    if action.source == Source.PLAN:  # a review's follow-up: the plan it was agreed in
        from plans.models import Plan

        plan_type = Plan.objects.filter(pk=action.source_id, child_id=action.child_id)
        plan_type = plan_type.values_list("plan_type", flat=True).first()
        return reverse("plans:plan_detail", args=[action.child_id, plan_type]) if plan_type else ""
    names = {
        Source.SESSION: "sessions_app:session_detail",
        Source.CONTACT: "contacts:contact_detail",
        Source.SLIP: "behaviour:slip_detail",
        Source.REG44: "regulation44:recommendation",
    }
    name = names.get(action.source)
    return reverse(name, args=[action.source_id]) if name else ""


def _detail_again(request, action, **forms):
    """The action's page again with the refused form and its errors (400). The action is read
    again: a refused save must not show what it tried to write (a "done" that was not saved
    would hide the close form and its message)."""
    access = request.access
    action.refresh_from_db()
    _mark_overdue([action], access)
    context = {
        "action": action,
        "child": action.child,
        "can_close": services.can_close(access, action) and action.is_open,
        "can_edit_referral": services.can_close(access, action) and action.kind == Kind.REFERRAL,
        "close_form": CloseForm(initial={"version": action.version}),
        "referral_form": ReferralForm(initial={"version": action.version}),
        "source_url": _source_url(action),
        **forms,
    }
    return render(request, "actions/action_detail.html", context, status=400)


@staff_view
def action_close(request, action_id):
    access = request.access
    action = selectors.get_action_or_404(access, action_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not services.can_close(access, action):
        raise PermissionDenied("Only the person it is for, or a manager of the site, can close it.")
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.action_close(
                access=access,
                action=action,
                state=form.cleaned_data["state"],
                note=form.cleaned_data["note"],
                version=form.cleaned_data.get("version"),
            )
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Action marked {action.get_state_display().lower()}.")
            return redirect("actions:action_detail", action.pk)
    return _detail_again(request, action, close_form=form)


@staff_view
def referral_update(request, action_id):
    access = request.access
    action = selectors.get_action_or_404(access, action_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not services.can_close(access, action):
        raise PermissionDenied(
            "Only the person it is for, or a manager of the site, can change it."
        )
    form = ReferralForm(request.POST)
    if form.is_valid():
        try:
            services.referral_update(
                access=access,
                action=action,
                agency=form.cleaned_data["agency"],
                made_on=form.cleaned_data["made_on"],
                outcome=form.cleaned_data["outcome"],
                version=form.cleaned_data.get("version"),
            )
        except EditConflict as conflict:
            form.add_error(None, str(conflict))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Referral updated.")
            return redirect("actions:action_detail", action.pk)
    return _detail_again(request, action, referral_form=form)


@staff_view
@require_http_methods(["GET", "POST"])
def incident_significant(request, slip_id):
    """A manager marks a home's high-level incident significant."""
    access = request.access
    slip = get_slip_or_404(access, slip_id)  # audited by the fetch
    if slip.retracted_at is not None:
        raise Http404("No such incident.")
    if not access.can_manage_site(slip.site_id):
        raise PermissionDenied("Only a manager of the home can mark an incident significant.")
    escalation = selectors.escalation_for(slip.pk)
    form = SignificantForm(request.POST or None, site=slip.site)
    if request.method == "POST" and escalation is None and form.is_valid():
        data = form.cleaned_data
        try:
            services.incident_mark_significant(
                access=access,
                slip=slip,
                visit_within_days=data["visit_within_days"],
                meeting_needed=data["meeting_needed"],
                notified_how=data["notified_how"],
                notification=data["notification"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                "Marked significant: the social worker's visit is brought forward and the "
                "notification is logged as a contact.",
            )
            return redirect("behaviour:slip_detail", slip.pk)
    return render(
        request,
        "actions/significant.html",
        {"form": form, "slip": slip, "child": slip.child, "escalation": escalation},
        status=400 if request.method == "POST" and escalation is None else 200,
    )
