"""Every write of the compliance engine: policies, the term calendar, the sweep (recompute the
obligations from the records, flip statuses, record each flip once, alert), alerts read, digests."""

import datetime
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from people.models import Child, KeyWorkerAllocation, child_display_name
from people.selectors import current_allocations_q
from tenancy import badges
from tenancy.audit import Action, audit_write, snapshot
from tenancy.bankholidays import bank_holidays
from tenancy.concurrency import save_if_unchanged
from tenancy.context import require_organisation_id
from tenancy.hooks import CHILDREN_CHANGED, publish
from tenancy.models import Membership, Role, Site

from . import adapters, calendar
from .models import (
    Alert,
    DigestSent,
    Holiday,
    Obligation,
    Policy,
    Rule,
    Status,
    StatusChange,
    compute_status,
)

BATCH = 5000
logger = logging.getLogger(__name__)

# ---------------------------------------------------------------- policies and the term calendar


@transaction.atomic
def policy_ensure(*, site: Site, actor=None) -> Policy:
    """The site's policy, created with the DOMAIN.md defaults (and, for a school, the England
    term calendar) the first time it is needed."""
    policy = Policy.objects.filter(site=site).first()
    if policy is not None:
        return policy
    policy = Policy.objects.create(
        organisation_id=site.organisation_id, site=site, **Policy.defaults_for(site)
    )
    if site.is_school and not Holiday.objects.filter(site=site).exists():
        calendar_reset_default(site=site, actor=actor)
    return policy


@transaction.atomic
def policy_update(
    *,
    actor,
    policy: Policy,
    version: int | None,
    fields: list[str],
    caseload_limit: int | None = None,
) -> Policy:
    """Save the edited ``fields`` of ``policy`` (already validated by the form) if nobody else has
    saved it since ``version``; raises ``EditConflict`` otherwise. The site's caseload limit is
    kept on the site (one number, which the staff page checks). Every child of the site is
    recomputed once the change commits."""
    before = snapshot(Policy.objects.get(pk=policy.pk))
    policy.full_clean()
    save_if_unchanged(policy, version, fields)
    audit_write(actor=actor, action=Action.UPDATE, instance=policy, before=before)
    site = policy.site
    if caseload_limit is not None and caseload_limit != site.caseload_limit:
        site_before = snapshot(site)
        site.caseload_limit = caseload_limit
        site.save(update_fields=["caseload_limit"])
        audit_write(
            actor=actor,
            action=Action.UPDATE,
            instance=site,
            before=site_before,
            summary=f"Caseload limit set to {caseload_limit}",
        )
    refresh_on_commit(Child.objects.filter(site=site).values_list("pk", flat=True))
    return policy


def _overlapping(site: Site, first: datetime.date, last: datetime.date, exclude=None):
    found = Holiday.objects.filter(site=site, starts_on__lte=last, ends_on__gte=first)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.order_by("starts_on").first()


def _refuse_overlap(site: Site, first, last, exclude=None) -> None:
    other = _overlapping(site, first, last, exclude)
    if other is not None:
        raise ValidationError(
            {
                "starts_on": f"These dates overlap {other.name} ({other.starts_on:%-d %b %Y} – "
                f"{other.ends_on:%-d %b %Y}): edit that entry instead, or choose other days."
            }
        )


def _calendar_changed(site: Site) -> None:
    """Due dates depend on the calendar: recompute the site's children once this commits."""
    refresh_on_commit(Child.objects.filter(site=site).values_list("pk", flat=True))


@transaction.atomic
def calendar_reset_default(*, site: Site, actor=None) -> int:
    """Add the default England holidays that overlap nothing the site already has."""
    created = 0
    for name, kind, first, last in calendar.england_default():
        if _overlapping(site, first, last) is not None:
            continue
        holiday = Holiday.objects.create(
            organisation_id=site.organisation_id,
            site=site,
            name=name,
            kind=kind,
            starts_on=first,
            ends_on=last,
        )
        audit_write(actor=actor, action=Action.CREATE, instance=holiday, before=None)
        created += 1
    if created and actor is not None:
        _calendar_changed(site)
    return created


@transaction.atomic
def site_region_set(*, actor, site: Site, region: str) -> Site:
    """Which GOV.UK bank-holiday list the site keeps (England and Wales, Scotland, Northern
    Ireland): audited, and the site's due dates are recomputed. Raises ``ValidationError`` for a
    region GOV.UK does not publish."""
    if region not in dict(Site._meta.get_field("region").choices):
        raise ValidationError({"region": "Choose England and Wales, Scotland or Northern Ireland."})
    if region == site.region:
        return site
    before = snapshot(site)
    site.region = region
    site.save(update_fields=["region"])
    audit_write(
        actor=actor,
        action=Action.UPDATE,
        instance=site,
        before=before,
        summary=f"Bank holidays: {site.get_region_display()}",
    )
    _calendar_changed(site)
    return site


@transaction.atomic
def holiday_add(
    *, actor, site: Site, name: str, kind: str, starts_on: datetime.date, ends_on: datetime.date
) -> Holiday:
    """Add a holiday or closure day. Raises ``ValidationError`` (on ``starts_on``) when it overlaps
    an entry the site already has: one day is one closure, never two."""
    _refuse_overlap(site, starts_on, ends_on)
    holiday = Holiday(
        organisation_id=site.organisation_id,
        site=site,
        name=name,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    holiday.full_clean()
    holiday.save()
    audit_write(actor=actor, action=Action.CREATE, instance=holiday, before=None)
    _calendar_changed(site)
    return holiday


@transaction.atomic
def holiday_update(
    *,
    actor,
    holiday: Holiday,
    name: str,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> Holiday:
    """Change a calendar entry (audited, the site's due dates recomputed). Raises
    ``ValidationError`` when the new dates overlap another entry."""
    holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
    _refuse_overlap(holiday.site, starts_on, ends_on, exclude=holiday)
    before = snapshot(holiday)
    holiday.name, holiday.kind = name, kind
    holiday.starts_on, holiday.ends_on = starts_on, ends_on
    holiday.full_clean()
    holiday.save()
    audit_write(actor=actor, action=Action.UPDATE, instance=holiday, before=before)
    _calendar_changed(holiday.site)
    return holiday


@transaction.atomic
def holiday_remove(*, actor, holiday: Holiday) -> None:
    """A calendar entry is not a record about a child: removing it (after the person confirmed)
    is audited and final; the site's due dates are recomputed."""
    audit_write(
        actor=actor,
        action=Action.RETRACT,
        instance=holiday,
        before=snapshot(holiday),
        summary="Removed from the term calendar",
    )
    site = holiday.site
    holiday.delete()
    _calendar_changed(site)


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
    first = max(first, child.start_date)
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
    if policy.session_mode == Policy.SessionMode.EVERY_N_DAYS:
        anchor = last_session or child.start_date
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
        key_worker = dict(
            primary.order_by("child_id", "starts_on").values_list("child_id", "staff_id")
        )  # query: current key workers (the latest start wins)
        for child in children:
            child.site = site_by_id[child.site_id]
            child.key_worker_id = key_worker.get(child.pk)
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


def refresh_on_commit(child_ids) -> None:
    """Recompute these children's obligations once the transaction commits (compliance's own
    writes, such as a policy change). Other apps publish ``tenancy.hooks.CHILDREN_CHANGED``
    instead, which runs the same handler; a failure is logged and never undoes the record."""
    publish(CHILDREN_CHANGED, child_ids=[int(pk) for pk in child_ids])


# ---------------------------------------------------------------- alerts and digests


@transaction.atomic
def alerts_mark_read(*, user, alert_ids=None) -> int:
    alerts = Alert.objects.filter(user=user, read_at__isnull=True)
    badges.forget("alerts", organisation_id=require_organisation_id(), user_ids=[user.pk])
    if alert_ids is not None:
        alerts = alerts.filter(pk__in=alert_ids)
    return alerts.update(read_at=timezone.now())


def digest_send_organisation(*, organisation_id: int, now=None) -> int:
    """Today's digest email to each key worker (their due and overdue items) and each manager
    (their sites' overdue items, by key worker). A ``DigestSent`` row is written first, in its own
    transaction, so a rerun the same day never sends a second email. One person's failure (a bad
    address, a refused connection) is logged and the others still get theirs; the failed
    person's row is removed so the next run tries again. Returns emails sent."""
    from . import selectors

    now = now or timezone.now()
    day = timezone.localdate(now)
    sent_today = set(
        DigestSent.objects.filter(day=day).values_list("user_id", flat=True)
    )  # query: who has had today's digest from this organisation
    sent = 0
    for user, items, by_worker in selectors.digest_recipients(now=now):
        if user.pk in sent_today or not user.email or not items:
            continue
        row = None
        try:
            with transaction.atomic():
                row, created = DigestSent.objects.get_or_create(
                    organisation_id=organisation_id,
                    user=user,
                    day=day,
                    defaults={"items": len(items)},
                )
            if not created:
                continue
            body = render_to_string(
                "compliance/digest_email.txt",
                {"user": user, "items": items, "by_worker": by_worker, "day": day},
            )
            send_mail(
                f"Keywork: {len(items)} item{'s' if len(items) != 1 else ''} due or overdue",
                body,
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
        except Exception:  # one person's failure never stops the others' digests
            logger.exception(
                "Digest for user %s in organisation %s failed", user.pk, organisation_id
            )
            if row is not None:
                DigestSent.objects.filter(pk=row.pk).delete()
            continue
        sent += 1
    return sent
