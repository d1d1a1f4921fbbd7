"""Plans rows for a test organisation: an IEP with a current version for the school child and an
uploaded document, so the cross-organisation walk reaches every plans URL with real ids."""

from plans.models import PlanType

from .factories import (
    HealthAppointmentFactory,
    PlanDocumentFactory,
    PlanFactory,
    PlanVersionFactory,
)


def extend(world) -> dict:
    plan = PlanFactory(child=world.child, plan_type=PlanType.IEP)
    version = PlanVersionFactory(plan=plan, author=world.users["key_worker"], number=1)
    document = PlanDocumentFactory(child=world.child, uploaded_by=world.users["key_worker"])
    # Health records are a home's; the school child's id still proves another organisation gets 404.
    appointment = HealthAppointmentFactory(child=world.child, created_by=world.users["key_worker"])
    world.plan, world.plan_version, world.document = plan, version, document
    return {
        "plan_type": PlanType.IEP.value,
        "version_id": version.pk,
        "document_id": document.pk,
        "appointment_id": appointment.pk,
    }
