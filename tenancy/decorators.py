from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone


def ended_roles(user) -> list:
    """The person's roles that ended by their end date (an independent visitor's access), latest
    first, with their organisations: what the refusal page tells them. Read across organisations
    through the user clause of the membership policy (no organisation is in scope here)."""
    from .models import Membership

    return list(
        Membership.unscoped.filter(
            user=user,
            is_active=True,
            organisation__is_active=True,
            ends_on__lt=timezone.localdate(),
        )
        .select_related("organisation")
        .order_by("-ends_on")[:5]
    )


def staff_view(view):
    """Signed in and a member of an organisation; otherwise the login page or a plain refusal
    (which says when a role ended by its end date, and who can renew it)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.access is None:
            context = {"ended": ended_roles(request.user)}
            return render(request, "tenancy/no_membership.html", context, status=403)
        return view(request, *args, **kwargs)

    return wrapper
