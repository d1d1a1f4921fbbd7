"""Idle and absolute session limits, and "recent authentication" for sensitive actions."""

import time

from django.conf import settings

SIGNED_IN_AT = "auth_started_at"
LAST_SEEN = "auth_last_seen"
CONFIRMED_AT = "auth_confirmed_at"
TOUCH_EVERY_SECONDS = 60  # write the last-seen time at most once a minute


def mark_signed_in(sender, request, user, **kwargs):
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now


def idle_limit_seconds(request) -> int:
    """The idle limit in seconds: the organisation's (minutes), or the default for users with
    none. ``settings.SESSION_IDLE_LIMIT_SECONDS`` overrides both (tests and demos of the
    "Still there?" warning only; unset in every real settings module)."""
    override = getattr(settings, "SESSION_IDLE_LIMIT_SECONDS", None)
    if override:
        return int(override)
    access = getattr(request, "access", None)
    if access is not None:
        return access.organisation.idle_timeout_minutes * 60
    return settings.SESSION_IDLE_TIMEOUT_MINUTES * 60


def touch_every_seconds(limit: int) -> float:
    """Write the last-seen time at most once a minute, and more often for limits of a few minutes
    (so a stamp is never more than a quarter of the limit old)."""
    return min(TOUCH_EVERY_SECONDS, limit / 4)


def idle_remaining_seconds(request, now: float) -> int:
    """Seconds left before the idle limit signs this session out (0 when it has)."""
    last = request.session.get(LAST_SEEN)
    limit = idle_limit_seconds(request)
    if last is None:
        return limit
    return max(0, int(limit - (now - last)))


def warn_before_seconds(limit: int) -> int:
    """How long before the idle limit the page asks "Still there?": a minute, or half of a limit
    shorter than two minutes."""
    return min(60, limit // 2)


def wants_json(request) -> bool:
    """An htmx request or a script asking for JSON: answered 401, never with the sign-in page."""
    return bool(
        request.headers.get("HX-Request") or "application/json" in request.headers.get("Accept", "")
    )


def expired_reason(request, now: float) -> str | None:
    session = request.session
    started = session.get(SIGNED_IN_AT)
    if started is not None and now - started > settings.SESSION_ABSOLUTE_HOURS * 3600:
        return f"You were signed out after {settings.SESSION_ABSOLUTE_HOURS} hours. Please sign in again."
    last = session.get(LAST_SEEN)
    limit = idle_limit_seconds(request)
    if last is not None and now - last > limit:
        return f"You were signed out after {limit // 60} minutes without activity. Nothing you saved is lost."
    return None


def touch(request, now: float, *, force: bool = False) -> None:
    session = request.session
    session.setdefault(SIGNED_IN_AT, now)
    if force or now - session.get(LAST_SEEN, 0) > touch_every_seconds(idle_limit_seconds(request)):
        session[LAST_SEEN] = now


def recently_confirmed(request) -> bool:
    """Signed in with two factors, or re-entered the password, within the last few minutes."""
    confirmed = request.session.get(CONFIRMED_AT)
    return confirmed is not None and time.time() - confirmed < settings.REAUTH_WINDOW_MINUTES * 60


def mark_confirmed(request) -> None:
    request.session[CONFIRMED_AT] = time.time()


def session_started(sender, request, user, **kwargs):
    """Track the signed-in session so that it can be ended from elsewhere (accounts.services)."""
    from .services import session_track

    session_track(user=user, session_key=request.session.session_key)


def session_ended(sender, request, user, **kwargs):
    from .services import session_forget

    session = getattr(request, "session", None)
    session_forget(session_key=session.session_key if session is not None else None)
