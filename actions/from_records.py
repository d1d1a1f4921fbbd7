"""Hook handlers: what a record asks for becomes actions once it commits (``tenancy.hooks``). Each
looks its record up by id and is idempotent (the ``action_once_per_record_kind`` constraint):
a submitted key-work session, a contact's follow-up, a published plan review's follow-ups, and
the weekly update (its pre-filled lines, and closing what it carried)."""

import datetime

from django.db import transaction
from django.utils import timezone

from compliance.selectors import next_session_due
from people.models import Child
from tenancy.audit import Action, audit_write, snapshot
from tenancy.timeutils import site_today

from .items import create_action, notify_managers
from .models import ActionItem, Kind, Source, State


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
            create_action(
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
            create_action(
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
            create_action(
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
            notify_managers(action)
    return made


def on_session_submitted(session_id: int) -> None:
    with transaction.atomic():
        actions_from_session(session_id=session_id)


def on_session_corrected(session_id: int) -> None:
    """A corrected record asks for what it now names (``actions_from_session``: once each), and
    a referral it now says was made (on a date the record gives) shows as made on the action the
    record raised, when that action has no date yet. Audited."""
    from sessions_app.models import KeyWorkSession

    with transaction.atomic():
        actions_from_session(session_id=session_id)
        session = KeyWorkSession.objects.select_related("author").filter(pk=session_id).first()
        if session is None or not session.referral_made_on:
            return
        for action in ActionItem.objects.select_for_update().filter(
            source=Source.SESSION,
            source_id=session_id,
            kind=Kind.REFERRAL,
            agency=session.referral_agency.strip()[:100],
            made_on__isnull=True,
        ):
            before = snapshot(action)
            action.made_on = session.referral_made_on
            action.version += 1
            action.save(update_fields=["made_on", "version"])
            audit_write(
                actor=session.author,
                action=Action.UPDATE,
                instance=action,
                before=before,
                summary="The corrected key-work record says the referral was made",
            )


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
        create_action(
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
            create_action(
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
