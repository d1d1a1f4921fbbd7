"""Two-factor enrolment and recovery codes."""

import secrets

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
AUTHENTICATOR = "Authenticator app"
RECOVERY = "Recovery codes"


def pending_authenticator(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (made once, so a reload shows the same code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=AUTHENTICATOR).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def _new_code() -> str:
    return f"{secrets.randbelow(10**8):08d}"


@transaction.atomic
def authenticator_confirm(*, user, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device if ``token`` matches; return fresh recovery codes (shown once)."""
    if not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    return recovery_codes_regenerate(user=user)


@transaction.atomic
def recovery_codes_regenerate(*, user) -> list[str]:
    static, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY)
    static.confirmed = True
    static.save()
    static.token_set.all().delete()
    codes = [_new_code() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes
