"""Alerts and digests: marking alerts read, and each person's daily digest e-mail for an
organisation (one failure never stops the others')."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from tenancy import badges
from tenancy.context import require_organisation_id

from ..models import (
    Alert,
    DigestSent,
)

# ---------------------------------------------------------------- alerts and digests

logger = logging.getLogger("compliance.services")  # the package's logger, as before the split


@transaction.atomic
def alerts_mark_read(*, user, alert_ids=None) -> int:
    alerts = Alert.objects.filter(user=user, read_at__isnull=True)
    badges.forget("alerts", organisation_id=require_organisation_id(), user_ids=[user.pk])
    if alert_ids is not None:
        alerts = alerts.filter(pk__in=alert_ids)
    return alerts.update(read_at=timezone.now())


def digest_send_organisation(*, organisation_id: int, now=None) -> int:
    """Today's digest email to each key worker (their due and overdue items) and each manager
    (their sites' overdue items, by key worker). A ``DigestSent`` row is written first, in its own
    transaction, so a rerun the same day never sends a second email. One person's failure (a bad
    address, a refused connection) is logged and the others still get theirs; the failed
    person's row is removed so the next run tries again. Returns emails sent."""
    from .. import selectors

    now = now or timezone.now()
    day = timezone.localdate(now)
    sent_today = set(
        DigestSent.objects.filter(day=day).values_list("user_id", flat=True)
    )  # query: who has had today's digest from this organisation
    sent = 0
    for user, items, by_worker in selectors.digest_recipients(now=now):
        if user.pk in sent_today or not user.email or not items:
            continue
        row = None
        try:
            with transaction.atomic():
                row, created = DigestSent.objects.get_or_create(
                    organisation_id=organisation_id,
                    user=user,
                    day=day,
                    defaults={"items": len(items)},
                )
            if not created:
                continue
            body = render_to_string(
                "compliance/digest_email.txt",
                {"user": user, "items": items, "by_worker": by_worker, "day": day},
            )
            send_mail(
                f"Keywork: {len(items)} item{'s' if len(items) != 1 else ''} due or overdue",
                body,
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
        except Exception:  # one person's failure never stops the others' digests
            logger.exception(
                "Digest for user %s in organisation %s failed", user.pk, organisation_id
            )
            if row is not None:
                DigestSent.objects.filter(pk=row.pk).delete()
            continue
        sent += 1
    return sent
