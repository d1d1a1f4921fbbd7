"""The session's fields, the topic list, drafts (start, autosave, discard) and attachments."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from people.models import Child
from tenancy.access import Access
from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import save_if_unchanged
from tenancy.timeutils import site_today
from tenancy.uploads import check_upload

from ..models import (
    DEFAULT_TOPICS,
    KeyWorkSession,
    SessionAttachment,
    SessionTopic,
    Topic,
)
from ..selectors import can_record_for

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
    "matters_for",
    "referral_agency",
    "referral_made_on",
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
    from tenancy.siterules import next_session_due

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


def assign_content(session: KeyWorkSession, data: dict) -> list[str]:
    """Set the record's content fields present in ``data`` (empty text for a cleared field, the
    Quality Standards as sorted ints, today when no date); returns the names set."""
    fields = [f for f in content_fields(session.child) if f in data]
    for name in fields:
        value = data[name]
        if value is None and name not in (
            "start_time",
            "end_time",
            "placement_plan_update",
            "behaviour_plan_update",
            "date",
            "referral_made_on",
        ):
            value = [] if name in ("quality_standards", "matters_for") else ""
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
    fields = assign_content(session, data) + data_fields_extra
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
