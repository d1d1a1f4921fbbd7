"""Corrections of a submitted record: the kind ``sessions_app.session`` of tenancy.records."""

from tenancy import records
from tenancy.access import Access
from tenancy.audit import snapshot
from tenancy.hooks import publish

from ..models import (
    KeyWorkSession,
    SessionRevision,
)
from .drafts import Status, _set_topics
from .submission import _check_record, _open_plan_tasks

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
    """Topics, the plan tasks the answers open, and the actions the corrected record asks for
    (``sessions.session_corrected``: a referral now made shows as made on its action)."""
    _set_topics(session, options["topics"])
    _open_plan_tasks(actor=access.user, session=session)
    publish("sessions.session_corrected", session_id=session.pk)


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
