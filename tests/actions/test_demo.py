"""The demo seed gives a new user open actions and each DSL one concern, and a rerun adds none."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from actions.models import ActionItem, Notice, State
from contacts.models import Contact
from safeguarding.models import Concern
from tenancy.context import organisation_scope
from tenancy.models import AuditEvent, Organisation


@pytest.mark.django_db
def test_the_demo_has_open_actions_and_a_concern_for_each_dsl(client):
    call_command("seed_demo", stdout=io.StringIO())
    users = get_user_model().objects
    provider = Organisation.objects.get(slug="brightwater")
    school = Organisation.objects.get(slug="penkford")
    with organisation_scope(provider.pk):
        amber = ActionItem.objects.filter(child__first_name="Amber", state=State.OPEN)
        assert {"manager", "social_worker", "parents", "referral"} <= set(
            amber.values_list("kind", flat=True)
        )
        manager = users.get(username="manager.oak@brightwater.example")
        keys = set(Notice.objects.filter(user=manager).values_list("key", flat=True))
        assert any(k.startswith("concern:") for k in keys)
        assert any(k.startswith("action:") for k in keys)
        counts = (ActionItem.objects.count(), Concern.objects.count())
        # A statutory visit seeded through contacts.services.contact_record: its audit entry is
        # the key worker's who recorded it, and it carries its quality check, as in real use.
        visit = Contact.objects.filter(kind=Contact.Kind.VISIT).latest("occurred_at")
        entry = AuditEvent.objects.get(
            object_type="contacts.contact", object_id=visit.pk, action="create"
        )
        assert entry.actor_id == visit.recorded_by_id and visit.quality_report
    with organisation_scope(school.pk):
        same_day = Contact.objects.filter(purpose=Contact.Purpose.SAME_DAY)
        assert same_day.filter(slips__isnull=False).exists()  # linked to their slips
        audited = AuditEvent.objects.filter(
            object_type="contacts.contact", action="create", object_id__in=same_day.values("pk")
        )
        assert audited.count() == same_day.count()
        assert ActionItem.objects.filter(state=State.OPEN).exists()
        assert ActionItem.objects.filter(state=State.DONE).exists()
        assert Concern.objects.count() == 1
    client.force_login(users.get(username="deputy@penkford.example"))
    assert 'data-testid="home-concerns"' in client.get("/").content.decode()

    call_command("seed_demo", stdout=io.StringIO())
    with organisation_scope(provider.pk):
        assert (ActionItem.objects.count(), Concern.objects.count()) == counts
