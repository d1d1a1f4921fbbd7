"""Actions by hand and their life: add (checked), close (done with a note, cancelled with a
reason), a referral's agency, date and outcome; and ``create_action``, the one place an action
row is made (audited, once per record for automatic ones)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from people.models import Child
from people.selectors import staff_users
from tenancy.access import Access
from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import parse_version, save_if_unchanged
from tenancy.context import organisation_scope
from tenancy.timeutils import site_today

from .models import ActionItem, Kind, Source, State
from .notices import manager_ids, notify


def can_close(access: Access, action: ActionItem) -> bool:
    """The owner, or a manager of the site (any manager when it is for the managers)."""
    return action.owner_id == access.user.pk or access.can_manage_site(action.site_id)


def create_action(
    *, actor, child: Child | None, site=None, audit_summary: str = "", **fields
) -> ActionItem | None:
    """Create one action (audited) about ``child``, or about ``site`` as a whole when ``child``
    is None. An automatic action already made for the same record, kind and agency is not made
    again (the constraint), and ``None`` is returned."""
    site = child.site if child is not None else site
    try:
        with transaction.atomic():
            action = ActionItem.objects.create(
                organisation_id=site.organisation_id, site=site, child=child, **fields
            )
    except IntegrityError:
        if fields.get("automatic"):
            return None
        raise
    audit_write(
        actor=actor, action=Action.CREATE, instance=action, before=None, summary=audit_summary
    )
    return action


def notify_managers(action: ActionItem) -> None:
    """Alert the site's managers to an action for them. In the action's own organisation's scope,
    as it often runs on commit, after the request's or the command's scope has ended (the demo
    seed's regulation 44 recommendations did)."""
    with organisation_scope(action.organisation_id):
        about = action.child.display_name if action.child_id else action.site.name
        notify(
            user_ids=manager_ids(action.site_id),
            site_id=action.site_id,
            organisation_id=action.organisation_id,
            key=f"action:{action.pk}",
            message=f"For the manager: {about} – {action.title}",
            url=reverse("actions:action_detail", args=[action.pk]),
        )


def _validate(
    *, child: Child, kind: str, title: str, due_on, owner, agency: str, made_on=None
) -> None:
    errors = {}
    if made_on and made_on > site_today(child.site):  # the site's calendar day
        errors["made_on"] = "The referral cannot have been made in the future."
    if kind not in Kind.values:
        errors["kind"] = "Choose what kind of action this is."
    if not title.strip():
        errors["title"] = "Say what needs to be done."
    if due_on is None:
        errors["due_on"] = "Give the date it is due by."
    if kind == Kind.REFERRAL and not agency.strip():
        errors["agency"] = "Name the agency the referral is to (for example MOSAIC or CAMHS)."
    if owner is not None and not staff_users([child.site_id]).filter(pk=owner.pk).exists():
        errors["owner"] = "Choose a member of staff of the child's site."
    if kind != Kind.MANAGER and owner is None:
        errors["owner"] = "Choose who will do it."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def action_add(
    *,
    access: Access,
    child: Child,
    kind: str,
    title: str,
    due_on: datetime.date | None,
    owner=None,
    details: str = "",
    agency: str = "",
    made_on: datetime.date | None = None,
    source: str = Source.MANUAL,
    source_id: int | None = None,
) -> ActionItem:
    """Add an action about ``child`` by hand (any member of staff of the child's site). A matter for
    the manager has no owner and alerts the site's managers."""
    if child.site_id not in access.visible_site_ids:
        raise PermissionDenied("You are not a member of staff of this child's site.")
    if kind == Kind.MANAGER:
        owner = None
    _validate(
        child=child,
        kind=kind,
        title=title,
        due_on=due_on,
        owner=owner,
        agency=agency,
        made_on=made_on,
    )
    action = create_action(
        actor=access.user,
        child=child,
        kind=kind,
        title=title.strip()[:300],
        details=details.strip(),
        owner=owner,
        due_on=due_on,
        agency=agency.strip()[:100],
        made_on=made_on,
        source=source,
        source_id=source_id,
        created_by=access.user,
    )
    if kind == Kind.MANAGER:
        transaction.on_commit(lambda: notify_managers(action))
    return action


@transaction.atomic
def site_action_raise(
    *,
    actor,
    site,
    title: str,
    details: str = "",
    due_on: datetime.date,
    source: str,
    source_id: int,
) -> ActionItem | None:
    """An action for the managers of ``site`` about the site as a whole (no child), raised by a
    record of a higher app (``source``/``source_id``: a regulation 44 recommendation). The caller
    has checked the actor may raise it. Made once per record (a second call returns None); the
    site's managers are alerted. The managers close it with a note (``action_close``)."""
    if source not in Source.values or source in (Source.MANUAL,):
        raise ValueError(f"Not a record source: {source!r}")
    if not title.strip():
        raise ValidationError({"title": "Say what needs to be done."})
    action = create_action(
        actor=actor,
        child=None,
        site=site,
        kind=Kind.MANAGER,
        title=title.strip()[:300],
        details=details.strip(),
        due_on=due_on,
        source=source,
        source_id=source_id,
        automatic=True,
        created_by=actor,
    )
    if action is not None:
        transaction.on_commit(lambda: notify_managers(action))
    return action


@transaction.atomic
def action_close(
    *, access: Access, action: ActionItem, state: str, note: str, version: int | None
) -> ActionItem:
    """Mark an open action done (with a note) or cancelled (with a reason)."""
    if not can_close(access, action):
        raise PermissionDenied("Only the person it is for, or a manager of the site, can close it.")
    if not action.is_open:
        raise ValidationError(f"This action is already {action.get_state_display().lower()}.")
    if state not in (State.DONE, State.CANCELLED):
        raise ValidationError({"state": "Choose done or cancelled."})
    if not note.strip():
        word = "a note of what was done" if state == State.DONE else "the reason"
        raise ValidationError({"note": f"Give {word}."})
    parse_version(version)  # a missing version is refused before anything changes
    before = snapshot(action)
    action.state = state
    action.closed_note = note.strip()
    action.closed_by = access.user
    action.closed_at = timezone.now()
    save_if_unchanged(action, version, ["state", "closed_note", "closed_by", "closed_at"])
    audit_write(
        actor=access.user,
        action=Action.UPDATE,
        instance=action,
        before=before,
        summary=f"{action.get_state_display()}: {action.closed_note}"[:300],
    )
    return action


@transaction.atomic
def referral_update(
    *,
    access: Access,
    action: ActionItem,
    agency: str,
    made_on: datetime.date | None,
    outcome: str,
    version: int | None,
) -> ActionItem:
    """Record the agency, the date a referral was made and its outcome."""
    if not can_close(access, action):
        raise PermissionDenied(
            "Only the person it is for, or a manager of the site, can change it."
        )
    if action.kind != Kind.REFERRAL:
        raise ValidationError("Only a referral has an agency and an outcome.")
    errors = {}
    if not agency.strip():
        errors["agency"] = "Name the agency."
    if made_on and made_on > site_today(action.site):
        errors["made_on"] = "The referral cannot have been made in the future."
    if outcome.strip() and not made_on:
        errors["made_on"] = "Give the date the referral was made before its outcome."
    if errors:
        raise ValidationError(errors)
    before = snapshot(action)
    action.agency, action.made_on, action.outcome = agency.strip()[:100], made_on, outcome.strip()
    save_if_unchanged(action, version, ["agency", "made_on", "outcome"])
    audit_write(actor=access.user, action=Action.UPDATE, instance=action, before=before)
    return action
