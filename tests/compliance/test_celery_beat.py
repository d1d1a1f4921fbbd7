"""One run of the real thing: a Celery worker with an embedded beat on Redis sweeps the test
database on the beat schedule, and later beats record nothing new."""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection
from django.utils import timezone

from compliance.models import Alert, Obligation, Rule, Status, StatusChange
from tenancy.context import organisation_scope
from tests.factories import ChildFactory, KeyWorkerAllocationFactory
from tests.sessions_app.factories import KeyWorkSessionFactory

REDIS_URL = "redis://127.0.0.1:6379/14"
ROOT = Path(__file__).resolve().parents[2]


def worker_env(tmp_path) -> dict:
    url = urlsplit(os.environ["DATABASE_URL"])
    test_db = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "keywork.settings.dev",
        "DATABASE_URL": test_db,
        "REDIS_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "COMPLIANCE_SWEEP_SECONDS": "2",
        # This run's own queue: another test run on the same Redis must not take its tasks.
        "CELERY_QUEUE": f"keywork-test-{uuid.uuid4().hex}",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }


def wait_for(check, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(1)
    return False


@pytest.mark.django_db(transaction=True)
def test_worker_and_beat_on_redis_sweep_once_and_then_record_nothing_new(org, tmp_path):
    kw = org.users["key_worker"]
    child = ChildFactory(site=org.school, first_name="Beatrice")
    KeyWorkerAllocationFactory(child=child, staff=kw)
    KeyWorkSessionFactory(
        child=child, author=kw, date=timezone.localdate() - datetime.timedelta(days=30)
    )

    def overdue_changes():
        with organisation_scope(org.org.pk):
            return StatusChange.objects.filter(
                child=child, rule=Rule.SESSION, status=Status.OVERDUE
            ).count()

    def beats_seen(log) -> int:
        return log.read_text().count("Task compliance.sweep_organisation[") // 2

    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "keywork",
            "worker",
            "--beat",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--schedule",
            str(tmp_path / "beat-schedule"),
        ],
        cwd=ROOT,
        env=worker_env(tmp_path),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert wait_for(lambda: overdue_changes() == 1), log.read_text()[-3000:]
        swept = beats_seen(log)
        assert wait_for(lambda: beats_seen(log) >= swept + 2), log.read_text()[-3000:]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    assert overdue_changes() == 1
    with organisation_scope(org.org.pk):
        ob = Obligation.objects.get(child=child, rule=Rule.SESSION)
        assert ob.status == Status.OVERDUE and ob.staff_id == kw.pk
        assert Alert.objects.filter(obligation=ob, user=kw).count() == 1
