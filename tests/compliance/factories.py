import datetime

import factory

from compliance.models import Alert, DigestSent, Holiday, Obligation, Policy, Rule, StatusChange
from tests.factories import (
    ChildFactory,
    OrganisationFactory,
    SiteFactory,
    TenantFactory,
    UserFactory,
)


class PolicyFactory(TenantFactory):
    class Meta:
        model = Policy

    site = factory.SubFactory(SiteFactory)
    organisation = factory.LazyAttribute(lambda p: p.site.organisation)
    session_mode = factory.LazyAttribute(lambda p: Policy.defaults_for(p.site)["session_mode"])
    routine_contact = factory.LazyAttribute(
        lambda p: Policy.defaults_for(p.site)["routine_contact"]
    )


class HolidayFactory(TenantFactory):
    class Meta:
        model = Holiday

    site = factory.SubFactory(SiteFactory)
    organisation = factory.LazyAttribute(lambda h: h.site.organisation)
    name = "Half term"
    kind = Holiday.Kind.HALF_TERM
    starts_on = datetime.date(2026, 10, 24)
    ends_on = datetime.date(2026, 11, 1)


class ObligationFactory(TenantFactory):
    class Meta:
        model = Obligation

    child = factory.SubFactory(ChildFactory)
    organisation = factory.LazyAttribute(lambda o: o.child.organisation)
    site = factory.LazyAttribute(lambda o: o.child.site)
    rule = Rule.SESSION
    due_on = datetime.date(2026, 11, 1)
    status = "overdue"


class StatusChangeFactory(TenantFactory):
    class Meta:
        model = StatusChange

    obligation = factory.SubFactory(ObligationFactory)
    organisation = factory.LazyAttribute(lambda c: c.obligation.organisation)
    child = factory.LazyAttribute(lambda c: c.obligation.child)
    site = factory.LazyAttribute(lambda c: c.obligation.site)
    rule = factory.LazyAttribute(lambda c: c.obligation.rule)
    due_on = factory.LazyAttribute(lambda c: c.obligation.due_on)
    status = "overdue"


class AlertFactory(TenantFactory):
    class Meta:
        model = Alert

    obligation = factory.SubFactory(ObligationFactory)
    organisation = factory.LazyAttribute(lambda a: a.obligation.organisation)
    user = factory.SubFactory(UserFactory)
    due_on = factory.LazyAttribute(lambda a: a.obligation.due_on)
    message = "Sessions overdue"


class DigestSentFactory(TenantFactory):
    class Meta:
        model = DigestSent

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    day = datetime.date(2026, 11, 2)
