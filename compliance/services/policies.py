"""Policies and the term calendar: the site's policy (made from the defaults for its kind, then
edited), its region, and its holidays and closure days; each change recomputes the site's children."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from people.models import Child
from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import save_if_unchanged
from tenancy.hooks import CHILDREN_CHANGED, publish
from tenancy.models import Site

from .. import calendar
from ..models import (
    Holiday,
    Policy,
)

# ---------------------------------------------------------------- policies and the term calendar


@transaction.atomic
def policy_ensure(*, site: Site, actor=None) -> Policy:
    """The site's policy, created with the DOMAIN.md defaults (and, for a school, the England
    term calendar) the first time it is needed."""
    policy = Policy.objects.filter(site=site).first()
    if policy is not None:
        return policy
    policy = Policy.objects.create(
        organisation_id=site.organisation_id, site=site, **Policy.defaults_for(site)
    )
    if site.is_school and not Holiday.objects.filter(site=site).exists():
        calendar_reset_default(site=site, actor=actor)
    return policy


@transaction.atomic
def policy_update(
    *,
    actor,
    policy: Policy,
    version: int | None,
    fields: list[str],
    caseload_limit: int | None = None,
) -> Policy:
    """Save the edited ``fields`` of ``policy`` (already validated by the form) if nobody else has
    saved it since ``version``; raises ``EditConflict`` otherwise. The site's caseload limit is
    kept on the site (one number, which the staff page checks). Every child of the site is
    recomputed once the change commits."""
    before = snapshot(Policy.objects.get(pk=policy.pk))
    policy.full_clean()
    save_if_unchanged(policy, version, fields)
    audit_write(actor=actor, action=Action.UPDATE, instance=policy, before=before)
    site = policy.site
    if caseload_limit is not None and caseload_limit != site.caseload_limit:
        site_before = snapshot(site)
        site.caseload_limit = caseload_limit
        site.save(update_fields=["caseload_limit"])
        audit_write(
            actor=actor,
            action=Action.UPDATE,
            instance=site,
            before=site_before,
            summary=f"Caseload limit set to {caseload_limit}",
        )
    refresh_on_commit(Child.objects.filter(site=site).values_list("pk", flat=True))
    return policy


def _overlapping(site: Site, first: datetime.date, last: datetime.date, exclude=None):
    found = Holiday.objects.filter(site=site, starts_on__lte=last, ends_on__gte=first)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.order_by("starts_on").first()


def _refuse_overlap(site: Site, first, last, exclude=None) -> None:
    other = _overlapping(site, first, last, exclude)
    if other is not None:
        raise ValidationError(
            {
                "starts_on": f"These dates overlap {other.name} ({other.starts_on:%-d %b %Y} – "
                f"{other.ends_on:%-d %b %Y}): edit that entry instead, or choose other days."
            }
        )


def _calendar_changed(site: Site) -> None:
    """Due dates depend on the calendar: recompute the site's children once this commits."""
    refresh_on_commit(Child.objects.filter(site=site).values_list("pk", flat=True))


@transaction.atomic
def calendar_reset_default(*, site: Site, actor=None) -> int:
    """Add the default England holidays that overlap nothing the site already has."""
    created = 0
    for name, kind, first, last in calendar.england_default():
        if _overlapping(site, first, last) is not None:
            continue
        holiday = Holiday.objects.create(
            organisation_id=site.organisation_id,
            site=site,
            name=name,
            kind=kind,
            starts_on=first,
            ends_on=last,
        )
        audit_write(actor=actor, action=Action.CREATE, instance=holiday, before=None)
        created += 1
    if created and actor is not None:
        _calendar_changed(site)
    return created


@transaction.atomic
def site_region_set(*, actor, site: Site, region: str) -> Site:
    """Which GOV.UK bank-holiday list the site keeps (England and Wales, Scotland, Northern
    Ireland): audited, and the site's due dates are recomputed. Raises ``ValidationError`` for a
    region GOV.UK does not publish."""
    if region not in dict(Site._meta.get_field("region").choices):
        raise ValidationError({"region": "Choose England and Wales, Scotland or Northern Ireland."})
    if region == site.region:
        return site
    before = snapshot(site)
    site.region = region
    site.save(update_fields=["region"])
    audit_write(
        actor=actor,
        action=Action.UPDATE,
        instance=site,
        before=before,
        summary=f"Bank holidays: {site.get_region_display()}",
    )
    _calendar_changed(site)
    return site


@transaction.atomic
def holiday_add(
    *, actor, site: Site, name: str, kind: str, starts_on: datetime.date, ends_on: datetime.date
) -> Holiday:
    """Add a holiday or closure day. Raises ``ValidationError`` (on ``starts_on``) when it overlaps
    an entry the site already has: one day is one closure, never two."""
    _refuse_overlap(site, starts_on, ends_on)
    holiday = Holiday(
        organisation_id=site.organisation_id,
        site=site,
        name=name,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    holiday.full_clean()
    holiday.save()
    audit_write(actor=actor, action=Action.CREATE, instance=holiday, before=None)
    _calendar_changed(site)
    return holiday


@transaction.atomic
def holiday_update(
    *,
    actor,
    holiday: Holiday,
    name: str,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> Holiday:
    """Change a calendar entry (audited, the site's due dates recomputed). Raises
    ``ValidationError`` when the new dates overlap another entry."""
    holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
    _refuse_overlap(holiday.site, starts_on, ends_on, exclude=holiday)
    before = snapshot(holiday)
    holiday.name, holiday.kind = name, kind
    holiday.starts_on, holiday.ends_on = starts_on, ends_on
    holiday.full_clean()
    holiday.save()
    audit_write(actor=actor, action=Action.UPDATE, instance=holiday, before=before)
    _calendar_changed(holiday.site)
    return holiday


@transaction.atomic
def holiday_remove(*, actor, holiday: Holiday) -> None:
    """A calendar entry is not a record about a child: removing it (after the person confirmed)
    is audited and final; the site's due dates are recomputed."""
    audit_write(
        actor=actor,
        action=Action.RETRACT,
        instance=holiday,
        before=snapshot(holiday),
        summary="Removed from the term calendar",
    )
    site = holiday.site
    holiday.delete()
    _calendar_changed(site)


def refresh_on_commit(child_ids) -> None:
    """Recompute these children's obligations once the transaction commits (compliance's own
    writes, such as a policy change). Other apps publish ``tenancy.hooks.CHILDREN_CHANGED``
    instead, which runs the same handler; a failure is logged and never undoes the record."""
    publish(CHILDREN_CHANGED, child_ids=[int(pk) for pk in child_ids])
