from tenancy.navigation import REPORTS
from tenancy.urlcache import reverse

from .selectors import can_read


def items(request):
    """Regulation 45, for managers of a children's home and organisation admins with a home (no
    queries for a manager: their memberships are loaded)."""
    if not can_read(request.access):
        return []
    url = reverse("regulation45:index")
    return [("Regulation 45", url, url, REPORTS)]
