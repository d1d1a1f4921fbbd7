"""Same-day calls home: which slips trigger a call by the site's rules, the calls due in a period
or today, the contacts already made about those slips, and the slips a contact may link."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from behaviour.models import NEGATIVE_KINDS, POSITIVE_KINDS, Kind, Slip
from people.models import (
    Child,
    KeyWorkerAllocation,
)
from people.selectors import (
    children_visible_to,
    current_allocations_q,
)
from tenancy.access import Access

from ..models import (
    Contact,
    ContactSettings,
    ContactSlip,
)
from .base import day_bounds, settings_by_site

# ---- same-day calls ---------------------------------------------------------------------------


@dataclass
class CallDue:
    child: Child
    day: datetime.date
    reason: str  # "high_level", "low_level" or "reward"
    slips: list[Slip]
    key_workers: list = field(default_factory=list)  # current key worker and cover

    REASONS = {
        "high_level": "High-level incident",
        "low_level": "Low-level slips",
        "reward": "Reward worth a call",
    }

    @property
    def reason_label(self) -> str:
        if self.reason == "low_level":
            return f"{len(self.slips)} low-level slips in a day"
        return self.REASONS[self.reason]

    @property
    def slip_ids(self) -> list[int]:
        return [s.pk for s in self.slips]


def triggers(slips: list[Slip], rules: ContactSettings) -> list[tuple[str, list[Slip]]]:
    """The same-day calls one child's slips of one day call for, by the site's rules: each
    high-level incident; each reward marked worth a call; and all the low-level slips together
    once there are ``low_level_threshold`` or more. Pure: no queries."""
    found: list[tuple[str, list[Slip]]] = []
    low = [s for s in slips if s.kind == Kind.LOW]
    for slip in sorted(slips, key=lambda s: (s.occurred_at, s.pk)):
        if slip.kind == Kind.HIGH and rules.call_after_high_level:
            found.append(("high_level", [slip]))
        elif slip.kind in POSITIVE_KINDS and slip.worth_a_call and rules.call_after_reward:
            found.append(("reward", [slip]))
    if len(low) >= rules.low_level_threshold:
        found.append(("low_level", sorted(low, key=lambda s: (s.occurred_at, s.pk))))
    return found


def calls_due_between(
    access: Access,
    start: datetime.date,
    end: datetime.date,
    *,
    mine: bool = False,
    child: Child | None = None,
) -> list[CallDue]:
    """Same-day calls home due on days ``start``..``end`` at the user's school sites and not made:
    a call is made when a live parent contact is linked to (one of) the slip(s) behind it.
    ``mine``: only the children the user is key worker or cover for. Four queries whatever the
    number of slips: settings, slips (with child and site), contacts linked to them, allocations."""
    sites = [s for s in access.all_sites if s.is_school and s.pk in access.visible_site_ids]
    if not sites:
        return []
    rules = settings_by_site([s.pk for s in sites])  # query 1
    slips_qs = Slip.objects.filter(
        site__in=sites,
        retracted_at__isnull=True,
        child__in=children_visible_to(access),
    ).filter(
        Q(kind__in=NEGATIVE_KINDS) | Q(kind__in=POSITIVE_KINDS, worth_a_call=True),
    )
    bounds = Q()
    for site in sites:
        lo, hi = day_bounds(site, start, end)
        bounds |= Q(site=site, occurred_at__gte=lo, occurred_at__lt=hi)
    if child is not None:
        slips_qs = slips_qs.filter(child=child)
    if mine:
        day = end
        slips_qs = slips_qs.filter(
            child__allocations__in=KeyWorkerAllocation.objects.filter(
                current_allocations_q(day), staff=access.user
            )
        )
    slips = list(
        slips_qs.filter(bounds).select_related("child", "child__site", "slip_type").distinct()
    )  # query 2
    if not slips:
        return []
    called = set(
        ContactSlip.objects.filter(
            slip__in=[s.pk for s in slips],
            contact__retracted_at__isnull=True,
            contact__kind=Contact.Kind.PARENT,
        ).values_list("slip_id", flat=True)
    )  # query 3
    groups: dict[tuple[int, datetime.date], list[Slip]] = defaultdict(list)
    for slip in slips:
        local = slip.occurred_at.astimezone(ZoneInfo(slip.child.site.time_zone)).date()
        groups[(slip.child_id, local)].append(slip)
    due: list[CallDue] = []
    for (_child_id, day), day_slips in groups.items():
        child = day_slips[0].child
        site_rules = rules.get(child.site_id) or ContactSettings()
        for reason, trigger_slips in triggers(day_slips, site_rules):
            if any(s.pk in called for s in trigger_slips):
                continue
            due.append(CallDue(child=child, day=day, reason=reason, slips=trigger_slips))
    if due:
        staff: dict[int, list] = defaultdict(list)
        for allocation in (
            KeyWorkerAllocation.objects.filter(
                current_allocations_q(end), child_id__in={d.child.pk for d in due}
            )
            .select_related("staff")
            .order_by("kind")
        ):  # query 4
            staff[allocation.child_id].append(allocation)
        for item in due:
            item.key_workers = staff.get(item.child.pk, [])
    due.sort(key=lambda d: (d.day, d.child.last_name, d.child.first_name, d.slips[0].occurred_at))
    return due


def calls_due(
    access: Access, day: datetime.date, *, mine: bool = False, child: Child | None = None
) -> list[CallDue]:
    """The same-day calls due on ``day`` (in each site's time zone) and not yet made."""
    return calls_due_between(access, day, day, mine=mine, child=child)


def contacts_today_about(child: Child, slip_ids, day: datetime.date) -> list[Contact]:
    """The duplicate guard: live parent contacts on ``day`` about any of these slips (or, when no
    slip is chosen, none)."""
    if not slip_ids:
        return []
    lo, hi = day_bounds(child.site, day, day)
    return list(
        Contact.objects.filter(
            child=child,
            retracted_at__isnull=True,
            kind=Contact.Kind.PARENT,
            occurred_at__gte=lo,
            occurred_at__lt=hi,
            slip_links__slip_id__in=list(slip_ids),
        )
        .select_related("recorded_by")
        .distinct()
        .order_by("occurred_at")
    )


def linkable_slips(child: Child, day: datetime.date, *, days_back: int = 7) -> QuerySet[Slip]:
    """The child's own live slips of the last week, for the "about which slips" choice."""
    lo, hi = day_bounds(child.site, day - datetime.timedelta(days=days_back), day)
    return (
        Slip.objects.filter(
            child=child, retracted_at__isnull=True, occurred_at__gte=lo, occurred_at__lt=hi
        )
        .select_related("slip_type", "site")
        .order_by("-occurred_at", "-pk")
    )
