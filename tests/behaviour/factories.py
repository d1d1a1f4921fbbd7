import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from behaviour.models import (
    Appointment,
    AssessmentPoint,
    AttendanceMark,
    ClassPoints,
    Grade,
    Kind,
    PointsSettings,
    SavedFilter,
    Slip,
    SlipType,
    Subject,
)

from ..factories import ChildFactory, SiteFactory, TenantFactory, UserFactory


class SlipTypeFactory(TenantFactory):
    class Meta:
        model = SlipType

    organisation = factory.SubFactory("tests.factories.OrganisationFactory")
    name = factory.Sequence(lambda n: f"Type {n}")
    kind = Kind.LOW


class SlipFactory(TenantFactory):
    class Meta:
        model = Slip

    child = factory.SubFactory(ChildFactory)
    site = factory.SelfAttribute("child.site")
    organisation = factory.LazyAttribute(lambda s: s.child.organisation)
    kind = Kind.LOW
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    lesson = "P1 Maths"
    location = "Classroom"
    recorded_by = factory.SubFactory(UserFactory)
    what_happened = "Shouted out after two reminders."


class SavedFilterFactory(TenantFactory):
    class Meta:
        model = SavedFilter

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory("tests.factories.OrganisationFactory")
    name = factory.Sequence(lambda n: f"Filter {n}")
    query = "preset=fortnight"


class PointsSettingsFactory(TenantFactory):
    class Meta:
        model = PointsSettings

    site = factory.SubFactory(SiteFactory)
    organisation = factory.LazyAttribute(lambda s: s.site.organisation)
    weekly_target = 100


class ClassPointsFactory(TenantFactory):
    class Meta:
        model = ClassPoints

    child = factory.SubFactory(ChildFactory)
    site = factory.SelfAttribute("child.site")
    organisation = factory.LazyAttribute(lambda p: p.child.organisation)
    date = factory.LazyFunction(timezone.localdate)
    lesson = factory.Sequence(lambda n: f"Lesson {n}")
    points = 10
    recorded_by = factory.SubFactory(UserFactory)


class AttendanceMarkFactory(TenantFactory):
    class Meta:
        model = AttendanceMark

    child = factory.SubFactory(ChildFactory)
    site = factory.SelfAttribute("child.site")
    organisation = factory.LazyAttribute(lambda m: m.child.organisation)
    date = factory.LazyFunction(timezone.localdate)
    session = "AM"
    code = "/"
    recorded_by = factory.SubFactory(UserFactory)


class AppointmentFactory(TenantFactory):
    class Meta:
        model = Appointment

    child = factory.SubFactory(ChildFactory)
    organisation = factory.LazyAttribute(lambda a: a.child.organisation)
    date = factory.LazyFunction(timezone.localdate)
    kind = Appointment.Kind.MEDICAL
    recorded_by = factory.SubFactory(UserFactory)


class SubjectFactory(TenantFactory):
    class Meta:
        model = Subject

    site = factory.SubFactory(SiteFactory)
    organisation = factory.LazyAttribute(lambda s: s.site.organisation)
    name = factory.Sequence(lambda n: f"Subject {n}")


class AssessmentPointFactory(TenantFactory):
    class Meta:
        model = AssessmentPoint

    site = factory.SubFactory(SiteFactory)
    organisation = factory.LazyAttribute(lambda s: s.site.organisation)
    name = factory.Sequence(lambda n: f"Point {n}")
    date = datetime.date(2026, 10, 23)


class GradeFactory(TenantFactory):
    class Meta:
        model = Grade

    child = factory.SubFactory(ChildFactory)
    organisation = factory.LazyAttribute(lambda g: g.child.organisation)
    subject = factory.SubFactory(SubjectFactory, site=factory.SelfAttribute("..child.site"))
    assessment_point = factory.SubFactory(
        AssessmentPointFactory, site=factory.SelfAttribute("..child.site")
    )
    working_at = Decimal("3.5")
    target = Decimal("4.0")
    recorded_by = factory.SubFactory(UserFactory)
