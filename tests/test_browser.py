import pytest
from playwright.sync_api import expect

from people.models import KeyWorkerAllocation
from tenancy.context import organisation_scope

from .browser import sign_in
from .factories import ChildFactory, MembershipFactory, UserFactory

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
    choice = page.get_by_label("New key worker")
    # Each name shows the caseload ("Priya Shah — 0 of 5").
    choice.select_option(choice.locator("option", has_text="Priya Shah").get_attribute("value"))
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


def test_allocating_over_the_caseload_limit_warns_first_and_home_links_to_those_without(page, org):
    """Issue 17: caseloads in the choice, a confirm step over the limit, no moderators offered,
    and Home's "N without a key worker" lists exactly them."""
    with organisation_scope(org.org.pk):
        org.school.caseload_limit = 1
        org.school.save()
        newcomer = ChildFactory(site=org.school, first_name="Nadia", last_name="Newton")
    moderator = UserFactory(first_name="Molly", last_name="Moderator")
    MembershipFactory(user=moderator, site=org.school, role="moderator")
    sign_in(page, org.users["manager"].username)

    page.get_by_role("link", name="1 without a key worker").click()
    expect(page.get_by_label("No key worker")).to_be_checked()
    expect(page.get_by_role("link", name="Nadia Newton")).to_be_visible()
    expect(page.get_by_role("link", name=org.child.full_name)).to_have_count(0)
    page.get_by_role("link", name="Nadia Newton").click()
    page.get_by_role("link", name="Appoint a key worker").click()
    choice = page.locator("#id_staff")
    kw = org.users["key_worker"].get_full_name()
    with organisation_scope(org.org.pk):
        n = KeyWorkerAllocation.objects.filter(
            staff=org.users["key_worker"], kind="primary", ends_on=None, child__site=org.school
        ).count()
    label = f"{kw} — {n} of 1, {'at' if n == 1 else 'over'} the limit"
    expect(choice.locator("option", has_text=label)).to_have_count(1)
    expect(choice.locator("option", has_text="Molly Moderator")).to_have_count(0)
    choice.select_option(label=label)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"the site's limit is 1, so this makes {n + 1}")).to_be_visible()
    page.screenshot(path="test-artifacts/ux-allocation-over-limit.png", full_page=True)
    with organisation_scope(org.org.pk):
        assert not KeyWorkerAllocation.objects.filter(child=newcomer).exists()
    page.get_by_label("Allocate over the limit").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("current-key-worker")).to_have_text(kw)
    with organisation_scope(org.org.pk):
        assert KeyWorkerAllocation.objects.filter(child=newcomer).count() == 1
