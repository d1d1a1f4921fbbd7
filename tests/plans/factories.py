import datetime

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from plans.models import (
    ClothingPurchase,
    HealthAppointment,
    HealthRegistration,
    Plan,
    PlanDocument,
    PlanType,
    PlanUpdateTask,
    PlanVersion,
)
from tests.factories import ChildFactory, TenantFactory, UserFactory
from tests.uploads import pdf_bytes

PDF_BYTES = pdf_bytes()  # a real one-page PDF: uploads must parse (tenancy.uploads)


class PlanFactory(TenantFactory):
    class Meta:
        model = Plan

    child = factory.SubFactory(ChildFactory)
    organisation = factory.LazyAttribute(lambda p: p.child.organisation)
    plan_type = PlanType.IEP


class PlanVersionFactory(TenantFactory):
    class Meta:
        model = PlanVersion

    plan = factory.SubFactory(PlanFactory)
    child = factory.SelfAttribute("plan.child")
    organisation = factory.LazyAttribute(lambda v: v.plan.organisation)
    number = 1
    status = PlanVersion.Status.CURRENT
    content = factory.LazyFunction(dict)
    plan_date = factory.LazyFunction(timezone.localdate)
    next_review_date = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=30)
    )
    change_summary = "First version."
    author = factory.SubFactory(UserFactory)
    published_at = factory.LazyFunction(timezone.now)
    published_by = factory.SelfAttribute("author")


class PlanUpdateTaskFactory(TenantFactory):
    class Meta:
        model = PlanUpdateTask

    child = factory.SubFactory(ChildFactory)
    organisation = factory.LazyAttribute(lambda t: t.child.organisation)
    plan_type = PlanType.PLACEMENT_PLAN
    details = "Health section needs updating."
    created_by = factory.SubFactory(UserFactory)


class PlanDocumentFactory(TenantFactory):
    class Meta:
        model = PlanDocument

    child = factory.SubFactory(ChildFactory)
    organisation = factory.LazyAttribute(lambda d: d.child.organisation)
    kind = PlanDocument.Kind.POSITIVE_HANDLING
    title = factory.Sequence(lambda n: f"Document {n}")
    document_date = factory.LazyFunction(timezone.localdate)
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="doc.pdf"))
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    uploaded_by = factory.SubFactory(UserFactory)


class HealthRegistrationFactory(TenantFactory):
    class Meta:
        model = HealthRegistration

    child = factory.SubFactory(ChildFactory)
    organisation = factory.LazyAttribute(lambda r: r.child.organisation)
    kind = HealthRegistration.Kind.GP
    practice = "Riverside Surgery"
    registered_on = factory.LazyFunction(timezone.localdate)
    created_by = factory.SubFactory(UserFactory)


class HealthAppointmentFactory(TenantFactory):
    class Meta:
        model = HealthAppointment

    child = factory.SubFactory(ChildFactory)
    organisation = factory.LazyAttribute(lambda a: a.child.organisation)
    kind = HealthAppointment.Kind.DENTIST
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=20))
    created_by = factory.SubFactory(UserFactory)


class ClothingPurchaseFactory(TenantFactory):
    class Meta:
        model = ClothingPurchase

    child = factory.SubFactory(ChildFactory)
    organisation = factory.LazyAttribute(lambda c: c.child.organisation)
    bought_on = factory.LazyFunction(timezone.localdate)
    items = "School shoes"
    amount = "35.00"
    created_by = factory.SubFactory(UserFactory)
