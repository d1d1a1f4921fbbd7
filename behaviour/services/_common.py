"""Who records behaviour at a site, and the result of a bulk save."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied

from tenancy.access import Access


def _require_site_member(access: Access, site_id: int) -> None:
    """Recording slips, points, marks and appointments: tenancy.access.ACCESS_TABLE's
    "behaviour" row (key workers and managers of the site, not moderators)."""
    if not access.can("behaviour", "write", site_id):
        raise PermissionDenied("Only key workers and managers of that site record behaviour.")
    if site_id not in access.open_site_ids:
        raise PermissionDenied("That site is closed: its records are read-only.")


@dataclass
class SaveResult:
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    kept_closures: list[str] = field(default_factory=list)  # rows left as the closure (#)

    @property
    def changed(self) -> int:
        return self.created + self.replaced
