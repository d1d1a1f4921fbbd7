"""A roll import for each test organisation, so the cross-organisation walk covers its pages."""

import datetime

from roll.models import RollImport
from tenancy.context import organisation_scope


def extend(world) -> dict:
    with organisation_scope(world.org.pk):
        record = RollImport.objects.create(
            organisation=world.org,
            site=world.school,
            uploaded_by=world.users["manager"],
            file_name=f"{world.child.first_name} roll.csv",
            sha256="0" * 64,
            kind=RollImport.Kind.CSV,
            file_date=datetime.date(2026, 9, 1),
            pupils=[],
        )
    return {"import_id": record.pk}
