"""Two-factor enrolment, recovery codes, and ending a person's sessions."""

import datetime
import secrets

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import RecoveryCode, RecoveryCodeDevice, SignedInSession, recovery_code_digest

RECOVERY_CODES = 10
AUTHENTICATOR = "Authenticator app"
RECOVERY = "Recovery codes"
PENDING_DEVICE = "two_factor_pending_device"


def pending_authenticator(request) -> TOTPDevice:
    """The unconfirmed authenticator this browser session is setting up.

    A pending secret belongs to one session: another session (someone else who knows the
    password) gets a secret of its own, never this one. A reload in the same session shows the
    same secret. Shape: the request of a signed-in user with no confirmed device."""
    user = request.user
    device_id = request.session.get(PENDING_DEVICE)
    device = None
    if device_id is not None:
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
    if device is None:
        # Secrets other sessions left pending for a day are abandoned: removed, not kept for ever.
        stale = timezone.now() - datetime.timedelta(days=1)
        TOTPDevice.objects.filter(user=user, confirmed=False, created_at__lt=stale).delete()
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)
        request.session[PENDING_DEVICE] = device.pk
    return device


def _new_code() -> str:
    return f"{secrets.randbelow(10**8):08d}"


@transaction.atomic
def authenticator_confirm(*, user, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device if ``token`` matches; return fresh recovery codes (shown once).

    Every other device of the person is removed: the other sessions' pending secrets (so a
    code from a secret shown elsewhere never signs in) and any older authenticator."""
    if not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    return recovery_codes_regenerate(user=user)


@transaction.atomic
def recovery_codes_regenerate(*, user) -> list[str]:
    """Ten new 8-digit recovery codes (the old ones stop working). Only their keyed digests are
    stored; the codes are returned once, to be shown once."""
    StaticDevice.objects.filter(user=user).delete()  # plain-text codes from before the digests
    device, _ = RecoveryCodeDevice.objects.get_or_create(
        user=user, name=RECOVERY, defaults={"confirmed": True}
    )
    device.codes.all().delete()
    codes = [_new_code() for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, digest=recovery_code_digest(code)) for code in codes
    )
    return codes


# ---------------------------------------------------------------- sessions


def _store(session_key: str | None = None) -> SessionBase:
    from importlib import import_module

    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


def session_track(*, user, session_key: str | None) -> None:
    """Remember that ``user`` is signed in with ``session_key`` (called at sign-in). Rows older
    than the longest a session can live are pruned for that person at the same time."""
    if not session_key:
        return
    oldest = timezone.now() - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    SignedInSession.objects.filter(user=user, created_at__lt=oldest).delete()
    SignedInSession.objects.get_or_create(session_key=session_key, defaults={"user": user})


def session_rotate(request) -> None:
    """A new session key for the same session (after the second factor is verified, so a key
    seen before then is worth nothing), still tracked for ``sessions_end``."""
    old = request.session.session_key
    request.session.cycle_key()
    new = request.session.session_key
    if old:
        SignedInSession.objects.filter(session_key=old).delete()
    if request.user.is_authenticated:
        session_track(user=request.user, session_key=new)


def session_forget(*, session_key: str | None) -> None:
    if session_key:
        SignedInSession.objects.filter(session_key=session_key).delete()


def sessions_end(*, user) -> int:
    """Sign ``user`` out of every browser at once: their sessions are deleted from the store, so
    the next request of each is signed out. Returns how many were ended."""
    keys = list(SignedInSession.objects.filter(user=user).values_list("session_key", flat=True))
    store = _store()
    for key in keys:
        store.delete(key)
    SignedInSession.objects.filter(user=user).delete()
    return len(keys)


@transaction.atomic
def authenticator_remove(*, user) -> None:
    """Forget the person's authenticator and recovery codes and end their sessions: at their next
    sign-in they set up two-factor authentication again. (The audit entry and the reason are the
    caller's: see onboarding.services.member_authenticator_reset.)"""
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    sessions_end(user=user)
