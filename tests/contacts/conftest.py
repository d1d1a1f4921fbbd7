"""Fixtures shared by the contacts tests."""

import datetime

import pytest

from ..factories import ChildFactory, ChildProfessionalFactory, KeyWorkerAllocationFactory


@pytest.fixture
def home(org, scope):
    """A young person at the home, their key worker, and their social worker."""
    with scope(org.org):
        young = ChildFactory(
            site=org.home,
            first_name="Amber",
            last_name="Smith",
            start_date=datetime.date(2026, 1, 5),
        )
        worker = org.users["other_site_key_worker"]
        KeyWorkerAllocationFactory(
            child=young,
            staff=worker,
            changed_by=org.users["manager"],
            starts_on=datetime.date(2026, 1, 5),
        )
        ChildProfessionalFactory(
            child=young,
            professional__name="Priya Nair",
            professional__email="priya.nair@northshire.example",
            started_on=datetime.date(2026, 1, 5),
        )
    org.young = young
    org.rsw = worker
    return org
