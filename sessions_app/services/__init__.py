"""Every write about key-work sessions and targets. Keyword-only arguments, one transaction each.

``session_submit`` is the one place a record becomes submitted (record quality checks hook in
there). The package is split by responsibility; every public name is re-exported here, so
callers import ``sessions_app.services`` as before:

- ``drafts``: the session's fields, the topic list, drafts (start, autosave, discard), attachments;
- ``submission``: submitting (checks, targets and reviews, plan tasks), sign-off and return;
- ``corrections``: corrections, the kind ``sessions_app.session`` of ``tenancy.records``;
- ``bundle_jobs``: requests for a PDF bundle.
"""

from .bundle_jobs import (
    bundle_request,
)
from .corrections import (
    SESSION,
    can_correct,
    content_snapshot,
    session_after_correct,
    session_before_correct,
    session_check,
    session_correct,
)
from .drafts import (
    ATTACHMENT_KINDS,
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    COMMON_FIELDS,
    HOME_FIELDS,
    SCHOOL_FIELDS,
    SCHOOL_INTERVAL_DAYS,
    SCHOOL_MAX_TARGETS,
    Status,
    assign_content,
    attachment_add,
    content_fields,
    next_due,
    session_discard,
    session_save_draft,
    session_start,
    topic_add,
    topic_set_active,
    topics_ensure_defaults,
)
from .submission import (
    reviewable_targets,
    session_return,
    session_sign_off,
    session_submit,
)

__all__ = [
    "Status",
    "SCHOOL_MAX_TARGETS",
    "SCHOOL_INTERVAL_DAYS",
    "COMMON_FIELDS",
    "SCHOOL_FIELDS",
    "HOME_FIELDS",
    "content_fields",
    "next_due",
    "topics_ensure_defaults",
    "topic_add",
    "topic_set_active",
    "session_start",
    "assign_content",
    "session_save_draft",
    "session_discard",
    "ATTACHMENT_MAX_BYTES",
    "ATTACHMENT_TYPES",
    "ATTACHMENT_KINDS",
    "attachment_add",
    "reviewable_targets",
    "session_submit",
    "session_sign_off",
    "session_return",
    "content_snapshot",
    "can_correct",
    "SESSION",
    "session_before_correct",
    "session_check",
    "session_after_correct",
    "session_correct",
    "bundle_request",
]
