from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from people.selectors import get_child_or_404, staff_users
from tenancy.audit import Action, audit_read
from tenancy.decorators import staff_view
from tenancy.forms import apply_service_errors
from tenancy.timeutils import site_today

from . import selectors, services
from .forms import ConcernForm, DecisionForm, LeadForm, MarkerForm
from .models import Concern, SafeguardingLead


@staff_view
def index(request):
    """The DSL team's queue; the concerns you raised; for managers, references of unacknowledged
    concerns at their sites (no text)."""
    access = request.access
    dsl_sites = selectors.dsl_site_ids(access)
    return render(
        request,
        "safeguarding/index.html",
        {
            "is_dsl": bool(dsl_sites),
            "queue": list(selectors.dsl_queue(access)[:100]) if dsl_sites else [],
            "mine": list(selectors.my_concerns(access)[:50]),
            "unacknowledged": list(selectors.unacknowledged_at_managed_sites(access)[:50])
            if access.managed_site_ids
            else [],
            "can_manage_leads": access.is_org_admin or bool(access.managed_site_ids),
        },
    )


def _source_ok(access, child, source: str, source_id) -> tuple[str, int | None]:
    """The record a concern is raised from must be about this child and visible (else none)."""
    if source not in Concern.Source.values or source == Concern.Source.NONE or not source_id:
        return Concern.Source.NONE, None
    try:
        source_id = int(source_id)
    except (TypeError, ValueError):
        return Concern.Source.NONE, None
    from behaviour.models import Slip
    from contacts.models import Contact
    from sessions_app.models import KeyWorkSession

    model = {"session": KeyWorkSession, "slip": Slip, "contact": Contact}[source]
    if not model.objects.filter(pk=source_id, child=child).exists():
        raise Http404("No such record for this child.")
    return source, source_id


@staff_view
@require_http_methods(["GET", "POST"])
def concern_new(request, child_id):
    access = request.access
    child = get_child_or_404(access, child_id)
    source, source_id = _source_ok(
        access,
        child,
        request.GET.get("source") or request.POST.get("source") or "none",
        request.GET.get("source_id") or request.POST.get("source_id"),
    )
    now = timezone.localtime(timezone.now(), ZoneInfo(child.site.time_zone))
    form = ConcernForm(
        request.POST or None, initial={"happened_at": now}, child_word=child.site.child_word
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concern = services.concern_raise(
                access=access,
                child=child,
                what=data["what"],
                child_words=data["child_words"],
                present=data["present"],
                happened_at=data["happened_at"],
                source=source,
                source_id=source_id,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Safeguarding concern {concern.reference} raised. The DSL team has been alerted. "
                "Speak to the DSL in person as well if the child is at risk now.",
            )
            return redirect("safeguarding:concern_detail", concern.pk)
    return render(
        request,
        "safeguarding/concern_form.html",
        {"form": form, "child": child, "source": source, "source_id": source_id},
    )


def _detail(request, concern, *, decision_form=None, status=200):
    access = request.access
    is_dsl = concern.site_id in selectors.dsl_site_ids(access)
    return render(
        request,
        "safeguarding/concern_detail.html",
        {
            "concern": concern,
            "child": concern.child,
            "is_dsl": is_dsl,
            "decisions": selectors.decisions_for(concern),
            "decision_form": decision_form
            or DecisionForm(initial={"decided_on": site_today(concern.site)}),
        },
        status=status,
    )


@staff_view
def concern_detail(request, concern_id):
    concern = selectors.get_concern_or_404(request.access, concern_id)
    audit_read(actor=request.user, instance=concern, summary="Safeguarding concern read")
    return _detail(request, concern)


@staff_view
def acknowledge(request, concern_id):
    access = request.access
    concern = selectors.get_concern_or_404(access, concern_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if concern.site_id not in selectors.dsl_site_ids(access):
        raise PermissionDenied("Only the site's DSL team can acknowledge a concern.")
    try:
        services.concern_acknowledge(access=access, concern=concern)
    except ValidationError as error:
        messages.info(request, error.messages[0])
    else:
        messages.success(request, f"Concern {concern.reference} acknowledged.")
    return redirect("safeguarding:concern_detail", concern.pk)


@staff_view
def decide(request, concern_id):
    access = request.access
    concern = selectors.get_concern_or_404(access, concern_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if concern.site_id not in selectors.dsl_site_ids(access):
        raise PermissionDenied("Only the site's DSL team records decisions.")
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decision_record(access=access, concern=concern, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Decision recorded, dated and signed.")
            return redirect("safeguarding:concern_detail", concern.pk)
    audit_read(actor=request.user, instance=concern, summary="Safeguarding concern read")
    return _detail(request, concern, decision_form=form, status=400)


def _dsl_child_or_404(request, child_id):
    """The chronology and marker are the DSL team's: anyone else gets 404 (not 403), so not even
    whether a chronology exists leaks."""
    child = get_child_or_404(request.access, child_id)
    if child.site_id not in selectors.dsl_site_ids(request.access):
        raise Http404("No such chronology.")
    return child


@staff_view
def chronology(request, child_id):
    child = _dsl_child_or_404(request, child_id)
    audit_read(actor=request.user, instance=child, summary="Safeguarding chronology read")
    return render(
        request,
        "safeguarding/chronology.html",
        {
            "child": child,
            "concerns": selectors.chronology(child),
            "marker": selectors.active_marker(child),
            "marker_form": MarkerForm(),
        },
    )


@staff_view
def chronology_pdf(request, child_id):
    from sessions_app.exports import render_pdf

    child = _dsl_child_or_404(request, child_id)
    html = render_to_string(
        "safeguarding/chronology_pdf.html",
        {
            "child": child,
            "organisation": request.access.organisation,
            "concerns": selectors.chronology(child),
            "generated_at": timezone.now(),
            "generated_by": request.user,
        },
    )
    pdf = render_pdf(html)
    audit_read(
        actor=request.user,
        instance=child,
        action=Action.EXPORT,
        summary="Safeguarding chronology PDF",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"safeguarding-chronology-{child.last_name.lower()}-{site_today(child.site)}"
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@staff_view
def marker(request, child_id):
    access = request.access
    child = _dsl_child_or_404(request, child_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if request.POST.get("clear"):
        services.marker_clear(access=access, child=child)
        messages.success(request, "Marker cleared.")
        return redirect("safeguarding:chronology", child.pk)
    form = MarkerForm(request.POST)
    if form.is_valid():
        try:
            services.marker_set(access=access, child=child, before=form.cleaned_data["before"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Marker set: staff see it on the child's page.")
            return redirect("safeguarding:chronology", child.pk)
    return render(
        request,
        "safeguarding/chronology.html",
        {
            "child": child,
            "concerns": selectors.chronology(child),
            "marker": selectors.active_marker(child),
            "marker_form": form,
        },
        status=400,
    )


def _lead_sites(access):
    return [s for s in access.all_sites if services.can_manage_leads(access, s.pk)]


@staff_view
@require_http_methods(["GET", "POST"])
def leads(request):
    """The DSL team of each site (managers of the site, organisation admins)."""
    access = request.access
    sites = _lead_sites(access)
    if not sites:
        raise PermissionDenied("Only managers and organisation admins name the DSL team.")
    form = LeadForm(request.POST or None, sites=sites, staff=staff_users(sites))
    if request.method == "POST" and form.is_valid():
        site = access.get_site_or_404(form.cleaned_data["site"])
        try:
            services.lead_add(
                access=access,
                site=site,
                user=form.cleaned_data["user"],
                is_deputy=form.cleaned_data["is_deputy"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Added to the DSL team.")
            return redirect("safeguarding:leads")
    rows = [lead for lead in selectors.leads_for(access) if lead.site_id in {s.pk for s in sites}]
    return render(
        request,
        "safeguarding/leads.html",
        {"form": form, "rows": rows, "sites": sites},
        status=400 if request.method == "POST" else 200,
    )


@staff_view
def lead_remove(request, lead_id):
    access = request.access
    lead = (
        SafeguardingLead.objects.select_related("site")
        .filter(pk=lead_id, site_id__in=access.visible_site_ids)
        .first()
    )
    if lead is None:
        raise Http404("No such member of the DSL team.")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    services.lead_remove(access=access, lead=lead)
    messages.success(request, "Removed from the DSL team.")
    return redirect("safeguarding:leads")
