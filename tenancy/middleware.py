from .access import Access
from .context import organisation_scope
from .models import Membership

SESSION_KEY = "organisation_id"


def _build_access(request) -> Access | None:
    # Explicit escape from the tenant scope: a user's own memberships across organisations are
    # what decides the scope, so they are read before one is set.
    memberships = list(
        Membership.unscoped.filter(
            user=request.user, is_active=True, organisation__is_active=True
        ).select_related("organisation", "site")
    )
    if not memberships:
        return None
    organisations = {m.organisation_id: m.organisation for m in memberships}
    chosen = request.session.get(SESSION_KEY)
    if chosen not in organisations:  # re-checked on every request, never trusted alone
        chosen = min(organisations.values(), key=lambda o: (o.name, o.pk)).pk
        request.session[SESSION_KEY] = chosen
    return Access(
        user=request.user,
        organisation=organisations[chosen],
        memberships=tuple(m for m in memberships if m.organisation_id == chosen),
        organisations=tuple(sorted(organisations.values(), key=lambda o: o.name)),
    )


class TenantMiddleware:
    """Sets the current organisation from the signed-in user's memberships for the whole request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = None
        if request.user.is_authenticated:
            request.access = _build_access(request)
        org_id = request.access.organisation.pk if request.access else None
        with organisation_scope(org_id):
            return self.get_response(request)
