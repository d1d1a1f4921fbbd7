from django.core.exceptions import PermissionDenied

from . import authcache
from .access import Access, current_memberships, visitor_may
from .context import organisation_scope, user_scope
from .models import Membership

SESSION_KEY = "organisation_id"


def _memberships(user) -> list[Membership]:
    # Explicit escape from the ORM scope: a user's own memberships across organisations decide the
    # scope. Row-level security shows them through the user clause of the membership policy; sites
    # come back only for the organisation in scope.
    return list(
        Membership.unscoped.filter(
            user=user, is_active=True, organisation__is_active=True
        ).select_related("organisation", "site")
    )


class TenantMiddleware:
    """Sets the current organisation from the signed-in user's memberships for the whole request.

    The organisation remembered in the session is tried first and is re-checked against the
    memberships every time; it is never trusted alone. The memberships (and the verified device)
    come from the session's cached entry while its version holds (``tenancy.authcache``: any
    change to a membership, role, site, organisation, user or device makes the very next request
    load them again), so the usual request runs no query for them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = None
        user = request.user
        # No organisation until the second factor is given: nothing about any child is reachable.
        verified = getattr(user, "is_verified", None)
        if not user.is_authenticated or (verified is not None and not verified()):
            with user_scope(None), organisation_scope(None):
                return self.get_response(request)
        with user_scope(user.pk):
            remembered = request.session.get(SESSION_KEY)
            memberships, chosen = self._cached(request, user, remembered)
            organisations = {m.organisation_id: m.organisation for m in memberships}
            if organisations:
                request.access = Access(
                    user=user,
                    organisation=organisations[chosen],
                    memberships=tuple(m for m in memberships if m.organisation_id == chosen),
                    organisations=tuple(sorted(organisations.values(), key=lambda o: o.name)),
                    request_label=f"{request.method} {request.path}"[:300],
                )
            with organisation_scope(chosen if organisations else None):
                return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """An independent visitor reaches only the pages ``tenancy.access.visitor_may`` lists:
        any other page, and any form but their report, is refused before its view runs."""
        match = request.resolver_match
        if not visitor_may(request.access, match.view_name if match else None, request.method):
            raise PermissionDenied("An independent visitor reads the home's records only.")
        return None

    def _cached(self, request, user, remembered):
        """(memberships, chosen organisation id): the current ones (a role past its end date,
        an independent visitor's, gives nothing), from the session's entry when it is valid for the
        remembered organisation and the verified device, else from the database (then cached)."""
        found = authcache.lookup(request, user.pk)
        device = getattr(getattr(user, "otp_device", None), "persistent_id", None)
        entry = found.entry if found is not None else None
        if entry is not None and entry.organisation_id == remembered and entry.device == device:
            return entry.memberships, remembered
        with organisation_scope(remembered):
            memberships = current_memberships(_memberships(user))
        organisations = {m.organisation_id: m.organisation for m in memberships}
        chosen = remembered
        if organisations and chosen not in organisations:
            chosen = min(organisations.values(), key=lambda o: (o.name, o.pk)).pk
            request.session[SESSION_KEY] = chosen
            with organisation_scope(chosen):
                memberships = current_memberships(_memberships(user))
        if found is not None and device is not None:
            authcache.store(
                request,
                authcache.Entry(
                    user_id=user.pk,
                    version=found.version,
                    device=device,
                    organisation_id=chosen if organisations else remembered,
                    memberships=memberships,
                    valid_until=authcache.valid_until(memberships),
                ),
            )
        return memberships, chosen
