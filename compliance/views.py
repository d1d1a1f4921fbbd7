import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.decorators import confirmation_needed
from tenancy import bankholidays
from tenancy.audit import Action
from tenancy.concurrency import EditConflict
from tenancy.decorators import staff_view
from tenancy.exports import attach, export_filename
from tenancy.forms import apply_service_errors
from tenancy.models import Role
from tenancy.navigation import badge_figures
from tenancy.timeutils import site_today

from . import adapters, exports, nav, selectors, services
from .forms import POLICY_FIELDS, HolidayForm, PolicyForm, RegionForm
from .models import Rule, Status

PAGE_SIZE = 25


@staff_view
def index(request):
    access = request.access
    if access.is_org_admin:
        return redirect("compliance:overview")
    sites = selectors.dashboard_sites(access)
    if sites:
        return redirect("compliance:site_dashboard", sites[0].pk)
    return redirect("compliance:my_week")


@staff_view
def overview(request):
    access = request.access
    rows = selectors.org_overview(access)
    if not rows:
        return redirect("compliance:my_week")
    weeks = selectors.on_time_by_week([r["site"].pk for r in rows], timezone.localdate())
    return render(
        request,
        "compliance/overview.html",
        {"rows": rows, "chart": selectors.chart(weeks), "weeks": weeks},
    )


@staff_view
def site_dashboard(request, site_id):
    access = request.access
    site = selectors.get_dashboard_site_or_404(access, site_id)
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    page = Paginator(selectors.by_child(site, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(child, selectors.child_cells(child)) for child in page.object_list]
    weeks = selectors.on_time_by_week([site.pk], site_today(site))
    return render(
        request,
        "compliance/site_dashboard.html",
        {
            "site": site,
            "sites": selectors.dashboard_sites(access),
            "rules": selectors.rules_for(site),
            "workers": selectors.by_key_worker(site),
            "page": page,
            "rows": rows,
            "status": status,
            "statuses": Status.choices,
            "query": f"status={status}" if status else "",
            "weeks": weeks,
            "chart": selectors.chart(weeks),
            "contacts_live": adapters.contacts_available(),
            "site_items": selectors.site_items([site]),
        },
    )


@staff_view
def overdue(request, site_id):
    access = request.access
    site = selectors.get_dashboard_site_or_404(access, site_id)
    staff = request.GET.get("staff", "")
    rule = request.GET.get("rule", "")
    items = selectors.overdue_items(
        access, site, staff_id=staff if staff == "none" or staff.isdigit() else None, rule=rule
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in (("staff", staff), ("rule", rule)) if v)
    # Whose items these are, in the heading (issue 17): a key worker's, or nobody's.
    whose = f"every {site.child_word} at {site.name}"
    if staff == "none":
        whose = f"{site.children_word} with no key worker at {site.name}"
    elif staff.isdigit():
        from people.selectors import assignable_staff

        person = assignable_staff(site).filter(pk=int(staff)).first()
        if person is not None:
            whose = f"{person.get_full_name()}'s {site.children_word} at {site.name}"
    return render(
        request,
        "compliance/overdue.html",
        {
            "whose": whose,
            "site": site,
            "page": page,
            "query": query,
            "rule_label": dict(Rule.choices).get(rule, ""),
            "today": site_today(site),
            # The whole site's overdue items (the Regulation 45 review), counted in the home
            # page's figure that links here; not anyone's caseload, so not under a filter.
            "site_items": []
            if staff or rule
            else [i for i in selectors.site_items([site]) if i["status"] == Status.OVERDUE],
        },
    )


@staff_view
def export_csv(request, site_id):
    access = request.access
    site = selectors.get_dashboard_site_or_404(access, site_id)
    if reauth := confirmation_needed(request):  # a whole site's figures: a bulk export
        return reauth
    children = list(selectors.by_child(site))
    request.access.audit_view(site, action=Action.EXPORT, summary="Compliance CSV")
    response = HttpResponse(
        exports.obligations_csv(site, children, selectors.child_cells),
        content_type="text/csv; charset=utf-8",
    )
    return attach(
        response, export_filename("compliance", site.name, day=site_today(site), ext="csv")
    )


@staff_view
def my_week(request):
    access = request.access
    context = selectors.my_week(access)
    context["calls"] = adapters.calls_due(access, context["today"])
    context["targets"] = adapters.targets_to_review(access, context["today"], context["week_end"])
    # The top bar's *Overdue* (the same cached figure), as a button named after its page.
    context["overdue_alerts"] = {
        **badge_figures(access, nav.badges(request))[0],
        "label": "Overdue alerts",
    }
    context["is_key_worker"] = Role.KEY_WORKER in access.roles
    return render(request, "compliance/my_week.html", context)


@staff_view
def alert_list(request):
    if request.method == "POST":
        count = services.alerts_mark_read(user=request.user)
        messages.success(request, f"{count} alert{'s' if count != 1 else ''} marked as read.")
        return redirect("compliance:alerts")
    page = Paginator(selectors.alerts_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "compliance/alerts.html",
        {"page": page, "unread": selectors.unread_count(request.user)},
    )


@staff_view
def policy_edit(request, site_id):
    access = request.access
    site = selectors.get_policy_site_or_404(access, site_id)
    policy = selectors.policy_for(site) or services.policy_ensure(site=site, actor=request.user)
    form = PolicyForm(request.POST or None, instance=policy, site=site)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(
                actor=request.user,
                policy=form.instance,
                version=form.cleaned_data.get("version"),
                fields=[f for f in POLICY_FIELDS if f in form.fields],
                caseload_limit=form.cleaned_data["caseload_limit"],
            )
        except EditConflict as conflict:
            form.add_error(None, conflict)
        else:
            messages.success(request, "Policy saved and applied to every child of the site.")
            return redirect("compliance:site_dashboard", site.pk)
    return render(request, "compliance/policy_edit.html", {"site": site, "form": form})


@staff_view
def calendar_page(request, site_id):
    access = request.access
    site = selectors.get_policy_site_or_404(access, site_id)
    form = HolidayForm(request.POST or None)
    region_form = RegionForm(
        request.POST if request.POST.get("action") == "region" else None,
        initial={"region": site.region},
    )
    if request.method == "POST":
        if request.POST.get("action") == "region":
            if region_form.is_valid():
                services.site_region_set(
                    actor=request.user, site=site, region=region_form.cleaned_data["region"]
                )
                messages.success(
                    request, f"Bank holidays: {site.get_region_display()}. Due dates updated."
                )
                return redirect("compliance:calendar", site.pk)
            form = HolidayForm()
        elif request.POST.get("action") == "default":
            added = services.calendar_reset_default(site=site, actor=request.user)
            messages.success(request, f"{added} default holiday{'s' if added != 1 else ''} added.")
            return redirect("compliance:calendar", site.pk)
        elif form.is_valid():
            try:
                services.holiday_add(actor=request.user, site=site, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "Holiday added.")
                return redirect("compliance:calendar", site.pk)
    page = Paginator(selectors.holidays_for(site), 50).get_page(request.GET.get("page"))
    today = site_today(site)
    bank = bankholidays.between(site.region, today, today + datetime.timedelta(days=366))
    return render(
        request,
        "compliance/calendar.html",
        {
            "site": site,
            "form": form,
            "page": page,
            "bank_holidays": bank,
            "region_form": region_form,
            "bank_retrieved": bankholidays.retrieved_on(),
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def holiday_edit(request, site_id, holiday_id):
    access = request.access
    site = selectors.get_policy_site_or_404(access, site_id)
    holiday = selectors.get_holiday_or_404(site, holiday_id)
    form = HolidayForm(request.POST or None, instance=holiday)
    if request.method == "POST" and form.is_valid():
        try:
            services.holiday_update(actor=request.user, holiday=holiday, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['name']} saved.")
            return redirect("compliance:calendar", site.pk)
    return render(
        request, "compliance/holiday_edit.html", {"site": site, "form": form, "holiday": holiday}
    )


@staff_view
@require_http_methods(["GET", "POST"])
def holiday_remove(request, site_id, holiday_id):
    """GET asks to confirm (naming the entry and what changes); POST removes."""
    access = request.access
    site = selectors.get_policy_site_or_404(access, site_id)
    holiday = selectors.get_holiday_or_404(site, holiday_id)
    if request.method == "GET":
        return render(request, "compliance/holiday_remove.html", {"site": site, "holiday": holiday})
    services.holiday_remove(actor=request.user, holiday=holiday)
    messages.success(request, f"{holiday} removed from the calendar.")
    return redirect("compliance:calendar", site.pk)
