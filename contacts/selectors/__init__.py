"""Reads about contacts, shared by views, tasks and other apps. Every read for a person starts from
``Access`` and ``people.selectors.children_visible_to``.

Contracts for other apps (the compliance engine reads these):
- ``calls_due(access, day)``: the same-day calls home due on ``day`` and not yet made;
- ``last_contact_dates(children, kinds)``: each child's latest contact of those kinds.
"""

import datetime
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Max, Prefetch, Q, QuerySet
from django.http import Http404

from people.models import (
    Child,
    Guardian,
)
from people.selectors import (
    MAX_SEARCH,
    MAX_SEARCH_WORDS,
    children_visible_to,
    name_search_q,
)
from tenancy.access import Access
from tenancy.models import Site
from tenancy.text import normalise, search_key

from ..models import (
    Contact,
    ContactSlip,
    WeeklyUpdate,
)
from .base import (
    day_bounds,
    settings_by_site,
    settings_for,
    week_of,
)
from .calls import (
    CallDue,
    calls_due,
    calls_due_between,
    contacts_today_about,
    linkable_slips,
    triggers,
)
from .weekly import (
    VisitDue,
    _fmt,
    compose_update,
    failed_updates,
    my_children_at,
    roundups_outstanding,
    site_children_at,
    social_worker,
    updates_for_week,
    visits_due,
    week_records,
)

# ---- contacts ---------------------------------------------------------------------------------


def visible_contacts(access: Access) -> QuerySet[Contact]:
    """Live (not retracted) contacts about children this user may see."""
    return Contact.objects.filter(child__in=children_visible_to(access), retracted_at__isnull=True)


def get_contact_or_404(access: Access, contact_id) -> Contact:
    try:
        contact = (
            Contact.objects.filter(child__in=children_visible_to(access))
            .select_related("child", "child__site", "recorded_by", "retracted_by", "guardian")
            .prefetch_related(
                Prefetch(
                    "slip_links", queryset=ContactSlip.objects.select_related("slip", "slip__site")
                )
            )
            .get(pk=contact_id)
        )
    except (Contact.DoesNotExist, ValueError, TypeError):
        raise Http404("No such contact.")
    access.audit_view(contact)
    return contact


def get_update_or_404(access: Access, update_id) -> WeeklyUpdate:
    try:
        update = (
            WeeklyUpdate.objects.filter(child__in=children_visible_to(access))
            .select_related("child", "child__site", "author", "contact")
            .get(pk=update_id)
        )
    except (WeeklyUpdate.DoesNotExist, ValueError, TypeError):
        raise Http404("No such update.")
    access.audit_view(update)
    return update


@dataclass
class ContactQuery:
    site: Site | None = None
    child: Child | None = None
    kind: str = ""
    purpose: str = ""
    staff_id: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    search: str = ""


def contact_list(access: Access, query: ContactQuery) -> QuerySet[Contact]:
    qs = visible_contacts(access)
    if query.site is not None:
        qs = qs.filter(site=query.site)
    if query.child is not None:
        qs = qs.filter(child=query.child)
    if query.kind:
        qs = qs.filter(kind=query.kind)
    if query.purpose:
        qs = qs.filter(purpose=query.purpose)
    if query.staff_id:
        qs = qs.filter(recorded_by_id=query.staff_id)
    tz_site = query.site or (query.child.site if query.child else None)
    if tz_site is None and access.all_sites:
        tz_site = access.all_sites[0]
    if tz_site is not None and (query.start or query.end):
        lo, hi = day_bounds(
            tz_site,
            query.start or datetime.date(2000, 1, 1),
            query.end or datetime.date(2100, 1, 1),
        )
        qs = qs.filter(occurred_at__gte=lo, occurred_at__lt=hi)
    for word in normalise(query.search[:MAX_SEARCH]).split()[:MAX_SEARCH_WORDS]:
        # The child's names through the folded column ("Zoe" finds Zoë, "O’Brien" O'Brien).
        qs = qs.filter(name_search_q(word, "child__") | Q(with_whom__icontains=word))
    return qs.select_related("child", "site", "recorded_by").order_by("-occurred_at", "-pk")


def child_timeline(child: Child) -> QuerySet[Contact]:
    """A child's live contacts, newest first, with the slips each is about (two queries a page)."""
    return (
        Contact.objects.filter(child=child, retracted_at__isnull=True)
        .select_related("recorded_by", "weekly_update")
        .prefetch_related(
            Prefetch(
                "slip_links",
                queryset=ContactSlip.objects.select_related(
                    "slip", "slip__slip_type", "slip__site"
                ),
            )
        )
        .order_by("-occurred_at", "-pk")
    )


def last_contact_dates(children, kinds) -> dict[int, datetime.date | None]:
    """Each child's latest live contact of ``kinds`` (contact kinds, such as ``parent``, or
    purposes, such as ``weekly_roundup`` or ``weekly_update``), as a date in the child's site's
    time zone; ``None`` for a child with none. One query (pass children with ``site`` loaded,
    for example ``.select_related("site")``, or each child's site is read once)."""
    children = list(children)
    kinds = list(kinds)
    latest = {
        row["child_id"]: row["last"]
        for row in Contact.objects.filter(
            Q(kind__in=kinds) | Q(purpose__in=kinds),
            child__in=[c.pk for c in children],
            retracted_at__isnull=True,
        )
        .order_by()
        .values("child_id")
        .annotate(last=Max("occurred_at"))
    }
    result = {}
    for child in children:
        when = latest.get(child.pk)
        result[child.pk] = when.astimezone(ZoneInfo(child.site.time_zone)).date() if when else None
    return result


# ---- another child's name in the text ---------------------------------------------------------


def other_children_named(access: Access, child: Child, texts: list[str]) -> list[str]:
    """Full names of other children (at the child's site) that appear in ``texts`` (one query).
    A contact with a parent or professional must never disclose another child's information.
    Names match whatever the case, accents and apostrophes ("Zoe O’Brien" is Zoë O'Brien:
    tenancy.text.search_key); one pass over the text whatever the number of children."""
    text = search_key(normalise("\n".join(t for t in texts if t)))
    if not text.strip():
        return []
    names: dict[str, str] = {}
    for first, last, preferred in (
        children_visible_to(access)
        .filter(site_id=child.site_id)
        .exclude(pk=child.pk)
        .values_list("first_name", "last_name", "preferred_name")
    ):
        for given in {first, preferred} - {""}:
            key = " ".join(search_key(normalise(f"{given} {last}")).split())
            if key:
                names.setdefault(key, f"{given} {last}")
    if not names:
        return []
    body = "|".join(
        r"\s+".join(map(re.escape, key.split()))
        for key in sorted(names, key=lambda k: (-len(k), k))
    )
    pattern = re.compile(rf"(?<!\w)(?=\w)(?:{body})(?!\w)")
    found = {names[" ".join(m.group(0).split())] for m in pattern.finditer(text)}
    return sorted(found)


def restrictions_for(child: Child) -> list[Guardian]:
    """Family members with a recorded contact restriction (family-time warning)."""
    return list(
        Guardian.objects.filter(child=child, retracted_at__isnull=True).exclude(
            contact_restrictions=""
        )
    )
