"""The record-quality checker applied to a key-work session: the session's fields under the names
the checker knows, checked as the organisation sees them (its phrases, words and children's names)."""

from checking import checker
from checking.context import run_check
from checking.findings import rows_for
from tenancy.siterules import session_max_minutes


def checker_fields(session) -> dict[str, str]:
    """The session's text under the checker's section names. A declined attempt is checked as a
    note on what happened and what was offered, not against the full session's sections."""
    if session.is_declined:
        return {"account": session.account or "", "offered": session.offered or ""}
    targets = "\n".join(
        ". ".join(part for part in (t.get("what", ""), t.get("measure", "")) if part)
        + (f" By {t['due_on']}." if t.get("due_on") else "")
        for t in (session.planned_targets or [])
        if t.get("what")
    )
    if session.child.site.is_school:
        return {
            "details": session.account or "",
            "review": session.previous_targets_note or "",
            "targets": targets,
            "barriers": session.barriers or "",
        }
    return {
        "summary": session.title or session.made_title(),
        "standards_discussed": session.quality_standards_details or "",
        "child_agenda": session.child_agenda or "",
        "key_worker_agenda": session.worker_agenda or "",
        "targets": targets,
        "follow_up": session.follow_up or "",
        "matters": session.matters or "",
        "account": session.account or "",
    }


def record_kind(session) -> str:
    """ "session" (its required sections checked), or "note" for a declined attempt."""
    return "note" if session.is_declined else "session"


def check_session(access, session):
    """The check against the site's own longest session (its compliance policy; one query)."""
    return run_check(
        access,
        fields=checker_fields(session),
        site_kind=session.child.site.kind,
        record_kind=record_kind(session),
        child=session.child,
        duration_minutes=session.duration_minutes,
        quality_standards=tuple(session.quality_standards or ()),
        max_minutes=session_max_minutes(session.child.site),
    )


def findings_context(access, session) -> dict:
    """What the quality partial shows for a saved draft or a submitted record."""
    fields = checker_fields(session)
    report = check_session(access, session)
    context = checker.Context(site_kind=session.child.site.kind, record_kind=record_kind(session))
    return {
        "report": report,
        "groups": rows_for(report, fields, context),
        "checked": any(v.strip() for v in fields.values()),
    }
