"""Every write of the compliance engine: policies, the term calendar, the sweep (recompute the
obligations from the records, flip statuses, record each flip once, alert), alerts read, digests."""

import datetime
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from people.models import Child, KeyWorkerAllocation, child_display_name
from people.selectors import current_allocations_q
from tenancy import badges
from tenancy.bankholidays import bank_holidays
from tenancy.context import require_organisation_id
from tenancy.models import Membership, Role, Site

from .. import adapters, calendar
from ..models import (
    Alert,
    Holiday,
    Obligation,
    Policy,
    Rule,
    Status,
    StatusChange,
    compute_status,
)
from .digests import (
    alerts_mark_read,
    digest_send_organisation,
)
from .policies import (
    calendar_reset_default,
    holiday_add,
    holiday_remove,
    holiday_update,
    policy_ensure,
    policy_update,
    refresh_on_commit,
    site_region_set,
)

BATCH = 5000
logger = logging.getLogger(__name__)

# ---------------------------------------------------------------- the sweep


@dataclass
class SweepResult:
    obligations: int = 0
    written: int = 0
    changes: int = 0
    alerts: int = 0
    flips: dict = field(default_factory=dict)


def _policies(sites: list[Site]) -> dict[int, Policy]:
    policies = {p.site_id: p for p in Policy.objects.filter(site__in=sites)}  # query: policies
    missing = [s for s in sites if s.pk not in policies]
    if missing:  # query (first sweep only): create the defaults
        for site in missing:
            with transaction.atomic():
                policies[site.pk] = policy_ensure(site=site)
    return policies


@dataclass
class Calendar:
    """A site's holidays: ``days`` stop the clocks (closure days too); ``breaks`` (half-term and
    end-of-term holidays) bound the half terms."""

    days: list = field(default_factory=list)
    breaks: list = field(default_factory=list)
    bank: list = field(default_factory=list)  # the region's bank holidays as (day, day)


def _holidays(site_by_id) -> dict[int, Calendar]:
    """Each site's clock-stopping days: its own holidays and closure days, and every bank holiday
    of its region (tenancy.bankholidays: GOV.UK's list), which close a school like a closure day."""
    found: dict[int, Calendar] = {s: Calendar() for s in site_by_id}
    for site_id, first, last, kind in Holiday.objects.filter(site_id__in=site_by_id).values_list(
        "site_id", "starts_on", "ends_on", "kind"
    ):  # query: holidays
        found[site_id].days.append((first, last))
        if kind in calendar.BREAKS:
            found[site_id].breaks.append((first, last))
    for site_id, site in site_by_id.items():
        found[site_id].bank = [(d, d) for d in bank_holidays(site.region)]
        found[site_id].days = sorted(found[site_id].days + found[site_id].bank)
    return found


def _half_terms(sites, policies, holidays, today_by_site) -> tuple[dict, dict]:
    """({site id: (first day, last day)} of the current half term, {site id: the next one or
    None}) for each school whose policy asks for N sessions a half term (a site without its own
    calendar uses England's default)."""
    current, following = {}, {}
    for site in sites:
        if not site.is_school or not policies[site.pk].sessions_per_half_term:
            continue
        breaks = holidays[site.pk].breaks or calendar.default_breaks()
        found = calendar.half_term_bounds(today_by_site[site.pk], breaks)
        if found is not None:
            current[site.pk] = found
            following[site.pk] = calendar.half_term_bounds(
                found[1] + datetime.timedelta(days=1), breaks
            )
    return current, following


def _half_term_row(child, policy, bounds, following, sessions):
    """Sessions this half term: N of them, the k-th by its share of the half term, covering each
    rotating focus (when N is three or more); sessions over the policy's length are named."""
    first, last = bounds
    # Counted from the key worker's allocation when it started within the half term.
    first = max(first, child.start_date, getattr(child, "key_worker_since", None) or first)
    wanted = policy.sessions_per_half_term
    done = len(sessions)
    foci = {focus for _, focus, _ in sessions}
    missing = [f for f in adapters.ROTATING_FOCI if f not in foci] if wanted >= 3 else []
    progress = f"{done} of {wanted} this half term"
    if missing:
        progress += "; still to cover: " + ", ".join(adapters.focus_labels(missing))
    limit = policy.session_max_minutes
    too_long = sum(1 for _, _, minutes in sessions if limit and minutes and minutes > limit)
    if too_long:
        progress += f"; {too_long} over {limit} min"
    # A session repeating a focus leaves room for the foci not yet covered: three EHCP sessions
    # count as one of three, so the second and third are still owed on the half term's pace.
    counted = min(done, wanted - len(missing))
    if first > last:  # started after this half term ended: nothing owed until the next
        due = None
    elif counted < wanted:
        due = calendar.half_term_pace_due((first, last), counted, wanted)
    elif following is not None:  # done for now: the first of the next half term
        due = calendar.half_term_pace_due(following, 0, wanted)
    else:
        due = last + datetime.timedelta(days=1)
    last_done = max((day for day, _, _ in sessions), default=None)
    return (Rule.HALF_TERM, "", last_done, due, progress)


def _desired(child, policy, holidays, today, figures, contacts, visits, reviews, half_term=None):
    """The obligations one child should have today: [(rule, detail, last done, due, progress)]."""
    rows = []
    site = child.site
    last_session, this_month = figures.get(child.pk, (None, 0))
    # A school's clocks stop on its holidays, closure days and bank holidays; a home is open every
    # day, but its contacts with offices (social workers) never fall due on a bank holiday.
    clock = holidays.days if site.is_school else []
    # A new key worker (after a roll import, or a change) owes the first session one interval
    # after their allocation starts, not from an admission years ago: "due N days after the key
    # worker was allocated", never overdue on the day they are named.
    since = max(child.start_date, getattr(child, "key_worker_since", None) or child.start_date)
    if policy.session_mode == Policy.SessionMode.EVERY_N_DAYS:
        anchor = last_session or since
        due = calendar.add_term_days(anchor, policy.session_every_days, clock)
        rows.append((Rule.SESSION, "", last_session, due, ""))
    else:
        due = calendar.monthly_pace_due(today, this_month, policy.sessions_per_month)
        due = calendar.skip_closed(due, clock)
        progress = f"{this_month} of {policy.sessions_per_month} this month"
        if this_month >= policy.sessions_exceeding:
            progress += " (exceeding)"
        rows.append((Rule.SESSION, "", last_session, due, progress))
    if half_term is not None:
        rule, detail, last, due, progress = _half_term_row(child, policy, *half_term)
        rows.append((rule, detail, last, due and calendar.skip_closed(due, clock), progress))
    if policy.routine_contact != Policy.ContactKind.NONE and contacts is not None:
        kind = adapters.CONTACT_KINDS[policy.routine_contact]
        last = contacts.get((child.pk, kind))
        due = calendar.add_term_days(
            last or child.start_date, policy.routine_contact_every_days, clock or holidays.bank
        )
        rows.append((Rule.ROUTINE_CONTACT, "", last, due, ""))
    if policy.social_worker_visits and visits is not None and child.pk in visits:
        last, due = visits[child.pk]
        rows.append((Rule.SW_VISIT, "", last, due, ""))
    if not site.is_school:
        # Guide: the key worker is appointed before or at admission, so a placement without one is
        # overdue from its first day (due the day before it started); met once one is appointed.
        rows.append((Rule.KEY_WORKER, "", None, child.start_date - datetime.timedelta(days=1), ""))
    if policy.plan_reviews:
        for review in reviews.get(child.pk, []):
            due = review.next_review_date or child.start_date
            rows.append((Rule.PLAN_REVIEW, review.plan_type, None, due, ""))
    return rows


def sweep_organisation(
    *, organisation_id: int, now: datetime.datetime | None = None, child_ids=None
) -> SweepResult:
    """Recompute every obligation of the organisation in scope from the records, store the new due
    dates and statuses, record each change of status once and alert the key worker and the site's
    managers when something turns overdue. One transaction: a sweep killed half-way leaves nothing
    behind and the next one does the whole work; a repeated sweep changes nothing.

    Queries: a fixed number per organisation (sites, policies, holidays, children, sessions,
    contacts, plan reviews, existing obligations, managers) plus one write per 5,000 changed rows."""
    now = now or timezone.now()
    result = SweepResult()
    with transaction.atomic():
        sites = list(Site.objects.all())  # query: sites
        if not sites:
            return result
        site_by_id = {s.pk: s for s in sites}
        policies = _policies(sites)
        holidays = _holidays(site_by_id)
        today_by_site = {
            s.pk: timezone.localdate(now, timezone=ZoneInfo(s.time_zone)) for s in sites
        }
        any_today = max(today_by_site.values())
        children = Child.objects.all()
        if child_ids is not None:
            children = children.filter(pk__in=child_ids)
        children = list(children)  # query: children
        primary = KeyWorkerAllocation.objects.filter(
            current_allocations_q(any_today), kind="primary"
        )
        if child_ids is not None:
            primary = primary.filter(child_id__in=child_ids)
        key_worker = {
            child_id: (staff_id, starts_on)
            for child_id, staff_id, starts_on in primary.order_by(
                "child_id", "starts_on"
            ).values_list("child_id", "staff_id", "starts_on")
        }  # query: current key workers (the latest start wins)
        for child in children:
            child.site = site_by_id[child.site_id]
            child.key_worker_id, child.key_worker_since = key_worker.get(child.pk, (None, None))
        ids = None if child_ids is None else [c.pk for c in children]
        month_starts = {s: calendar.month_start(d) for s, d in today_by_site.items()}
        figures = adapters.session_figures(ids, month_starts)  # query: session figures
        half_terms, next_half_terms = _half_terms(sites, policies, holidays, today_by_site)
        in_half_term = adapters.half_term_sessions(half_terms, ids)  # query: half-term sessions
        contacts = adapters.last_contact_dates(children, list(adapters.CONTACT_KINDS.values()))
        homes = [c for c in children if policies[c.site_id].social_worker_visits]
        visits = adapters.visit_due_dates(homes) if homes else {}  # queries: the reg. 28 rule
        reviews: dict[int, list] = {}
        for review in adapters.plan_review_dates(ids):  # queries: children, current versions
            reviews.setdefault(review.child_id, []).append(review)
        existing_qs = Obligation.objects.all()
        if child_ids is not None:
            existing_qs = existing_qs.filter(child_id__in=ids)
        existing = {(o.child_id, o.rule, o.detail): o for o in existing_qs}  # query: obligations

        to_write, changes = [], []
        seen = set()
        for child in children:
            site = child.site
            policy = policies[site.pk]
            today = today_by_site[site.pk]
            away = child.start_date > today or (
                child.leaving_date is not None and child.leaving_date <= today
            )
            half_term = None
            if site.pk in half_terms:
                half_term = (
                    half_terms[site.pk],
                    next_half_terms[site.pk],
                    in_half_term.get(child.pk, []),
                )
            desired = _desired(
                child,
                policy,
                holidays[site.pk],
                today,
                figures,
                contacts,
                visits,
                reviews,
                half_term,
            )
            for rule, detail, last, due, progress in desired:
                key = (child.pk, rule, detail)
                seen.add(key)
                status = compute_status(
                    today=today, due_on=due, soon_days=policy.due_soon_days, paused=away
                )
                if rule == Rule.KEY_WORKER and child.key_worker_id and not away:
                    status = Status.OK  # appointed: met, whatever the date
                values = {
                    "site_id": site.pk,
                    "staff_id": child.key_worker_id,
                    "last_done_on": last,
                    "due_on": due,
                    "soon_days": policy.due_soon_days,
                    "paused": away,
                    "progress": progress,
                    "status": status,
                    "time_zone": site.time_zone,
                }
                old = existing.get(key)
                if old is not None and all(getattr(old, k) == v for k, v in values.items()):
                    continue
                previous = old.status if old is not None else Status.OK
                ob = old or Obligation(
                    organisation_id=organisation_id, child_id=child.pk, rule=rule, detail=detail
                )
                for k, v in values.items():
                    setattr(ob, k, v)
                ob.updated_at = now
                to_write.append(ob)
                if status != previous:
                    changes.append(ob)
        # Rules switched off (or a plan no longer kept): paused, kept with their history.
        for key, ob in existing.items():
            if key not in seen and not ob.paused:
                ob.paused, ob.status, ob.updated_at = True, Status.PAUSED, now
                to_write.append(ob)
                changes.append(ob)
        result.obligations = len(seen)
        result.written = len(to_write)
        if to_write:  # queries: one upsert per 5,000 changed obligations
            Obligation.objects.bulk_create(
                to_write,
                batch_size=BATCH,
                update_conflicts=True,
                unique_fields=["child", "rule", "detail"],
                update_fields=[
                    "site",
                    "staff",
                    "last_done_on",
                    "due_on",
                    "soon_days",
                    "paused",
                    "progress",
                    "status",
                    "time_zone",
                    "updated_at",
                ],
            )
        if changes:
            result.changes, result.alerts = _record_changes(organisation_id, changes, now)
        for ob in changes:
            result.flips[ob.status] = result.flips.get(ob.status, 0) + 1
    return result


def _record_changes(organisation_id, changes, now) -> tuple[int, int]:
    """Each flip once (the unique constraint ignores a repeat) and an alert for each new overdue
    item to its key worker and the site's managers (once per due date)."""
    rows = [
        StatusChange(
            organisation_id=organisation_id,
            obligation_id=ob.pk,
            child_id=ob.child_id,
            site_id=ob.site_id,
            rule=ob.rule,
            staff_id=ob.staff_id,
            due_on=ob.due_on or now.date(),
            status=ob.status,
            created_at=now,
        )
        for ob in changes
    ]
    StatusChange.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    overdue = [ob for ob in changes if ob.status == Status.OVERDUE]
    if not overdue:
        return len(rows), 0
    managers: dict[int, list[int]] = {}
    for site_id, user_id in Membership.objects.filter(
        role=Role.MANAGER, is_active=True, site_id__in={ob.site_id for ob in overdue}
    ).values_list("site_id", "user_id"):  # query: managers of the sites
        managers.setdefault(site_id, []).append(user_id)
    names = {
        pk: child_display_name(first, last, preferred)
        for pk, first, last, preferred in Child.objects.filter(
            pk__in={ob.child_id for ob in overdue}
        )
        .values_list("pk", "first_name", "last_name", "preferred_name")
        .order_by()
    }  # query: the children's names for the messages (full names: a school has four Logans)
    alerts = []
    for ob in overdue:
        recipients = set(managers.get(ob.site_id, []))
        if ob.staff_id:
            recipients.add(ob.staff_id)
        message = f"{names.get(ob.child_id, 'A child')}: {ob} overdue since {ob.due_on:%d %b %Y}"
        for user_id in recipients:
            alerts.append(
                Alert(
                    organisation_id=organisation_id,
                    user_id=user_id,
                    obligation_id=ob.pk,
                    due_on=ob.due_on,
                    message=message[:300],
                    created_at=now,
                )
            )
    Alert.objects.bulk_create(alerts, batch_size=BATCH, ignore_conflicts=True)
    badges.forget("alerts", organisation_id=organisation_id, user_ids={a.user_id for a in alerts})
    return len(rows), len(alerts)


def obligations_refresh(*, child_ids: list[int], now=None) -> SweepResult:
    """Recompute the obligations of a few children at once, for other apps' services to call after
    recording a session, contact, visit or plan (``transaction.on_commit``). The sweep does the
    same for everyone every ten minutes, so a missed call only delays the change."""
    return sweep_organisation(
        organisation_id=require_organisation_id(), now=now, child_ids=list(child_ids)
    )
