"""Team, sites and settings pages, and accepting an invitation. Access check → form or selector →
service → response."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.decorators import confirmation_needed
from people.selectors import assignable_staff
from tenancy.context import organisation_scope
from tenancy.decorators import staff_view
from tenancy.forms import apply_service_errors
from tenancy.models import Role, Site
from tenancy.timeutils import site_today

from . import selectors, services
from .forms import (
    AcceptExistingForm,
    AcceptForm,
    DeactivateForm,
    DetailsForm,
    InviteForm,
    OrganisationSettingsForm,
    ResetAuthenticatorForm,
    RolesForm,
    SiteCloseForm,
    SiteForm,
    SiteWorkingForm,
)
from .models import Invitation

User = get_user_model()


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _require_staff_manager(access) -> None:
    if not services.can_manage_staff(access):
        raise PermissionDenied("Only organisation admins and managers manage staff.")


def _require_admin(access) -> None:
    if not access.is_org_admin:
        raise PermissionDenied("Only an organisation admin can do that.")


# ---------------------------------------------------------------- team


@staff_view
def team(request):
    access = request.access
    _require_staff_manager(access)
    show = "left" if request.GET.get("show") == "left" else "active"
    page, rows = selectors.team_page(access, page=request.GET.get("page", 1), show=show)
    return render(
        request,
        "onboarding/team.html",
        {
            "page_obj": page,
            "rows": rows,
            "show": show,
            "invitations": selectors.open_invitations(access) if show == "active" else [],
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def invite(request):
    access = request.access
    _require_staff_manager(access)
    sites = services.grantable_sites(access)
    form = InviteForm(request.POST or None, sites=sites, allow_admin=access.is_org_admin)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = services.invitation_create(
                access=access,
                organisation=access.organisation,
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                job_title=data["job_title"],
                grants=sorted(form.grants(), key=str),
                base_url=_base_url(request),
                ends_on=data.get("visitor_ends_on"),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if isinstance(sent, services.Renewed):  # the home's visitor, invited again
                m = sent.membership
                messages.success(
                    request,
                    f"{m.user.get_full_name() or m.user.username} already has an account: their "
                    f"access as the independent visitor of {m.site.name} "
                    f"{'had ended and ' if sent.had_ended else ''}is renewed until "
                    f"{m.ends_on:%-d %B %Y}. No invitation is needed: they sign in as before, "
                    "and we have emailed them to say so.",
                )
                return redirect("onboarding:member", m.user_id)
            messages.success(
                request,
                f"Invitation sent to {sent.invitation.email}. The link works once, for "
                f"{services.INVITATION_DAYS} days.",
            )
            return redirect("onboarding:team")
    return render(request, "onboarding/invite.html", {"form": form, "sites": sites})


@staff_view
def invitation_resend(request, invitation_id):
    access = request.access
    invitation = selectors.get_invitation_or_404(access, invitation_id)
    _require_staff_manager(access)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        sent = services.invitation_resend(
            access=access, invitation=invitation, base_url=_base_url(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"A new link was sent to {sent.invitation.email}.")
    return redirect("onboarding:team")


@staff_view
def invitation_withdraw(request, invitation_id):
    access = request.access
    invitation = selectors.get_invitation_or_404(access, invitation_id)
    _require_staff_manager(access)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.invitation_withdraw(access=access, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect("onboarding:team")


def _member_context(access, person, memberships) -> dict:
    active = [m for m in memberships if m.is_active]
    return {
        "person": person,
        "memberships": memberships,
        "active_memberships": active,
        "is_active_here": bool(active),
        "can_act": services.can_act_on(access, active) and person.pk != access.user.pk,
    }


@staff_view
@require_http_methods(["GET", "POST"])
def member(request, member_id):
    access = request.access
    person, memberships = selectors.get_member_or_404(access, member_id)
    sites = services.grantable_sites(access)
    current = {(m.site_id, m.role) for m in memberships if m.is_active}
    form = RolesForm(
        request.POST or None,
        sites=sites,
        allow_admin=access.is_org_admin,
        initial_grants=current,
    )
    active = [m for m in memberships if m.is_active]
    details = DetailsForm(
        request.POST if "details" in request.POST else None,
        initial={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "job_title": next((m.job_title for m in active if m.job_title), ""),
        },
        prefix="details",
    )
    if "details" in request.POST:
        form = RolesForm(None, sites=sites, allow_admin=access.is_org_admin, initial_grants=current)
        if details.is_valid():
            try:
                services.member_details_update(access=access, user=person, **details.cleaned_data)
            except ValidationError as error:
                apply_service_errors(details, error)
            else:
                messages.success(request, "Details saved.")
                return redirect("onboarding:member", member_id=person.pk)
    elif request.method == "POST" and form.is_valid():
        try:
            changes = services.member_roles_set(access=access, user=person, grants=form.grants())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, "Roles saved." if changes else "Nothing changed: those are their roles."
            )
            return redirect("onboarding:member", member_id=person.pk)
    context = _member_context(access, person, memberships)
    context.update({"form": form, "sites": sites, "details": details})
    return render(request, "onboarding/member.html", context)


@staff_view
@require_http_methods(["GET", "POST"])
def authenticator_reset(request, member_id):
    access = request.access
    person, memberships = selectors.get_member_or_404(access, member_id)
    if not services.can_act_on(access, [m for m in memberships if m.is_active]):
        raise PermissionDenied("You cannot reset this person's authenticator.")
    confirm = confirmation_needed(request)
    if confirm is not None:
        return confirm
    form = ResetAuthenticatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_authenticator_reset(
                access=access, user=person, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{person.get_full_name()}'s authenticator was reset and they were signed out. "
                "At their next sign-in they set up a new one.",
            )
            return redirect("onboarding:member", member_id=person.pk)
    return render(request, "onboarding/authenticator_reset.html", {"person": person, "form": form})


@staff_view
@require_http_methods(["GET", "POST"])
def deactivate(request, member_id):
    access = request.access
    person, memberships = selectors.get_member_or_404(access, member_id)
    active = [m for m in memberships if m.is_active]
    if not active:
        raise Http404("This person is not active here.")
    if not services.can_act_on(access, active):
        raise PermissionDenied("You cannot deactivate this person.")
    caseload = services.current_caseload(person)
    site_ids = {a.child.site_id for a in caseload}
    colleagues = {
        site_id: assignable_staff(access.get_site_or_404(site_id)).exclude(pk=person.pk)
        for site_id in site_ids
    }
    form = DeactivateForm(request.POST or None, caseload=caseload, colleagues_by_site=colleagues)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.member_deactivate(
                access=access, user=person, successors=form.successors()
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{person.get_full_name()} was deactivated and signed out"
                + (f"; {moved} children have new key workers." if moved else ".")
                + " Everything they recorded is kept.",
            )
            return redirect("onboarding:team")
    today = timezone.localdate()
    future_cover = person.allocations.filter(kind="cover", starts_on__gte=today).select_related(
        "child"
    )
    return render(
        request,
        "onboarding/deactivate.html",
        {"person": person, "form": form, "caseload": caseload, "future_cover": future_cover},
    )


# ---------------------------------------------------------------- sites and settings


@staff_view
def site_list(request):
    """Every site for an organisation admin; for a manager, the sites they manage, whose working
    settings (caseload limit, escalation) they change themselves."""
    access = request.access
    sites = selectors.settings_sites(access)
    if not sites and not access.is_org_admin:  # a new organisation's admin adds the first here
        raise PermissionDenied("Only organisation admins and managers change sites' settings.")
    return render(
        request,
        "onboarding/site_list.html",
        {"sites": sites, "admin": access.is_org_admin},
    )


@staff_view
@require_http_methods(["GET", "POST"])
def site_add(request):
    access = request.access
    _require_admin(access)
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in SiteForm.Meta.fields}
        try:
            site = services.site_create(access=access, **fields)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{site.name} was added with the default compliance policy"
                + (" and England's term calendar." if site.is_school else ".")
                + " Next: invite its staff.",
            )
            return redirect("onboarding:site_list")
    return render(request, "onboarding/site_form.html", {"form": form, "site": None, "admin": True})


@staff_view
@require_http_methods(["GET", "POST"])
def site_edit(request, site_id):
    """An organisation admin edits everything about the site; a manager of the site its working
    settings (``SiteWorkingForm``), the page naming the admins who change the rest."""
    access = request.access
    site = access.get_site_or_404(site_id)
    admin = access.is_org_admin
    if not admin and not access.can_manage_site(site.pk):
        if site.is_closed and any(
            m.role == Role.MANAGER and m.site_id == site.pk for m in access.memberships
        ):
            raise PermissionDenied(
                f"{site.name} is closed: its settings are kept as they were. An organisation "
                "admin can reopen it."
            )
        raise PermissionDenied("Only a manager of this site or an organisation admin can do that.")
    Form = SiteForm if admin else SiteWorkingForm
    form = Form(request.POST or None, instance=Site.objects.get(pk=site.pk))
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        try:
            if admin:
                services.site_update(access=access, site=site, **fields)
            else:
                services.site_settings_update(access=access, site=site, **fields)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{fields.get('name', site.name)} was saved.")
            return redirect("onboarding:site_list")
    return render(
        request,
        "onboarding/site_form.html",
        {
            "form": form,
            "site": site,
            "admin": admin,
            "admins": [] if admin else selectors.organisation_admins(),
        },
    )


@staff_view
@require_http_methods(["GET", "POST"])
def site_close(request, site_id):
    access = request.access
    site = access.get_site_or_404(site_id)
    _require_admin(access)
    if request.method == "POST" and site.is_closed and "reopen" in request.POST:
        services.site_reopen(access=access, site=site)
        messages.success(request, f"{site.name} is open again.")
        return redirect("onboarding:site_list")
    form = SiteCloseForm(request.POST or None, initial={"closed_on": site_today(site)})
    if request.method == "POST" and not site.is_closed and form.is_valid():
        try:
            services.site_close(access=access, site=site, closed_on=form.cleaned_data["closed_on"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"{site.name} is closed. Its records are kept, read-only.")
            return redirect("onboarding:site_list")
    return render(request, "onboarding/site_close.html", {"form": form, "site": site})


@staff_view
@require_http_methods(["GET", "POST"])
def organisation_settings(request):
    access = request.access
    _require_admin(access)
    from tenancy.models import Organisation

    form = OrganisationSettingsForm(
        request.POST or None, instance=Organisation.objects.get(pk=access.organisation.pk)
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in OrganisationSettingsForm.Meta.fields}
        try:
            services.organisation_update(access=access, **fields)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Settings saved. They apply from each person's next page.")
            return redirect("onboarding:settings")
    return render(request, "onboarding/settings.html", {"form": form})


# ---------------------------------------------------------------- accepting an invitation


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """The link in the email. Public: the token's secret is the key; nothing about the
    organisation beyond its name is shown to a wrong or old link."""
    parsed = services.parse_token(token)
    if parsed is None:
        return render(request, "onboarding/invitation_invalid.html", status=404)
    with organisation_scope(parsed[0]):
        invitation = services.invitation_for_token(token)
        if invitation is None:
            return render(request, "onboarding/invitation_invalid.html", status=404)
        status = invitation.status(timezone.now())
        if status != Invitation.Status.PENDING:
            return render(
                request,
                "onboarding/invitation_invalid.html",
                {"status": status, "invitation": invitation},
                status=410,
            )
        from tenancy.models import Organisation

        organisation = Organisation.objects.get(pk=invitation.organisation_id)
        existing = services.existing_user_for(invitation)
        returning = existing is not None and existing.is_active and existing.has_usable_password()
        if returning:
            form = AcceptExistingForm(request.POST or None, request=request, user=existing)
        else:
            form = AcceptForm(
                request.POST or None,
                email=invitation.email,
                initial={"first_name": invitation.first_name, "last_name": invitation.last_name},
            )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                user = services.invitation_accept(
                    invitation=invitation,
                    password=None if returning else data["password1"],
                    first_name=data.get("first_name", ""),
                    last_name=data.get("last_name", ""),
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                if request.user.is_authenticated:
                    logout(request)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect(f"{reverse('two_factor_setup')}?next=/")
        return render(
            request,
            "onboarding/invitation_accept.html",
            {
                "form": form,
                "invitation": invitation,
                "organisation": organisation,
                "returning": returning,
                "roles": selectors.describe_roles(invitation.roles),
            },
        )
