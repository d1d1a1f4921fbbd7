"""Weekly round-ups, the weekly social-worker update and statutory visits: whose are outstanding,
which have failed, which visits are due, and the update's pre-filled text from the week's records."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q

from behaviour.models import AttendanceMark, Slip
from people.models import (
    Child,
    ChildProfessional,
    KeyWorkerAllocation,
    Placement,
    Professional,
)
from people.selectors import (
    children_visible_to,
    current_allocations_q,
)
from tenancy.access import Access
from tenancy.hooks import collect
from tenancy.schooldays import previous_working_day

from ..models import (
    Contact,
    VisitRequest,
    VisitRule,
    WeeklyUpdate,
    next_visit_due,
)
from .base import day_bounds, settings_by_site, week_of

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
        .select_related("slip_type", "site")
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
