"""Reads of the compliance engine shared by views, exports and tasks. Each dashboard runs a fixed
number of queries however many children or staff it shows."""

import datetime
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from people.selectors import children_visible_to
from tenancy.access import Access
from tenancy.bankholidays import bank_holidays
from tenancy.hooks import SITE_OBLIGATIONS, collect
from tenancy.models import Membership, Role, Site
from tenancy.schooldays import Closure
from tenancy.timeutils import site_today

from ..calendar import (
    BREAKS,
    add_term_days,
    default_breaks,
    half_term_bounds,
    skip_closed,
    week_start,
)
from ..models import RAG, Alert, Holiday, Obligation, Policy, Rule, Status, compute_status
from .dashboards import (
    ON_TIME_CACHE_SECONDS,
    STATUS_ORDER,
    WEEKS,
    Cell,
    Week,
    WorkerRow,
    _Item,
    _on_time_by_week,
    by_child,
    by_key_worker,
    chart,
    child_cells,
    on_time_by_week,
    overdue_items,
    rules_for,
)

User = get_user_model()

# A safety net only: a new change makes a new key (see on_time_by_week).


def can_edit_policy(access: Access, site: Site) -> bool:
    return access.is_org_admin or access.can_manage_site(site.pk)


def get_policy_site_or_404(access: Access, site_id) -> Site:
    """A site of the user's organisation they manage (404 for another organisation's id, 403 for a
    site of their own organisation they do not manage)."""
    site = access.get_site_or_404(site_id)
    if not can_edit_policy(access, site):
        raise PermissionDenied("Only the site's managers and organisation admins can do that.")
    return site


def get_dashboard_site_or_404(access: Access, site_id) -> Site:
    return get_policy_site_or_404(access, site_id)


def dashboard_sites(access: Access) -> list[Site]:
    return [s for s in access.all_sites if can_edit_policy(access, s)]


def site_counts(sites: list[Site], items: list[dict] | None = None) -> list[dict]:
    """For the home page: each site's overdue and due-today items (one query): its children's
    obligations and the whole-site ``items`` (``site_items``: the Regulation 45 review), so the
    figures count everything the panel names beside them."""
    counts: dict[int, dict] = {s.pk: defaultdict(int) for s in sites}
    for site_id, status, n in (
        Obligation.objects.filter(
            site_id__in=list(counts), status__in=[Status.OVERDUE, Status.DUE_TODAY]
        )
        .values_list("site_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):  # query: counts by site and status
        counts[site_id][status] += n
    for item in items or ():
        if item["site"].pk in counts:
            counts[item["site"].pk][item["status"]] += 1
    return [
        {
            "site": site,
            "overdue": counts[site.pk][Status.OVERDUE],
            "due_today": counts[site.pk][Status.DUE_TODAY],
        }
        for site in sites
    ]


def site_items(sites: list[Site]) -> list[dict]:
    """Obligations of a whole site that higher apps keep (the Regulation 45 review and its report
    to Ofsted), collected through ``tenancy.hooks.SITE_OBLIGATIONS`` with their status today on
    each site's calendar, soonest first: dicts {"site", "label", "due_on", "url", "status",
    "rag"}. The subscribers' own queries only (a fixed number)."""
    by_id = {s.pk: s for s in sites}
    items = []
    for item in collect(SITE_OBLIGATIONS, sites=sites):
        site = by_id.get(item["site_id"])
        if site is None:
            continue
        status = compute_status(
            today=site_today(site), due_on=item["due_on"], soon_days=item["soon_days"], paused=False
        )
        items.append({**item, "site": site, "status": status, "rag": RAG[status]})
    return sorted(items, key=lambda i: (i["due_on"], i["label"]))


def my_counts(access: Access) -> dict[str, int]:
    """For the home page: the key worker's own overdue, due-today and due-soon items (one query)."""
    found = dict(
        Obligation.objects.filter(
            staff=access.user,
            site_id__in=access.visible_site_ids,
            status__in=[Status.OVERDUE, Status.DUE_TODAY, Status.DUE_SOON],
        )
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )  # query: my counts by status
    return {
        status: found.get(status, 0)
        for status in (Status.OVERDUE, Status.DUE_TODAY, Status.DUE_SOON)
    }


def get_holiday_or_404(site: Site, holiday_id) -> Holiday:
    try:
        return Holiday.objects.get(site=site, pk=holiday_id)
    except (Holiday.DoesNotExist, ValueError, TypeError):
        raise Http404("No such holiday.")


def closures_by_site(site_ids) -> dict[int, list[Closure]]:
    """{site id: [Closure]}: each site's term-calendar entries (holidays and closure days), for
    tenancy.schooldays (registered in ComplianceConfig.ready). One query."""
    found: dict[int, list[Closure]] = {}
    for site_id, first, last, name, kind in Holiday.objects.filter(
        site_id__in=list(site_ids)
    ).values_list("site_id", "starts_on", "ends_on", "name", "kind"):  # query: holidays
        found.setdefault(site_id, []).append(Closure(first, last, name, kind))
    return found


def half_term(site_ids, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The half term ``day`` falls in (in a holiday, the one just ended), by the term calendar of
    the first of ``site_ids`` that keeps one (a school's), else England's default; the six weeks to
    ``day`` when neither reaches. One query. Sessions' and behaviour's "this half term" use it."""
    breaks: dict[int, list] = {}
    for site_id, first, last in Holiday.objects.filter(
        site_id__in=list(site_ids), kind__in=BREAKS
    ).values_list("site_id", "starts_on", "ends_on"):  # query: the sites' holidays
        breaks.setdefault(site_id, []).append((first, last))
    own = breaks[min(breaks)] if breaks else []
    found = half_term_bounds(day, own, in_break="previous") if own else None
    found = found or half_term_bounds(day, default_breaks(), in_break="previous")
    return found or (day - datetime.timedelta(days=41), day)


def policy_or_defaults(site: Site) -> Policy:
    """The site's policy, or (unsaved) the defaults for its kind until the first sweep makes it.
    One query."""
    return policy_for(site) or Policy(**Policy.defaults_for(site))


def next_session_due(site: Site, day: datetime.date) -> datetime.date:
    """When the next key-work session is due after one on ``day``, by the site's policy: every N
    days with a school's clock stopped in its holidays, or a week's share of N a month. One query,
    and one more for a school's holidays."""
    policy = policy_or_defaults(site)
    closed = []
    if site.is_school:  # its holidays and closure days, and its region's bank holidays
        closed = list(Holiday.objects.filter(site=site).values_list("starts_on", "ends_on"))
        closed += [(d, d) for d in bank_holidays(site.region)]
    if policy.session_mode == Policy.SessionMode.PER_MONTH:
        due = day + datetime.timedelta(days=max(1, 28 // policy.sessions_per_month))
        return skip_closed(due, closed)
    return add_term_days(day, policy.session_every_days, closed)


def session_max_minutes(site: Site) -> int | None:
    """The site's longest key-work session in minutes (``None``: no limit), by its policy or the
    defaults for its kind (20 minutes in a school). One query."""
    return policy_or_defaults(site).session_max_minutes


def half_term_progress(child) -> str:
    """This half term's sessions for a school child, as the last sweep stored them, e.g. "1 of 3
    this half term; still to cover: IEP, Student voice" (one query; empty when not a rule)."""
    return (
        Obligation.objects.filter(child=child, rule=Rule.HALF_TERM)
        .values_list("progress", flat=True)
        .first()
        or ""
    )


def holidays_for(site: Site) -> QuerySet[Holiday]:
    return Holiday.objects.filter(site=site).order_by("starts_on")


def policy_for(site: Site) -> Policy | None:
    return Policy.objects.filter(site=site).first()


def org_overview(access: Access) -> list[dict]:
    """Every site side by side: counts by rule and status, and the whole site's items not on
    track (the Regulation 45 review). One query (plus the sites and the subscribers' own)."""
    sites = dashboard_sites(access)
    items = defaultdict(list)
    for item in site_items(sites) if sites else ():
        if item["status"] not in (Status.OK, Status.PAUSED):
            items[item["site"].pk].append(item)
    counts = defaultdict(lambda: defaultdict(Cell))
    for r in (
        Obligation.objects.filter(site__in=[s.pk for s in sites])
        .values("site_id", "rule", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):  # query: counts by site, rule and status
        counts[r["site_id"]][r["rule"]].counts[r["status"]] = r["n"]
    rows = []
    for site in sites:
        cells = counts[site.pk]
        total = sum(c.total for c in cells.values())
        overdue = sum(c.overdue for c in cells.values())
        rows.append(
            {
                "site": site,
                "cells": [(rule, label, cells[rule]) for rule, label in rules_for(site)],
                "total": total,
                "overdue": overdue,
                "on_time": None if not total else round(100 * (total - overdue) / total),
                "site_items": items[site.pk],
            }
        )
    return rows


def my_week(access: Access, now=None) -> dict:
    """The key worker's week: overdue, due today and due by Sunday for the children allocated to
    them today. One query for the obligations."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    end = week_start(today) + datetime.timedelta(days=6)
    items = list(
        Obligation.objects.filter(
            staff=access.user,
            paused=False,
            due_on__lte=end,
            child__in=children_visible_to(access),
        )
        .select_related("child", "child__site")
        .order_by("due_on", "child__last_name", "pk")
    )  # query: my obligations due by Sunday
    items = [o for o in items if not o.is_met]  # an appointed key worker is not due again
    return {
        "today": today,
        "week_end": end,
        "overdue": [o for o in items if o.status_at(now) == Status.OVERDUE],
        "due_today": [o for o in items if o.status_at(now) == Status.DUE_TODAY],
        "this_week": [
            o for o in items if o.status_at(now) not in (Status.OVERDUE, Status.DUE_TODAY)
        ],
    }


def alerts_for(user) -> QuerySet[Alert]:
    return Alert.objects.filter(user=user).select_related("obligation", "obligation__child")


def unread_count(user) -> int:
    return Alert.objects.filter(user=user, read_at__isnull=True).count()


# ---------------------------------------------------------------- digests


def digest_recipients(now=None):
    """(user, items, items by key worker) for everyone owed a digest in the organisation in scope:
    key workers get their overdue and due-today-or-soon items; managers their sites' overdue items
    grouped by key worker. Three queries whatever the size of the organisation."""
    now = now or timezone.now()
    obligations = list(
        Obligation.objects.filter(
            paused=False, status__in=[Status.OVERDUE, Status.DUE_TODAY, Status.DUE_SOON]
        )
        .select_related("child", "staff", "site")
        .order_by("due_on", "pk")
    )  # query: every obligation needing attention
    by_staff = defaultdict(list)
    overdue_by_site = defaultdict(list)
    for ob in obligations:
        if ob.staff_id:
            by_staff[ob.staff_id].append(ob)
        if ob.status == Status.OVERDUE:
            overdue_by_site[ob.site_id].append(ob)
    managers = defaultdict(set)
    for site_id, user_id in Membership.objects.filter(
        role=Role.MANAGER, is_active=True, site__isnull=False
    ).values_list("site_id", "user_id"):  # query: managers by site
        managers[user_id].add(site_id)
    users = User.objects.in_bulk(set(by_staff) | set(managers))  # query: the people
    out = []
    for user_id, user in users.items():
        mine = list(by_staff.get(user_id, []))
        by_worker = defaultdict(list)
        for site_id in managers.get(user_id, ()):
            for ob in overdue_by_site[site_id]:
                name = (
                    f"{ob.staff.first_name} {ob.staff.last_name}" if ob.staff else "No key worker"
                )
                by_worker[name].append(ob)
        items = mine + [ob for obs in by_worker.values() for ob in obs if ob not in mine]
        out.append((user, items, dict(sorted(by_worker.items()))))
    return sorted(out, key=lambda t: t[0].pk)
