"""Every write about actions, notices and escalations. Keyword-only arguments, one transaction
each, one audit entry per changed record. The hook handlers (``on_*``) run after the publishing
record commits (``tenancy.hooks``), look the record up by id and are idempotent."""

import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from compliance.selectors import next_session_due
from people.models import Child
from tenancy.access import Access, require_manager
from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import parse_version, save_if_unchanged
from tenancy.models import Membership, Role
from tenancy.timeutils import site_today

from .models import ActionItem, Escalation, Kind, Notice, Source, State


def manager_ids(site_id: int) -> list[int]:
    """The managers of a site (one query)."""
    return list(
        Membership.objects.filter(site_id=site_id, role=Role.MANAGER, is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


def can_close(access: Access, action: ActionItem) -> bool:
    """The owner, or a manager of the site (any manager when it is for the managers)."""
    return action.owner_id == access.user.pk or access.can_manage_site(action.site_id)


# ---- notices ----------------------------------------------------------------------------------


def notify(
    *, user_ids, site_id: int, organisation_id: int, key: str, message: str, url: str
) -> int:
    """Alert each of ``user_ids`` once per ``key`` (a rerun is a no-op). Returns how many were new.
    ``message`` is at most 300 characters and never holds a safeguarding concern's text."""
    rows = [
        Notice(
            organisation_id=organisation_id,
            user_id=user_id,
            site_id=site_id,
            key=key[:100],
            message=message[:300],
            url=url[:300],
        )
        for user_id in sorted(set(user_ids))
    ]
    if not rows:
        return 0
    before = Notice.objects.filter(key=key[:100]).count()
    Notice.objects.bulk_create(rows, ignore_conflicts=True)
    return Notice.objects.filter(key=key[:100]).count() - before


def notices_mark_read(*, user, ids=None) -> int:
    """Acknowledge this person's unread alerts (all, or those in ``ids``). Returns how many."""
    qs = Notice.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def notice_dismiss(*, user, notice_id: int) -> int:
    """Take one of this person's alerts off their list (it counts as read). Someone else's alert,
    or one already dismissed, is left alone: returns 0."""
    now = timezone.now()
    notice = Notice.objects.filter(user=user, pk=notice_id, dismissed_at__isnull=True).first()
    if notice is None:
        return 0
    notice.dismissed_at, notice.read_at = now, notice.read_at or now
    notice.save(update_fields=["dismissed_at", "read_at"])
    return 1


# ---- actions ----------------------------------------------------------------------------------


def _create(*, actor, child: Child, audit_summary: str = "", **fields) -> ActionItem | None:
    """Create one action (audited). An automatic action already made for the same record, kind and
    agency is not made again (the constraint), and ``None`` is returned."""
    try:
        with transaction.atomic():
            action = ActionItem.objects.create(
                organisation_id=child.organisation_id, site_id=child.site_id, child=child, **fields
            )
    except IntegrityError:
        if fields.get("automatic"):
            return None
        raise
    audit_write(
        actor=actor, action=Action.CREATE, instance=action, before=None, summary=audit_summary
    )
    return action


def _notify_managers(action: ActionItem) -> None:
    child = action.child
    notify(
        user_ids=manager_ids(action.site_id),
        site_id=action.site_id,
        organisation_id=action.organisation_id,
        key=f"action:{action.pk}",
        message=f"For the manager: {child.display_name} – {action.title}",
        url=reverse("actions:action_detail", args=[action.pk]),
    )


def _validate(*, child: Child, kind: str, title: str, due_on, owner, agency: str) -> None:
    errors = {}
    if kind not in Kind.values:
        errors["kind"] = "Choose what kind of action this is."
    if not title.strip():
        errors["title"] = "Say what needs to be done."
    if due_on is None:
        errors["due_on"] = "Give the date it is due by."
    if kind == Kind.REFERRAL and not agency.strip():
        errors["agency"] = "Name the agency the referral is to (for example MOSAIC or CAMHS)."
    if (
        owner is not None
        and not Membership.objects.filter(
            user=owner, site_id=child.site_id, is_active=True
        ).exists()
    ):
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
    _validate(child=child, kind=kind, title=title, due_on=due_on, owner=owner, agency=agency)
    action = _create(
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
        transaction.on_commit(lambda: _notify_managers(action))
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


# ---- from records (hook handlers) -------------------------------------------------------------


def _routed_title(kind: str, child: Child, school: bool) -> str:
    name = child.first_name
    if kind == Kind.MANAGER:
        return f"Make the manager aware (raised in {name}'s key-work session)"
    if kind == Kind.SOCIAL_WORKER:
        if school:
            return f"Tell {name}'s social worker: log the contact"
        return f"Tell {name}'s social worker (in the next weekly update)"
    if school:
        return f"Call {name}'s parents or carers"
    return f"Family contact: make {name}'s family aware"


def actions_from_session(*, session_id: int) -> list[ActionItem]:
    """The actions a submitted key-work record asks for, from what the key worker chose: the
    follow-up (owner: the author; due by the next session), one action for each person the
    matters are for (``matters_for``, routed by kind, see ``Kind``), and the referral named in
    ``referral_agency`` (with the date it was made, if given). Nothing is guessed from the words.
    Idempotent: a second submission (a correction) adds nothing twice."""
    from sessions_app.models import KeyWorkSession, MattersFor

    session = (
        KeyWorkSession.objects.select_related("child__site", "author").filter(pk=session_id).first()
    )
    if session is None or not session.counts:
        return []
    child, site = session.child, session.child.site
    due = next_session_due(site, session.date)
    today = site_today(site)
    common = dict(
        source=Source.SESSION,
        source_id=session.pk,
        automatic=True,
        created_by=session.author,
        actor=session.author,
        child=child,
    )
    made = []
    if session.follow_up.strip():
        made.append(
            _create(
                kind=Kind.FOLLOW_UP,
                title=session.follow_up.strip()[:300],
                details=session.follow_up.strip(),
                owner=session.author,
                due_on=due,
                audit_summary="From the key-work record's follow-up",
                **common,
            )
        )
    matters = session.matters.strip()
    chosen = set(session.matters_for or []) if matters else set()
    routes = [
        (MattersFor.MANAGER, Kind.MANAGER),
        (MattersFor.SOCIAL_WORKER, Kind.SOCIAL_WORKER),
        (MattersFor.PARENTS, Kind.PARENTS),
    ]
    for choice, kind in routes:
        if choice not in chosen:
            continue
        owner = None if kind == Kind.MANAGER else session.author
        kind_due = today if (kind == Kind.PARENTS and site.is_school) else due
        made.append(
            _create(
                kind=kind,
                title=_routed_title(kind, child, site.is_school),
                details=matters,
                owner=owner,
                due_on=max(kind_due, today),
                audit_summary="From the key-work record's matters for others",
                **common,
            )
        )
    agency = session.referral_agency.strip()
    if agency:
        made.append(
            _create(
                kind=Kind.REFERRAL,
                title=f"{agency} referral"[:300],
                details=f"Referral to {agency} from the key-work session of "
                f"{session.date:%d %B %Y}"
                + (
                    f", made on {session.referral_made_on:%d %B %Y}."
                    if session.referral_made_on
                    else ", to be made."
                ),
                agency=agency[:100],
                made_on=session.referral_made_on,
                owner=session.author,
                due_on=due,
                audit_summary="The referral the key-work record names",
                **common,
            )
        )
    made = [a for a in made if a is not None]
    for action in made:
        if action.kind == Kind.MANAGER:
            _notify_managers(action)
    return made


def on_session_submitted(session_id: int) -> None:
    with transaction.atomic():
        actions_from_session(session_id=session_id)


def on_contact_recorded(contact_id: int) -> None:
    """A contact's "follow-up" becomes the recorder's action, due by its "follow up by" date or
    the next session."""
    from contacts.models import Contact

    contact = Contact.objects.select_related("child__site", "recorded_by").filter(pk=contact_id)
    contact = contact.first()
    if contact is None or not contact.follow_up.strip():
        return
    site = contact.child.site
    with transaction.atomic():
        _create(
            actor=contact.recorded_by,
            child=contact.child,
            kind=Kind.FOLLOW_UP,
            title=contact.follow_up.strip()[:300],
            details=contact.follow_up.strip(),
            owner=contact.recorded_by,
            due_on=contact.follow_up_by or next_session_due(site, site_today(site)),
            source=Source.CONTACT,
            source_id=contact.pk,
            automatic=True,
            created_by=contact.recorded_by,
            audit_summary="From the contact's follow-up",
        )


def actions_from_plan_review(*, version_id: int) -> list[ActionItem]:
    """A published review's follow-ups (the Monthly Review's or the IEP's *Follow-ups agreed at
    this review*) become actions for the version's author, due by each row's date or by the next
    key-work session. Each row is made once, by its stable ``ref`` within the plan, so a later
    version that still carries it adds nothing."""
    from plans.models import PlanVersion
    from plans.sections import REVIEW_PLANS

    version = (
        PlanVersion.objects.select_related("plan", "child__site", "author")
        .filter(pk=version_id)
        .first()
    )
    if version is None or version.plan.plan_type not in REVIEW_PLANS:
        return []
    child, site = version.child, version.child.site
    today = site_today(site)
    default_due = next_session_due(site, today)
    label = version.plan.get_plan_type_display()
    made = []
    for row in ((version.content or {}).get("follow_ups") or {}).get("items") or []:
        what = (row.get("what") or "").strip()
        if not what:
            continue
        try:
            due = datetime.date.fromisoformat(row.get("by_when") or "")
        except ValueError:
            due = default_due
        made.append(
            _create(
                actor=version.author,
                child=child,
                kind=Kind.FOLLOW_UP,
                title=what[:300],
                details=f"Agreed at the {label} (version {version.number}, "
                f"{version.plan_date:%d %B %Y}).",
                owner=version.author,
                due_on=max(due, today),
                source=Source.PLAN,
                source_id=version.plan_id,
                source_ref=str(row.get("ref") or "")[:16],
                automatic=True,
                created_by=version.author,
                audit_summary=f"From the {label}'s follow-ups",
            )
        )
    return [a for a in made if a is not None]


def on_plan_published(version_id: int) -> None:
    with transaction.atomic():
        actions_from_plan_review(version_id=version_id)


def weekly_update_lines(*, child_id: int, sunday: datetime.date) -> list[str]:
    """Open matters for the social worker raised by the child's records up to ``sunday`` (the
    pre-filled text of the weekly update, homes). One query."""
    rows = ActionItem.objects.filter(
        child_id=child_id, kind=Kind.SOCIAL_WORKER, state=State.OPEN, created_at__date__lte=sunday
    ).order_by("created_at", "pk")
    return [f"{a.created_at:%A} {a.created_at.day} {a.created_at:%B}: {a.details}" for a in rows]


def on_weekly_update_sent(update_id: int) -> None:
    """The update carries the open matters for the social worker: they are done."""
    from contacts.models import WeeklyUpdate

    update = WeeklyUpdate.objects.select_related("author").filter(pk=update_id).first()
    if update is None:
        return
    sunday = update.week_start + datetime.timedelta(days=6)
    with transaction.atomic():
        for action in ActionItem.objects.select_for_update().filter(
            child_id=update.child_id,
            kind=Kind.SOCIAL_WORKER,
            state=State.OPEN,
            created_at__date__lte=sunday,
        ):
            before = snapshot(action)
            action.state = State.DONE
            action.closed_note = (
                f"Included in the weekly update to {update.to_name or 'the social worker'} "
                f"for the week of {update.week_start:%d %B %Y}."
            )
            action.closed_by = update.author
            action.closed_at = timezone.now()
            action.save(update_fields=["state", "closed_note", "closed_by", "closed_at", "version"])
            audit_write(actor=update.author, action=Action.UPDATE, instance=action, before=before)


# ---- incidents --------------------------------------------------------------------------------


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
        meeting = _create(
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
