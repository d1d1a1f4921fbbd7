"""Lists of contacts: all contacts and their CSV export, calls due, a child's contacts; the site's
contact settings."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from accounts.decorators import confirmation_needed
from people.selectors import get_child_or_404
from tenancy.access import require_manager
from tenancy.audit import Action
from tenancy.concurrency import EditConflict
from tenancy.decorators import staff_view
from tenancy.exports import CsvStream, attach, export_filename
from tenancy.forms import apply_service_errors
from tenancy.timeutils import site_today

from .. import selectors, services
from ..forms import (
    ContactFilterForm,
    ContactSettingsForm,
)
from ..models import WeeklyUpdate
from ._common import PAGE_SIZE, _form_page, _today

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
            # The site's word when the file is one kind of site's (Pupil, Young person).
            (query.site.child_word if query.site else access.terms["child"]).capitalize(),
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
            # The weekly update (homes only): the child's key worker or cover and managers, as
            # its page checks; one query for the allocation, once per page.
            "can_write_update": visit is not None and services.can_write_update(access, child),
        },
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
        intro=format_html(
            "Same-day calls home (schools) and the statutory-visit rule (children's homes, Care "
            "Planning Regulations 2010, regulation 28).{}",
            ""
            if site.is_school
            else format_html(
                " After a significant incident the next visit is due within {} (the site's "
                '<a href="{}">settings</a>).',
                f"{site.significant_visit_days} day{'s' if site.significant_visit_days != 1 else ''}"
                if site.significant_visit_days
                else "the same day",
                reverse("onboarding:site_edit", args=[site.pk]),
            ),
        ),
    )
