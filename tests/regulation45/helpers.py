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
from ..compliance.factories import ObligationFactory, StatusChangeFactory
from ..contacts.factories import ContactFactory, WeeklyUpdateFactory
from ..factories import ChildFactory, MembershipFactory, UserFactory
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


def known_home(world) -> SimpleNamespace:
    """Two young people at the home (Amy and Ben) and their records in and around the period."""
    org, home = world.org, world.home
    rsw = world.users["other_site_key_worker"]
    amy = ChildFactory(site=home, first_name="Amy", last_name="Ashdown")
    ben = ChildFactory(site=home, first_name="Ben", last_name="Brook")
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
    # Compliance: sessions 3 due, 1 late; weekly updates 1 due, 1 late; plan reviews 1, 0.
    o1 = ObligationFactory(child=amy, rule="session", due_on=datetime.date(2026, 3, 1))
    o2 = ObligationFactory(child=ben, rule="session", due_on=datetime.date(2026, 4, 10))
    o3 = ObligationFactory(child=amy, rule="routine_contact", due_on=datetime.date(2026, 5, 5))
    o4 = ObligationFactory(child=amy, rule="plan_review", detail="placement_plan",
                           due_on=datetime.date(2026, 6, 1))  # fmt: skip
    for obligation, due, status in [
        (o1, datetime.date(2026, 2, 1), "due_soon"),
        (o1, datetime.date(2026, 2, 1), "overdue"),
        (o1, datetime.date(2026, 3, 1), "due_soon"),
        (o2, datetime.date(2026, 4, 10), "due_today"),
        (o2, datetime.date(2025, 12, 20), "overdue"),  # before the period
        (o3, datetime.date(2026, 5, 5), "overdue"),
        (o4, datetime.date(2026, 6, 1), "due_soon"),
    ]:
        StatusChangeFactory(obligation=obligation, due_on=due, status=status)
    WeeklyUpdateFactory(child=amy, author=rsw, week_start=datetime.date(2026, 3, 2),
                        status=WeeklyUpdate.Status.SENT)  # fmt: skip
    WeeklyUpdateFactory(child=amy, author=rsw, week_start=datetime.date(2026, 3, 9))  # a draft
    ContactFactory(child=ben, kind=Contact.Kind.VISIT, occurred_at=at(2026, 4, 1),
                   recorded_by=rsw)  # fmt: skip
    ContactFactory(child=ben, kind=Contact.Kind.VISIT, occurred_at=at(2026, 4, 2),
                   retracted_at=at(2026, 4, 3), recorded_by=rsw)  # fmt: skip
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
