import functools
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import is_verified as otp_is_verified
from django_otp.models import Device

from tenancy import authcache

from .session_limits import expired_reason, idle_remaining_seconds, touch, wants_json

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/favicon")


def _with_next(url: str, request) -> str:
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


def _device_stub(persistent_id: str, user_id: int):
    """The verified device named in the session, known from the cache to exist and be confirmed:
    an unsaved instance of its model with its id and owner only (no secret ever leaves the
    database for the cache)."""
    from django.apps import apps

    label, pk = persistent_id.rsplit("/", 1)
    return apps.get_model(label)(pk=int(pk), user_id=user_id, confirmed=True)


class VerifiedDeviceMiddleware:
    """django-otp's OTPMiddleware (``request.user.otp_device`` and ``is_verified()``) with the
    verified device taken from the session's cached entry (tenancy.authcache) when it is still
    valid: no query on the usual request. Otherwise the device is loaded as django-otp does (it
    must still exist, be confirmed and belong to the user) and TenantMiddleware caches it with the
    memberships. Sync only (the project runs under WSGI)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None:
            request.user = SimpleLazyObject(functools.partial(self._verify, request, user))
        return self.get_response(request)

    @staticmethod
    def _verify(request, user):
        user.otp_device = None
        user.is_verified = functools.partial(otp_is_verified, user)
        if not user.is_authenticated:
            return user
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
        if not persistent_id:
            return user
        found = authcache.lookup(request, user.pk)
        if found is not None and found.entry is not None and found.entry.device == persistent_id:
            user.otp_device = _device_stub(persistent_id, user.pk)
            return user
        device = Device.from_persistent_id(persistent_id)
        if device is None or device.user_id != user.pk or not device.confirmed:
            del request.session[DEVICE_ID_SESSION_KEY]
            device = None
        user.otp_device = device
        return user


class RequireTwoFactorMiddleware:
    """Every staff account has a confirmed authenticator and has used it this session before it can
    reach any page with children's data. Runs after VerifiedDeviceMiddleware."""

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


SIGNED_OUT = "You've been signed out — sign in again to save."
SIGN_IN_PATHS = ("/accounts/login/", "/accounts/two-factor/")
STATUS_PATH = "/accounts/session/"  # asks how long is left without counting as activity


def signed_out_response(reason: str = SIGNED_OUT) -> JsonResponse:
    """What an htmx request or a script gets instead of the sign-in page: a 401 the page handles
    (it keeps the person's text and offers to sign in again there)."""
    response = JsonResponse({"signed_in": False, "message": reason}, status=401)
    response["HX-Reswap"] = "none"
    return response


class HtmxSignInMiddleware:
    """Never swap the sign-in page into a fragment: a redirect to sign in (``login_required``,
    two-factor, session limits) becomes a 401 for htmx and JSON requests. Runs after
    django-htmx's middleware and before everything that can send someone to sign in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code in (301, 302, 303)
            and wants_json(request)
            and response.get("Location", "").startswith(SIGN_IN_PATHS)
        ):
            return signed_out_response()
        return response


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
                if wants_json(request):
                    return signed_out_response()
                messages.info(request, reason)
                return redirect(f"{reverse('login')}?{urlencode({'next': path})}")
            if request.path != STATUS_PATH:
                touch(request, now)
            response = self.get_response(request)
            if request.user.is_authenticated and request.session.get("auth_last_seen"):
                # The page's "Still there?" timer follows the server's clock after each request.
                response["X-Idle-Remaining"] = str(idle_remaining_seconds(request, time.time()))
            return response
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
