import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from compliance import services
from tenancy.context import organisation_scope

from ..browser import browser, page, sign_in  # noqa: F401 - fixtures
from ..factories import ChildFactory, KeyWorkerAllocationFactory
from ..sessions_app.factories import KeyWorkSessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_opens_the_dashboard_and_drills_down_to_an_overdue_child(page, org):  # noqa: F811
    kw = org.users["key_worker"]
    behind = ChildFactory(site=org.school, first_name="Lottie", last_name="Behind")
    KeyWorkerAllocationFactory(child=behind, staff=kw)
    KeyWorkSessionFactory(
        child=behind, author=kw, date=timezone.localdate() - datetime.timedelta(days=30)
    )
    with organisation_scope(org.org.pk):
        services.sweep_organisation(organisation_id=org.org.pk)

    sign_in(page, org.users["manager"].username)
    page.get_by_role("link", name="Compliance").first.click()
    expect(page.get_by_role("heading", name=f"Compliance: {org.school.name}")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=f"{kw.first_name} {kw.last_name}")
    row.get_by_role("link", name="overdue – Key-work sessions").click()
    expect(page.get_by_role("heading", name="Overdue: key-work sessions")).to_be_visible()
    page.get_by_role("link", name="Lottie Behind").click()
    expect(page.get_by_role("heading", name="Lottie Behind")).to_be_visible()
