import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from people.models import Child
from plans.models import Plan, PlanType, PlanUpdateTask, PlanVersion
from plans.sections import DEFAULT_PLACEMENT_SECTIONS
from plans.services import normalise_content, plan_update_task_open
from tenancy.context import organisation_scope
from tenancy.models import Role

from ..browser import browser, page, sign_in  # noqa: F401 - fixtures
from ..factories import ChildFactory, KeyWorkerAllocationFactory, MembershipFactory, UserFactory
from .factories import PlanFactory, PlanVersionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_key_worker_updates_the_flagged_health_section_and_the_managers_task_closes(page, org):  # noqa: F811
    kw = org.users["other_site_key_worker"]  # a key worker at the home
    manager = UserFactory(first_name="Helen", last_name="Carver")
    MembershipFactory(user=manager, site=org.home, role=Role.MANAGER)
    amber = ChildFactory(site=org.home, first_name="Amber", last_name="Smith")
    KeyWorkerAllocationFactory(child=amber, staff=kw)
    content = {
        key: {"needs": f"{title}: needs", "actions": f"{title}: actions"}
        for key, title in DEFAULT_PLACEMENT_SECTIONS
    }
    plan = PlanFactory(child=amber, plan_type=PlanType.PLACEMENT_PLAN)
    with organisation_scope(org.org.pk):
        content = normalise_content(PlanType.PLACEMENT_PLAN, content)
    PlanVersionFactory(plan=plan, author=kw, content=content, number=1)
    with organisation_scope(org.org.pk):
        plan_update_task_open(
            actor=kw,
            child=Child.objects.get(pk=amber.pk),
            plan_type="placement_plan",
            details="Session 03 Aug: Health section needs updating (drug-service referral).",
            source=Child.objects.get(pk=amber.pk),
        )

    sign_in(page, manager.username)
    page.get_by_role("link", name="Plans", exact=True).click()
    expect(page.get_by_test_id("task-list")).to_contain_text("Health section needs updating")
    page.get_by_role("button", name=manager.get_full_name()).click()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, kw.username)
    page.goto(f"/children/{amber.pk}/")
    page.get_by_role("link", name="Plans and documents").click()
    expect(page.get_by_test_id("open-tasks")).to_contain_text("Health section needs updating")
    page.get_by_role("link", name="Placement Plan").first.click()
    page.get_by_role("button", name="Start a new version").click()
    health = page.get_by_test_id("edit-health")
    health.get_by_label("Needs").fill("Referred to the young people's drug service.")
    health.get_by_label("Actions").fill("Attend the first appointment with Amber on Friday.")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("Say what changed")

    page.get_by_label("What changed in this version").fill("Health: drug-service referral.")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Version 2 published. 1 update task closed.")).to_be_visible()
    expect(page.get_by_test_id("section-health")).to_contain_text("drug service")
    expect(page.get_by_test_id("versions")).to_contain_text("Superseded")
    page.screenshot(path="test-artifacts/placement-plan-updated.png", full_page=True)

    with organisation_scope(org.org.pk):
        task = PlanUpdateTask.objects.get(child=amber)
        assert task.status == "done" and task.closed_by == kw
        assert PlanVersion.objects.get(plan=plan, status="current").number == 2

    page.get_by_role("button", name=kw.get_full_name()).click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, manager.username)
    page.get_by_role("link", name="Plans", exact=True).click()
    expect(page.get_by_text("No open tasks")).to_be_visible()


def test_school_key_worker_shares_a_pupil_on_a_page_with_every_staff_member(page, org):  # noqa: F811
    today = timezone.localdate()
    plan = PlanFactory(child=org.child, plan_type=PlanType.PUPIL_ON_A_PAGE)
    PlanVersionFactory(
        plan=plan,
        author=org.users["key_worker"],
        plan_date=today,
        next_review_date=today + datetime.timedelta(days=80),
        content=normalise_content(
            PlanType.PUPIL_ON_A_PAGE,
            {
                "like": {"text": "Funny and kind."},
                "matters": {"text": "My dog Biscuit."},
                "support": {"text": "Tell me about changes early."},
            },
        ),
    )
    colleague = UserFactory(first_name="Priya", last_name="Shah")
    MembershipFactory(user=colleague, site=org.school)
    url = f"/plans/child/{org.child.pk}/pupil_on_a_page/"

    sign_in(page, org.users["key_worker"].username)
    page.goto(f"/children/{org.child.pk}/")
    page.get_by_role("link", name="Plans and documents").click()
    page.get_by_role("link", name="Pupil on a page").click()
    page.get_by_role("button", name="Share with staff").click()
    expect(page.get_by_test_id("shared")).to_be_visible()
    page.screenshot(path="test-artifacts/pupil-on-a-page-shared.png", full_page=True)
    page.get_by_role("button", name=org.users["key_worker"].get_full_name()).click()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, colleague.username)
    page.goto(url)
    expect(page.get_by_test_id("section-matters")).to_contain_text("My dog Biscuit.")
    pdf = page.request.get(page.get_by_role("link", name="PDF").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    with organisation_scope(org.org.pk):
        assert Plan.objects.get(pk=plan.pk).shared_with_staff
