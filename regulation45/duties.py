"""The pack's compliance table: for each of the home's rules, the items (a young person's session,
weekly update, statutory visit or plan review) that fell due in the period, replayed from the
records themselves, and whether each was done on time, done late or not done.

Why from the records: the compliance sweep stores a change of status only when an item's status
flips, so an item done before it was "due soon" leaves no trace there, and a home whose weekly
updates all went on time showed "fell due 0" next to "65 sent". Replaying the rule over the
records counts every item, whatever the sweep saw, and agrees with the contacts pages (the same
contacts, on the home's calendar).

An item falls due on its last day; it is counted when that day is in the period and has passed
(before today on the home's calendar) or the item is done already, and only while the young
person was placed. Each row
totals: fell due = done on time + done late + not done. A fixed number of queries (nine)
whatever the size of the home."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q

from compliance.adapters import counted_sessions
from compliance.calendar import month_start, monthly_pace_due, next_month_start, week_start
from compliance.models import Policy, Rule
from contacts.models import Contact, VisitRequest, VisitRule, next_visit_due
from contacts.selectors import settings_by_site
from people.models import Child, Placement
from plans.models import PlanVersion
from plans.sections import plan_types_for
from tenancy.models import Site
from tenancy.schooldays import previous_working_day
from tenancy.timeutils import site_today

DAY = datetime.timedelta(days=1)

PACK_RULES = [Rule.SESSION, Rule.ROUTINE_CONTACT, Rule.SW_VISIT, Rule.PLAN_REVIEW]
PACK_RULE_LABELS = {
    Rule.SESSION: "Key-work sessions",
    Rule.ROUTINE_CONTACT: "Weekly social-worker updates",
    Rule.SW_VISIT: "Statutory social-worker visits",
    Rule.PLAN_REVIEW: "Plan reviews",
}


@dataclass
class Tally:
    """The items of one rule that fell due in the period, by what became of them."""

    first: datetime.date  # the period's first day
    last: datetime.date  # its last day
    passed: datetime.date  # the last day that has passed (yesterday on the home's calendar)
    due: int = 0
    on_time: int = 0
    late: int = 0
    not_done: int = 0

    def add(self, due_on: datetime.date | None, done_on: datetime.date | None) -> None:
        """One item due on ``due_on``, done on ``done_on`` (None: not done). Counted when it is
        due in the period and its day has passed, or it is done already (this week's update,
        sent on Friday, counts before Sunday is over)."""
        if due_on is None or not self.first <= due_on <= self.last:
            return
        if done_on is None and due_on > self.passed:
            return  # not due yet
        self.due += 1
        if done_on is None:
            self.not_done += 1
        elif done_on <= due_on:
            self.on_time += 1
        else:
            self.late += 1


def _placed(child: Child, day: datetime.date) -> bool:
    return child.start_date <= day and (child.leaving_date is None or day < child.leaving_date)


def _local(when: datetime.datetime, tz: ZoneInfo) -> datetime.date:
    return when.astimezone(tz).date()


def _policy(site: Site) -> Policy:
    found = Policy.objects.filter(site=site).first()  # query: the home's policy
    return found or Policy(site=site, **Policy.defaults_for(site))


def _bases(policy: Policy) -> dict[str, str]:
    """How each row is counted, in words, for the page and the PDF."""
    if policy.session_mode == Policy.SessionMode.PER_MONTH:
        sessions = (
            f"{policy.sessions_per_month} a calendar month for each young person, the k-th due "
            f"by the k/{policy.sessions_per_month} point of the month"
        )
    else:
        sessions = f"one every {policy.session_every_days} days for each young person"
    return {
        Rule.SESSION: sessions,
        Rule.ROUTINE_CONTACT: "one a week (Monday to Sunday) for each young person, sent by the "
        "Sunday; as the contacts pages list them",
        Rule.SW_VISIT: "each young person's next visit by the date regulation 28 (the home's "
        "contact rules) or a request after a significant incident set",
        Rule.PLAN_REVIEW: "each plan by its next review date (a plan never published: from the "
        "young person's admission)",
    }


def _weekly_updates(site, children, tally: Tally) -> None:
    """One update a young person a week, due on the week's Sunday, done when the update for that
    week was sent (its professional contact, not retracted: the contacts list shows the same)."""
    tz = ZoneInfo(site.time_zone)
    first_monday = week_start(tally.first)
    sent: dict[tuple[int, datetime.date], datetime.date] = {}
    rows = Contact.objects.filter(
        site=site,
        child__in=[c.pk for c in children],
        purpose=Contact.Purpose.WEEKLY_UPDATE,
        retracted_at__isnull=True,
        occurred_at__gte=datetime.datetime.combine(first_monday, datetime.time.min, tzinfo=tz),
    ).values_list("child_id", "occurred_at", "weekly_update__week_start")  # query: updates sent
    for child_id, occurred_at, monday in rows:
        day = _local(occurred_at, tz)
        key = (child_id, monday or week_start(day))
        sent[key] = min(sent.get(key, day), day)
    for child in children:
        sunday = first_monday + datetime.timedelta(days=6)
        while sunday <= tally.last:
            monday = sunday - datetime.timedelta(days=6)
            if child.start_date <= sunday and (
                child.leaving_date is None or child.leaving_date > monday
            ):
                tally.add(sunday, sent.get((child.pk, monday)))
            sunday += datetime.timedelta(days=7)


def _sessions(site, children, policy: Policy, tally: Tally) -> None:
    """N a calendar month: the k-th session of the month is due by day ceil(k × days / N) (the
    sweep's pace), from the young person's admission; or one every N days after the last."""
    per_month = policy.session_mode == Policy.SessionMode.PER_MONTH
    since = (
        month_start(tally.first)
        if per_month
        else tally.first - datetime.timedelta(days=policy.session_every_days)
    )
    days: dict[int, list[datetime.date]] = {c.pk: [] for c in children}
    for child_id, day in (
        counted_sessions()
        .filter(child__in=[c.pk for c in children], date__gte=since)
        .order_by("child_id", "date", "pk")
        .values_list("child_id", "date")
    ):  # query: the counted sessions
        days[child_id].append(day)
    for child in children:
        done = days[child.pk]
        if per_month:
            month = month_start(tally.first)
            while month <= tally.last:
                owed = [
                    d
                    for d in (
                        monthly_pace_due(month, k, policy.sessions_per_month)
                        for k in range(policy.sessions_per_month)
                    )
                    if _placed(child, d)
                ]
                in_month = [d for d in done if month <= d < next_month_start(month)]
                for j, due_on in enumerate(owed):
                    tally.add(due_on, in_month[j] if j < len(in_month) else None)
                month = next_month_start(month)
            continue
        every = datetime.timedelta(days=policy.session_every_days)
        # Before the first session fetched the chain is known only from an admission inside it.
        due_on = child.start_date + every if child.start_date >= since else None
        for day in done:
            if due_on is not None and _placed(child, due_on):
                tally.add(due_on, day)
            due_on = day + every
        if due_on is not None and _placed(child, due_on):
            tally.add(due_on, None)


def _visits(site, children, tally: Tally) -> None:
    """Regulation 28 replayed visit by visit (``contacts.models.next_visit_due`` with the home's
    contact rules, a deadline on a closed day met the working day before, as the contacts pages
    compute the next one): each visit meets the deadline then in force; after the last, the next
    deadline is not done while it has passed."""
    tz = ZoneInfo(site.time_zone)
    ids = [c.pk for c in children]
    rules = settings_by_site([site.pk])  # query: the home's contact rules
    rule = rules[site.pk].visit_rule() if site.pk in rules else VisitRule()
    placements = {
        p.child_id: p for p in Placement.objects.filter(child__in=ids)
    }  # query: placements
    visits: dict[int, list[tuple[datetime.datetime, bool]]] = {pk: [] for pk in ids}
    for child_id, at, to_18 in (
        Contact.objects.filter(child__in=ids, kind=Contact.Kind.VISIT, retracted_at__isnull=True)
        .order_by("child_id", "occurred_at", "pk")
        .values_list("child_id", "occurred_at", "placement_to_18")
    ):  # query: every statutory visit of these young people
        visits[child_id].append((at, to_18))
    requests: dict[int, list[VisitRequest]] = {pk: [] for pk in ids}
    for request in VisitRequest.objects.filter(child__in=ids):  # query: visits asked for sooner
        requests[request.child_id].append(request)

    for child in children:
        placement = placements.get(child.pk)
        started = placement.starts_on if placement else child.start_date
        last_at, last_day, to_18 = None, None, False
        for at, visit_to_18 in [*visits[child.pk], (None, False)]:
            # The deadline in force until this visit (the last pass: until now).
            long_term = placement.until_18 if placement else to_18
            due_on = previous_working_day(
                next_visit_due(started, last_day, long_term=long_term, rule=rule), site.region
            )
            for asked in requests[child.pk]:
                if (last_at is None or asked.requested_at > last_at) and (
                    at is None or asked.requested_at <= at
                ):
                    due_on = min(due_on, asked.due_on)
            if _placed(child, due_on):
                tally.add(due_on, None if at is None else _local(at, tz))
            if at is not None:
                last_at, last_day, to_18 = at, _local(at, tz), visit_to_18


def _plan_reviews(site, children, tally: Tally) -> None:
    """Each of the home's plans (placement plan, risk assessment, BMP, monthly review): due from
    admission until its first version is published, then by each version's next review date,
    done when the next version was published (the sweep's rule)."""
    tz = ZoneInfo(site.time_zone)
    published: dict[tuple[int, str], list[tuple[datetime.date, datetime.date | None]]] = {}
    for child_id, plan_type, at, plan_date, next_review in (
        PlanVersion.objects.filter(
            child__in=[c.pk for c in children],
            status__in=[PlanVersion.Status.CURRENT, PlanVersion.Status.SUPERSEDED],
        )
        .order_by("plan_id", "number")
        .values_list("child_id", "plan__plan_type", "published_at", "plan_date", "next_review_date")
    ):  # query: the published versions of their plans
        day = _local(at, tz) if at else plan_date
        published.setdefault((child_id, plan_type), []).append((day, next_review))
    for child in children:
        for plan_type in plan_types_for(site):
            due_on = child.start_date
            for day, next_review in published.get((child.pk, plan_type), []):
                if due_on is not None and _placed(child, due_on):
                    tally.add(due_on, day)
                due_on = next_review
            if due_on is not None and _placed(child, due_on):
                tally.add(due_on, None)


def compliance_figures(site: Site, start: datetime.date, end: datetime.date) -> list[dict]:
    """For each rule of the home's policy: {"rule", "label", "basis", "applies", "due",
    "done_on_time", "done_late", "not_done", "late" (went overdue: done late or not done),
    "on_time" (per cent, None when nothing fell due)}. Nine queries."""
    policy = _policy(site)
    passed = site_today(site) - DAY
    children = list(
        Child.objects.filter(site=site, start_date__lte=end)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gt=start))
        .order_by("pk")
    )  # query: the young people placed in the period
    applies = {
        Rule.SESSION: True,
        Rule.ROUTINE_CONTACT: policy.routine_contact == Policy.ContactKind.SOCIAL_WORKER_UPDATE,
        Rule.SW_VISIT: policy.social_worker_visits,
        Rule.PLAN_REVIEW: policy.plan_reviews,
    }
    tallies = {rule: Tally(first=start, last=end, passed=passed) for rule in PACK_RULES}
    if children:
        _sessions(site, children, policy, tallies[Rule.SESSION])
        if applies[Rule.ROUTINE_CONTACT]:
            _weekly_updates(site, children, tallies[Rule.ROUTINE_CONTACT])
        if applies[Rule.SW_VISIT]:
            _visits(site, children, tallies[Rule.SW_VISIT])
        if applies[Rule.PLAN_REVIEW]:
            _plan_reviews(site, children, tallies[Rule.PLAN_REVIEW])
    bases = _bases(policy)
    figures = []
    for rule in PACK_RULES:
        t = tallies[rule]
        figures.append(
            {
                "rule": str(rule),
                "label": PACK_RULE_LABELS[rule],
                "basis": bases[rule] if applies[rule] else "not one of the home's rules",
                "applies": applies[rule],
                "due": t.due,
                "done_on_time": t.on_time,
                "done_late": t.late,
                "not_done": t.not_done,
                "late": t.late + t.not_done,
                "on_time": round(100 * t.on_time / t.due) if t.due else None,
            }
        )
    return figures
