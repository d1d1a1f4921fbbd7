"""Demo evidence for What works: at Penkford School, targets set five weeks ago in sessions on
"Zones of regulation" (IEP focus) are followed by fewer incidents, those on "Online and phone safety"
(student voice) by no change, so the page shows one kind of intervention helping and one not.
Idempotent: a second run finds its marker and does nothing."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from behaviour.models import Kind
from behaviour.services import slip_record
from compliance.selectors import holidays_for
from people.models import Child
from sessions_app.models import KeyWorkSession, SessionTopic, Target, Topic
from tenancy.context import organisation_scope
from tenancy.demo import access_for

from . import impact

MARKER = "Demo evidence: "
# (topic, focus, outcome, incidents in the four weeks before, after), one per child in turn.
PLANS = [
    ("Zones of regulation", "iep", "achieved", 8, 2),
    ("Online and phone safety", "student_voice", "not_achieved", 5, 6),
]


def seed(world) -> None:
    org, site = world.school_org, world.school
    with organisation_scope(org.pk):
        if Target.objects.filter(what__startswith=MARKER).exists():
            return
        tz = ZoneInfo(site.time_zone)
        today = timezone.localdate(timezone=tz)
        set_on = today - datetime.timedelta(days=35)
        while set_on.weekday() >= 5:
            set_on -= datetime.timedelta(days=1)
        holidays = list(holidays_for(site).values_list("starts_on", "ends_on"))
        before_w, after_w = impact.windows(set_on, school=True, holidays=holidays, today=today)
        before_days, after_days = (
            [
                d
                for d in _days(w.first, w.last)
                if impact.is_counted(d, school=True, holidays=holidays)
            ]
            for w in (before_w, after_w)
        )
        children = list(Child.objects.filter(site=site).order_by("pk")[:14])
        authors = world.users["tas"]
        made = 0
        for i, child in enumerate(children):
            topic_name, focus, outcome, before, after = PLANS[i % 2]
            topic, _ = Topic.objects.get_or_create(organisation=org, name=topic_name)
            author = authors[i % len(authors)]
            session = KeyWorkSession.objects.create(
                organisation=org, child=child, author=author, date=set_on, focus=focus,
                status=KeyWorkSession.Status.SUBMITTED, engagement="engaged",
                title=f"{topic_name} ({MARKER.strip(': ').lower()})",
                account="We talked about the weeks ahead and agreed a target.",
                submitted_at=timezone.now(),
            )  # fmt: skip
            SessionTopic.objects.create(organisation=org, session=session, topic=topic)
            Target.objects.create(
                organisation=org, child=child, set_in=session, area="behaviour",
                what=f"{MARKER}{topic_name.lower()}: fewer incidents in lessons",
                due_on=set_on + datetime.timedelta(days=28), outcome=outcome,
            )  # fmt: skip
            spread = (i % 3) - 1  # children differ a little, so the interval has a width
            later = ((i * 5) % 3) - 1  # and after, independently
            for n, days in ((before + spread, before_days), (max(0, after + later), after_days)):
                for k in range(n):
                    day = days[(k * len(days)) // n]
                    slip_record(
                        access=access_for(author, org), child=child, kind=Kind.LOW,
                        occurred_at=datetime.datetime.combine(day, datetime.time(11), tzinfo=tz),
                        what_happened="Left the lesson without permission.",
                    )  # fmt: skip
            made += 1
        world.stdout.write(f"  {made} targets with before and after behaviour for What works")


def _days(first, last):
    return [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]
