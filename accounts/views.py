import base64
import io
import time

from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.qr import write_qrcode_image

from tenancy.middleware import SESSION_KEY as ORGANISATION_SESSION_KEY

from . import services
from .forms import ConfirmForm, ReauthForm, TokenForm
from .middleware import signed_out_response
from .session_limits import (
    idle_limit_seconds,
    idle_remaining_seconds,
    mark_confirmed,
    touch,
    warn_before_seconds,
)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return "/"
    return target


def _qr_data_uri(text: str) -> str:
    out = io.BytesIO()
    write_qrcode_image(text, out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    if user_has_device(user):
        return redirect(f"/accounts/two-factor/?next={_next(request)}")
    device = services.pending_authenticator(request)
    form = TokenForm(request.POST or None)
    form.fields["token"].help_text = "The 6-digit code your authenticator app shows for Keywork."
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        codes = None
        if allowed:
            codes = services.authenticator_confirm(
                user=user, device=device, token=form.cleaned_data["token"]
            )
        if not allowed:
            form.add_error(
                "token", "Too many wrong codes in a row: wait a few seconds and try again."
            )
        elif codes is None:
            form.add_error(
                "token", "That code did not match. Check the time on your phone and try again."
            )
        else:
            otp_login(request, device)
            request.session.pop(services.PENDING_DEVICE, None)
            services.session_rotate(request)
            mark_confirmed(request)
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": _qr_data_uri(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next(request),
        },
    )


def _mismatch_message(user) -> str:
    from django_otp import devices_for_user

    if any(not device.verify_is_allowed()[0] for device in devices_for_user(user)):
        return "That code did not match. Too many wrong codes in a row: wait a few seconds and try again."
    return "That code did not match, or it has been used already."


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    if not user_has_device(user):
        return redirect(f"/accounts/two-factor/setup/?next={_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, form.cleaned_data["token"])
        if device is None:
            form.add_error("token", "That code did not match, or it has been used already.")
        else:
            otp_login(request, device)
            services.session_rotate(request)
            mark_confirmed(request)
            return redirect(_next(request))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def confirm_identity(request):
    """Password and a code again before a bulk export or other sensitive action."""
    form = ConfirmForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        if match_token(request.user, form.cleaned_data["token"]) is None:
            form.add_error("token", _mismatch_message(request.user))
        else:
            mark_confirmed(request)
            return redirect(_next(request))
    return render(request, "accounts/confirm.html", {"form": form, "next": _next(request)})


@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """New recovery codes (the old ones stop working); needs a recent confirmation."""
    from .decorators import recent_authentication_required

    @recent_authentication_required
    def inner(request):
        if request.method == "POST":
            codes = services.recovery_codes_regenerate(user=request.user)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/"})
        return render(request, "accounts/recovery_codes_confirm.html")

    return inner(request)


# -- Staying signed in while writing ------------------------------------------------------------


def _idle_state(request) -> dict:
    now = time.time()
    limit = idle_limit_seconds(request)
    return {
        "signed_in": True,
        "remaining": idle_remaining_seconds(request, now),
        "limit": limit,
        "warn_before": warn_before_seconds(limit),
    }


@require_http_methods(["GET"])
def session_status(request):
    """How long this session has before the idle limit, as JSON; asking does not count as
    activity (``SessionLimitsMiddleware`` leaves this path untouched). 401 when signed out."""
    if not request.user.is_authenticated or not request.user.is_verified():
        return signed_out_response()
    return JsonResponse(_idle_state(request))


@require_http_methods(["POST"])
def session_keepalive(request):
    """ "Still there? — Stay signed in": counts as activity now. 401 when already signed out."""
    if not request.user.is_authenticated or not request.user.is_verified():
        return signed_out_response()
    touch(request, time.time(), force=True)
    return JsonResponse(_idle_state(request))


@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def reauthenticate(request):
    """Sign in again without leaving the page (the page keeps the person's unsaved text).

    GET gives a CSRF token for the POST (signing out may have changed it). POST takes
    ``username``, ``password`` and ``token`` (authenticator or recovery code), through the same
    backends as the sign-in page (so lockout applies), and an optional ``organisation`` to come
    back to (re-checked against the memberships on the next request). Answers JSON:
    ``{"signed_in": true, "csrf_token": ...}`` or 400 with ``{"errors": {field: message}}``."""
    if request.method == "GET":
        return JsonResponse({"csrf_token": get_token(request)})
    form = ReauthForm(request.POST, request=request)
    if not form.is_valid():
        return JsonResponse(
            {"signed_in": False, "errors": {k: " ".join(v) for k, v in form.errors.items()}},
            status=400,
        )
    user = form.user_cache
    device = match_token(user, form.cleaned_data["token"])
    if device is None:
        return JsonResponse(
            {"signed_in": False, "errors": {"token": _mismatch_message(user)}}, status=400
        )
    organisation = request.POST.get("organisation", "")
    auth_login(request, user)
    otp_login(request, device)
    mark_confirmed(request)
    if organisation.isdigit():
        request.session[ORGANISATION_SESSION_KEY] = int(organisation)
    return JsonResponse({"signed_in": True, "csrf_token": get_token(request)})
