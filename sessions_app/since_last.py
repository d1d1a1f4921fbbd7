"""The school "since last session" panel: behaviour slips, class points and attendance between two
dates, from the behaviour app when it is there. Kept to one small function so the sessions app works
(and says so) before behaviour data exists."""

import datetime
import logging

log = logging.getLogger(__name__)


def since_last_summary(child, start: datetime.date, end: datetime.date) -> dict:
    """``behaviour.selectors.key_work_summary`` for the period, or ``{}`` when there is none yet."""
    try:
        from behaviour.selectors import key_work_summary
    except ImportError:
        return {}
    try:
        summary = key_work_summary(child, start, end)
    except Exception:  # a failing panel must never stop a key worker recording a session
        log.exception("key_work_summary failed for child %s", child.pk)
        return {}
    return dict(summary) if summary else {}


def summary_rows(summary: dict | None) -> list[tuple[str, str]]:
    """The frozen dict as (label, value) rows for pages and PDFs, whatever its exact shape."""
    rows = []
    for key, value in (summary or {}).items():
        label = str(key).replace("_", " ").capitalize()
        if isinstance(value, dict):
            text = ", ".join(f"{str(k).replace('_', ' ')}: {v}" for k, v in value.items()) or "none"
        elif isinstance(value, list | tuple):
            text = ", ".join(str(v) for v in value) or "none"
        elif value is None:
            text = "not recorded"
        else:
            text = str(value)
        rows.append((label, text))
    return rows
