import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from people import services
from people.models import KeyWorkerAllocation
from tenancy.access import Access
from tenancy.context import organisation_scope
from tenancy.models import Membership

from ..factories import KeyWorkerAllocationFactory, MembershipFactory, UserFactory

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _in_org(org):
    """Assertions below read the first organisation's rows, as that organisation."""
    with organisation_scope(org.org.pk):
        yield


def access_for(user, world) -> Access:
    memberships = tuple(
        Membership.objects.filter(user=user, organisation=world.org).select_related("site")
    )
    return Access(user=user, organisation=world.org, memberships=memberships)


@pytest.fixture
def new_kw(org):
    user = UserFactory(first_name="Nadia", last_name="New")
    MembershipFactory(user=user, site=org.school, role="key_worker")
    return user


def change(org, user, staff, **extra):
    args = {
        "starts_on": TODAY(),
        "reason": KeyWorkerAllocation.Reason.CHILD_COMPLAINT,
        "detail": "The child asked for a change.",
    }
    args.update(extra)
    with transaction.atomic():
        from tenancy.context import organisation_scope

        with organisation_scope(org.org.pk):
            return services.allocation_change(
                access=access_for(user, org), child=org.child, staff=staff, **args
            )


@pytest.mark.django_db
def test_manager_changes_key_worker_and_history_is_kept(org, new_kw, scope):
    allocation = change(org, org.users["manager"], new_kw)
    with scope(org.org):
        rows = list(KeyWorkerAllocation.objects.filter(child=org.child, kind="primary"))
    assert [r.staff for r in rows] == [new_kw, org.users["key_worker"]]
    old = rows[1]
    assert old.ends_on == TODAY() and old.end_reason == "child_complaint"
    assert allocation.changed_by == org.users["manager"] and allocation.ends_on is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["key_worker", "moderator", "other_site_key_worker"])
def test_only_managers_change_key_workers(org, new_kw, role):
    with pytest.raises(PermissionDenied):
        change(org, org.users[role], new_kw)


@pytest.mark.django_db
def test_org_admin_can_change_key_workers(org, new_kw):
    assert change(org, org.users["org_admin"], new_kw).staff == new_kw


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "first_allocation", "child_left", "nonsense"])
def test_a_change_needs_one_of_the_four_reasons(org, new_kw, reason, scope):
    with pytest.raises(ValidationError) as error:
        change(org, org.users["manager"], new_kw, reason=reason)
    assert "reason" in error.value.message_dict
    with scope(org.org):
        assert (
            KeyWorkerAllocation.objects.get(child=org.child, kind="primary").staff
            == org.users["key_worker"]
        )


@pytest.mark.django_db
def test_staff_from_another_site_or_organisation_is_refused(org, other_org):
    for stranger in (org.users["other_site_key_worker"], other_org.users["key_worker"]):
        with pytest.raises(ValidationError) as error:
            change(org, org.users["manager"], stranger)
        assert "staff" in error.value.message_dict


@pytest.mark.django_db
def test_a_change_cannot_start_before_the_current_allocation(org, new_kw):
    with pytest.raises(ValidationError) as error:
        change(org, org.users["manager"], new_kw, starts_on=org.allocation.starts_on)
    assert "starts_on" in error.value.message_dict


@pytest.mark.django_db
def test_database_allows_only_one_current_key_worker(org, new_kw):
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyWorkerAllocationFactory(
            child=org.child, staff=new_kw, starts_on=TODAY() + datetime.timedelta(days=400)
        )


@pytest.mark.django_db
def test_database_refuses_overlapping_periods(org, new_kw):
    start = org.allocation.starts_on
    with pytest.raises(IntegrityError), transaction.atomic():
        KeyWorkerAllocationFactory(
            child=org.child,
            staff=new_kw,
            starts_on=start - datetime.timedelta(days=30),
            ends_on=start + datetime.timedelta(days=1),
        )


@pytest.mark.django_db
def test_cover_cannot_overlap_other_cover(org, new_kw):
    from tenancy.context import organisation_scope

    with pytest.raises(ValidationError) as error, organisation_scope(org.org.pk):
        services.cover_add(
            access=access_for(org.users["manager"], org),
            child=org.child,
            staff=new_kw,
            starts_on=org.cover.starts_on + datetime.timedelta(days=2),
            ends_on=org.cover.ends_on + datetime.timedelta(days=5),
        )
    assert "overlaps" in str(error.value)


@pytest.mark.django_db
def test_leaving_date_ends_the_allocation_as_history(org, scope):
    leaving = TODAY() + datetime.timedelta(days=3)
    with scope(org.org):
        services.child_update(
            access=access_for(org.users["manager"], org),
            child=org.child,
            version=org.child.version,
            leaving_date=leaving,
        )
        primary = KeyWorkerAllocation.objects.get(child=org.child, kind="primary")
        cover = KeyWorkerAllocation.objects.get(child=org.child, kind="cover")
    assert primary.ends_on == leaving and primary.end_reason == "child_left"
    assert cover.starts_on > leaving  # later cover is untouched: it never starts
