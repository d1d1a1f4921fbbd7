"""Demo contacts: 12 weeks of them.

Penkford School: a call home for every same-day trigger in the slips (linked to the slip), a
weekly round-up call for most pupils most weeks, one high-level incident answered by two calls
(the second saved after the duplicate warning), and, today, a fresh high-level incident for Emma
Doyle's (ta1) first pupil so her "Calls due" shows a call to make. Brightwater's homes: weekly
updates to the social worker (sent, each stored as a professional contact), statutory visits,
IRO and CAMHS contacts, and family time. Idempotent: skipped for an organisation with contacts.
"""

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from behaviour.models import NEGATIVE_KINDS, POSITIVE_KINDS, Kind, Slip, week_start
from people.models import Child, ChildProfessional, Guardian, KeyWorkerAllocation
from tenancy.context import organisation_scope
from tenancy.demo import access_for

from .models import Contact, ContactSettings, WeeklyUpdate
from .selectors import compose_update, triggers
from .services import contact_record

WEEKS = 12

SAME_DAY = {
    "high_level": "Called to let them know about an incident today: {what} We talked about "
    "what happened and how school is supporting. Agreed to talk again on Friday.",
    "low_level": "Called about a difficult day: several low-level slips ({n}). Shared what "
    "happened and what has worked before. Agreed a plan for tomorrow morning.",
    "reward": "Called with good news: {what} Thanked them for their support at home.",
}
ROUNDUP = [
    "Weekly round-up: a settled week overall; points on track. Shared one success from the week.",
    "Weekly round-up: talked through this week's slips and what we are working on together.",
    "Weekly round-up: attendance good this week; reminded them of next week's trip.",
]


def _at(day: datetime.date, hour: int, minute: int, tz) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)


def _allocations(children) -> dict[int, object]:
    return {
        a.child_id: a.staff
        for a in KeyWorkerAllocation.objects.filter(
            child__in=children, kind="primary", ends_on__isnull=True
        ).select_related("staff")
    }


def seed(world) -> None:
    _seed_school(world)
    _seed_homes(world)


def _seed_school(world) -> None:
    org, site, rng = world.school_org, world.school, world.rng
    with organisation_scope(org.pk):
        if Contact.objects.filter(site=site).exists():
            return
        tz = ZoneInfo(site.time_zone)
        now = timezone.now()
        today = timezone.localdate(now, tz)
        first = today - datetime.timedelta(weeks=WEEKS)
        pupils = list(Child.objects.filter(site=site).order_by("pk"))
        staff = _allocations(pupils)
        guardians = {
            g.child_id: g
            for g in Guardian.objects.filter(child__in=pupils).order_by("-is_primary_contact")
        }
        by_day = defaultdict(list)
        for slip in Slip.objects.filter(
            site=site,
            retracted_at__isnull=True,
            occurred_at__gte=_at(first, 0, 0, tz),
            occurred_at__lt=_at(today, 0, 0, tz),
        ).filter(Q(kind__in=NEGATIVE_KINDS) | Q(kind__in=POSITIVE_KINDS, worth_a_call=True)):
            by_day[(slip.child_id, slip.occurred_at.astimezone(tz).date())].append(slip)
        contacts, links = [], []
        duplicate_done = False
        rules = ContactSettings()  # the default rules: N = 3
        for (child_id, day), slips in sorted(by_day.items()):
            who = staff.get(child_id) or world.users["behaviour_lead"]
            guardian = guardians.get(child_id)
            with_whom = f"{guardian.name} ({guardian.relationship})" if guardian else "Parent"
            for reason, trigger_slips in triggers(slips, rules):
                text = SAME_DAY[reason].format(
                    what=trigger_slips[0].what_happened, n=len(trigger_slips)
                )
                calls = [(who, False)]
                if reason == "high_level" and not duplicate_done and who == world.users["tas"][0]:
                    # The duplicate-call case: the behaviour lead called too, after the warning.
                    calls.append((world.users["behaviour_lead"], True))
                    duplicate_done = True
                for n, (caller, duplicate) in enumerate(calls):
                    contact = Contact(
                        organisation=org,
                        site=site,
                        child_id=child_id,
                        kind=Contact.Kind.PARENT,
                        purpose=Contact.Purpose.SAME_DAY,
                        method=Contact.Method.PHONE,
                        direction=Contact.Direction.MADE,
                        occurred_at=_at(day, 15 + n, 30 + rng.randint(0, 25), tz),
                        with_whom=with_whom,
                        guardian=guardian,
                        summary=text
                        if not duplicate
                        else "Second call about the same incident (the key worker had already "
                        "called): confirmed the meeting time with the behaviour lead.",
                        outcome="Parent thanked us for letting them know.",
                        duplicate_confirmed=duplicate,
                        recorded_by=caller,
                    )
                    contacts.append(contact)
                    links.append((contact, trigger_slips))
        # Weekly round-up calls: most pupils, most weeks, this week's on Friday once it has come.
        monday = week_start(today)
        for child in pupils:
            who = staff.get(child.pk)
            if who is None:
                continue
            guardian = guardians.get(child.pk)
            for w in range(0, WEEKS + 1):
                if rng.random() < 0.15:
                    continue
                day = monday - datetime.timedelta(weeks=w) + datetime.timedelta(days=4)
                if day < child.start_date or day > today:
                    continue
                contacts.append(
                    Contact(
                        organisation=org,
                        site=site,
                        child=child,
                        kind=Contact.Kind.PARENT,
                        purpose=Contact.Purpose.WEEKLY_ROUNDUP,
                        method=rng.choice([Contact.Method.PHONE] * 4 + [Contact.Method.EMAIL]),
                        occurred_at=_at(day, 15, rng.randint(30, 59), tz),
                        with_whom=f"{guardian.name} ({guardian.relationship})"
                        if guardian
                        else "Parent",
                        guardian=guardian,
                        summary=rng.choice(ROUNDUP),
                        recorded_by=who,
                    )
                )
        _record(contacts, {c.pk: c for c in pupils}, links=links)
        _todays_incident(world, today, tz)


# Every confirmation contact_record may ask for: the demo's duplicate call, family time under a
# restriction and any other child's name were each seen and confirmed, as the member of staff would.
CONFIRMED = ("confirm_duplicate", "confirm_names", "confirm_restriction")


def _record(contacts: list[Contact], children: dict, *, links=()) -> None:
    """Each demo contact through ``services.contact_record``, as the member of staff who recorded
    it (``links``: (contact, slips) pairs for same-day calls), in the order given: it gets its
    quality check, its audit entry and the hooks real use runs. One ``Access`` per person."""
    slips_for = {id(contact): slips for contact, slips in links}
    accesses: dict[int, object] = {}
    for c in contacts:
        user = c.recorded_by
        if user.pk not in accesses:
            accesses[user.pk] = access_for(user, c.organisation)
        contact_record(
            access=accesses[user.pk],
            child=children[c.child_id],
            kind=c.kind,
            method=c.method,
            occurred_at=c.occurred_at,
            with_whom=c.with_whom,
            summary=c.summary,
            direction=c.direction,
            purpose=c.purpose,
            outcome=c.outcome,
            professional_role=c.professional_role,
            guardian=c.guardian,
            professional=c.professional,
            supervised=c.supervised,
            placement_to_18=c.placement_to_18,
            slips=slips_for.get(id(c), ()),
            confirmed=CONFIRMED,
        )


def _todays_incident(world, today, tz) -> None:
    """A high-level incident today for ta1's first pupil, recorded through the one place slips are
    made, so her calls due has one to log."""
    from behaviour.services import slip_record
    from tenancy.access import Access
    from tenancy.models import Membership

    ta1 = world.users["tas"][0]
    pupil = (
        Child.objects.filter(
            allocations__staff=ta1, allocations__kind="primary", allocations__ends_on__isnull=True
        )
        .order_by("pk")
        .first()
    )
    if pupil is None:
        return
    access = Access(
        user=ta1,
        organisation=world.school_org,
        memberships=tuple(Membership.objects.filter(user=ta1).select_related("site")),
    )
    now = timezone.now()
    when = min(now - datetime.timedelta(minutes=5), _at(today, 11, 10, tz))
    if when.astimezone(tz).date() != today:
        when = now
    slip_record(
        access=access,
        child=pupil,
        kind=Kind.HIGH,
        occurred_at=when,
        what_happened="Threw a chair across the classroom during science; no one was hurt.",
        action_taken="Room cleared; de-escalation by the TA; calm after 15 minutes.",
        lesson="P3 Science",
        location="Classroom",
    )


FAMILY = [
    "Family time at the contact centre: played board games; warm goodbye.",
    "Family time in town: lunch and shopping; returned on time and settled.",
    "Video call with family: talked about school and the weekend.",
]
PROFESSIONAL = [
    ("iro", "IRO", "Phone call about the review date and the young person's wishes."),
    ("camhs", "CAMHS", "CAMHS worker rang to confirm the next appointment; shared sleep diary."),
    ("school", "School", "Call with the school's designated teacher about attendance."),
]


def _seed_homes(world) -> None:
    org, rng = world.provider, world.rng
    with organisation_scope(org.pk):
        for site in (world.oak, world.willow):
            if Contact.objects.filter(site=site).exists():
                continue
            tz = ZoneInfo(site.time_zone)
            now = timezone.now()
            today = timezone.localdate(now, tz)
            monday = week_start(today)
            children = list(Child.objects.filter(site=site).select_related("site").order_by("pk"))
            staff = _allocations(children)
            pending: list[Contact] = []  # recorded through the service after the site's loop
            workers = {
                link.child_id: link.professional
                for link in ChildProfessional.objects.filter(
                    child__in=children, professional__role="social_worker", ended_on__isnull=True
                ).select_related("professional")
            }
            guardians = {g.child_id: g for g in Guardian.objects.filter(child__in=children)}
            for index, child in enumerate(children):
                who = staff.get(child.pk)
                if who is None:
                    continue
                sw = workers.get(child.pk)
                for w in range(WEEKS, -1, -1):
                    week = monday - datetime.timedelta(weeks=w)
                    if week + datetime.timedelta(days=6) < child.start_date or sw is None:
                        continue
                    sent = _at(week + datetime.timedelta(days=4), 17, rng.randint(0, 50), tz)
                    if sent > now:  # this week's goes on Friday
                        continue
                    body = compose_update(
                        child, week, author_name=who.get_full_name(), to_name=sw.name
                    )
                    subject = f"Weekly update: {child.display_name}, week of {week:%d %B %Y}"
                    failed = site == world.willow and index == 0 and w == 1
                    contact = None
                    if not failed:
                        contact = Contact.objects.create(
                            organisation=org,
                            site=site,
                            child=child,
                            kind=Contact.Kind.PROFESSIONAL,
                            purpose=Contact.Purpose.WEEKLY_UPDATE,
                            method=Contact.Method.EMAIL,
                            occurred_at=sent,
                            with_whom=f"{sw.name} <{sw.email}>",
                            professional=sw,
                            professional_role=Contact.ProfessionalRole.SOCIAL_WORKER,
                            summary=f"{subject}\n\n{body}",
                            recorded_by=who,
                        )
                    WeeklyUpdate.objects.create(
                        organisation=org,
                        child=child,
                        week_start=week,
                        to_name=sw.name,
                        to_email=sw.email,
                        subject=subject,
                        body=body,
                        status="failed" if failed else "sent",
                        attempts=4 if failed else 1,
                        last_error="SMTPServerDisconnected: Connection unexpectedly closed"
                        if failed
                        else "",
                        contact=contact,
                        author=who,
                        sent_at=None if failed else sent,
                    )
                # Statutory visits: every 5 weeks or so since the placement (or 12 weeks ago);
                # Oak House's second young person has not been visited for three months.
                day = max(
                    child.start_date + datetime.timedelta(days=5),
                    today - datetime.timedelta(weeks=WEEKS),
                )
                last_visit = today - datetime.timedelta(days=3)
                if site == world.oak and index == 1:
                    day = today - datetime.timedelta(days=100)
                    last_visit = today - datetime.timedelta(days=90)
                while sw is not None and day < last_visit:
                    pending.append(
                        Contact(
                            organisation=org,
                            site=site,
                            child=child,
                            kind=Contact.Kind.VISIT,
                            method=Contact.Method.IN_PERSON,
                            direction=Contact.Direction.RECEIVED,
                            occurred_at=_at(day, 16, 0, tz),
                            with_whom=sw.name,
                            professional=sw,
                            professional_role=Contact.ProfessionalRole.SOCIAL_WORKER,
                            placement_to_18=index % 2 == 0,
                            summary="Statutory visit: the social worker saw the young person alone "
                            "and looked at their bedroom. Talked about school and family time.",
                            recorded_by=who,
                        )
                    )
                    day += datetime.timedelta(days=rng.randint(30, 40))
                guardian = guardians.get(child.pk)
                for w in range(WEEKS, 0, -2):
                    day = monday - datetime.timedelta(weeks=w) + datetime.timedelta(days=5)
                    if guardian is None or day < child.start_date:
                        continue
                    pending.append(
                        Contact(
                            organisation=org,
                            site=site,
                            child=child,
                            kind=Contact.Kind.FAMILY_TIME,
                            method=Contact.Method.IN_PERSON,
                            occurred_at=_at(day, 13, 0, tz),
                            with_whom=f"{guardian.name} ({guardian.relationship})",
                            guardian=guardian,
                            supervised=bool(guardian.contact_restrictions),
                            summary=rng.choice(FAMILY),
                            recorded_by=who,
                        )
                    )
                for role, label, text in rng.sample(PROFESSIONAL, 2):
                    pending.append(
                        Contact(
                            organisation=org,
                            site=site,
                            child=child,
                            kind=Contact.Kind.PROFESSIONAL,
                            method=Contact.Method.PHONE,
                            direction=Contact.Direction.RECEIVED,
                            occurred_at=_at(
                                today - datetime.timedelta(days=rng.randint(3, 60)), 11, 0, tz
                            ),
                            with_whom=label,
                            professional_role=role,
                            summary=text,
                            recorded_by=who,
                        )
                    )
            _record(pending, {c.pk: c for c in children})
