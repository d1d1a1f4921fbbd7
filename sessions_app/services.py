"""Every write about key-work sessions and targets. Keyword-only arguments, one transaction each.

``session_submit`` is the one place a record becomes submitted (record quality checks hook in there).
"""

import datetime
import uuid
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from people.models import Child
from tenancy import records
from tenancy.access import Access, require_manager
from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import save_if_unchanged
from tenancy.hooks import CHILDREN_CHANGED, publish
from tenancy.timeutils import site_today
from tenancy.uploads import check_upload

from .models import (
    DEFAULT_TOPICS,
    BundleJob,
    KeyWorkSession,
    SessionAttachment,
    SessionRevision,
    SessionTopic,
    Target,
    TargetReview,
    Topic,
)
from .quality_link import check_session
from .selectors import can_record_for
from .since_last import since_last_summary

Status = KeyWorkSession.Status

SCHOOL_MAX_TARGETS = 3
SCHOOL_INTERVAL_DAYS = 14

COMMON_FIELDS = [
    "title",
    "date",
    "start_time",
    "end_time",
    "initiated_by",
    "initiated_why",
    "purpose",
    "engagement",
    "previous_targets_note",
    "account",
    "offered",
    "resources",
    "follow_up",
    "matters",
]
SCHOOL_FIELDS = ["focus", "barriers"]
HOME_FIELDS = [
    "quality_standards",
    "quality_standards_details",
    "child_agenda",
    "worker_agenda",
    "placement_plan_update",
    "placement_plan_areas",
    "behaviour_plan_update",
    "behaviour_plan_details",
]


def content_fields(child: Child) -> list[str]:
    return COMMON_FIELDS + (SCHOOL_FIELDS if child.site.is_school else HOME_FIELDS)


def next_due(child: Child, day: datetime.date) -> datetime.date:
    """The next session's due date after one on ``day``, by the site's compliance policy (a
    school's fortnight stops in its holidays; a home's N a month)."""
    from compliance.selectors import next_session_due

    return next_session_due(child.site, day)


# -- Topics -------------------------------------------------------------------------------------


def topics_ensure_defaults(*, organisation_id: int) -> None:
    """Give an organisation the guide's topic list the first time anyone records a session."""
    if Topic.objects.exists():
        return
    Topic.objects.bulk_create(
        [Topic(organisation_id=organisation_id, name=name) for name in DEFAULT_TOPICS],
        ignore_conflicts=True,
    )


def _require_topic_admin(access: Access) -> None:
    if not (access.is_org_admin or access.is_manager_anywhere):
        raise PermissionDenied("Only managers and organisation admins change the topic list.")


@transaction.atomic
def topic_add(*, access: Access, name: str) -> Topic:
    _require_topic_admin(access)
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Give the topic a name."})
    if Topic.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"“{name}” is already on the list."})
    topic = Topic.objects.create(organisation_id=access.organisation.pk, name=name)
    audit_write(actor=access.user, action=Action.CREATE, instance=topic, before=None)
    return topic


@transaction.atomic
def topic_set_active(*, access: Access, topic: Topic, is_active: bool) -> Topic:
    """Topics are retired, never deleted: old sessions keep theirs."""
    _require_topic_admin(access)
    before = snapshot(topic)
    topic.is_active = is_active
    topic.save(update_fields=["is_active"])
    audit_write(actor=access.user, action=Action.UPDATE, instance=topic, before=before)
    return topic


# -- Drafts -------------------------------------------------------------------------------------


def _require_author(access: Access, session: KeyWorkSession) -> None:
    if session.author_id != access.user.pk:
        raise PermissionDenied("Only the author can change this record.")


def _require_editable(session: KeyWorkSession) -> None:
    if not session.is_editable:
        raise ValidationError(
            "This record has been submitted and is read-only. To change it, make a correction "
            "with a reason: the earlier version is kept."
        )


@transaction.atomic
def session_start(*, access: Access, child: Child) -> KeyWorkSession:
    """A new draft for ``child`` by the signed-in key worker (or cover), dated today."""
    today = site_today(child.site)
    if not can_record_for(access.user, child, today):
        raise PermissionDenied(
            f"Only {child.display_name}'s key worker or cover can record key-work sessions."
        )
    topics_ensure_defaults(organisation_id=child.organisation_id)
    session = KeyWorkSession.objects.create(
        organisation_id=child.organisation_id,
        child=child,
        author=access.user,
        date=today,
        focus="" if not child.site.is_school else KeyWorkSession.Focus.GENERAL,
    )
    audit_write(
        actor=access.user, action=Action.CREATE, instance=session, before=None, summary="Draft"
    )
    return session


def _assign(session: KeyWorkSession, data: dict) -> list[str]:
    fields = [f for f in content_fields(session.child) if f in data]
    for name in fields:
        value = data[name]
        if value is None and name not in (
            "start_time",
            "end_time",
            "placement_plan_update",
            "behaviour_plan_update",
            "date",
        ):
            value = [] if name == "quality_standards" else ""
        if name == "quality_standards":
            value = sorted({int(v) for v in value or []})
        setattr(session, name, value)
    if session.date is None:
        session.date = site_today(session.child.site)
        if "date" not in fields:
            fields.append("date")
    return fields


def _set_topics(session: KeyWorkSession, topics) -> None:
    wanted = {t.pk for t in topics}
    have = set(SessionTopic.objects.filter(session=session).values_list("topic_id", flat=True))
    SessionTopic.objects.filter(session=session, topic_id__in=have - wanted).delete()
    SessionTopic.objects.bulk_create(
        [
            SessionTopic(organisation_id=session.organisation_id, session=session, topic_id=pk)
            for pk in wanted - have
        ]
    )


def _version_for_tab(session: KeyWorkSession, expected_version: int | None, tab: str) -> int | None:
    """A tab's own autosave may still be in flight when it saves again or submits: that is not a
    conflict. Another tab's save is (the tab token differs), and is refused."""
    if not tab or expected_version is None:
        return expected_version
    current = (
        KeyWorkSession.objects.filter(pk=session.pk).values_list("version", "editing_tab").first()
    )
    if current and current[1] == tab:
        return current[0]
    return expected_version


def _json_targets(targets: list[dict]) -> list[dict]:
    rows = []
    for t in targets or []:
        if not (t.get("what") or "").strip():
            continue
        due = t.get("due_on")
        rows.append(
            {
                "what": t["what"].strip(),
                "measure": (t.get("measure") or "").strip(),
                "due_on": due.isoformat() if isinstance(due, datetime.date) else (due or ""),
                "area": t.get("area") or "",
            }
        )
    return rows


def _json_reviews(reviews: dict) -> dict:
    return {
        str(k): {"outcome": v.get("outcome") or "", "comment": (v.get("comment") or "").strip()}
        for k, v in (reviews or {}).items()
        if v.get("outcome") or (v.get("comment") or "").strip()
    }


@transaction.atomic
def session_save_draft(
    *,
    access: Access,
    session: KeyWorkSession,
    expected_version: int | None,
    data: dict,
    topics=None,
    targets: list[dict] | None = None,
    reviews: dict | None = None,
    tab: str = "",
) -> KeyWorkSession:
    """Autosave: store whatever has been typed, refusing only a stale version (another tab).
    A value the table cannot hold yet (an end before the start) is left out and named in
    ``session.draft_warnings``; the person still has it on their page."""
    _require_author(access, session)
    _require_editable(session)
    session.draft_warnings = []
    start = data.get("start_time", session.start_time)
    end = data.get("end_time", session.end_time)
    if start and end and end <= start:
        data = {k: v for k, v in data.items() if k != "end_time"}
        session.end_time = None
        data_fields_extra = ["end_time"]
        session.draft_warnings.append("End time (the session must end after it starts)")
    else:
        data_fields_extra = []
    fields = _assign(session, data) + data_fields_extra
    if targets is not None:
        session.planned_targets = _json_targets(targets)
        fields.append("planned_targets")
    if reviews is not None:
        session.planned_reviews = _json_reviews(reviews)
        fields.append("planned_reviews")
    session.editing_tab = tab[:32]
    fields.append("editing_tab")
    before = snapshot(KeyWorkSession.objects.get(pk=session.pk))
    save_if_unchanged(session, _version_for_tab(session, expected_version, tab), fields)
    if topics is not None:
        _set_topics(session, topics)
    audit_write(
        actor=access.user,
        action=Action.UPDATE,
        instance=session,
        before=before,
        summary="Draft saved",
    )
    return session


@transaction.atomic
def session_discard(*, access: Access, session: KeyWorkSession) -> None:
    """The author discards a draft that was never submitted. A record that was ever submitted
    (a returned one included) is corrected or retracted instead, never discarded. The audit entry
    keeps everything the draft held (``before``), so nothing typed is beyond recovery.

    Raises PermissionDenied for anyone but the author; ValidationError once submitted."""
    _require_author(access, session)
    session = KeyWorkSession.objects.select_for_update().get(pk=session.pk)
    if session.status != Status.DRAFT or session.submitted_at is not None:
        raise ValidationError(
            "Only a draft that was never submitted can be discarded. A submitted record is "
            "corrected, with a reason, instead."
        )
    before = snapshot(session)
    before["topics"] = sorted(t.name for t in session.topics.all())
    before["attachments"] = [a.name for a in session.attachments.all()]
    audit_write(
        actor=access.user,
        action=Action.RETRACT,
        instance=session,
        before=before,
        after=None,
        summary="Draft discarded by its author (never submitted)",
    )
    for attachment in session.attachments.all():
        attachment.file.delete(save=False)
    session.attachments.all().delete()
    SessionTopic.objects.filter(session=session).delete()
    session.delete()


ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
ATTACHMENT_TYPES = (".pdf", ".doc", ".docx", ".odt", ".txt", ".png", ".jpg", ".jpeg", ".pptx")
ATTACHMENT_KINDS = ("pdf", "doc", "docx", "odt", "txt", "png", "jpeg", "pptx")  # tenancy.uploads


@transaction.atomic
def attachment_add(*, access: Access, session: KeyWorkSession, file) -> SessionAttachment:
    """Attach a resource shared in the session, while the record is being written."""
    _require_author(access, session)
    _require_editable(session)
    checked = check_upload(file, kinds=ATTACHMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES)
    # The name shown is the uploader's, with the extension of what the file really is.
    stem = (file.name or "").replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    name = f"{stem[:190] or 'attachment'}.{checked.extension}"
    attachment = SessionAttachment(
        organisation_id=session.organisation_id,
        session=session,
        name=name,
        uploaded_by=access.user,
    )
    # Stored under a name of ours, never the uploader's.
    attachment.file.save(f"{uuid.uuid4().hex}.{checked.extension}", file, save=False)
    attachment.save()
    audit_write(actor=access.user, action=Action.CREATE, instance=attachment, before=None)
    return attachment


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


def _reviewable_targets(session: KeyWorkSession) -> list[Target]:
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
    fields = _assign(session, data)
    session.planned_targets = _json_targets(targets)
    session.planned_reviews = _json_reviews(reviews)
    topics = list(topics)
    reviewable = _reviewable_targets(session)
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


# -- Corrections --------------------------------------------------------------------------------


def content_snapshot(session: KeyWorkSession) -> dict:
    """The record's content as it stands, for the earlier version kept on correction."""
    data = snapshot(session, exclude=("planned_targets", "planned_reviews"))
    data["topics"] = sorted(t.name for t in session.topics.all())
    data["reviewed_by_name"] = session.reviewed_by.get_full_name() if session.reviewed_by else ""
    data["reviewed_at"] = session.reviewed_at.isoformat() if session.reviewed_at else None
    data["submitted_at"] = session.submitted_at.isoformat() if session.submitted_at else None
    return data


def can_correct(access: Access, session: KeyWorkSession) -> bool:
    return session.counts and (
        session.author_id == access.user.pk or access.can_manage_site(session.child.site_id)
    )


SESSION = "sessions_app.session"  # its kind in tenancy.records (sessions_app/records.py)


def session_before_correct(access: Access, session: KeyWorkSession, *, reason: str, options):
    """Keep the record as it stands as a readable revision (tenancy.records' ``before_correct``)."""
    SessionRevision.objects.create(
        organisation_id=session.organisation_id,
        session=session,
        record_version=session.record_version,
        content=content_snapshot(session),
        reason=reason,
        corrected_by=access.user,
    )


def session_check(access: Access, session: KeyWorkSession, *, options: dict) -> list[str]:
    """The corrected record passes submission's checks (targets aside) and goes back for sign-off
    as the next record version (tenancy.records' ``validate``). ``options["topics"]``: the
    topics chosen."""
    _check_record(session, topic_count=len(list(options["topics"])), check_targets=False)
    session.record_version += 1
    session.status = Status.SUBMITTED
    session.reviewed_by = None
    session.reviewed_at = None
    return ["record_version", "status", "reviewed_by", "reviewed_at"]


def session_after_correct(access: Access, session: KeyWorkSession, *, options: dict) -> None:
    _set_topics(session, options["topics"])
    _open_plan_tasks(actor=access.user, session=session)


def session_correct(
    *,
    access: Access,
    session: KeyWorkSession,
    expected_version: int | None,
    data: dict,
    topics,
    reason: str,
) -> KeyWorkSession:
    """A new version of a submitted record, with a reason; the earlier version stays readable (a
    ``SessionRevision``) and the new one goes back for sign-off. ``data``: the content fields
    (``content_fields``); ``topics``: Topic rows. Refusals: ``tenancy.records.correct``."""
    return records.correct(
        SESSION,
        access=access,
        instance=session,
        version=expected_version,
        reason=reason,
        fields=data,
        options={"topics": list(topics)},
    )


# -- Bundles ------------------------------------------------------------------------------------


@transaction.atomic
def bundle_request(
    *, access: Access, child: Child, start: datetime.date, end: datetime.date
) -> BundleJob:
    if end < start:
        raise ValidationError({"end": "The end of the range must be after its start."})
    job = BundleJob.objects.create(
        organisation_id=child.organisation_id,
        child=child,
        requested_by=access.user,
        start=start,
        end=end,
    )
    audit_write(actor=access.user, action=Action.EXPORT, instance=job, before=None)
    from .tasks import build_bundle

    org_id = child.organisation_id
    transaction.on_commit(lambda: build_bundle.delay(org_id, job.pk))
    return job
