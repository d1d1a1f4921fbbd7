"""Safeguarding concerns: raised by any member of staff, read only by the site's DSL team and the
author (every read audited), decided and signed by the DSL, never in the record they came from,
escalated once when nobody acknowledges them in time."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from actions.models import Notice
from safeguarding import selectors, services
from safeguarding.models import Concern, Decision, SafeguardingLead, escalation_due
from sessions_app.models import KeyWorkSession
from tenancy.models import AuditEvent, Site

from ..factories import MembershipFactory, UserFactory
from ..sessions_app.conftest import access_for

pytestmark = pytest.mark.django_db
SECRET = "He said his uncle hurts him when mum is out"
LONDON = "Europe/London"


@pytest.fixture
def dsl(org, in_org):
    """A DSL and a deputy at the world's school (the world's manager leads it too)."""
    lead = UserFactory(username="dsl@alpha.example", first_name="Dee", last_name="Lead")
    MembershipFactory(user=lead, site=org.school, role="key_worker")
    deputy = UserFactory(username="deputy@alpha.example", first_name="Dep", last_name="Uty")
    MembershipFactory(user=deputy, site=org.school, role="key_worker")
    SafeguardingLead.objects.create(organisation=org.org, site=org.school, user=lead)
    SafeguardingLead.objects.create(
        organisation=org.org, site=org.school, user=deputy, is_deputy=True
    )
    org.dsl, org.deputy = lead, deputy
    return org


def raise_concern(world, **extra):
    session = KeyWorkSession.objects.create(
        organisation=world.org,
        child=world.child,
        author=world.users["key_worker"],
        date=timezone.localdate(),
        status="submitted",
    )
    fields = dict(
        access=access_for(world.users["key_worker"], world),
        child=world.child,
        what=SECRET,
        child_words="'Don't tell anyone.'",
        present="Nobody",
        happened_at=timezone.now() - datetime.timedelta(minutes=30),
        source="session",
        source_id=session.pk,
    )
    fields.update(extra)
    return services.concern_raise(**fields), session


def test_raising_a_concern_alerts_the_dsl_team_at_once_without_its_text(dsl):
    concern, _ = raise_concern(dsl)
    notices = Notice.objects.filter(key=f"concern:{concern.pk}")
    assert {n.user for n in notices} == {dsl.dsl, dsl.deputy, dsl.users["manager"]}
    assert all(SECRET not in n.message and concern.reference in n.message for n in notices)
    event = AuditEvent.objects.get(object_type="safeguarding.concern", action="create")
    assert SECRET not in str(event.after) and "what" not in event.after


def test_only_the_dsl_team_and_the_author_read_the_concern(dsl):
    concern, _ = raise_concern(dsl)
    readers = {
        "author": dsl.users["key_worker"],
        "dsl": dsl.dsl,
        "deputy": dsl.deputy,
    }
    for name, user in readers.items():
        assert selectors.get_concern_or_404(access_for(user, dsl), concern.pk) == concern, name
    from django.http import Http404

    for name in ("moderator", "org_admin", "other_site_key_worker"):
        with pytest.raises(Http404):
            selectors.get_concern_or_404(access_for(dsl.users[name], dsl), concern.pk)
    another_kw = UserFactory()
    MembershipFactory(user=another_kw, site=dsl.school, role="key_worker")
    with pytest.raises(Http404):
        selectors.get_concern_or_404(access_for(another_kw, dsl), concern.pk)


def test_the_dsl_records_a_signed_decision_and_bad_input_is_refused(dsl):
    concern, _ = raise_concern(dsl)
    with pytest.raises(PermissionDenied):
        services.decision_record(
            access=access_for(dsl.users["key_worker"], dsl),
            concern=concern,
            kind="csc",
            rationale="x",
            decided_on=timezone.localdate(),
        )
    with pytest.raises(ValidationError) as error:
        services.decision_record(
            access=access_for(dsl.dsl, dsl),
            concern=concern,
            kind="csc",
            rationale=" ",
            decided_on=timezone.localdate() + datetime.timedelta(days=2),
        )
    assert set(error.value.message_dict) == {"rationale", "decided_on"}
    decision = services.decision_record(
        access=access_for(dsl.dsl, dsl),
        concern=concern,
        kind="csc",
        rationale="Disclosure of harm by a family member: referred to the front door.",
        decided_on=timezone.localdate(),
    )
    concern.refresh_from_db()
    assert decision.signed_by == dsl.dsl and concern.acknowledged_by == dsl.dsl
    chronology = selectors.chronology(dsl.child)  # the world's own concern first
    assert [[d.kind for d in c.decisions.all()] for c in chronology] == [[], ["csc"]]


def test_the_record_shows_only_the_date_and_reference(dsl):
    concern, session = raise_concern(dsl)
    assert selectors.raised_from("session", session.pk, dsl.child.pk) == [
        (concern.pk, concern.raised_at)
    ]


def test_a_concern_raised_where_there_is_no_dsl_team_tells_the_managers_to_name_one(org, in_org):
    concern, _ = raise_concern(org, source="none", source_id=None)
    SafeguardingLead.objects.all().delete()
    concern2, _ = raise_concern(org, source="none", source_id=None)
    notice = Notice.objects.get(key=f"concern-no-team:{concern2.pk}")
    assert notice.user == org.users["manager"] and "no DSL team" in notice.message
    assert notice.url == "/safeguarding/leads/"
    assert concern.pk != concern2.pk


def test_bad_input_is_refused_and_nothing_is_saved(dsl):
    before = Concern.objects.count()
    with pytest.raises(ValidationError) as error:
        raise_concern(dsl, what="  ", happened_at=timezone.now() + datetime.timedelta(hours=2))
    assert set(error.value.message_dict) == {"what", "happened_at"}
    assert Concern.objects.count() == before


@pytest.mark.parametrize(
    "raised,due",
    [
        # Monday 10:00 London (GMT) → 11:00 the same day.
        (datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC), (2026, 11, 30, 11, 0)),
        # Monday 17:30 → 30 minutes left today, 30 more from 08:00 Tuesday.
        (datetime.datetime(2026, 11, 30, 17, 30, tzinfo=datetime.UTC), (2026, 12, 1, 8, 30)),
        # Friday 20:00 → Monday 09:00.
        (datetime.datetime(2026, 12, 4, 20, 0, tzinfo=datetime.UTC), (2026, 12, 7, 9, 0)),
        # Saturday in British Summer Time: Monday 09:00 BST is 08:00 UTC.
        (datetime.datetime(2026, 6, 6, 12, 0, tzinfo=datetime.UTC), (2026, 6, 8, 8, 0)),
    ],
)
def test_escalation_counts_an_hour_of_the_working_day(raised, due):
    assert escalation_due(raised, time_zone=LONDON) == datetime.datetime(*due, tzinfo=datetime.UTC)


def test_an_unacknowledged_concern_goes_to_the_deputy_and_the_manager_once(dsl):
    Concern.objects.update(acknowledged_at=timezone.now())  # the world's own concern
    raised = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)  # a Monday
    with time_machine.travel(raised, tick=False):
        concern, _ = raise_concern(dsl, happened_at=raised - datetime.timedelta(minutes=5))
    assert services.escalate_unacknowledged(now=raised + datetime.timedelta(minutes=59)) == 0
    assert services.escalate_unacknowledged(now=raised + datetime.timedelta(minutes=61)) == 1
    assert services.escalate_unacknowledged(now=raised + datetime.timedelta(minutes=90)) == 0
    escalated = Notice.objects.filter(key=f"concern-escalated:{concern.pk}")
    assert {n.user for n in escalated} == {dsl.deputy, dsl.users["manager"]}
    assert all(SECRET not in n.message for n in escalated)
    concern.refresh_from_db()
    assert concern.escalated_at == raised + datetime.timedelta(minutes=61)


def test_the_sites_setting_sets_when_an_unacknowledged_concern_escalates(dsl):
    Concern.objects.update(acknowledged_at=timezone.now())  # the world's own concern
    Site.objects.filter(pk=dsl.child.site_id).update(concern_escalate_minutes=20)
    raised = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)  # a Monday
    with time_machine.travel(raised, tick=False):
        raise_concern(dsl, happened_at=raised - datetime.timedelta(minutes=5))
    assert services.escalate_unacknowledged(now=raised + datetime.timedelta(minutes=19)) == 0
    assert services.escalate_unacknowledged(now=raised + datetime.timedelta(minutes=21)) == 1


def test_an_acknowledged_concern_is_not_escalated(dsl):
    Concern.objects.update(acknowledged_at=timezone.now())  # the world's own concern
    concern, _ = raise_concern(dsl)
    services.concern_acknowledge(access=access_for(dsl.dsl, dsl), concern=concern)
    later = timezone.now() + datetime.timedelta(days=3)
    assert services.escalate_unacknowledged(now=later) == 0


def test_the_marker_is_set_and_cleared_by_the_dsl_only(dsl):
    with pytest.raises(PermissionDenied):
        services.marker_set(
            access=access_for(dsl.users["key_worker"], dsl), child=dsl.child, before="x"
        )
    services.marker_set(access=access_for(dsl.dsl, dsl), child=dsl.child, before="calling home")
    services.marker_set(
        access=access_for(dsl.dsl, dsl), child=dsl.child, before="arranging family contact"
    )
    assert selectors.active_marker(dsl.child).before == "arranging family contact"
    assert services.marker_clear(access=access_for(dsl.dsl, dsl), child=dsl.child) == 1
    assert selectors.active_marker(dsl.child) is None


def test_leads_are_named_by_managers_and_org_admins_only(dsl):
    newcomer = UserFactory()
    MembershipFactory(user=newcomer, site=dsl.school, role="key_worker")
    with pytest.raises(PermissionDenied):
        services.lead_add(
            access=access_for(dsl.users["key_worker"], dsl),
            site=dsl.school,
            user=newcomer,
            is_deputy=True,
        )
    lead = services.lead_add(
        access=access_for(dsl.users["org_admin"], dsl),
        site=dsl.school,
        user=newcomer,
        is_deputy=True,
    )
    with pytest.raises(ValidationError):  # not staff of that site
        services.lead_add(
            access=access_for(dsl.users["org_admin"], dsl),
            site=dsl.home,
            user=newcomer,
            is_deputy=False,
        )
    services.lead_remove(access=access_for(dsl.users["manager"], dsl), lead=lead)
    assert not SafeguardingLead.objects.filter(user=newcomer).exists()
    assert Decision.objects.count() == 0
