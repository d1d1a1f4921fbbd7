import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from .session_limits import expired_reason, touch

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/favicon")


def _with_next(url: str, request) -> str:
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


class RequireTwoFactorMiddleware:
    """Every staff account has a confirmed authenticator and has used it this session before it can
    reach any page with children's data. Runs after django-otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            from django_otp import user_has_device

            name = "two_factor_verify" if user_has_device(user) else "two_factor_setup"
            return redirect(_with_next(reverse(name), request))
        return self.get_response(request)


class SessionLimitsMiddleware:
    """Signs out sessions idle longer than the organisation allows, or older than the absolute cap.
    Runs after TenantMiddleware so the organisation's own idle limit applies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            reason = expired_reason(request, now)
            if reason:
                path = request.get_full_path()
                logout(request)
                messages.info(request, reason)
                return redirect(f"{reverse('login')}?{urlencode({'next': path})}")
            touch(request, now)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """A Content Security Policy with no inline script or style, and the other headers browsers use."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = "; ".join(
            [
                "default-src 'self'",
                "script-src 'self'",
                "style-src 'self'",
                "img-src 'self' data:",
                "font-src 'self'",
                "connect-src 'self'",
                "object-src 'none'",
                "base-uri 'self'",
                "form-action 'self'",
                "frame-ancestors 'none'",
            ]
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.policy)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.user.is_authenticated and "Cache-Control" not in response:
            # Pages about children are not kept in shared or browser caches.
            response["Cache-Control"] = "private, no-store"
        if settings.DEBUG is False:
            response.setdefault("X-Content-Type-Options", "nosniff")
        return response
