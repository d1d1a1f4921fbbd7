"""Escalation after incidents: a high-level incident in a home alerts its managers at once, and a
manager may mark it significant (the next statutory visit brought forward, a professionals
meeting, the social worker's notification logged as a contact)."""

import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tenancy.access import Access, require_manager
from tenancy.audit import Action, audit_write
from tenancy.timeutils import site_today

from .items import create_action
from .models import Escalation, Kind, Source
from .notices import manager_ids, notify


def on_slip_recorded(slip_id: int) -> None:
    """A high-level incident in a children's home alerts the home's managers the same day (a
    school's same-day call rules are the contacts app's)."""
    from behaviour.models import Kind as SlipKind
    from behaviour.models import Slip

    slip = Slip.objects.select_related("child", "site").filter(pk=slip_id).first()
    if slip is None or slip.kind != SlipKind.HIGH or slip.site.is_school:
        return
    when = slip.occurred_at.astimezone(ZoneInfo(slip.site.time_zone))
    notify(
        user_ids=manager_ids(slip.site_id),
        site_id=slip.site_id,
        organisation_id=slip.organisation_id,
        key=f"incident:{slip.pk}",
        message=f"High-level incident: {slip.child.display_name}, {when:%d %b %Y %H:%M}. "
        "Read it and decide whether it is significant.",
        url=reverse("behaviour:slip_detail", args=[slip.pk]),
    )


@transaction.atomic
def incident_mark_significant(
    *,
    access: Access,
    slip,
    visit_within_days: int | None = None,
    meeting_needed: bool,
    notified_how: str,
    notification: str,
    meeting_due_on: datetime.date | None = None,
) -> Escalation:
    """A manager marks a home's incident significant (home guide): the next statutory visit is
    asked for within ``visit_within_days`` (0: as soon as possible, today; ``None``: the home's
    setting ``Site.significant_visit_days``, default 0), a professionals
    meeting becomes an action when needed, and the social worker's notification is logged as a
    professional contact. Once per incident."""
    from behaviour.models import Kind as SlipKind
    from contacts.models import Contact
    from contacts.services import contact_record, visit_bring_forward

    require_manager(access, slip.site_id)
    child = slip.child
    if child.site.is_school:
        raise ValidationError("Significant incidents are escalated in children's homes.")
    if slip.kind != SlipKind.HIGH:
        raise ValidationError("Only a high-level incident can be marked significant.")
    if Escalation.objects.filter(slip=slip).exists():
        raise ValidationError("This incident is already marked significant.")
    if visit_within_days is None:
        visit_within_days = child.site.significant_visit_days
    errors = {}
    if not 0 <= visit_within_days <= 42:
        errors["visit_within_days"] = "Give a number of days from 0 (as soon as possible) to 42."
    if not notification.strip():
        errors["notification"] = "Say how the social worker was told and what was said."
    if errors:
        raise ValidationError(errors)
    today = site_today(child.site)
    visit_due = today + datetime.timedelta(days=visit_within_days)
    visit_bring_forward(
        actor=access.user,
        child=child,
        due_on=visit_due,
        reason=f"Significant incident on {slip.occurred_at:%d %b %Y}",
    )
    contact = contact_record(
        access=access,
        child=child,
        kind=Contact.Kind.PROFESSIONAL,
        professional_role=Contact.ProfessionalRole.SOCIAL_WORKER,
        method=notified_how,
        occurred_at=timezone.now(),
        with_whom="Social worker",
        summary=notification.strip(),
        purpose=Contact.Purpose.GENERAL,
        confirmed=("confirm_duplicate", "confirm_names", "confirm_restriction"),
    )
    meeting = None
    if meeting_needed:
        meeting = create_action(
            actor=access.user,
            child=child,
            kind=Kind.MEETING,
            title=f"Arrange a professionals meeting about {child.first_name}'s incident",
            details=slip.what_happened,
            owner=access.user,
            due_on=meeting_due_on or today + datetime.timedelta(days=7),
            source=Source.SLIP,
            source_id=slip.pk,
            created_by=access.user,
        )
    escalation = Escalation.objects.create(
        organisation_id=slip.organisation_id,
        slip=slip,
        child=child,
        marked_by=access.user,
        visit_due_on=visit_due,
        meeting_needed=meeting_needed,
        meeting_action=meeting,
        notification_contact_id=contact.pk,
    )
    audit_write(
        actor=access.user,
        action=Action.CREATE,
        instance=escalation,
        before=None,
        summary="Incident marked significant",
    )
    return escalation
