import pytest

from plans.models import PlanUpdateTask
from plans.services import plan_update_task_open, plan_update_tasks_close
from tenancy.context import organisation_scope
from tenancy.models import AuditEvent


@pytest.mark.django_db
def test_a_flag_opens_one_task_and_a_new_version_closes_it(org):
    manager, kw = org.users["manager"], org.users["key_worker"]
    with organisation_scope(org.org.pk):
        first = plan_update_task_open(
            actor=kw,
            child=org.child,
            plan_type="placement_plan",
            details="Health section",
            source=org.child,
        )
        again = plan_update_task_open(
            actor=kw,
            child=org.child,
            plan_type="placement_plan",
            details="Health section",
            source=org.child,
        )
        assert first.pk == again.pk  # the same source never opens a second task
        assert (
            plan_update_tasks_close(actor=manager, child=org.child, plan_type="placement_plan") == 1
        )
        first.refresh_from_db()
        assert first.status == PlanUpdateTask.Status.DONE and first.closed_by == manager
        actions = list(
            AuditEvent.objects.filter(object_type="plans.planupdatetask").values_list(
                "action", flat=True
            )
        )
    assert sorted(actions) == ["create", "update"]


@pytest.mark.django_db
def test_unknown_plan_type_is_refused(org):
    with organisation_scope(org.org.pk), pytest.raises(ValueError):
        plan_update_task_open(
            actor=org.users["key_worker"], child=org.child, plan_type="x", details=""
        )


@pytest.mark.django_db
def test_a_second_flag_from_another_record_adds_to_the_open_task(org):
    """Issue 17: three sessions saying "yes, needs updating" make one task, not three."""
    kw = org.users["key_worker"]
    other = org.guardian  # any other record stands in for a second session
    with organisation_scope(org.org.pk):
        first = plan_update_task_open(
            actor=kw, child=org.child, plan_type="risk_assessment", details="Going missing"
        )
        second = plan_update_task_open(
            actor=kw,
            child=org.child,
            plan_type="risk_assessment",
            details="New friends",
            source=other,
        )
        again = plan_update_task_open(
            actor=kw,
            child=org.child,
            plan_type="risk_assessment",
            details="New friends",
            source=other,
        )
        assert first.pk == second.pk == again.pk
        assert PlanUpdateTask.objects.filter(child=org.child, status="open").count() == 1
        second.refresh_from_db()
        assert second.details.startswith("Going missing")
        assert second.details.count("New friends") == 1
        assert "Also flagged on" in second.details
