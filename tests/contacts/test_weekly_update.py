"""The weekly social-worker update: pre-filled from the right week in the site's time zone, sent
once even if the task runs twice, failures retried and shown, no social worker a clear message."""

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from contacts import selectors, services, tasks
from contacts.models import Contact, WeeklyUpdate
from tenancy.access import Access
from tenancy.models import Membership

from ..behaviour.factories import AttendanceMarkFactory, SlipFactory
from ..factories import ChildFactory, ChildProfessionalFactory, KeyWorkerAllocationFactory
from ..plans.factories import HealthAppointmentFactory
from ..sessions_app.factories import KeyWorkSessionFactory
from .factories import WeeklyUpdateFactory

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime.date(2026, 6, 8)  # British Summer Time: London is UTC+1

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(org, scope):
    """A young person at the home, their key worker, and their social worker."""
    with scope(org.org):
        young = ChildFactory(
            site=org.home,
            first_name="Amber",
            last_name="Smith",
            start_date=datetime.date(2026, 1, 5),
        )
        worker = org.users["other_site_key_worker"]
        KeyWorkerAllocationFactory(
            child=young,
            staff=worker,
            changed_by=org.users["manager"],
            starts_on=datetime.date(2026, 1, 5),
        )
        ChildProfessionalFactory(
            child=young,
            professional__name="Priya Nair",
            professional__email="priya.nair@northshire.example",
            started_on=datetime.date(2026, 1, 5),
        )
    org.young = young
    org.rsw = worker
    return org


def access_for(user, org):
    memberships = tuple(Membership.objects.filter(user=user).select_related("site"))
    return Access(user=user, organisation=org, memberships=memberships)


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def test_the_update_is_drawn_from_monday_to_sunday_in_the_sites_time_zone(home, scope):
    sunday = MONDAY + datetime.timedelta(days=6)
    with scope(home.org):
        young = home.young
        SlipFactory(
            child=young, kind="high", occurred_at=at(MONDAY, 0, 30), what_happened="In week A."
        )
        SlipFactory(
            child=young, kind="high", occurred_at=at(sunday, 23, 30), what_happened="Late Sunday."
        )
        # 00:30 on the next Monday in London is still Sunday in UTC: next week's, not this week's.
        SlipFactory(
            child=young,
            kind="low",
            occurred_at=at(sunday + datetime.timedelta(days=1), 0, 30),
            what_happened="Next week.",
        )
        SlipFactory(
            child=young,
            kind="green",
            occurred_at=at(MONDAY - datetime.timedelta(days=1), 23, 30),
            what_happened="Last week.",
        )
        SlipFactory(
            child=young, kind="green", occurred_at=at(MONDAY, 15), what_happened="Cooked tea."
        )
        KeyWorkSessionFactory(
            child=young,
            author=home.rsw,
            date=MONDAY + datetime.timedelta(days=2),
            title="Healthy eating",
        )
        KeyWorkSessionFactory(
            child=young,
            author=home.rsw,
            date=MONDAY - datetime.timedelta(days=1),
            title="Old session",
        )
        for n in range(5):
            AttendanceMarkFactory(
                child=young, date=MONDAY + datetime.timedelta(days=n), code="/" if n else "O"
            )
        HealthAppointmentFactory(
            child=young, due_on=MONDAY, attended_on=MONDAY + datetime.timedelta(days=3)
        )
        records = selectors.week_records(young, MONDAY)
    assert [line.split(": ", 2)[-1] for line in records["Incidents"]] == [
        "In week A.",
        "Late Sunday.",
    ]
    assert [line.split(": ", 2)[-1] for line in records["Positives"]] == ["Cooked tea."]
    assert len(records["Key-work sessions"]) == 1
    assert "Healthy eating" in records["Key-work sessions"][0]
    assert records["School attendance"] == [
        "Attended 4 of 5 possible sessions (80%); 1 unauthorised absence."
    ]
    assert records["Health appointments"] == ["Thursday 11 June: Dentist attended."]


def test_sending_twice_sends_once_and_records_one_professional_contact(
    home, scope, django_capture_on_commit_callbacks
):
    with scope(home.org):
        update = WeeklyUpdateFactory(child=home.young, author=home.rsw, week_start=MONDAY)
        with django_capture_on_commit_callbacks(execute=True):
            services.weekly_update_send(
                access=access_for(home.rsw, home.org), update=update, version=update.version
            )
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["priya.nair@northshire.example"]
        assert mail.outbox[0].body == "The week in brief."
        # The task runs again (a redelivered message): nothing more is sent.
        assert tasks.send_weekly_update.delay(home.org.pk, update.pk).get() == "already"
        assert len(mail.outbox) == 1
        update.refresh_from_db()
        assert update.status == WeeklyUpdate.Status.SENT
        contact = Contact.objects.get(child=home.young)
        assert contact.kind == "professional" and contact.purpose == "weekly_update"
        assert contact.professional_role == "social_worker"
        assert "The week in brief." in contact.summary
        assert update.contact == contact
        assert selectors.last_contact_dates([home.young], ["weekly_update"]) == {
            home.young.pk: contact.occurred_at.astimezone(LONDON).date()
        }


def test_an_smtp_failure_is_retried_then_shown_as_failed_with_the_text_kept(
    home, scope, django_capture_on_commit_callbacks
):
    with scope(home.org):
        update = WeeklyUpdateFactory(child=home.young, author=home.rsw, week_start=MONDAY)
        with mock.patch(
            "django.core.mail.EmailMessage.send", side_effect=OSError("Connection refused")
        ) as send:
            with django_capture_on_commit_callbacks(execute=True):
                services.weekly_update_send(
                    access=access_for(home.rsw, home.org), update=update, version=update.version
                )
        assert send.call_count == len(tasks.RETRY_DELAYS) + 1
        update.refresh_from_db()
        assert update.status == WeeklyUpdate.Status.FAILED
        assert update.attempts == 4
        assert "Connection refused" in update.last_error
        assert update.body == "The week in brief."
        assert not Contact.objects.filter(child=home.young).exists()


def test_a_failure_then_success_on_retry_sends_once(
    home, scope, django_capture_on_commit_callbacks
):
    with scope(home.org):
        update = WeeklyUpdateFactory(child=home.young, author=home.rsw, week_start=MONDAY)
        real_send = mail.EmailMessage.send
        calls = []

        def flaky(self, fail_silently=False):
            calls.append(1)
            if len(calls) == 1:
                raise OSError("Timed out")
            return real_send(self, fail_silently)

        with mock.patch("django.core.mail.EmailMessage.send", flaky):
            with django_capture_on_commit_callbacks(execute=True):
                services.weekly_update_send(
                    access=access_for(home.rsw, home.org), update=update, version=update.version
                )
        update.refresh_from_db()
        assert update.status == WeeklyUpdate.Status.SENT
        assert update.attempts == 2
        assert len(mail.outbox) == 1


def test_no_social_worker_on_record_keeps_the_draft_with_a_clear_message(client, org, scope):
    with scope(org.org):
        young = ChildFactory(site=org.home)
        KeyWorkerAllocationFactory(
            child=young, staff=org.users["other_site_key_worker"], changed_by=org.users["manager"]
        )
    client.force_login(org.users["other_site_key_worker"])
    url = reverse("contacts:weekly_update_new", args=[young.pk])
    response = client.post(url, {"subject": "Weekly", "body": "My edited text.", "action": "send"})
    assert response.status_code == 302
    response = client.get(response["Location"])
    body = response.content.decode()
    assert "has no social worker on record" in body
    assert "My edited text." in body
    with scope(org.org):
        update = WeeklyUpdate.objects.get(child=young)
        assert update.status == WeeklyUpdate.Status.DRAFT
    assert mail.outbox == []


def test_a_school_pupil_has_no_weekly_update(org, scope):
    with scope(org.org):
        update = WeeklyUpdate.objects.get(child=org.child)  # made by tests/contacts/world.py
        with pytest.raises(PermissionDenied) as raised:
            services.weekly_update_send(
                access=access_for(org.users["key_worker"], org.org),
                update=update,
                version=update.version,
            )
        assert "children's homes" in str(raised.value)


def test_the_compose_page_is_prefilled_from_this_weeks_records(client, home, scope):
    with time_machine.travel(at(MONDAY + datetime.timedelta(days=3), 18), tick=False):
        with scope(home.org):
            SlipFactory(
                child=home.young,
                kind="green",
                occurred_at=at(MONDAY, 15),
                what_happened="Cooked tea.",
            )
        client.force_login(home.rsw)
        response = client.get(reverse("contacts:weekly_update_new", args=[home.young.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Dear Priya Nair," in body
    assert "Cooked tea." in body
    assert "week of 08 June 2026" in body


def test_the_visit_due_follows_the_last_recorded_visit(home, scope):
    with scope(home.org), time_machine.travel(at(datetime.date(2026, 3, 1), 12), tick=False):
        assert selectors.visits_due([home.young])[0].due_on == datetime.date(2026, 1, 12)
        services.contact_record(
            access=access_for(home.rsw, home.org),
            child=home.young,
            kind="visit",
            method="in_person",
            occurred_at=at(datetime.date(2026, 2, 20), 16),
            with_whom="Priya Nair",
            summary="Statutory visit; saw Amber alone.",
        )
        visit = selectors.visits_due([home.young])[0]
        assert visit.last_visit == datetime.date(2026, 2, 20)
        # Six weeks after 20 Feb is Good Friday 3 April: a statutory maximum on a bank holiday
        # is met by the working day before it.
        assert visit.due_on == datetime.date(2026, 4, 2)


def test_a_contact_without_a_summary_is_refused_with_a_field_message(home, scope):
    with scope(home.org), pytest.raises(ValidationError) as raised:
        services.contact_record(
            access=access_for(home.rsw, home.org),
            child=home.young,
            kind="professional",
            method="phone",
            occurred_at=at(datetime.date(2026, 2, 20), 16),
            with_whom="Priya Nair",
            summary="  ",
        )
    assert "summary" in raised.value.error_dict
