import pytest
from playwright.sync_api import expect

from people.models import KeyWorkerAllocation
from tenancy.context import organisation_scope

from .browser import sign_in
from .factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_opens_a_child_and_changes_their_key_worker(page, org):
    newcomer = UserFactory(first_name="Priya", last_name="Shah")
    MembershipFactory(user=newcomer, site=org.school)
    sign_in(page, org.users["manager"].username)

    page.get_by_role("link", name="Pupils").click()
    page.get_by_role("link", name=org.child.full_name).click()
    expect(page.get_by_test_id("current-key-worker")).to_have_text(
        org.users["key_worker"].get_full_name()
    )

    page.get_by_role("link", name="Change key worker").click()
    page.get_by_label("New key worker").select_option(label="Priya Shah")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("please correct the")).to_be_visible()  # no reason given: refused

    page.get_by_label("Reason").select_option("staff_leaving")
    page.get_by_label("Details").fill("Emma is on long-term leave from Monday.")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_test_id("current-key-worker")).to_have_text("Priya Shah")
    history = page.get_by_test_id("allocation-history")
    expect(history).to_contain_text("Emma is on long-term leave from Monday.")
    expect(history).to_contain_text(org.users["key_worker"].get_full_name())
    with organisation_scope(org.org.pk):
        assert KeyWorkerAllocation.objects.filter(child=org.child, kind="primary").count() == 2
    page.screenshot(path="test-artifacts/allocation-changed.png", full_page=True)
