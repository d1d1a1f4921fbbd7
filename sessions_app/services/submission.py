"""Submitting a record (its checks, targets and reviews, the plan tasks it opens) and the manager's
sign-off or return."""

import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tenancy.access import Access, require_manager
from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import save_if_unchanged
from tenancy.hooks import CHILDREN_CHANGED, publish
from tenancy.timeutils import site_today

from ..models import (
    KeyWorkSession,
    Target,
    TargetReview,
)
from ..quality_link import check_session
from ..selectors import can_record_for
from ..since_last import since_last_summary
from .drafts import (
    SCHOOL_INTERVAL_DAYS,
    SCHOOL_MAX_TARGETS,
    Status,
    _json_reviews,
    _json_targets,
    _require_author,
    _require_editable,
    _set_topics,
    _version_for_tab,
    assign_content,
)

# -- Validation shared by submit and correct ----------------------------------------------------


def _record_errors(session: KeyWorkSession, *, topic_count: int, check_targets: bool) -> dict:
    """Every problem that stops the record being submitted, by field (all at once, so the person
    fixes them in one go). A declined session is an attempt: it needs only the date, what
    happened and what was offered (and any targets typed must be complete)."""
    child = session.child
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    today = site_today(child.site)
    if session.date is None:
        add("date", "Give the date of the session.")
    else:
        if session.date > today:
            add("date", "The date is in the future: record a session after it has happened.")
        if session.date < child.start_date:
            add("date", f"{child.display_name} started on {child.start_date:%d %B %Y}.")
    if session.date == today:
        now = timezone.localtime(timezone=ZoneInfo(child.site.time_zone)).time()
        now = now.replace(second=0, microsecond=0)
        for name, label in (("start_time", "start"), ("end_time", "end")):
            value = getattr(session, name)
            if value and value > now:
                add(
                    name,
                    f"The {label} time {value:%H:%M} is later than now ({now:%H:%M}): record a "
                    "session after it has happened.",
                )
    if session.start_time and session.end_time and session.end_time <= session.start_time:
        add("end_time", "The session must end after it starts.")
    if not session.engagement:
        add(
            "engagement",
            f"Say how {child.display_name} engaged (a declined session is logged as an attempt).",
        )
    if session.is_declined:
        if not session.account.strip():
            add("account", f"Say what happened when {child.first_name} declined.")
        if not session.offered.strip():
            add("offered", f"Say what {child.first_name} was offered.")
    else:
        if not session.start_time:
            add("start_time", "Give the start time.")
        if not session.end_time:
            add("end_time", "Give the end time.")
        if not session.initiated_by:
            add("initiated_by", "Say who initiated the session.")
        if topic_count == 0:
            add("topics", "Choose at least one topic.")
        if not session.account.strip():
            add("account", "Write a factual, chronological account of what happened.")
        if child.site.is_school:
            if not session.focus:
                add("focus", "Choose the focus of the session.")
        else:
            if not session.quality_standards:
                add("quality_standards", "Choose at least one Quality Standard.")
            if session.placement_plan_update is None:
                add("placement_plan_update", "Say whether the Placement Plan needs updating.")
            elif session.placement_plan_update and not session.placement_plan_areas.strip():
                add("placement_plan_areas", "Say which areas of the Placement Plan need updating.")
            if session.behaviour_plan_update is None:
                add(
                    "behaviour_plan_update",
                    "Say whether the Behaviour Management Plan / Risk Assessment needs updating.",
                )
            elif session.behaviour_plan_update and not session.behaviour_plan_details.strip():
                add("behaviour_plan_details", "Say what needs updating.")
    for field, message in session.routing_errors(today).items():
        add(field, message)  # matters and referral: routed by actions once submitted
    if check_targets:
        targets = session.planned_targets or []
        if child.site.is_school and len(targets) > SCHOOL_MAX_TARGETS:
            add(
                "targets",
                f"A school session sets at most {SCHOOL_MAX_TARGETS} targets; "
                f"this one has {len(targets)}.",
            )
        allowed = Target.SCHOOL_AREAS if child.site.is_school else Target.HOME_AREAS
        for n, t in enumerate(targets, start=1):
            if not t.get("due_on"):
                add("targets", f"Target {n}: give the date it is due by.")
            if t.get("area") not in allowed:
                add("targets", f"Target {n}: choose its area.")
    return errors


def _check_record(session: KeyWorkSession, *, topic_count: int, check_targets: bool) -> None:
    errors = _record_errors(session, topic_count=topic_count, check_targets=check_targets)
    if errors:
        raise ValidationError(errors)


def reviewable_targets(session: KeyWorkSession) -> list[Target]:
    """The child's open targets this session reviews (the editor shows one review row each)."""
    return list(
        Target.objects.filter(child=session.child, set_in__status__in=KeyWorkSession.COUNTED)
        .filter(Q(closed_in__isnull=True) | Q(closed_in=session))
        .exclude(set_in=session)
        .order_by("due_on", "pk")
    )


def _review_errors(session: KeyWorkSession, targets: list[Target]) -> dict:
    """Open targets due by the session's date need an outcome; one set two days ago and due next
    week may be reviewed but need not be. A declined attempt reviews nothing."""
    if session.is_declined:
        return {}
    reviews = session.planned_reviews or {}
    missing = [
        t
        for t in targets
        if session.date
        and t.due_on <= session.date
        and not reviews.get(str(t.pk), {}).get("outcome")
    ]
    if missing:
        return {
            "reviews": [
                "Review every target due by the session date (achieved, partly, not achieved or "
                f"carried forward): {len(missing)} still without an outcome."
            ]
        }
    return {}


def _apply_targets(session: KeyWorkSession, targets: list[Target]) -> None:
    """Make the targets and reviews typed into the record real rows (again, on re-submission)."""
    org_id = session.organisation_id
    existing = list(session.targets.order_by("pk"))
    planned = session.planned_targets or []
    for n, t in enumerate(planned):
        values = {
            "what": t["what"],
            "measure": t.get("measure", ""),
            "due_on": datetime.date.fromisoformat(t["due_on"]),
            "area": t["area"],
        }
        if n < len(existing):
            row = existing[n]
            for k, v in values.items():
                setattr(row, k, v)
            row.save()
        else:
            Target.objects.create(
                organisation_id=org_id, child=session.child, set_in=session, **values
            )
    for row in existing[len(planned) :]:
        row.outcome = Target.Outcome.WITHDRAWN
        row.closed_in = session
        row.save()
    reviews = session.planned_reviews or {}
    for target in targets:
        review = reviews.get(str(target.pk))
        if not review or not review.get("outcome"):
            TargetReview.objects.filter(session=session, target=target).delete()
            if target.closed_in_id == session.pk:
                target.closed_in = None
                target.outcome = ""
                target.save()
            continue
        TargetReview.objects.update_or_create(
            session=session,
            target=target,
            defaults={
                "organisation_id": org_id,
                "outcome": review["outcome"],
                "comment": review.get("comment", ""),
            },
        )
        target.outcome = review["outcome"]
        target.closed_in = session if review["outcome"] in Target.CLOSING else None
        target.save()


def _freeze_since_last(session: KeyWorkSession) -> None:
    previous = (
        KeyWorkSession.objects.filter(
            child=session.child, status__in=KeyWorkSession.COUNTED, date__lt=session.date
        )
        .exclude(pk=session.pk)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    start = previous or session.date - datetime.timedelta(days=SCHOOL_INTERVAL_DAYS)
    session.since_last_start = start
    session.since_last = since_last_summary(session.child, start, session.date)


def _open_plan_tasks(*, actor, session: KeyWorkSession) -> None:
    from plans.services import plan_update_task_open

    if session.placement_plan_update:
        plan_update_task_open(
            actor=actor,
            child=session.child,
            plan_type="placement_plan",
            details=session.placement_plan_areas,
            source=session,
        )
    if session.behaviour_plan_update:
        for plan_type in ("behaviour_plan", "risk_assessment"):
            plan_update_task_open(
                actor=actor,
                child=session.child,
                plan_type=plan_type,
                details=session.behaviour_plan_details,
                source=session,
            )


@transaction.atomic
def session_submit(
    *,
    access: Access,
    session: KeyWorkSession,
    expected_version: int | None,
    data: dict,
    topics,
    targets: list[dict],
    reviews: dict,
    tab: str = "",
) -> KeyWorkSession:
    """Sign and submit the record: it becomes read-only, its targets and reviews become rows, the
    school panel is frozen into it, and "needs updating" answers open tasks for the manager."""
    _require_author(access, session)
    _require_editable(session)
    if not can_record_for(access.user, session.child):
        raise PermissionDenied(
            "Only the child's key worker or cover can submit key-work records for them."
        )
    before = snapshot(KeyWorkSession.objects.get(pk=session.pk))
    fields = assign_content(session, data)
    session.planned_targets = _json_targets(targets)
    session.planned_reviews = _json_reviews(reviews)
    topics = list(topics)
    reviewable = reviewable_targets(session)
    errors = _record_errors(session, topic_count=len(topics), check_targets=True)
    errors.update(_review_errors(session, reviewable))
    if errors:
        raise ValidationError(errors)
    if session.child.site.is_school:
        _freeze_since_last(session)
    if not session.title.strip():
        session.title = session.made_title([t.name for t in topics])
    report = check_session(access, session)
    session.quality_score = report.score
    session.quality_report = report.as_dict()
    session.status = Status.SUBMITTED
    session.submitted_at = timezone.now()
    session.return_comment = session.return_comment  # kept: the history shows what was asked
    fields += [
        "planned_targets",
        "planned_reviews",
        "since_last",
        "since_last_start",
        "title",
        "status",
        "submitted_at",
        "quality_score",
        "quality_report",
    ]
    save_if_unchanged(
        session, _version_for_tab(session, expected_version, tab), sorted(set(fields))
    )
    _set_topics(session, topics)
    _apply_targets(session, reviewable)
    _open_plan_tasks(actor=access.user, session=session)
    audit_write(
        actor=access.user,
        action=Action.SUBMIT,
        instance=session,
        before=before,
        summary="Submitted and signed by the author",
    )
    publish(CHILDREN_CHANGED, child_ids=[session.child_id])
    publish("sessions.session_submitted", session_id=session.pk)
    return session


# -- Sign-off -----------------------------------------------------------------------------------


def _require_reviewer(access: Access, session: KeyWorkSession) -> None:
    require_manager(access, session.child.site_id)
    if session.author_id == access.user.pk:
        raise PermissionDenied("Another manager signs off your own records.")


@transaction.atomic
def session_sign_off(
    *, access: Access, session: KeyWorkSession, expected_version: int | None
) -> KeyWorkSession:
    _require_reviewer(access, session)
    if session.status != Status.SUBMITTED:
        raise ValidationError("Only a submitted record can be signed off.")
    before = snapshot(session)
    session.status = Status.SIGNED_OFF
    session.reviewed_by = access.user
    session.reviewed_at = timezone.now()
    save_if_unchanged(session, expected_version, ["status", "reviewed_by", "reviewed_at"])
    audit_write(actor=access.user, action=Action.SIGN_OFF, instance=session, before=before)
    return session


@transaction.atomic
def session_return(
    *, access: Access, session: KeyWorkSession, expected_version: int | None, comment: str
) -> KeyWorkSession:
    _require_reviewer(access, session)
    if session.status != Status.SUBMITTED:
        raise ValidationError("Only a submitted record can be returned.")
    if not comment.strip():
        raise ValidationError({"comment": "Say what the author needs to change."})
    before = snapshot(session)
    session.status = Status.RETURNED
    session.reviewed_by = access.user
    session.reviewed_at = timezone.now()
    session.return_comment = comment.strip()
    save_if_unchanged(
        session, expected_version, ["status", "reviewed_by", "reviewed_at", "return_comment"]
    )
    audit_write(
        actor=access.user,
        action=Action.RETURN,
        instance=session,
        before=before,
        summary=comment[:300],
    )
    publish(CHILDREN_CHANGED, child_ids=[session.child_id])  # a returned record no longer counts
    return session
