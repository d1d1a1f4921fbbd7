"""Sites (opened, updated, closed, reopened), the organisation's settings, and a new organisation."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from people.models import Child, KeyWorkerAllocation
from tenancy.access import Access
from tenancy.audit import Action, audit_write, snapshot
from tenancy.context import organisation_scope
from tenancy.models import AuditEvent, Organisation, Role, Site

from ._common import Reason, _require
from .invitations import Sent, invitation_create

# ---------------------------------------------------------------- sites and settings


def _require_admin(access: Access) -> None:
    _require(access.is_org_admin, "Only an organisation admin can do that.")


def _check_name_free(site: Site) -> None:
    if Site.objects.filter(name__iexact=site.name.strip()).exclude(pk=site.pk).exists():
        raise ValidationError({"name": f"There is already a site called “{site.name}”."})


@transaction.atomic
def site_create(*, access: Access, **fields) -> Site:
    """A new school or children's home, with its compliance policy (and, for a school, the England
    term calendar) from the defaults."""
    from compliance.services import policy_ensure

    _require_admin(access)
    site = Site(organisation=access.organisation, **fields)
    _check_name_free(site)
    site.full_clean()
    site.save()
    audit_write(actor=access.user, action=Action.CREATE, instance=site, before=None)
    policy_ensure(site=site, actor=access.user)
    return site


@transaction.atomic
def site_update(*, access: Access, site: Site, **fields) -> Site:
    """Errors: ValidationError for a change of kind once the site has children (their records
    use the site's words and rules), and for a closed site."""
    _require_admin(access)
    site = Site.objects.select_for_update().get(pk=site.pk)
    if site.is_closed:
        raise ValidationError("This site is closed: its details are kept as they were.")
    before = snapshot(site)
    if fields.get("kind", site.kind) != site.kind and Child.objects.filter(site=site).exists():
        raise ValidationError({"kind": "This site has children's records: its kind cannot change."})
    for name, value in fields.items():
        setattr(site, name, value)
    _check_name_free(site)
    site.full_clean()
    site.save()
    audit_write(actor=access.user, action=Action.UPDATE, instance=site, before=before)
    return site


# A manager of the site sets these (``site_settings_update``); the rest is the admins'.
WORKING_FIELDS = ("caseload_limit", "concern_escalate_minutes", "significant_visit_days")


@transaction.atomic
def site_settings_update(*, access: Access, site: Site, **fields) -> Site:
    """The site's working settings (``WORKING_FIELDS``), by a manager of the site (an open one)
    or an organisation admin; audited like any change of the site.

    Errors: PermissionDenied for anyone else or another field; ValidationError for a closed site
    or a value out of bounds."""
    _require(access.can_manage_site(site.pk), "Only a manager of this site can do that.")
    _require(set(fields) <= set(WORKING_FIELDS), "Only an organisation admin can change that.")
    site = Site.objects.select_for_update().get(pk=site.pk)
    if site.is_closed:
        raise ValidationError("This site is closed: its details are kept as they were.")
    before = snapshot(site)
    for name, value in fields.items():
        setattr(site, name, value)
    site.full_clean()
    site.save(update_fields=list(fields))
    audit_write(actor=access.user, action=Action.UPDATE, instance=site, before=before)
    return site


@transaction.atomic
def site_close(*, access: Access, site: Site, closed_on: datetime.date) -> Site:
    """Close a site: its records are kept and read-only (nobody manages, moderates or records
    there any more). Every child must have left by ``closed_on`` first.

    Errors: ValidationError naming how many children are still there."""
    _require_admin(access)
    site = Site.objects.select_for_update().get(pk=site.pk)
    if site.is_closed:
        return site
    staying = (
        Child.objects.filter(site=site)
        .exclude(leaving_date__isnull=False, leaving_date__lte=closed_on)
        .count()
    )
    if staying:
        word = site.child_word if staying == 1 else site.children_word
        raise ValidationError(
            {
                "closed_on": f"{staying} {word} will still be at {site.name} on that day: record "
                "their leaving dates first (their key workers' allocations end with them)."
            }
        )
    # Every child has left: any key-worker or cover allocation still open ends on the child's
    # leaving date (as a leaving date entered on the child's page does), so nobody records for them.
    for allocation in KeyWorkerAllocation.objects.filter(child__site=site).select_related("child"):
        leaving = allocation.child.leaving_date
        if allocation.ends_on is not None and allocation.ends_on <= leaving:
            continue
        before = snapshot(allocation)
        allocation.ends_on = max(leaving, allocation.starts_on + datetime.timedelta(days=1))
        allocation.end_reason = Reason.CHILD_LEFT
        allocation.save(update_fields=["ends_on", "end_reason"])
        audit_write(
            actor=access.user,
            action=Action.UPDATE,
            instance=allocation,
            before=before,
            summary="Site closed: child left",
        )
    before = snapshot(site)
    site.closed_on = closed_on
    site.save(update_fields=["closed_on"])
    audit_write(
        actor=access.user, action=Action.UPDATE, instance=site, before=before, summary="Closed"
    )
    return site


@transaction.atomic
def site_reopen(*, access: Access, site: Site) -> Site:
    _require_admin(access)
    site = Site.objects.select_for_update().get(pk=site.pk)
    before = snapshot(site)
    site.closed_on = None
    site.save(update_fields=["closed_on"])
    audit_write(
        actor=access.user, action=Action.UPDATE, instance=site, before=before, summary="Reopened"
    )
    return site


ORGANISATION_FIELDS = ("name", "idle_timeout_minutes", "school_retention_years")


@transaction.atomic
def organisation_update(*, access: Access, **fields) -> Organisation:
    """The organisation's own settings (name, idle timeout, school retention), audited."""
    _require_admin(access)
    organisation = Organisation.objects.select_for_update().get(pk=access.organisation.pk)
    before = {name: getattr(organisation, name) for name in ORGANISATION_FIELDS}
    for name, value in fields.items():
        if name not in ORGANISATION_FIELDS:
            raise ValueError(name)
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save(update_fields=list(fields))
    after = {name: getattr(organisation, name) for name in ORGANISATION_FIELDS}
    # The organisation is the tenant itself, not a row of it, so the entry is written directly
    # (tenancy.audit.audit_write reads the instance's organisation_id).
    AuditEvent.objects.create(
        organisation_id=organisation.pk,
        actor=access.user,
        action=Action.UPDATE,
        object_type=organisation._meta.label_lower,
        object_id=organisation.pk,
        object_repr=str(organisation)[:200],
        summary="Organisation settings changed",
        before=before,
        after=after,
    )
    return organisation


# ---------------------------------------------------------------- a new organisation


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organisation_create(
    *,
    name: str,
    kind: str,
    admin_email: str,
    base_url: str,
    site_name: str = "",
    site_kind: str = "",
) -> tuple[Organisation, Site | None, Sent]:
    """For whoever runs the service (``manage.py create_organisation``): the tenant, optionally
    its first site (with the default policy and, for a school, the England term calendar; every
    site added later in the app gets them too), and the first organisation admin's invitation.

    Errors: ValidationError for a name another organisation has, or a bad email or kind."""
    from django.core.validators import validate_email

    from compliance.services import policy_ensure

    name = name.strip()
    if not name:
        raise ValidationError("Give the organisation a name.")
    validate_email(admin_email)
    if kind not in Organisation.Kind.values:
        raise ValidationError(f"Kind must be one of {', '.join(Organisation.Kind.values)}.")
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ValidationError(f"An organisation called “{name}” exists already.")
    organisation = Organisation(name=name, kind=kind, slug=_unique_slug(name))
    organisation.full_clean()
    organisation.save()
    site = None
    with organisation_scope(organisation.pk):
        if site_name:
            site = Site(organisation=organisation, name=site_name.strip(), kind=site_kind)
            site.full_clean()
            site.save()
            audit_write(actor=None, action=Action.CREATE, instance=site, before=None)
            policy_ensure(site=site)
        sent = invitation_create(
            access=None,
            organisation=organisation,
            email=admin_email,
            first_name="",
            last_name="",
            grants=[(None, Role.ORG_ADMIN)],
            base_url=base_url,
        )
    return organisation, site, sent
