"""Demo key-work sessions: 12 weeks for every allocated child (fortnightly in the school, weekly in
the homes), with targets, reviews, a few declined, returned and draft records, and the guide's
worked example recorded for Amber Smith at Oak House by Ellie Dawson. Deterministic (world.rng) and
idempotent per organisation."""

import datetime

from django.utils import timezone

from people.models import Child, KeyWorkerAllocation
from tenancy.context import organisation_scope

from . import worked_example
from .models import KeyWorkSession, SessionTopic, Target, TargetReview, Topic
from .services import topics_ensure_defaults

WEEKS = 12
Status = KeyWorkSession.Status

SCHOOL_ACCOUNTS = [
    "{name} came to the quiet room at the start of lunch. We looked at the slips since our last "
    "session together. {name} said the low-level slips were in maths, when the work was hard. We "
    "agreed {name} will use the help card before leaving the seat.",
    "{name} and I reviewed last fortnight's targets. {name} read out the class points total and "
    "said mornings were better than afternoons. We talked about what helps after lunch and "
    "{name} chose to try a movement break card.",
    "I met {name} in the library. {name} talked about friendships in form time and a falling-out "
    "on Tuesday. {name} said they would like to sit nearer the front. I will ask the form tutor.",
    "{name} told me about the EHCP review next month and what they want to say. We wrote three "
    "points together for the pupil voice page: more practical lessons, a quiet space, football club.",
]
HOME_ACCOUNTS = [
    "{name} asked to talk after tea about contact with mum at the weekend. {name} said the visit "
    "went well and wants longer visits. Staff explained that the social worker decides and that "
    "staff will pass on the request.",
    "Staff and {name} cooked a meal together and talked about budgeting for food. {name} planned "
    "a shopping list for £20 and chose three meals for the week.",
    "{name} returned at 22:40, after the agreed time of 21:30. Staff talked with {name} about "
    "staying safe and about the missing-from-home procedure. {name} said they were at a friend's "
    "house and had no phone charge.",
    "Staff and {name} looked at college courses online. {name} is interested in motor vehicle "
    "studies and asked for help with the application form.",
    "{name} talked about sleep and feeling tired at school. Staff and {name} agreed a phone-off "
    "time of 22:30 and {name} chose to leave the phone in the office overnight.",
]
SCHOOL_TARGETS = [
    ("Use the help card instead of leaving the seat.", "Fewer than 2 low-level slips a week."),
    ("Reach 100 class points a week.", "Weekly points total."),
    ("Arrive before the register closes every day.", "No late marks for two weeks."),
    ("Bring a reading book every day.", "Form-tutor check each morning."),
]
HOME_TARGETS = [
    ("Be back by the agreed time.", "No late returns recorded."),
    ("Cook one meal a week with staff.", "Recorded in the daily log."),
    ("Finish the college application.", "Application sent."),
    ("Phone off by 22:30 on school nights.", "Phone handed to the office."),
]
HOME_TOPICS = [
    "Family relationships and contact",
    "Independence and pathway planning",
    "Missing from home",
    "Mental health and wellbeing",
    "Healthy eating",
]
SCHOOL_TOPICS = ["Behaviour and incidents", "Learning and progress", "Attendance", "Friendships"]
FOCI = ["ehcp", "iep", "student_voice", "general"]


def seed(world) -> None:
    managers = {
        world.school.pk: world.users["deputy"],
        world.oak.pk: world.users["oak_manager"],
        world.willow.pk: world.users["willow_manager"],
    }
    for org in (world.school_org, world.provider):
        with organisation_scope(org.pk):
            if KeyWorkSession.objects.exists():
                continue
            topics_ensure_defaults(organisation_id=org.pk)
            topics = {t.name: t for t in Topic.objects.all()}
            count = 0
            for child in Child.objects.select_related("site").order_by("pk"):
                count += _seed_child(world, child, topics, managers[child.site_id])
            if org.pk == world.provider.pk:
                _seed_worked_example(world, topics)
                count += 1
            world.stdout.write(f"  {count} key-work sessions for {org.name}")


def _author_on(allocations, day):
    for a in allocations:
        if a.kind == "primary" and a.is_current_on(day):
            return a.staff
    return None


def _seed_child(world, child, topics, manager) -> int:
    rng = world.rng
    today = timezone.localdate()
    school = child.site.is_school
    step = 14 if school else 7
    allocations = list(KeyWorkerAllocation.objects.filter(child=child).select_related("staff"))
    open_targets: list[Target] = []
    made = 0
    is_amber = child.first_name == "Amber" and child.last_name == "Smith"
    for n in range(WEEKS * 7 // step, 0, -1):
        day = today - datetime.timedelta(days=(n - 1) * step + rng.randint(1, 3))
        if is_amber and datetime.timedelta(days=7) < today - day < datetime.timedelta(days=14):
            continue  # the week of the worked example (ten days ago) is Amber's cannabis session
        author = _author_on(allocations, day)
        if author is None or day < child.start_date:
            continue
        recent = (today - day).days < 10
        declined = rng.random() < 0.1
        status = Status.SIGNED_OFF
        if recent:
            status = rng.choice([Status.SUBMITTED, Status.SUBMITTED, Status.DRAFT])
        elif rng.random() < 0.06:
            status = Status.RETURNED
        hours = [9, 10, 11, 12, 13, 14] if school else [10, 13, 16, 18, 19]
        start = datetime.time(rng.choice(hours), rng.choice([0, 15, 30]))
        minutes = rng.choice([10, 15, 20]) if school else rng.choice([20, 30, 45])
        end = (datetime.datetime.combine(day, start) + datetime.timedelta(minutes=minutes)).time()
        name = child.first_name
        topic_names = rng.sample(SCHOOL_TOPICS if school else HOME_TOPICS, 1 + (rng.random() < 0.3))
        account = (
            f"Staff offered {name} a key-work session at {start:%H:%M}. {name} said they did not "
            "want to talk today and went to their room. Staff will offer another session tomorrow."
            if declined
            else rng.choice(SCHOOL_ACCOUNTS if school else HOME_ACCOUNTS).format(name=name)
        )
        submitted = status != Status.DRAFT
        initiator = "key_worker" if declined or rng.random() < 0.7 else "child"
        at = timezone.make_aware(datetime.datetime.combine(day, end))
        session = KeyWorkSession.objects.create(
            organisation_id=child.organisation_id,
            child=child,
            author=author,
            status=status,
            title=f"Key-work session – {child.full_name} {day:%d.%m.%Y} {topic_names[0]}",
            date=day,
            start_time=start,
            end_time=end,
            initiated_by=initiator,
            initiated_why=(
                f"{name} asked to talk about something that happened this week."
                if initiator == "child"
                else "Planned fortnightly session."
                if school
                else "Weekly key-work session."
            ),
            purpose=rng.choice(["progress", "issue", "future"]),
            engagement="declined" if declined else rng.choice(["engaged", "engaged", "partly"]),
            account=account,
            follow_up="" if declined else "Check in with the class team on Friday.",
            matters=(
                matters := "" if declined or rng.random() < 0.6 else "Share the plan with home."
            ),
            matters_for=["parents"] if matters else [],
            focus=FOCI[(n + child.pk) % len(FOCI)] if school else "",
            barriers="Finds afternoons hard." if school and not declined else "",
            since_last={} if school and submitted else None,
            since_last_start=day - datetime.timedelta(days=14) if school and submitted else None,
            quality_standards=[] if school else sorted(rng.sample(range(1, 10), rng.randint(1, 3))),
            quality_standards_details="" if school else "Linked to the placement plan.",
            child_agenda="" if school or declined else f"{name} wanted to talk about the week.",
            worker_agenda="" if school else "Review targets and the week.",
            placement_plan_update=None if school else False,
            behaviour_plan_update=None if school else False,
            submitted_at=at if submitted else None,
            reviewed_by=manager if status in (Status.SIGNED_OFF, Status.RETURNED) else None,
            reviewed_at=at + datetime.timedelta(days=1)
            if status in (Status.SIGNED_OFF, Status.RETURNED)
            else None,
            return_comment="Please add the start time of the incident and who else was present."
            if status == Status.RETURNED
            else "",
        )
        SessionTopic.objects.bulk_create(
            [
                SessionTopic(
                    organisation_id=child.organisation_id, session=session, topic=topics[t]
                )
                for t in topic_names
            ]
        )
        made += 1
        if status not in KeyWorkSession.COUNTED or declined:
            continue
        for target in open_targets:
            outcome = rng.choice(["achieved", "partly", "not_achieved", "carried_forward"])
            TargetReview.objects.create(
                organisation_id=child.organisation_id,
                session=session,
                target=target,
                outcome=outcome,
                comment="Checked with the class team." if school else "Checked in the log.",
            )
            target.outcome = outcome
            target.closed_in = session if outcome in Target.CLOSING else None
            target.save()
        open_targets = [t for t in open_targets if t.closed_in_id is None]
        pool = SCHOOL_TARGETS if school else HOME_TARGETS
        for what, measure in rng.sample(pool, rng.randint(1, 2 if school else 3)):
            if school and len(open_targets) >= 3:
                break
            open_targets.append(
                Target.objects.create(
                    organisation_id=child.organisation_id,
                    child=child,
                    set_in=session,
                    what=what,
                    measure=measure,
                    due_on=day + datetime.timedelta(days=step),
                    area=rng.choice(Target.SCHOOL_AREAS if school else Target.HOME_AREAS),
                )
            )
    return made


def _seed_worked_example(world, topics) -> None:
    from plans.services import plan_update_task_open

    ed = world.users["oak_rsw"][0]
    amber = Child.objects.filter(first_name="Amber", last_name="Smith", site=world.oak).first()
    if amber is None:
        return
    today = timezone.localdate()
    day = today - datetime.timedelta(days=10)
    at = timezone.make_aware(datetime.datetime.combine(day, worked_example.END))
    session = KeyWorkSession.objects.create(
        organisation_id=amber.organisation_id,
        child=amber,
        author=ed,
        status=Status.SIGNED_OFF,
        submitted_at=at,
        reviewed_by=world.users["oak_manager"],
        reviewed_at=at + datetime.timedelta(hours=20),
        **worked_example.fields(day),
    )
    SessionTopic.objects.create(
        organisation_id=amber.organisation_id, session=session, topic=topics[worked_example.TOPIC]
    )
    for target in worked_example.targets(day):
        Target.objects.create(
            organisation_id=amber.organisation_id, child=amber, set_in=session, **target
        )
    for plan_type, details in (
        ("placement_plan", worked_example.PLACEMENT_PLAN_AREAS),
        ("behaviour_plan", worked_example.BEHAVIOUR_PLAN_DETAILS),
        ("risk_assessment", worked_example.BEHAVIOUR_PLAN_DETAILS),
    ):
        plan_update_task_open(
            actor=ed, child=amber, plan_type=plan_type, details=details, source=session
        )
