"""Known data at the test organisation's home for the first half of 2026, so every figure of the
Regulation 45 pack can be checked exactly (tests/regulation45/test_pack.py)."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from behaviour.models import Kind
from contacts.models import Contact, WeeklyUpdate
from quality.models import Moderation
from tenancy.context import organisation_scope
from tenancy.models import Role

from ..behaviour.factories import SlipFactory
from ..contacts.factories import ContactFactory, WeeklyUpdateFactory
from ..factories import ChildFactory, MembershipFactory, UserFactory
from ..plans.factories import PlanFactory, PlanVersionFactory
from ..quality.factories import ModerationFactory, ModerationScoreFactory, RubricCriterionFactory
from ..sessions_app.factories import KeyWorkSessionFactory, TargetFactory

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
LONDON = ZoneInfo("Europe/London")


def at(y, m, d, h=10, mi=0):
    return datetime.datetime(y, m, d, h, mi, tzinfo=LONDON)


def home_manager(world):
    """A registered manager of the world's home (the world's manager manages its school)."""
    user = UserFactory(username="rm@alpha.example", first_name="Rosa", last_name="Manager")
    MembershipFactory(user=user, site=world.home, role=Role.MANAGER)
    return user


def session(child, author, day, standards, **extra):
    return KeyWorkSessionFactory(
        child=child, author=author, date=day, quality_standards=standards, focus="", **extra
    )


def sent_update(child, author, monday, sent_at):
    """A week's update as sending records it: sent, with its professional contact."""
    contact = ContactFactory(
        child=child, kind=Contact.Kind.PROFESSIONAL, purpose=Contact.Purpose.WEEKLY_UPDATE,
        method=Contact.Method.EMAIL, occurred_at=sent_at, with_whom="Sam Social Worker",
        recorded_by=author,
    )  # fmt: skip
    return WeeklyUpdateFactory(child=child, author=author, week_start=monday, contact=contact,
                               status=WeeklyUpdate.Status.SENT, sent_at=sent_at)  # fmt: skip


def known_home(world) -> SimpleNamespace:
    """Two young people at the home (Amy and Ben) and their records in and around the period."""
    org, home = world.org, world.home
    rsw = world.users["other_site_key_worker"]
    # Both placed for the whole period (Amy since September, Ben since December).
    amy = ChildFactory(site=home, first_name="Amy", last_name="Ashdown",
                       start_date=datetime.date(2025, 9, 1))  # fmt: skip
    ben = ChildFactory(site=home, first_name="Ben", last_name="Brook",
                       start_date=datetime.date(2025, 12, 1))  # fmt: skip
    s1 = session(amy, rsw, datetime.date(2026, 1, 10), [1, 2],
                 child_agenda="I want more time with my brother.",
                 quality_standards_details="We planned Saturday's family time together.")  # fmt: skip
    s2 = session(amy, rsw, datetime.date(2026, 3, 3), [2],
                 quality_standards_details="Amy chose the menu for the house meeting.")  # fmt: skip
    s3 = session(amy, rsw, datetime.date(2026, 5, 20), [5])
    s4 = session(ben, rsw, datetime.date(2026, 2, 14), [2, 7], child_agenda="Football on Fridays.")
    s5 = session(ben, rsw, datetime.date(2026, 6, 30), [7])
    # Not counted: a draft, a session before the period, and the school child's session.
    session(amy, rsw, datetime.date(2026, 4, 1), [1], status="draft")
    session(ben, rsw, datetime.date(2025, 12, 31), [7])
    session(world.child, world.users["key_worker"], datetime.date(2026, 2, 2), [2])
    TargetFactory(set_in=s1, outcome="achieved", area="family")
    TargetFactory(set_in=s1, outcome="", area="family")
    TargetFactory(set_in=s4, outcome="not_achieved", area="safety")
    TargetFactory(set_in=s4, outcome="withdrawn", area="safety")
    # Incidents a month: Jan 4 low + 1 high, Feb 2, Mar 3, Apr 1, May 0, Jun 1 high.
    slips = [(at(2026, 1, 5), Kind.LOW)] * 4 + [(at(2026, 1, 6), Kind.HIGH)]
    slips += [(at(2026, 2, 2), Kind.LOW)] * 2 + [(at(2026, 3, 9), Kind.LOW)] * 3
    slips += [(at(2026, 4, 4), Kind.LOW), (at(2026, 6, 30, 23, 30), Kind.HIGH)]
    for when, kind in slips:
        SlipFactory(child=amy, occurred_at=when, kind=kind, recorded_by=rsw)
    # Not counted: retracted, positive, the evening before the period, the school's.
    SlipFactory(child=amy, occurred_at=at(2026, 3, 10), retracted_at=at(2026, 3, 11),
                retraction_reason="Wrong child.", recorded_by=rsw)  # fmt: skip
    SlipFactory(child=amy, occurred_at=at(2026, 3, 10), kind=Kind.GREEN, recorded_by=rsw)
    SlipFactory(child=ben, occurred_at=at(2025, 12, 31, 23, 30), recorded_by=rsw)
    SlipFactory(child=world.child, occurred_at=at(2026, 3, 10), recorded_by=rsw)
    # Compliance, replayed from these records (regulation45.duties), 4 sessions a month each:
    # sessions 48 fell due (2 × 6 months × 4), the 3 March one on time (due by the 8th), 10 Jan,
    # 14 Feb, 20 May and 30 June late (each the month's first, due by the 8th, 7th, 8th, 8th).
    # Weekly updates 52 fell due (26 Sundays each): Amy's week of 2 March sent on the Friday,
    # Ben's week of 22 June on the Monday after (late); a draft is not sent.
    sent_update(amy, rsw, datetime.date(2026, 3, 2), at(2026, 3, 6, 17))
    sent_update(ben, rsw, datetime.date(2026, 6, 22), at(2026, 6, 29, 9))
    WeeklyUpdateFactory(child=amy, author=rsw, week_start=datetime.date(2026, 3, 9))  # a draft
    # Visits (reg. 28, 6-weekly in the first year): Amy's of 1 Dec made the next due 12 Jan, met
    # on 9 Jan; the next, 20 Feb, not done. Ben's first (due 8 Dec) came on 1 April; the next,
    # 13 May, not done. 3 fell due: 1 on time, 2 not done. (A retracted visit does not count.)
    for child, day in ((amy, at(2025, 12, 1)), (amy, at(2026, 1, 9)), (ben, at(2026, 4, 1))):
        ContactFactory(child=child, kind=Contact.Kind.VISIT, occurred_at=day, recorded_by=rsw)
    ContactFactory(child=ben, kind=Contact.Kind.VISIT, occurred_at=at(2026, 4, 2),
                   retracted_at=at(2026, 4, 3), recorded_by=rsw)  # fmt: skip
    # Plan reviews: Amy's placement plan due for review 1 Feb (the new version came 25 Jan, on
    # time) and 1 March (10 March, late). The other plans fell due at admission, before.
    plan = PlanFactory(child=amy, plan_type="placement_plan")
    for number, made, review_by, status in (
        (1, datetime.date(2025, 10, 1), datetime.date(2026, 2, 1), "superseded"),
        (2, datetime.date(2026, 1, 25), datetime.date(2026, 3, 1), "superseded"),
        (3, datetime.date(2026, 3, 10), datetime.date(2026, 9, 1), "current"),
    ):
        PlanVersionFactory(plan=plan, number=number, status=status, plan_date=made,
                           next_review_date=review_by, author=rsw,
                           published_at=at(made.year, made.month, made.day))  # fmt: skip
    # Moderation in the period: criterion one 3 and 4, criterion two 2 and 2.
    one = RubricCriterionFactory(organisation=org, name="Plain words", position=1)
    two = RubricCriterionFactory(organisation=org, name="Voice heard", position=2)
    for s, (a, b) in ((s1, (3, 2)), (s2, (4, 2))):
        m = ModerationFactory(session=s)
        ModerationScoreFactory(moderation=m, criterion=one, score=a)
        ModerationScoreFactory(moderation=m, criterion=two, score=b)
        with organisation_scope(org.pk):
            Moderation.objects.filter(pk=m.pk).update(created_at=at(2026, 3, 15))
    return SimpleNamespace(amy=amy, ben=ben, sessions=[s1, s2, s3, s4, s5], rsw=rsw)
