"""Recovery codes stored as keyed hashes, and the sessions each person is signed in with.

Neither table belongs to an organisation: a person's second factor and their browser sessions are
theirs across every organisation they work for (like ``auth_user``)."""

from django.conf import settings
from django.db import models
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

_SALT = "keywork.accounts.recovery-code"


def recovery_code_digest(code: str, secret: str | None = None) -> str:
    """HMAC-SHA256 of a recovery code keyed with the SECRET_KEY (or ``secret``): 64 hex characters.

    Keyed, not a plain hash: an 8-digit code has only 10**8 values, so a copy of the database alone
    must not be enough to find them by trying every one."""
    return salted_hmac(_SALT, code, secret=secret, algorithm="sha256").hexdigest()


def _digests(code: str) -> list[str]:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [recovery_code_digest(code, secret=key) for key in keys]


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """A person's set of single-use recovery codes (django-otp finds every Device subclass, so
    ``match_token`` and ``otp_login`` treat it as it treated the plain-text static device)."""

    def get_throttle_factor(self):
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def verify_token(self, token) -> bool:
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        token = str(token).replace(" ", "").strip()
        if not token.isdigit() or len(token) > 16:
            self.throttle_increment()
            return False
        wanted = _digests(token)
        match = None
        for code in self.codes.filter(digest__in=wanted):
            if any(constant_time_compare(code.digest, digest) for digest in wanted):
                match = code
                break
        if match is None:
            self.throttle_increment()
            return False
        match.delete()  # single use
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True


class RecoveryCode(models.Model):
    """One unused recovery code, as its keyed digest (``recovery_code_digest``)."""

    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)

    class Meta:
        indexes = [
            # verify_token: the device's code with this digest.
            models.Index(fields=["device", "digest"], name="recovery_code_lookup"),
        ]

    def __str__(self):
        return f"Recovery code of device {self.device_id}"


class SignedInSession(models.Model):
    """A session key a person signed in with, so their sign-in can be ended at once everywhere
    (a leaver, a reset authenticator) whatever the session engine."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # sessions_end: every session of one person.
            models.Index(fields=["user", "created_at"], name="signed_in_session_user"),
        ]

    def __str__(self):
        return f"Session of user {self.user_id}"
