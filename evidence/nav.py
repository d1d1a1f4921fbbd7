from tenancy.navigation import REPORTS
from tenancy.urlcache import reverse

from .selectors import can_see_what_works


def items(request):
    """What works, for managers and organisation admins (no queries: memberships are loaded)."""
    if not can_see_what_works(request.access):
        return []
    url = reverse("evidence:what_works")
    return [("What works", url, "/evidence/what-works", REPORTS)]


def child_links(request, child):
    return [
        ("Impact of targets", reverse("evidence:child_impact", args=[child.pk])),
        ("Chronology", reverse("evidence:chronology", args=[child.pk])),
        ("Key-work story (PDF)", reverse("evidence:story_pdf", args=[child.pk])),
        ("Key-work story (Word)", reverse("evidence:story_docx", args=[child.pk])),
    ]
