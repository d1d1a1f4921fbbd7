from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from .session_limits import recently_confirmed


def recent_authentication_required(view):
    """For bulk exports and other sensitive actions: password and code again unless given in the
    last few minutes (settings.REAUTH_WINDOW_MINUTES)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not recently_confirmed(request):
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('confirm_identity')}?{query}")
        return view(request, *args, **kwargs)

    return wrapper


def confirmation_needed(request, *, next_url: str | None = None):
    """For use inside a view, after its access checks (so another organisation still gets 404 and a
    role without access 403): a redirect to confirm the password and code, or None if recent."""
    if recently_confirmed(request):
        return None
    query = urlencode({"next": next_url or request.get_full_path()})
    return redirect(f"{reverse('confirm_identity')}?{query}")
