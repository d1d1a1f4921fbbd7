"""Every write about actions, notices and escalations. Keyword-only arguments, one transaction
each, one audit entry per changed record. The hook handlers (``on_*``) run after the publishing
record commits (``tenancy.hooks``), look the record up by id and are idempotent."""

import datetime
import re
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from compliance.selectors import next_session_due
from people.models import Child
from tenancy import badges
from tenancy.access import Access, require_manager
from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import save_if_unchanged
from tenancy.context import require_organisation_id
from tenancy.models import Membership, Role
from tenancy.timeutils import site_today

from .models import ActionItem, Escalation, Kind, Notice, Source, State

# Who a "matters for the manager, social worker or parents" text names (guide's session record).
AUDIENCES = {
    Kind.MANAGER: re.compile(r"\b(?:registered |deputy )?managers?\b", re.I),
    Kind.SOCIAL_WORKER: re.compile(r"\bsocial[- ]workers?\b", re.I),
    Kind.PARENTS: re.compile(r"\b(?:parents?|carers?|family|mum|dad|mother|father)\b", re.I),
}
# Agencies a follow-up may name as a referral (substance misuse, mental health, early help …).
AGENCIES = [
    ("MOSAIC", re.compile(r"\bmosaic\b", re.I)),
    ("CAMHS", re.compile(r"\bcamhs\b", re.I)),
    ("Early help", re.compile(r"\bearly help\b", re.I)),
    ("Youth justice service", re.compile(r"\b(?:yot|yjs|youth justice|youth offending)\b", re.I)),
    ("School nurse", re.compile(r"\bschool nurse\b", re.I)),
]
SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def _sentence_naming(text: str, pattern: re.Pattern) -> str:
    for sentence in SENTENCE.findall(text):
        if pattern.search(sentence):
            return sentence.strip()
    return text.strip()


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
    badges.forget("notices", organisation_id=organisation_id, user_ids=[r.user_id for r in rows])
    return Notice.objects.filter(key=key[:100]).count() - before


def notices_mark_read(*, user, ids=None) -> int:
    qs = Notice.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    badges.forget("notices", organisation_id=require_organisation_id(), user_ids=[user.pk])
    return qs.update(read_at=timezone.now())


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
    """The actions a submitted key-work record asks for, from its text: the key worker's follow-up
    (owner: the author; due by the next session), each of the manager, the social worker and the
    parents its "matters" names (routed by kind, see ``Kind``), and a referral for each agency
    either field names. Idempotent: a second submission (a correction) adds nothing twice."""
    from sessions_app.models import KeyWorkSession

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
    for kind, pattern in AUDIENCES.items():
        if not pattern.search(matters):
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
    text = f"{session.follow_up}\n{session.matters}"
    for agency, pattern in AGENCIES:
        if pattern.search(text):
            made.append(
                _create(
                    kind=Kind.REFERRAL,
                    title=f"{agency} referral",
                    details=_sentence_naming(text, pattern),
                    agency=agency,
                    owner=session.author,
                    due_on=due,
                    audit_summary="A referral the key-work record names",
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
    visit_within_days: int,
    meeting_needed: bool,
    notified_how: str,
    notification: str,
    meeting_due_on: datetime.date | None = None,
) -> Escalation:
    """A manager marks a home's incident significant (home guide): the next statutory visit is
    asked for within ``visit_within_days`` (0: as soon as possible, today), a professionals
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
    errors = {}
    if visit_within_days is None or not 0 <= visit_within_days <= 42:
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
