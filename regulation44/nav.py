"""Regulation 44 in the top bar: for a home's independent visitor and for its managers (and
organisation admins with a home). No queries: the memberships and sites are loaded."""

from tenancy.navigation import REPORTS
from tenancy.urlcache import reverse

from .selectors import report_sites


def items(request):
    access = request.access
    if not report_sites(access):
        return []
    label = "My visits" if access.is_independent_visitor else "Regulation 44"
    return [(label, reverse("regulation44:index"), "/regulation44/", REPORTS)]
