from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


def staff_view(view):
    """Signed in and a member of an organisation; otherwise the login page or a plain refusal."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.access is None:
            return render(request, "tenancy/no_membership.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper
