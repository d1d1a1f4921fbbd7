import datetime

import factory
from django.utils import timezone

from sessions_app.models import (
    BundleJob,
    KeyWorkSession,
    SessionRevision,
    SessionTopic,
    Target,
    TargetReview,
    Topic,
)

from ..factories import ChildFactory, OrganisationFactory, TenantFactory, UserFactory


class TopicFactory(TenantFactory):
    class Meta:
        model = Topic

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Topic {n}")


class KeyWorkSessionFactory(TenantFactory):
    """A submitted school-style session (pass ``status`` and site-kind fields to vary it)."""

    class Meta:
        model = KeyWorkSession

    child = factory.SubFactory(ChildFactory)
    organisation = factory.LazyAttribute(lambda s: s.child.organisation)
    author = factory.SubFactory(UserFactory)
    status = KeyWorkSession.Status.SUBMITTED
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    start_time = datetime.time(10, 0)
    end_time = datetime.time(10, 20)
    initiated_by = "key_worker"
    engagement = "engaged"
    focus = "general"
    account = "We talked about the week."
    submitted_at = factory.LazyFunction(timezone.now)


class SessionTopicFactory(TenantFactory):
    class Meta:
        model = SessionTopic

    session = factory.SubFactory(KeyWorkSessionFactory)
    organisation = factory.LazyAttribute(lambda s: s.session.organisation)
    topic = factory.SubFactory(TopicFactory, organisation=factory.SelfAttribute("..organisation"))


class TargetFactory(TenantFactory):
    class Meta:
        model = Target

    set_in = factory.SubFactory(KeyWorkSessionFactory)
    child = factory.SelfAttribute("set_in.child")
    organisation = factory.LazyAttribute(lambda t: t.set_in.organisation)
    what = factory.Sequence(lambda n: f"Target number {n}")
    measure = "Checked weekly."
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=10))
    area = "behaviour"


class TargetReviewFactory(TenantFactory):
    class Meta:
        model = TargetReview

    target = factory.SubFactory(TargetFactory)
    session = factory.SubFactory(
        KeyWorkSessionFactory, child=factory.SelfAttribute("..target.child")
    )
    organisation = factory.LazyAttribute(lambda r: r.target.organisation)
    outcome = "partly"


class SessionRevisionFactory(TenantFactory):
    class Meta:
        model = SessionRevision

    session = factory.SubFactory(KeyWorkSessionFactory)
    organisation = factory.LazyAttribute(lambda r: r.session.organisation)
    record_version = 1
    content = factory.LazyAttribute(lambda r: {"account": r.session.account, "topics": []})
    reason = "Spelling of a name."
    corrected_by = factory.SelfAttribute("session.author")


class BundleJobFactory(TenantFactory):
    class Meta:
        model = BundleJob

    child = factory.SubFactory(ChildFactory)
    organisation = factory.LazyAttribute(lambda j: j.child.organisation)
    requested_by = factory.SubFactory(UserFactory)
    start = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    end = factory.LazyFunction(timezone.localdate)
