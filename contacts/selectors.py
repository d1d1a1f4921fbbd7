"""Reads about contacts, shared by views, tasks and other apps. Every read for a person starts from
``Access`` and ``people.selectors.children_visible_to``.

Contracts for other apps (the compliance engine reads these):
- ``calls_due(access, day)``: the same-day calls home due on ``day`` and not yet made;
- ``last_contact_dates(children, kinds)``: each child's latest contact of those kinds.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Max, Prefetch, Q, QuerySet
from django.http import Http404

from behaviour.models import NEGATIVE_KINDS, POSITIVE_KINDS, AttendanceMark, Kind, Slip, week_start
from people.models import (
    Child,
    ChildProfessional,
    Guardian,
    KeyWorkerAllocation,
    Placement,
    Professional,
)
from people.selectors import (
    MAX_SEARCH,
    MAX_SEARCH_WORDS,
    children_visible_to,
    current_allocations_q,
    name_search_q,
)
from tenancy.access import Access
from tenancy.hooks import collect
from tenancy.models import Site
from tenancy.schooldays import previous_working_day
from tenancy.text import normalise, search_key

from .models import (
    Contact,
    ContactSettings,
    ContactSlip,
    VisitRequest,
    VisitRule,
    WeeklyUpdate,
    next_visit_due,
)

# ---- time -------------------------------------------------------------------------------------


def day_bounds(site: Site, start: datetime.date, end: datetime.date):
    """Aware datetimes from the start of ``start`` to the end of ``end`` in the site's time zone."""
    tz = ZoneInfo(site.time_zone)
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
    )


def week_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday to Sunday of the week ``day`` falls in."""
    monday = week_start(day)
    return monday, monday + datetime.timedelta(days=6)


# ---- settings ---------------------------------------------------------------------------------


def settings_for(site: Site) -> ContactSettings:
    """The site's rules, or the defaults (unsaved) when the site has never set any."""
    found = ContactSettings.objects.filter(site=site).first()
    return found or ContactSettings(site=site, organisation_id=site.organisation_id)


def settings_by_site(site_ids) -> dict[int, ContactSettings]:
    return {s.site_id: s for s in ContactSettings.objects.filter(site_id__in=site_ids)}


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
                Prefetch("slip_links", queryset=ContactSlip.objects.select_related("slip"))
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
                queryset=ContactSlip.objects.select_related("slip", "slip__slip_type"),
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
        .select_related("slip_type")
        .order_by("-occurred_at", "-pk")
    )


# ---- weekly round-ups, weekly updates and visits ----------------------------------------------


def my_children_at(access: Access, day: datetime.date, *, kind: str) -> list[Child]:
    allocated = KeyWorkerAllocation.objects.filter(
        current_allocations_q(day), staff=access.user
    ).values("child_id")
    return list(
        children_visible_to(access)
        .filter(pk__in=allocated, site__kind=kind, start_date__lte=day)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gt=day))
        .select_related("site")
        .order_by("last_name", "first_name", "pk")
    )


def site_children_at(access: Access, day: datetime.date, *, kind: str) -> list[Child]:
    """Every current child of the ``kind`` sites the user manages (a home manager's whole-site
    view of weekly updates and statutory visits), ordered by name (one query)."""
    site_ids = [s.pk for s in access.all_sites if s.kind == kind and access.can_manage_site(s.pk)]
    if not site_ids:
        return []
    return list(
        children_visible_to(access)
        .filter(site_id__in=site_ids, start_date__lte=day)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gt=day))
        .select_related("site")
        .order_by("last_name", "first_name", "pk")
    )


def roundups_outstanding(children: list[Child], day: datetime.date) -> list[Child]:
    """Pupils with no weekly round-up call home yet in ``day``'s week (one query)."""
    if not children:
        return []
    monday, sunday = week_of(day)
    lo, hi = day_bounds(children[0].site, monday, sunday)
    done = set(
        Contact.objects.filter(
            child__in=[c.pk for c in children],
            retracted_at__isnull=True,
            purpose=Contact.Purpose.WEEKLY_ROUNDUP,
            occurred_at__gte=lo,
            occurred_at__lt=hi,
        ).values_list("child_id", flat=True)
    )
    return [c for c in children if c.pk not in done]


def updates_for_week(children: list[Child], monday: datetime.date) -> dict[int, WeeklyUpdate]:
    if not children:
        return {}
    return {
        u.child_id: u
        for u in WeeklyUpdate.objects.filter(
            child__in=[c.pk for c in children], week_start=monday, addendum_of__isnull=True
        )
    }


def failed_updates(access: Access, children: list[Child]) -> list[WeeklyUpdate]:
    if not children:
        return []
    return list(
        WeeklyUpdate.objects.filter(
            child__in=[c.pk for c in children],
            status__in=[WeeklyUpdate.Status.FAILED, WeeklyUpdate.Status.UNCERTAIN],
        )
        .select_related("child")
        .order_by("-week_start")
    )


@dataclass
class VisitDue:
    child: Child
    last_visit: datetime.date | None
    due_on: datetime.date
    long_term: bool

    def overdue_on(self, day: datetime.date) -> bool:
        return day > self.due_on


def visits_due(children: list[Child]) -> list[VisitDue]:
    """Each young person's next statutory social-worker visit (three queries: settings, the last
    visit of each child, their placements, and the visits asked for sooner), the earlier of the
    reg. 28 date and any ``VisitRequest`` not yet met by a visit. Whether the placement is meant to
    last until 18, and when it started, come from the placement recorded at admission
    (people.Placement); for a child admitted before placements were recorded, from the child's
    start date and the last visit record's old "until 18" box."""
    if not children:
        return []
    rules = settings_by_site({c.site_id for c in children})
    visits = Contact.objects.filter(
        child__in=[c.pk for c in children],
        kind=Contact.Kind.VISIT,
        retracted_at__isnull=True,
    )
    last: dict[int, Contact] = {}
    for contact in visits.order_by("child_id", "-occurred_at", "-pk").distinct("child_id"):
        last[contact.child_id] = contact
    # Visits asked for sooner (a significant incident): each child's requests, earliest first.
    requests: dict[int, list[VisitRequest]] = defaultdict(list)
    for request in VisitRequest.objects.filter(child__in=[c.pk for c in children]):
        requests[request.child_id].append(request)
    placements = {
        p.child_id: p for p in Placement.objects.filter(child__in=[c.pk for c in children])
    }
    result = []
    for child in children:
        visit = last.get(child.pk)
        placement = placements.get(child.pk)
        site_rules = rules.get(child.site_id)
        rule = site_rules.visit_rule() if site_rules else VisitRule()
        last_day = (
            visit.occurred_at.astimezone(ZoneInfo(child.site.time_zone)).date() if visit else None
        )
        if placement is not None:
            long_term, started = placement.until_18, placement.starts_on
        else:
            long_term, started = bool(visit and visit.placement_to_18), child.start_date
        # A statutory maximum on a weekend or bank holiday is met by the working day before it
        # (tenancy.schooldays), never moved later.
        due_on = previous_working_day(
            next_visit_due(started, last_day, long_term=long_term, rule=rule), child.site.region
        )
        for asked in requests.get(child.pk, ()):
            if visit is None or asked.requested_at > visit.occurred_at:  # not yet met by a visit
                due_on = min(due_on, asked.due_on)
        result.append(
            VisitDue(child=child, last_visit=last_day, due_on=due_on, long_term=long_term)
        )
    return sorted(result, key=lambda v: v.due_on)


# ---- the weekly update's pre-filled text ------------------------------------------------------


def social_worker(child: Child, day: datetime.date) -> Professional | None:
    link = (
        ChildProfessional.objects.filter(
            child=child,
            professional__role=Professional.Role.SOCIAL_WORKER,
            started_on__lte=day,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day))
        .select_related("professional")
        .order_by("-started_on")
        .first()
    )
    return link.professional if link else None


def _fmt(day: datetime.date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def week_records(child: Child, monday: datetime.date) -> dict[str, list[str]]:
    """The week's records, Monday to Sunday in the child's site's time zone, as lines of text by
    heading: key-work sessions and topics, incidents, school attendance, health appointments and
    positives. Read through the other apps' models and contract selectors."""
    from plans.models import HealthAppointment
    from sessions_app.selectors import sessions_for_period

    sunday = monday + datetime.timedelta(days=6)
    tz = ZoneInfo(child.site.time_zone)
    lo, hi = day_bounds(child.site, monday, sunday)
    sessions = []
    for session in sessions_for_period(child, monday, sunday):
        topics = ", ".join(t.name for t in session.topics.all())
        line = f"{_fmt(session.date)}: {session.display_title}"
        if topics:
            line += f" (topics: {topics})"
        sessions.append(line + ".")
    incidents, positives = [], []
    for slip in (
        Slip.objects.filter(child=child, retracted_at__isnull=True)
        .filter(occurred_at__gte=lo, occurred_at__lt=hi)
        .select_related("slip_type")
        .order_by("occurred_at", "pk")
    ):
        when = slip.occurred_at.astimezone(tz)
        line = f"{_fmt(when.date())}: {slip.type_name}: {slip.what_happened}"
        (positives if slip.is_positive else incidents).append(line)
    marks = list(
        AttendanceMark.objects.filter(child=child, date__gte=monday, date__lte=sunday)
        .order_by("date", "session")
        .values_list("code", flat=True)
    )
    attendance = []
    if marks:
        from behaviour.codes import Tally

        tally = Tally(by_code={})
        for code in marks:
            tally.add(code)
        pct = tally.percent
        attendance.append(
            f"Attended {tally.attended} of {tally.possible} possible sessions"
            + (f" ({pct:.0f}%)" if pct is not None else "")
            + (f"; {tally.lates} late" if tally.lates else "")
            + (f"; {tally.unauthorised} unauthorised absence" if tally.unauthorised else "")
            + "."
        )
    health = []
    for appt in (
        HealthAppointment.objects.filter(
            child=child,
        )
        .filter(
            Q(attended_on__gte=monday, attended_on__lte=sunday)
            | Q(attended_on__isnull=True, due_on__gte=monday, due_on__lte=sunday)
        )
        .order_by("due_on", "pk")
    ):
        if appt.attended_on:
            health.append(f"{_fmt(appt.attended_on)}: {appt.get_kind_display()} attended.")
        else:
            health.append(f"{appt.get_kind_display()} due {_fmt(appt.due_on)}, not yet attended.")
    records = {
        "Key-work sessions": sessions,
        "Incidents": incidents,
        "School attendance": attendance,
        "Health appointments": health,
        "Positives": positives,
    }
    # Matters a key-work record raised for the social worker (the actions app adds them).
    raised = collect("contacts.weekly_update_lines", child_id=child.pk, sunday=sunday)
    if raised:
        records["Matters for you from our records"] = raised
    return records


def compose_update(child: Child, monday: datetime.date, *, author_name: str, to_name: str) -> str:
    sunday = monday + datetime.timedelta(days=6)
    records = week_records(child, monday)
    greeting = f"Dear {to_name}," if to_name else "Dear social worker,"
    lines = [
        greeting,
        "",
        f"This is the weekly update for {child.display_name} at {child.site.name} for the week "
        f"{_fmt(monday)} to {_fmt(sunday)} {sunday.year}.",
    ]
    for heading, items in records.items():
        lines += ["", heading]
        lines += [f"- {item}" for item in items] if items else ["- None recorded this week."]
    lines += ["", "Kind regards,", author_name, child.site.name]
    return "\n".join(lines)


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
