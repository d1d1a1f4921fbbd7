"""Requests for a PDF bundle of a child's records (built by ``sessions_app.bundles`` in a task)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from people.models import Child
from tenancy.access import Access
from tenancy.audit import Action, audit_write

from ..models import (
    BundleJob,
)

# -- Bundles ------------------------------------------------------------------------------------


@transaction.atomic
def bundle_request(
    *, access: Access, child: Child, start: datetime.date, end: datetime.date
) -> BundleJob:
    if end < start:
        raise ValidationError({"end": "The end of the range must be after its start."})
    job = BundleJob.objects.create(
        organisation_id=child.organisation_id,
        child=child,
        requested_by=access.user,
        start=start,
        end=end,
    )
    audit_write(actor=access.user, action=Action.EXPORT, instance=job, before=None)
    from ..tasks import build_bundle

    org_id = child.organisation_id
    transaction.on_commit(lambda: build_bundle.delay(org_id, job.pk))
    return job
