"""Signing in for tests and benchmarks: the same two factors a person uses, done quickly."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator_for(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """The code a person's app shows now; if the device already accepted this 30-second step's
    code (the same person signing in twice within it), the next step's, which the server's
    tolerance of one step accepts, since a code is never accepted twice."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if device.last_t is not None and device.last_t >= totp.t():
        totp.time = device.t0 + (device.last_t + 1) * device.step
    return f"{totp.token():0{device.digits}d}"


class VerifiedClient(Client):
    """``force_login`` as a user who has also entered their authenticator code this session."""

    def force_login(self, user, backend=None, *, verified: bool = True):
        super().force_login(user, backend)
        if verified:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = authenticator_for(user).persistent_id
            session.save()


def confirm_recently(client) -> None:
    """As if the signed-in person had just re-entered their password and code."""
    import time

    from .session_limits import CONFIRMED_AT

    session = client.session
    session[CONFIRMED_AT] = time.time()
    session.save()
