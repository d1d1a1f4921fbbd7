"""Every write about safeguarding. Audit entries never hold a concern's text (``PRIVATE_FIELDS``
are left out of before/after), and alerts name the child and the reference only."""

import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from actions.services import manager_ids, notify
from people.models import Child
from people.selectors import staff_users
from tenancy.access import Access
from tenancy.audit import Action, audit_write, snapshot
from tenancy.models import Site
from tenancy.timeutils import site_today

from . import selectors
from .models import PRIVATE_FIELDS, Concern, Decision, Marker, SafeguardingLead, escalation_due


def _snap(concern: Concern) -> dict:
    return snapshot(concern, exclude=PRIVATE_FIELDS)


def _require_dsl(access: Access, site_id: int) -> None:
    if site_id not in selectors.dsl_site_ids(access):
        raise PermissionDenied("Only the site's designated safeguarding lead team can do that.")


# ---- the DSL team -----------------------------------------------------------------------------


def can_manage_leads(access: Access, site_id: int) -> bool:
    return access.is_org_admin or access.can_manage_site(site_id)


@transaction.atomic
def lead_add(*, access: Access, site: Site, user, is_deputy: bool) -> SafeguardingLead:
    """Add a member of the site's staff to its DSL team (managers of the site, organisation
    admins)."""
    if not can_manage_leads(access, site.pk):
        raise PermissionDenied("Only a manager of the site or an organisation admin can do that.")
    if not staff_users([site.pk]).filter(pk=user.pk).exists():
        raise ValidationError({"user": "Choose a member of staff of this site."})
    if SafeguardingLead.objects.filter(site=site, user=user).exists():
        raise ValidationError({"user": "They are already on this site's DSL team."})
    lead = SafeguardingLead.objects.create(
        organisation_id=site.organisation_id,
        site=site,
        user=user,
        is_deputy=is_deputy,
        added_by=access.user,
    )
    audit_write(actor=access.user, action=Action.CREATE, instance=lead, before=None)
    return lead


@transaction.atomic
def lead_remove(*, access: Access, lead: SafeguardingLead) -> None:
    if not can_manage_leads(access, lead.site_id):
        raise PermissionDenied("Only a manager of the site or an organisation admin can do that.")
    audit_write(
        actor=access.user,
        action=Action.RETRACT,
        instance=lead,
        before=snapshot(lead),
        summary="Removed from the DSL team",
    )
    lead.delete()  # a membership of a team, not a record about a child: the audit keeps it


# ---- concerns ---------------------------------------------------------------------------------


@transaction.atomic
def concern_raise(
    *,
    access: Access,
    child: Child,
    what: str,
    happened_at: datetime.datetime,
    child_words: str = "",
    present: str = "",
    source: str = Concern.Source.NONE,
    source_id: int | None = None,
) -> Concern:
    """Any member of staff of the child's site raises a concern. The site's DSL team is alerted at
    once (in this transaction); a site with no DSL team alerts its managers instead, so a concern
    never reaches nobody."""
    if child.site_id not in access.visible_site_ids:
        raise PermissionDenied("You are not a member of staff of this child's site.")
    errors = {}
    if not what.strip():
        errors["what"] = "Write what you saw or heard."
    if happened_at is None:
        errors["happened_at"] = "Give the date and time."
    elif timezone.is_naive(happened_at):
        errors["happened_at"] = "A date and time in the site's time zone is needed."
    elif happened_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["happened_at"] = "The time cannot be in the future."
    if source not in Concern.Source.values:
        errors["source"] = "Unknown record."
    if errors:
        raise ValidationError(errors)
    concern = Concern.objects.create(
        organisation_id=child.organisation_id,
        site_id=child.site_id,
        child=child,
        raised_by=access.user,
        happened_at=happened_at,
        what=what.strip(),
        child_words=child_words.strip(),
        present=present.strip()[:300],
        source=source,
        source_id=source_id if source != Concern.Source.NONE else None,
    )
    audit_write(
        actor=access.user,
        action=Action.CREATE,
        instance=concern,
        before=None,
        after=_snap(concern),
        summary="Safeguarding concern raised",
    )
    team = selectors.team_ids(child.site_id)
    if team:
        notify(
            user_ids=team,
            site_id=child.site_id,
            organisation_id=child.organisation_id,
            key=f"concern:{concern.pk}",
            message=f"Safeguarding concern {concern.reference} about {child.display_name}: read and "
            "acknowledge it now.",
            url=reverse("safeguarding:concern_detail", args=[concern.pk]),
        )
    else:  # nobody can read it yet: the managers are told to name a DSL team
        notify(
            user_ids=manager_ids(child.site_id),
            site_id=child.site_id,
            organisation_id=child.organisation_id,
            key=f"concern-no-team:{concern.pk}",
            message=f"Safeguarding concern {concern.reference} was raised at {child.site.name}, "
            "which has no DSL team: add one under Safeguarding leads now.",
            url=reverse("safeguarding:leads"),
        )
    return concern


@transaction.atomic
def concern_acknowledge(*, access: Access, concern: Concern) -> Concern:
    _require_dsl(access, concern.site_id)
    updated = Concern.objects.filter(pk=concern.pk, acknowledged_at__isnull=True).update(
        acknowledged_by=access.user, acknowledged_at=timezone.now()
    )
    if not updated:
        raise ValidationError("This concern is already acknowledged.")
    before = _snap(concern)
    concern.refresh_from_db()
    audit_write(
        actor=access.user,
        action=Action.UPDATE,
        instance=concern,
        before=before,
        after=_snap(concern),
        summary="Acknowledged by the DSL team",
    )
    return concern


@transaction.atomic
def decision_record(
    *, access: Access, concern: Concern, kind: str, rationale: str, decided_on: datetime.date
) -> Decision:
    """The DSL records a decision with its rationale, dated and signed; recording one also
    acknowledges the concern."""
    _require_dsl(access, concern.site_id)
    errors = {}
    if kind not in Decision.Kind.values:
        errors["kind"] = "Choose the decision."
    if not rationale.strip():
        errors["rationale"] = "Give the rationale for the decision."
    if decided_on is None:
        errors["decided_on"] = "Give the date of the decision."
    elif decided_on > site_today(concern.site):
        errors["decided_on"] = "The decision cannot be dated in the future."
    if errors:
        raise ValidationError(errors)
    decision = Decision.objects.create(
        organisation_id=concern.organisation_id,
        concern=concern,
        child_id=concern.child_id,
        kind=kind,
        rationale=rationale.strip(),
        decided_on=decided_on,
        signed_by=access.user,
    )
    audit_write(
        actor=access.user,
        action=Action.CREATE,
        instance=decision,
        before=None,
        # Neither the decision nor its rationale: the child's audit log is read beyond the DSL team.
        after={"concern_id": concern.pk, "decided_on": decided_on.isoformat()},
        summary="Safeguarding decision recorded",
    )
    if concern.acknowledged_at is None:
        Concern.objects.filter(pk=concern.pk, acknowledged_at__isnull=True).update(
            acknowledged_by=access.user, acknowledged_at=timezone.now()
        )
    return decision


@transaction.atomic
def marker_set(*, access: Access, child: Child, before: str) -> Marker:
    """Set (or replace) the neutral "Speak to the DSL before …" marker staff see on the child."""
    _require_dsl(access, child.site_id)
    if not before.strip():
        raise ValidationError({"before": "Say before what staff should speak to the DSL."})
    now = timezone.now()
    for old in Marker.objects.select_for_update().filter(child=child, cleared_at__isnull=True):
        old.cleared_at, old.cleared_by = now, access.user
        old.save(update_fields=["cleared_at", "cleared_by"])
        audit_write(actor=access.user, action=Action.UPDATE, instance=old, before=None)
    marker = Marker.objects.create(
        organisation_id=child.organisation_id,
        site_id=child.site_id,
        child=child,
        before=before.strip()[:200],
        set_by=access.user,
    )
    audit_write(actor=access.user, action=Action.CREATE, instance=marker, before=None)
    return marker


@transaction.atomic
def marker_clear(*, access: Access, child: Child) -> int:
    _require_dsl(access, child.site_id)
    cleared = 0
    for old in Marker.objects.select_for_update().filter(child=child, cleared_at__isnull=True):
        old.cleared_at, old.cleared_by = timezone.now(), access.user
        old.save(update_fields=["cleared_at", "cleared_by"])
        audit_write(
            actor=access.user, action=Action.UPDATE, instance=old, before=None, summary="Cleared"
        )
        cleared += 1
    return cleared


# ---- escalation -------------------------------------------------------------------------------


def escalate_unacknowledged(*, now: datetime.datetime | None = None) -> int:
    """Send each concern still unacknowledged ``Site.concern_escalate_minutes`` of the working day
    (the site's setting, default 60) after it was raised to its site's deputies and managers, once (a conditional update marks it; a
    rerun is a no-op). Runs inside one organisation's scope (the beat task). Returns how many."""
    now = now or timezone.now()
    escalated = 0
    pending = Concern.objects.select_related("site", "child").filter(
        acknowledged_at__isnull=True, escalated_at__isnull=True, raised_at__lte=now
    )
    for concern in pending:
        due = escalation_due(
            concern.raised_at,
            time_zone=concern.site.time_zone,
            minutes=concern.site.concern_escalate_minutes,
        )
        if now < due:
            continue
        with transaction.atomic():
            flipped = Concern.objects.filter(
                pk=concern.pk, acknowledged_at__isnull=True, escalated_at__isnull=True
            ).update(escalated_at=now)
            if not flipped:
                continue
            when = concern.raised_at.astimezone(ZoneInfo(concern.site.time_zone))
            notify(
                user_ids=selectors.team_ids(concern.site_id, deputies_only=True),
                site_id=concern.site_id,
                organisation_id=concern.organisation_id,
                key=f"concern-escalated:{concern.pk}",
                message=f"Not yet acknowledged: safeguarding concern {concern.reference} about "
                f"{concern.child.display_name}, raised {when:%d %b %H:%M}.",
                url=reverse("safeguarding:concern_detail", args=[concern.pk]),
            )
            # Managers who are not on the team read the reference and times, never the text.
            notify(
                user_ids=manager_ids(concern.site_id),
                site_id=concern.site_id,
                organisation_id=concern.organisation_id,
                key=f"concern-escalated:{concern.pk}",
                message=f"Not yet acknowledged by the DSL team: safeguarding concern "
                f"{concern.reference}, raised {when:%d %b %H:%M}. Make sure the DSL picks it up.",
                url=reverse("safeguarding:index"),
            )
            audit_write(
                actor=None,
                action=Action.UPDATE,
                instance=concern,
                before=None,
                after={"escalated_at": now.isoformat()},
                summary="Unacknowledged: sent to the deputies and the managers",
            )
        escalated += 1
    return escalated
