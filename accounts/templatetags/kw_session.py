"""The numbers the page's "Still there?" timer starts from (static/accounts/session_guard.js)."""

import time

from django import template

from accounts.session_limits import (
    idle_limit_seconds,
    idle_remaining_seconds,
    warn_before_seconds,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def idle_limits(context) -> dict:
    """``{"limit", "remaining", "warn_before"}`` in seconds for the signed-in request."""
    request = context["request"]
    limit = idle_limit_seconds(request)
    return {
        "limit": limit,
        "remaining": idle_remaining_seconds(request, time.time()),
        "warn_before": warn_before_seconds(limit),
    }
