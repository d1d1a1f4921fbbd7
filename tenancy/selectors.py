from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from people.models import KeyWorkerAllocation
from people.selectors import children_visible_to, current_allocations_q

from .access import Access


def site_summaries(access: Access) -> list[dict]:
    """Per visible site: how many current children, and how many have no key worker today."""
    day = timezone.localdate()
    has_key_worker = Exists(
        KeyWorkerAllocation.objects.filter(child=OuterRef("pk"), kind="primary").filter(
            current_allocations_q(day)
        )
    )
    rows = (
        children_visible_to(access)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gt=day))
        .annotate(has_key_worker=has_key_worker)
        .values("site_id")
        .annotate(
            children=Count("pk"),
            unallocated=Count("pk", filter=Q(has_key_worker=False)),
        )
    )
    by_site = {row["site_id"]: row for row in rows}
    return [
        {
            "site": site,
            "children": by_site.get(site.pk, {}).get("children", 0),
            "unallocated": by_site.get(site.pk, {}).get("unallocated", 0),
        }
        for site in access.all_sites
    ]
