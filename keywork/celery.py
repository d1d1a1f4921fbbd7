"""The one Celery application and its beat schedule (in UTC; run exactly one beat process)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keywork.settings.dev")

app = Celery("keywork")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Later apps add their periodic tasks here, and only here.
app.conf.beat_schedule = {}
