"""Sign-in lockout as OWASP's Authentication Cheat Sheet describes it ("Account lockout" and
"Login throttling"): the *account* is locked after a few wrong passwords (AXES_FAILURE_LIMIT,
default 5, for AXES_COOLOFF_TIME), and the *address* separately and much higher — failures across
any usernames from one address (KEYWORK_ADDRESS_FAILURE_LIMIT, default 100) — so one person's
mistakes never lock a school's shared network, while password spraying from one address still stops.

django-axes records every failure (username, address) and asks the handler how many there are; this
handler answers with the two limits. A signed-in user re-entering their password (``confirm/``)
has already proved who they are, so only their own account's failures count there.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db.models import Sum
from django.shortcuts import render

ACCOUNT, ADDRESS = "account", "address"


def _failures(request, **match) -> int:
    attempts = AccessAttempt.objects.filter(
        attempt_time__gte=get_cool_off_threshold(request), **match
    )
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class AccountThenAddressHandler(AxesDatabaseHandler):
    """``AXES_HANDLER``: locks an account at AXES_FAILURE_LIMIT failures for that username, and
    an address at KEYWORK_ADDRESS_FAILURE_LIMIT failures from it (any usernames)."""

    def get_failures(self, request, credentials=None) -> int:
        # Axes compares the answer with AXES_FAILURE_LIMIT: the address count is reported as
        # "at the limit" only once it reaches its own, higher limit.
        limit = get_failure_limit(request, credentials)
        username = get_client_username(request, credentials)
        account = _failures(request, username=username) if username else 0
        address = 0
        user = getattr(request, "user", None)
        if not (user is not None and user.is_authenticated):
            from_address = _failures(request, ip_address=request.axes_ip_address)
            if from_address >= settings.KEYWORK_ADDRESS_FAILURE_LIMIT:
                address = limit
        request.keywork_lockout = ACCOUNT if account >= limit else ADDRESS
        return max(account, address)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful sign-in (AXES_RESET_ON_SUCCESS), forget that account's failures
        only. Axes' own reset also forgets every failure from the address, so a colleague signing
        in on the school's network would unlock an account someone is guessing at."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def locked_out(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: says which limit was reached and how to get back in (429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "accounts/locked_out.html",
        {
            "reason": getattr(request, "keywork_lockout", ACCOUNT),
            "minutes": minutes,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
        status=429,
    )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset page; a new password set from the emailed link also unlocks the account
    (the link proves the owner), which is what the lockout page tells a locked-out person."""

    def form_valid(self, form):
        from axes.utils import reset

        response = super().form_valid(form)
        reset(username=form.user.get_username())
        return response
