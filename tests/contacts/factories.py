import datetime

import factory
from django.utils import timezone

from contacts.models import Contact, ContactSettings, ContactSlip, WeeklyUpdate

from ..factories import ChildFactory, SiteFactory, TenantFactory, UserFactory


class ContactSettingsFactory(TenantFactory):
    class Meta:
        model = ContactSettings

    site = factory.SubFactory(SiteFactory)
    organisation = factory.LazyAttribute(lambda s: s.site.organisation)


class ContactFactory(TenantFactory):
    class Meta:
        model = Contact

    child = factory.SubFactory(ChildFactory)
    site = factory.SelfAttribute("child.site")
    organisation = factory.LazyAttribute(lambda c: c.child.organisation)
    kind = Contact.Kind.PARENT
    method = Contact.Method.PHONE
    occurred_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    with_whom = "Mum"
    summary = "Talked through the week."
    recorded_by = factory.SubFactory(UserFactory)


class ContactSlipFactory(TenantFactory):
    class Meta:
        model = ContactSlip

    contact = factory.SubFactory(ContactFactory)
    organisation = factory.LazyAttribute(lambda c: c.contact.organisation)
    slip = factory.SubFactory(
        "tests.behaviour.factories.SlipFactory", child=factory.SelfAttribute("..contact.child")
    )


class WeeklyUpdateFactory(TenantFactory):
    class Meta:
        model = WeeklyUpdate

    child = factory.SubFactory(ChildFactory)
    organisation = factory.LazyAttribute(lambda u: u.child.organisation)
    week_start = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    )
    subject = "Weekly update"
    body = "The week in brief."
    author = factory.SubFactory(UserFactory)
