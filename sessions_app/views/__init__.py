"""Key-work sessions' pages, by responsibility (imported only by ``sessions_app.urls``): ``lists``,
``recording`` and ``reading``; ``_common`` holds what they share."""

from .lists import (
    child_sessions,
    child_targets,
    my_sessions,
    site_sessions,
    topics,
)
from .reading import (
    bundle_download,
    bundle_start,
    bundle_status,
    session_correct,
    session_detail,
    session_history,
    session_pdf,
    session_review,
    session_revision,
)
from .recording import (
    attachment_add,
    attachment_download,
    session_autosave,
    session_discard,
    session_edit,
    session_quality,
    session_start,
)

__all__ = [
    "my_sessions",
    "site_sessions",
    "child_sessions",
    "child_targets",
    "topics",
    "session_start",
    "session_edit",
    "session_discard",
    "session_autosave",
    "session_quality",
    "attachment_add",
    "attachment_download",
    "session_detail",
    "session_revision",
    "session_pdf",
    "session_review",
    "session_correct",
    "session_history",
    "bundle_start",
    "bundle_status",
    "bundle_download",
]
