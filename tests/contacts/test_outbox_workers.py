"""Issue 14.3 with the real thing: the weekly update is sent by a Celery worker (``acks_late``) on
a real Redis, and the worker is killed at each step of the outbox. Whatever the step, the email is
never sent twice without a person deciding, and nothing is stuck "Sending" for ever:

- killed before the task ran (no worker when it was queued): the intent was committed, a worker
  started later sends it once;
- killed while talking to the mail server (nothing sent): the redelivered task finds it claimed
  and marks it "May have been sent"; the key worker checks, ticks "it did not arrive" and it is
  sent once;
- killed after the server accepted it, before the result was recorded: the redelivered task marks
  it "May have been sent" and does not send a second copy; the key worker confirms it arrived and
  it is recorded as a contact, still one email.
"""

import datetime
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.urls import reverse

from contacts import services
from contacts.models import Contact, WeeklyUpdate
from tenancy.context import organisation_scope

from ..compliance.test_celery_beat import ROOT, wait_for, worker_env
from ..factories import ChildFactory, ChildProfessionalFactory, KeyWorkerAllocationFactory
from .factories import WeeklyUpdateFactory
from .test_weekly_update import access_for

pytestmark = pytest.mark.django_db(transaction=True)


def outbox_env(tmp_path, crash: str, queue: str) -> dict:
    env = worker_env(tmp_path)
    env.update(
        {
            # The broker and queue this test process sends to.
            "REDIS_URL": settings.CELERY_BROKER_URL,
            "CELERY_QUEUE": queue,
            "EMAIL_BACKEND": "tests.contacts.crash_backend.CrashingBackend",
            "KEYWORK_TEST_MAILDIR": str(tmp_path),
            "KEYWORK_TEST_CRASH": crash,
            # A killed worker's unacknowledged task comes back after 2 seconds (an hour in
            # production), and a claim older than 1 second counts as interrupted.
            "CELERY_VISIBILITY_TIMEOUT": "2",
            "CELERY_RESTORE_INTERVAL": "1",
            "CELERY_RESTORE_THROTTLE": "1",
            "OUTBOX_SENDING_LEASE_SECONDS": "1",
        }
    )
    return env


def start_worker(tmp_path, env, name) -> subprocess.Popen:
    log = tmp_path / f"{name}.log"
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "keywork",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}-{uuid.uuid4().hex[:6]}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def emails(tmp_path) -> list[Path]:
    return sorted(tmp_path.glob("*.eml"))


def logs(tmp_path) -> str:
    return "\n".join(p.read_text()[-2000:] for p in sorted(tmp_path.glob("*.log")))


@pytest.fixture
def queued(org, tmp_path):
    """A young person's update, queued for sending through the real Redis (this run's database,
    ``REDIS_URL``) with no worker running yet."""
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("This test needs REDIS_URL: it runs real workers on Redis.")
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    from keywork.celery import app

    app.control.purge()  # nothing left over from an earlier run of this test
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("unacked", "unacked_index")
    app.conf.task_always_eager = False
    with organisation_scope(org.org.pk):
        young = ChildFactory(
            site=org.home, first_name="Amber", start_date=datetime.date(2026, 1, 5)
        )
        rsw = org.users["other_site_key_worker"]
        KeyWorkerAllocationFactory(child=young, staff=rsw, changed_by=org.users["manager"])
        ChildProfessionalFactory(
            child=young, professional__name="Priya Nair", professional__email="priya@la.example"
        )
        update = WeeklyUpdateFactory(child=young, author=rsw)
        # Step 1, the intent: committed, then handed to the queue (no worker is running yet).
        services.weekly_update_send(access=access_for(rsw, org.org), update=update, version=1)
    yield org, update, queue, rsw
    app.conf.task_always_eager = True


def status_of(org, update) -> str:
    with organisation_scope(org.org.pk):
        return WeeklyUpdate.objects.get(pk=update.pk).status


def contacts_of(org, update) -> int:
    with organisation_scope(org.org.pk):
        return Contact.objects.filter(child=update.child, purpose="weekly_update").count()


def test_queued_with_no_worker_running_is_sent_once_when_a_worker_starts(queued, tmp_path):
    org, update, queue, _ = queued
    assert status_of(org, update) == WeeklyUpdate.Status.QUEUED
    worker = start_worker(tmp_path, outbox_env(tmp_path, "", queue), "late")
    try:
        assert wait_for(lambda: status_of(org, update) == "sent", 60), logs(tmp_path)
    finally:
        stop(worker)
    assert len(emails(tmp_path)) == 1 and contacts_of(org, update) == 1


def test_killed_while_sending_is_never_sent_again_until_a_person_checks(queued, tmp_path, client):
    org, update, queue, rsw = queued
    env = outbox_env(tmp_path, "before_send", queue)
    first = start_worker(tmp_path, env, "dies")
    try:
        assert first.wait(timeout=60) == -signal.SIGKILL, logs(tmp_path)
        assert status_of(org, update) == WeeklyUpdate.Status.SENDING
        # The task was never acknowledged: Redis hands it to the next worker.
        second = start_worker(tmp_path, env, "next")
        try:
            assert wait_for(lambda: status_of(org, update) == "uncertain", 60), logs(tmp_path)
        finally:
            stop(second)
    finally:
        stop(first)
    assert emails(tmp_path) == [] and contacts_of(org, update) == 0

    client.force_login(rsw)
    url = reverse("contacts:weekly_update", args=[update.pk])
    page = client.get(url).content.decode()
    assert "may have been sent" in page and "check before resending" in page
    # Sending again without saying it was checked is refused.
    refused = client.post(url, {"action": "resend", "version": "4"}, follow=True)
    assert "did not arrive, tick the box" in refused.content.decode()
    assert status_of(org, update) == WeeklyUpdate.Status.UNCERTAIN
    # Checked: sent once, by a worker that stays up.
    client.post(url, {"action": "resend", "version": "4", "checked_not_received": "on"})
    assert status_of(org, update) == WeeklyUpdate.Status.QUEUED
    worker = start_worker(tmp_path, outbox_env(tmp_path, "", queue), "resend")
    try:
        assert wait_for(lambda: status_of(org, update) == "sent", 60), logs(tmp_path)
    finally:
        stop(worker)
    assert len(emails(tmp_path)) == 1 and contacts_of(org, update) == 1


def test_killed_after_the_server_accepted_it_sends_no_second_copy(queued, tmp_path, client):
    org, update, queue, rsw = queued
    env = outbox_env(tmp_path, "after_send", queue)
    first = start_worker(tmp_path, env, "dies")
    try:
        assert first.wait(timeout=60) == -signal.SIGKILL, logs(tmp_path)
        assert len(emails(tmp_path)) == 1
        second = start_worker(tmp_path, env, "next")
        try:
            assert wait_for(lambda: status_of(org, update) == "uncertain", 60), logs(tmp_path)
        finally:
            stop(second)
    finally:
        stop(first)
    assert len(emails(tmp_path)) == 1 and contacts_of(org, update) == 0

    client.force_login(rsw)
    url = reverse("contacts:weekly_update", args=[update.pk])
    client.post(url, {"action": "confirm_received", "version": "4"})
    assert status_of(org, update) == WeeklyUpdate.Status.SENT
    assert len(emails(tmp_path)) == 1 and contacts_of(org, update) == 1
    assert connection.vendor == "postgresql"
