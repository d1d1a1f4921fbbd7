"""The one Celery application and its beat schedule (in UTC; run exactly one beat process)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keywork.settings.dev")

app = Celery("keywork")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Later apps add their periodic tasks here, and only here.
app.conf.beat_schedule = {
    # Compliance: recompute due statuses for every organisation (catches up by itself).
    # (COMPLIANCE_SWEEP_SECONDS shortens it for the integration test with a real worker and beat.)
    "compliance-sweep": {
        "task": "compliance.sweep_all",
        "schedule": float(os.environ.get("COMPLIANCE_SWEEP_SECONDS", "600")),
    },
    # Contacts: the weekly-update outbox recovers sends whose worker died or whose task was lost.
    "contacts-outbox-recover": {
        "task": "contacts.outbox_recover_all",
        "schedule": float(os.environ.get("OUTBOX_RECOVER_SECONDS", "300")),
    },
    # Compliance: the daily digest emails at 06:30 UTC (once a day per person, whatever reruns).
    "compliance-digest": {
        "task": "compliance.digest_all",
        "schedule": crontab(hour=6, minute=30),
    },
    # Safeguarding: an unacknowledged concern goes to the deputies and managers (once each).
    "safeguarding-escalate": {
        "task": "safeguarding.escalate_all",
        "schedule": 300.0,
    },
}
