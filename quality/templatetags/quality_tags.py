"""Hooks other apps' templates use: the live record-quality panel beside a form, and the key
worker's count of feedback to acknowledge."""

import json

from django import template

register = template.Library()


@register.inclusion_tag("quality/_live_panel.html")
def quality_live_panel(form_id, *, child, fields, record_kind="note", labels=None):
    """The findings of the record being written, refreshed (debounced) as the person types in the
    form ``form_id``: the same endpoint and partial as "Check a text" and the sessions editor.
    ``fields``: the names of the form's text fields to check; ``labels``: their headings."""
    names = [f for f in fields if f] if not isinstance(fields, str) else fields.split(",")
    values = {
        "record_kind": record_kind,
        "child_id": child.pk,
        "quality_fields": ",".join(names),
    }
    if labels:
        values["quality_labels"] = json.dumps(labels)
    return {"form_id": form_id, "vals": json.dumps(values)}


@register.inclusion_tag("quality/_feedback_banner.html", takes_context=True)
def quality_feedback_banner(context):
    """'N pieces of feedback to acknowledge' for a key worker (one query; nothing for others)."""
    from tenancy.models import Role

    from ..selectors import unacknowledged_count

    request = context.get("request")
    access = getattr(request, "access", None)
    if access is None or Role.KEY_WORKER not in access.roles:
        return {"count": 0}
    return {"count": unacknowledged_count(request.user)}


#: The checker's prompt to raise a safeguarding concern ("Possible disclosure"): never shown to an
#: independent visitor, who sees nothing of safeguarding (README). It deducts nothing, so the score
#: they see is the same.
SAFEGUARDING_RULE = "safeguarding"


@register.inclusion_tag("quality/_stored.html", takes_context=True)
def quality_stored(context, report, fields, *, site_kind, record_kind="note", labels=None):
    """The check stored with a saved record, folded under its score."""
    from checking.checker import Context, Report
    from checking.findings import rows_for

    if not report:
        return {"report": None}
    stored = Report.from_dict(report)
    access = getattr(context.get("request"), "access", None)
    if access is not None and access.is_independent_visitor:
        stored.findings = [f for f in stored.findings if f.rule != SAFEGUARDING_RULE]
    checked = Context(site_kind=site_kind, record_kind=record_kind)
    return {
        "report": stored,
        "groups": rows_for(stored, fields, checked, labels),
        "checked": True,
    }
