import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from behaviour import services
from behaviour.models import AttendanceMark, Kind, Slip
from tenancy.access import Access
from tenancy.audit import Action
from tenancy.concurrency import EditConflict
from tenancy.context import organisation_scope
from tenancy.models import AuditEvent, Membership

from ..factories import ChildFactory
from .factories import AttendanceMarkFactory


def access_for(world, role):
    user = world.users[role]
    memberships = tuple(Membership.objects.filter(user=user).select_related("site"))
    return Access(user=user, organisation=world.org, memberships=memberships)


@pytest.fixture
def scoped(org):
    with organisation_scope(org.org.pk):
        yield org


def record(access, child, **extra):
    fields = dict(
        access=access,
        child=child,
        kind=Kind.HIGH,
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        what_happened="Threw a chair; nobody hurt.",
    )
    fields.update(extra)
    return services.slip_record(**fields)


@pytest.mark.django_db
def test_a_slip_names_its_recorder_and_each_other_child_gets_a_linked_slip(scoped):
    world = scoped
    other = ChildFactory(site=world.school, first_name="Other")
    # Key workers and managers record (not moderators: tenancy.access.ACCESS_TABLE), for any
    # child of their site, not only their own.
    access = access_for(world, "key_worker")
    slip = record(access, world.child, others=[other], worth_a_call=False)
    linked = Slip.objects.get(child=other)
    assert slip.recorded_by == world.users["key_worker"]
    assert linked.is_linked and not slip.is_linked
    assert linked.incident_ref == slip.incident_ref and linked.kind == Kind.HIGH
    created = AuditEvent.objects.filter(object_type="behaviour.slip", action="create")
    assert sorted(created.values_list("object_id", flat=True)) == sorted([slip.pk, linked.pk])


@pytest.mark.django_db
def test_a_slip_for_a_child_of_another_site_is_refused(scoped):
    world = scoped
    home_child = ChildFactory(site=world.home)
    before = Slip.objects.count()
    with pytest.raises(PermissionDenied):
        record(access_for(world, "key_worker"), home_child)
    with pytest.raises(ValidationError) as error:
        record(access_for(world, "org_admin"), world.child, others=[home_child])
    assert "another site" in str(error.value)
    assert Slip.objects.count() == before


@pytest.mark.django_db
def test_a_naive_or_future_time_is_refused(scoped):
    access = access_for(scoped, "key_worker")
    with pytest.raises(ValidationError):
        record(access, scoped.child, occurred_at=datetime.datetime(2026, 1, 1, 9, 0))
    with pytest.raises(ValidationError):
        record(access, scoped.child, occurred_at=timezone.now() + datetime.timedelta(days=1))


@pytest.mark.django_db
def test_correct_keeps_the_reason_and_refuses_a_stale_version(scoped):
    world = scoped
    slip = record(access_for(world, "key_worker"), world.child)
    services.slip_correct(
        access=access_for(world, "key_worker"),
        slip=slip,
        version=1,
        reason="Wrong lesson",
        what_happened="Threw a chair in P3.",
    )
    slip.refresh_from_db()
    assert slip.version == 2 and slip.correction_reason == "Wrong lesson"
    event = AuditEvent.objects.get(action=Action.CORRECT)
    assert event.before["what_happened"] == "Threw a chair; nobody hurt."
    with pytest.raises(EditConflict):
        services.slip_correct(
            access=access_for(world, "manager"), slip=slip, version=1, reason="x", points=2
        )


@pytest.mark.django_db
def test_retract_hides_but_keeps_and_only_recorder_or_manager_may(scoped):
    world = scoped
    slip = record(access_for(world, "key_worker"), world.child)
    with pytest.raises(PermissionDenied):
        services.slip_retract(
            access=access_for(world, "moderator"), slip=slip, reason="x", version=slip.version
        )
    with pytest.raises(ValidationError):
        services.slip_retract(
            access=access_for(world, "manager"), slip=slip, reason=" ", version=slip.version
        )
    services.slip_retract(
        access=access_for(world, "manager"), slip=slip, reason="Wrong pupil", version=slip.version
    )
    slip.refresh_from_db()
    assert slip.is_retracted and slip.retraction_reason == "Wrong pupil"
    assert Slip.objects.filter(pk=slip.pk).exists()


def mark(world, code, day, session="AM", child=None):
    return services.MarkInput(child=child or world.child, date=day, session=session, code=code)


@pytest.mark.django_db
def test_a_second_different_mark_is_refused_unless_replace_is_chosen(scoped):
    world = scoped
    day = datetime.date(2026, 11, 2)
    access = access_for(world, "key_worker")
    result = services.marks_save(
        access=access, site=world.school, marks=[mark(world, "/", day)], replace=False
    )
    assert result.created == 1
    with pytest.raises(services.MarksRefused) as refused:
        services.marks_save(
            access=access, site=world.school, marks=[mark(world, "O", day)], replace=False
        )
    assert "already marked /" in refused.value.rows[0]
    assert AttendanceMark.objects.get(child=world.child, date=day).code == "/"
    again = services.marks_save(
        access=access, site=world.school, marks=[mark(world, "/", day)], replace=False
    )
    assert (again.created, again.replaced, again.unchanged) == (0, 0, 1)
    replaced = services.marks_save(
        access=access, site=world.school, marks=[mark(world, "o", day)], replace=True
    )
    assert replaced.replaced == 1
    assert AttendanceMark.objects.get(child=world.child, date=day).code == "O"


@pytest.mark.django_db
def test_unknown_code_and_a_child_of_another_site_refuse_the_whole_register(scoped):
    world = scoped
    day = datetime.date(2026, 11, 3)
    home_child = ChildFactory(site=world.home)
    other = ChildFactory(site=world.school)
    with pytest.raises(services.MarksRefused) as refused:
        services.marks_save(
            access=access_for(world, "org_admin"),
            site=world.school,
            marks=[
                mark(world, "/", day, child=other),
                mark(world, "A", day),
                mark(world, "/", day, child=home_child),
            ],
            replace=False,
        )
    assert len(refused.value.rows) == 2
    assert "“A” is not an attendance code" in refused.value.rows[0]
    assert "not on the roll" in refused.value.rows[1]
    assert AttendanceMark.objects.filter(date=day).count() == 0


@pytest.mark.django_db
def test_class_points_for_a_lesson_are_created_then_updated(scoped):
    world = scoped
    other = ChildFactory(site=world.school)
    access = access_for(world, "key_worker")
    day = datetime.date(2026, 11, 4)
    first = services.points_save(
        access=access,
        site=world.school,
        date=day,
        lesson="Maths",
        points={world.child.pk: 10, other.pk: None},
    )
    assert first == {"created": 1, "updated": 0, "unchanged": 0}
    second = services.points_save(
        access=access,
        site=world.school,
        date=day,
        lesson="Maths",
        points={world.child.pk: 12, other.pk: 8},
    )
    assert second == {"created": 1, "updated": 1, "unchanged": 0}


@pytest.mark.django_db
def test_only_managers_set_the_points_target(scoped):
    world = scoped
    with pytest.raises(PermissionDenied):
        services.points_target_set(
            access=access_for(world, "key_worker"), site=world.school, weekly_target=120
        )
    services.points_target_set(
        access=access_for(world, "manager"), site=world.school, weekly_target=120
    )
    from behaviour.selectors import weekly_target

    assert weekly_target(world.school) == 120


@pytest.mark.django_db
def test_existing_marks_fixture_is_replaced_only_on_request(scoped):
    world = scoped
    day = datetime.date(2026, 11, 5)
    AttendanceMarkFactory(child=world.child, date=day, session="PM", code="\\")
    with pytest.raises(services.MarksRefused):
        services.marks_save(
            access=access_for(world, "manager"),
            site=world.school,
            marks=[mark(world, "I", day, "PM")],
            replace=False,
        )
