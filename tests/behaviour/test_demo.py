"""The demo seed plants the patterns issue 5 names, and a second run changes nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from behaviour.models import AttendanceMark, Slip
from people.models import Child, KeyWorkerAllocation
from tenancy.context import organisation_scope
from tenancy.models import AuditEvent, Organisation


@pytest.mark.django_db
def test_demo_plants_the_named_patterns_and_is_idempotent(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "absent most Mondays" in out.getvalue()
    users = get_user_model().objects
    emma = users.get(username="ta1@penkford.example")
    school = Organisation.objects.get(slug="penkford")
    with organisation_scope(school.pk):
        mine = list(
            Child.objects.filter(
                pk__in=KeyWorkerAllocation.objects.filter(staff=emma, ends_on__isnull=True).values(
                    "child_id"
                )
            ).order_by("pk")
        )
        counts = (Slip.objects.count(), AttendanceMark.objects.count())
    monday, rising, radar = mine[0], mine[1], mine[2]

    client.force_login(emma)
    panel = client.get(f"/behaviour/children/{monday.pk}/panel/").content.decode()
    assert "Mondays" in panel and "For the office" in panel and "dental appointment" in panel
    patterns = {
        r.child.pk: [p.kind for p in r.patterns]
        for r in client.get("/behaviour/my/").context["rows"]
    }
    assert "same_weekday" in patterns[monday.pk] and "coding_error" in patterns[monday.pk]
    assert "rising_incidents" in patterns[rising.pk]
    client.force_login(users.get(username="deputy@penkford.example"))
    radar_rows = client.get("/behaviour/analysis/?preset=fortnight").context["radar"]
    assert radar.pk in {r.child.pk for r in radar_rows}

    # Seeded through behaviour.services.slip_record: every slip has its audit entry, by the
    # member of staff who recorded it, and the child's history page lists it as real use would.
    with organisation_scope(school.pk):
        created = AuditEvent.objects.filter(object_type="behaviour.slip", action="create")
        assert created.count() == Slip.objects.count()
        slip = Slip.objects.filter(child=monday).select_related("recorded_by").latest("occurred_at")
        entry = created.get(object_id=slip.pk)
        assert entry.actor_id == slip.recorded_by_id and entry.child_id == monday.pk
    history = client.get(f"/children/{monday.pk}/history/", {"show": "changes"}).content.decode()
    assert slip.recorded_by.get_full_name() in history and str(slip) in history

    call_command("seed_demo", stdout=io.StringIO())
    with organisation_scope(school.pk):
        assert (Slip.objects.count(), AttendanceMark.objects.count()) == counts
