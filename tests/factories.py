"""One factory per model. Tenant-owned rows are written through the explicit `unscoped` manager and
take their organisation from the site or child they hang off, so a test can never build a row whose
organisation disagrees with its parent's."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from people import upn as upn_rules
from people.models import (
    Child,
    ChildProfessional,
    Guardian,
    KeyWorkerAllocation,
    PenPortrait,
    Professional,
)
from tenancy.context import organisation_scope
from tenancy.models import Membership, Organisation, Role, Site


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _get_manager(cls, model_class):
        return model_class.unscoped

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Row-level security accepts a row only for the organisation in scope: write as its own.
        with organisation_scope(kwargs["organisation"].pk):
            return super()._create(model_class, *args, **kwargs)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = Organisation.Kind.TRUST


class SiteFactory(TenantFactory):
    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    kind = Site.Kind.SCHOOL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.org")
    email = factory.SelfAttribute("username")
    first_name = factory.Sequence(lambda n: f"Staff{n}")
    last_name = "Member"
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(TenantFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    site = factory.SubFactory(SiteFactory)
    organisation = factory.LazyAttribute(lambda m: m.site.organisation)
    role = Role.KEY_WORKER


class ChildFactory(TenantFactory):
    class Meta:
        model = Child

    site = factory.SubFactory(SiteFactory)
    organisation = factory.LazyAttribute(lambda c: c.site.organisation)
    first_name = factory.Sequence(lambda n: f"Childfirst{n}")
    last_name = factory.Sequence(lambda n: f"Childlast{n}")
    date_of_birth = datetime.date(2012, 5, 17)
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=200))
    # A valid UPN (the DfE's check letter), different for every child.
    upn = factory.Sequence(lambda n: upn_rules.make(801, 2000 + n // 1000, 26, n % 1000))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The same check as every other path that creates a child: a test cannot store a UPN the
        # product would refuse.
        kwargs["upn"] = upn_rules.clean(kwargs.get("upn", ""))
        return super()._create(model_class, *args, **kwargs)


class PenPortraitFactory(TenantFactory):
    class Meta:
        model = PenPortrait

    child = factory.SubFactory(ChildFactory)
    organisation = factory.LazyAttribute(lambda p: p.child.organisation)
    medical = "Asthma."
    behaviour = "Likes routine."
    household = "Lives with aunt."
    is_complete = True


class GuardianFactory(TenantFactory):
    class Meta:
        model = Guardian

    child = factory.SubFactory(ChildFactory)
    organisation = factory.LazyAttribute(lambda g: g.child.organisation)
    name = factory.Sequence(lambda n: f"Guardian {n}")
    relationship = "Mother"
    phone = "07700 900123"
    parental_responsibility = True


class ProfessionalFactory(TenantFactory):
    class Meta:
        model = Professional

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Professional {n}")
    role = Professional.Role.SOCIAL_WORKER
    agency = "Northshire County Council"


class ChildProfessionalFactory(TenantFactory):
    class Meta:
        model = ChildProfessional

    child = factory.SubFactory(ChildFactory)
    organisation = factory.LazyAttribute(lambda link: link.child.organisation)
    professional = factory.SubFactory(
        ProfessionalFactory, organisation=factory.SelfAttribute("..organisation")
    )
    started_on = factory.LazyAttribute(lambda link: link.child.start_date)


class KeyWorkerAllocationFactory(TenantFactory):
    class Meta:
        model = KeyWorkerAllocation

    child = factory.SubFactory(ChildFactory)
    organisation = factory.LazyAttribute(lambda a: a.child.organisation)
    staff = factory.SubFactory(UserFactory)
    kind = KeyWorkerAllocation.Kind.PRIMARY
    starts_on = factory.LazyAttribute(lambda a: a.child.start_date)
    reason = KeyWorkerAllocation.Reason.FIRST
    changed_by = factory.SelfAttribute("staff")
