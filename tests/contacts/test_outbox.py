"""Issue 14.3 and 17.9 without real workers: the outbox's recovery, the addendum, the failed
send's address, and no import cycle between the contacts services and tasks."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from contacts import services, tasks
from contacts.models import Contact, WeeklyUpdate
from people.models import Professional
from tenancy import hooks

from .factories import WeeklyUpdateFactory
from .test_weekly_update import MONDAY, access_for

pytestmark = pytest.mark.django_db


def queue(home, scope, capture):
    with scope(home.org):
        update = WeeklyUpdateFactory(child=home.young, author=home.rsw, week_start=MONDAY)
        with capture(execute=False):  # the hand-over to the task is lost
            services.weekly_update_send(
                access=access_for(home.rsw, home.org), update=update, version=1
            )
    return update


def test_the_services_do_not_import_the_tasks():
    """The cycle is broken: tasks import services; services publish an event the tasks handle."""
    package = Path(services.__file__).parent  # contacts/services/, one module per responsibility
    for module in package.glob("*.py"):
        source = module.read_text()
        assert "from .tasks" not in source and "from ..tasks" not in source, module
        assert "import tasks" not in source, module
    assert tasks.services is services
    assert "contacts.tasks.enqueue" in hooks.subscriptions()[services.QUEUED_EVENT]


def test_a_lost_hand_over_is_sent_by_the_recovery_and_a_stuck_send_becomes_uncertain(
    home, scope, django_capture_on_commit_callbacks
):
    update = queue(home, scope, django_capture_on_commit_callbacks)
    with scope(home.org):
        assert services.weekly_update_recover() == {"uncertain": 0, "requeued": 0}  # too soon
        later = timezone.now() + datetime.timedelta(minutes=11)
        with time_machine.travel(later, tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                assert tasks.outbox_recover_organisation.delay(home.org.pk).get() == {
                    "uncertain": 0,
                    "requeued": 1,
                }
        update.refresh_from_db()
        assert update.status == WeeklyUpdate.Status.SENT and len(mail.outbox) == 1

        # A claim whose worker died: "Sending" for longer than the lease.
        second = WeeklyUpdateFactory(
            child=home.young, author=home.rsw, week_start=MONDAY + datetime.timedelta(days=7)
        )
        WeeklyUpdate.objects.filter(pk=second.pk).update(
            status="sending", sending_started_at=timezone.now(), to_email="p@x.example"
        )
        with time_machine.travel(later, tick=False):
            assert services.weekly_update_recover() == {"uncertain": 1, "requeued": 0}
            assert services.weekly_update_recover() == {"uncertain": 0, "requeued": 0}
            # A redelivered task for it sends nothing.
            assert services.weekly_update_deliver(update_id=second.pk, final=False) == "already"
        second.refresh_from_db()
        assert second.status == WeeklyUpdate.Status.UNCERTAIN
        assert "may or may not have gone" in second.last_error
    assert len(mail.outbox) == 1


def test_a_task_finding_a_fresh_claim_leaves_it_to_the_worker_sending_it(home, scope):
    with scope(home.org):
        update = WeeklyUpdateFactory(child=home.young, author=home.rsw, week_start=MONDAY)
        WeeklyUpdate.objects.filter(pk=update.pk).update(
            status="sending", sending_started_at=timezone.now()
        )
        assert services.weekly_update_deliver(update_id=update.pk, final=False) == "in_progress"
        update.refresh_from_db()
        assert update.status == WeeklyUpdate.Status.SENDING
    assert mail.outbox == []


def test_a_sent_update_can_be_followed_by_an_addendum_sent_as_its_own_contact(
    client, home, scope, django_capture_on_commit_callbacks
):
    with scope(home.org):
        update = WeeklyUpdateFactory(child=home.young, author=home.rsw, week_start=MONDAY)
        with django_capture_on_commit_callbacks(execute=True):
            services.weekly_update_send(
                access=access_for(home.rsw, home.org), update=update, version=1
            )
    client.force_login(home.rsw)
    page = client.get(reverse("contacts:weekly_update", args=[update.pk])).content.decode()
    assert "Write an addendum" in page
    url = reverse("contacts:weekly_update_addendum", args=[update.pk])
    form = client.get(url).content.decode()
    assert "Addendum: Weekly update" in form and "Further to my update of" in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "subject": "Addendum: Sunday",
                "body": "On Sunday Amber and I cooked together.",
                "action": "send",
            },
        )
    assert response.status_code == 302
    assert [m.subject for m in mail.outbox] == ["Weekly update", "Addendum: Sunday"]
    with scope(home.org):
        addendum = WeeklyUpdate.objects.get(addendum_of=update)
        assert addendum.status == WeeklyUpdate.Status.SENT
        purposes = Contact.objects.filter(child=home.young).values_list("purpose", flat=True)
        # Its own contact, which never counts as a week's update for compliance.
        assert sorted(purposes) == ["weekly_addendum", "weekly_update"]
        assert addendum.contact.summary.startswith("Addendum: Sunday")
    # The original's page lists it, and another addendum can follow.
    page = client.get(reverse("contacts:weekly_update", args=[update.pk])).content.decode()
    assert "Addendum: Sunday" in page and "Write an addendum" in page


def test_an_addendum_needs_the_update_sent_first(client, home, scope):
    with scope(home.org):
        draft = WeeklyUpdateFactory(child=home.young, author=home.rsw, week_start=MONDAY)
    client.force_login(home.rsw)
    page = client.get(reverse("contacts:weekly_update", args=[draft.pk])).content.decode()
    assert "Write an addendum" not in page
    response = client.post(
        reverse("contacts:weekly_update_addendum", args=[draft.pk]),
        {"subject": "More", "body": "Text.", "action": "save"},
    )
    assert "An addendum follows an update that has been sent." in response.content.decode()
    with scope(home.org):
        assert not WeeklyUpdate.objects.filter(addendum_of=draft).exists()


def test_a_failed_send_shows_the_address_and_a_corrected_one_is_used_and_kept(
    client, home, scope, django_capture_on_commit_callbacks
):
    with scope(home.org):
        update = WeeklyUpdateFactory(
            child=home.young,
            author=home.rsw,
            week_start=MONDAY,
            status="failed",
            to_name="Priya Nair",
            to_email="priya.nair@northshire.example",
            last_error="SMTPRecipientsRefused: unknown user",
        )
    client.force_login(home.rsw)
    url = reverse("contacts:weekly_update", args=[update.pk])
    page = client.get(url).content.decode()
    assert "Sending to <strong>priya.nair@northshire.example</strong> failed" in page
    assert 'name="to_email" value="priya.nair@northshire.example"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "to_email": "p.nair@northshire.example",
                "subject": "Weekly update",
                "body": "The week in brief.",
                "version": "1",
                "action": "send",
            },
        )
    assert [m.to for m in mail.outbox] == [["p.nair@northshire.example"]]
    with scope(home.org):
        update.refresh_from_db()
        assert update.status == "sent" and update.to_email == "p.nair@northshire.example"
        assert Professional.objects.get(name="Priya Nair").email == "p.nair@northshire.example"
