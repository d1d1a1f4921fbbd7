"""The weekly update's delivery: the queue event, claiming a send, the email, retries and failures,
recording the sent contact, and recovering lost or stuck sends. The Celery task (contacts.tasks)
calls these; nothing here imports the tasks."""

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from tenancy.audit import Action, audit_write
from tenancy.hooks import CHILDREN_CHANGED, publish

from ..models import (
    Contact,
    WeeklyUpdate,
)
from ._common import _snap

QUEUED_EVENT = "contacts.weekly_update_queued"


def _queue(update: WeeklyUpdate) -> None:
    """After the commit, hand the update to the sending task (``contacts.tasks`` subscribes to
    this event in ``ContactsConfig.ready``). If the hand-over is lost (a broker outage, a process
    that dies first), the update stays "Waiting to send" and ``weekly_update_recover`` hands it
    over again."""
    publish(QUEUED_EVENT, organisation_id=update.organisation_id, update_id=update.pk)


def _sending_lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.OUTBOX_SENDING_LEASE_SECONDS)


def _mark_uncertain(update: WeeklyUpdate, *, reason: str) -> None:
    """The worker stopped between claiming the email and recording what the mail server said:
    it may have gone. Never sent again automatically; a person checks (see weekly_update_send)."""
    before = _snap(update)
    WeeklyUpdate.objects.filter(pk=update.pk).update(
        status=WeeklyUpdate.Status.UNCERTAIN,
        last_error=reason[:300],
        version=update.version + 1,
    )
    update.status, update.last_error = WeeklyUpdate.Status.UNCERTAIN, reason[:300]
    update.version += 1
    audit_write(
        actor=None,
        action=Action.UPDATE,
        instance=update,
        before=before,
        after=_snap(update),
        summary="May have been sent: " + reason,
    )


INTERRUPTED = (
    "the sending worker stopped before the mail server's answer was recorded, so this email may "
    "or may not have gone"
)


def _claim(update_id: int) -> tuple[str, WeeklyUpdate | None]:
    """Step 2 of the outbox, in its own committed transaction: take a queued update for sending.
    Returns ``("claimed", update)``, or a result for the task with ``None``."""
    with transaction.atomic():
        update = (
            WeeklyUpdate.objects.select_for_update()
            .select_related("child", "child__site", "author")
            .filter(pk=update_id)
            .first()
        )
        if update is None:
            return "already", None
        if update.status == WeeklyUpdate.Status.SENDING:
            started = update.sending_started_at or update.updated_at
            if started > timezone.now() - _sending_lease():
                return "in_progress", None  # another worker is sending it now
            _mark_uncertain(update, reason=INTERRUPTED)
            return "uncertain", None
        if update.status != WeeklyUpdate.Status.QUEUED:
            return "already", None
        before = _snap(update)
        update.status = WeeklyUpdate.Status.SENDING
        update.sending_started_at = timezone.now()
        update.attempts += 1
        WeeklyUpdate.objects.filter(pk=update.pk).update(
            status=update.status,
            sending_started_at=update.sending_started_at,
            attempts=update.attempts,
            version=update.version + 1,
        )
        update.version += 1
        audit_write(
            actor=None,
            action=Action.UPDATE,
            instance=update,
            before=before,
            after=_snap(update),
            summary=f"Sending (attempt {update.attempts})",
        )
    return "claimed", update


def _message(update: WeeklyUpdate) -> EmailMessage:
    return EmailMessage(
        subject=update.subject,
        body=update.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[update.to_email],
        headers={
            # The same Message-ID on every attempt: a receiving server that saw it may drop a copy.
            "Message-ID": f"<weekly-update-{update.idempotency_key}@keywork>",
            "X-Keywork-Idempotency-Key": str(update.idempotency_key),
        },
    )


def weekly_update_deliver(*, update_id: int, final: bool) -> str:
    """Send one queued update, at most once, as an outbox (issue 14.3). Runs in the Celery task.

    1. the intent ("Waiting to send") was committed by ``weekly_update_send``;
    2. claim it — "Sending", committed — so a second run of the task never sends it too;
    3. talk to the mail server, outside any transaction (no lock is held while it answers);
    4. record the result in a new transaction: "Sent" with its professional contact, or the
       error (back to "Waiting to send" for the task's retry, "Failed to send" when ``final``).

    A worker killed between 2 and 4 leaves "Sending"; the redelivered task (``acks_late``) or
    ``weekly_update_recover`` marks it "May have been sent" once the lease has passed, and it
    is never sent again without a person's check. Returns ``sent``, ``failed``, ``already``
    (not waiting to send), ``in_progress`` (another worker holds it) or ``uncertain``."""
    state, update = _claim(update_id)
    if update is None:
        return state
    try:
        _message(update).send(fail_silently=False)
    except Exception as error:  # noqa: BLE001 - any transport failure is kept and retried
        return _record_failure(update_id, error=error, final=final)
    return _record_sent(update_id)


def _record_failure(update_id: int, *, error: Exception, final: bool) -> str:
    with transaction.atomic():
        update = WeeklyUpdate.objects.select_for_update().filter(pk=update_id).first()
        if update is None or update.status not in (
            WeeklyUpdate.Status.SENDING,
            WeeklyUpdate.Status.UNCERTAIN,
        ):
            return "already"
        before = _snap(update)
        update.last_error = f"{type(error).__name__}: {error}"[:300]
        update.status = WeeklyUpdate.Status.FAILED if final else WeeklyUpdate.Status.QUEUED
        WeeklyUpdate.objects.filter(pk=update.pk).update(
            last_error=update.last_error,
            status=update.status,
            sending_started_at=None,
            version=update.version + 1,
        )
        update.version += 1
        audit_write(
            actor=None,
            action=Action.UPDATE,
            instance=update,
            before=before,
            after=_snap(update),
            summary=("Sending failed: " if final else "Sending failed, will retry: ")
            + update.last_error,
        )
    return "failed"


def _record_contact(update: WeeklyUpdate, *, when, recorded_by, summary: str) -> Contact:
    child = update.child
    contact = Contact.objects.create(
        organisation_id=update.organisation_id,
        site_id=child.site_id,
        child=child,
        kind=Contact.Kind.PROFESSIONAL,
        purpose=(
            Contact.Purpose.WEEKLY_ADDENDUM if update.is_addendum else Contact.Purpose.WEEKLY_UPDATE
        ),
        method=Contact.Method.EMAIL,
        direction=Contact.Direction.MADE,
        occurred_at=when,
        with_whom=f"{update.to_name} <{update.to_email}>"[:200],
        professional_role=Contact.ProfessionalRole.SOCIAL_WORKER,
        summary=f"{update.subject}\n\n{update.body}",
        recorded_by=recorded_by,
    )
    audit_write(
        actor=recorded_by, action=Action.CREATE, instance=contact, before=None, summary=summary
    )
    return contact


def _record_sent(update_id: int, *, actor=None, summary: str = "") -> str:
    with transaction.atomic():
        update = (
            WeeklyUpdate.objects.select_for_update()
            .select_related("child", "child__site", "author")
            .filter(pk=update_id)
            .first()
        )
        if update is None or update.status not in (
            WeeklyUpdate.Status.SENDING,
            WeeklyUpdate.Status.UNCERTAIN,
        ):
            return "already"
        before = _snap(update)
        now = timezone.now()
        contact = _record_contact(
            update,
            when=now,
            recorded_by=actor or update.author,
            summary=(
                "Addendum to the weekly update sent to the social worker"
                if update.is_addendum
                else "Weekly update sent to the social worker"
            ),
        )
        WeeklyUpdate.objects.filter(pk=update.pk).update(
            status=WeeklyUpdate.Status.SENT,
            sent_at=now,
            last_error="",
            contact=contact,
            version=update.version + 1,
        )
        update.status, update.sent_at, update.contact = WeeklyUpdate.Status.SENT, now, contact
        update.version += 1
        update.last_error = ""
        audit_write(
            actor=actor or update.author,
            action=Action.UPDATE,
            instance=update,
            before=before,
            after=_snap(update),
            summary=summary or f"Sent to {update.to_email}",
        )
        publish(CHILDREN_CHANGED, child_ids=[update.child_id])
    return "sent"


def weekly_update_recover(*, now=None) -> dict[str, int]:
    """The outbox's periodic recovery for the organisation in scope (Celery beat, every few
    minutes; ``contacts.outbox_recover_all``):

    - "Sending" for longer than ``OUTBOX_SENDING_LEASE_SECONDS``: its worker died after claiming
      it; marked "May have been sent" (never sent again without a person's check);
    - "Waiting to send" for longer than the lease: its hand-over to the task was lost; handed
      over again (the task's claim makes a duplicate hand-over harmless).

    Returns ``{"uncertain": n, "requeued": n}``."""
    cutoff = (now or timezone.now()) - _sending_lease()
    uncertain = 0
    stuck = WeeklyUpdate.objects.filter(
        status=WeeklyUpdate.Status.SENDING, sending_started_at__lt=cutoff
    ).values_list("pk", flat=True)
    for update_id in list(stuck):
        with transaction.atomic():
            update = (
                WeeklyUpdate.objects.select_for_update()
                .filter(pk=update_id, status=WeeklyUpdate.Status.SENDING)
                .first()
            )
            if update is not None:
                _mark_uncertain(update, reason=INTERRUPTED)
                uncertain += 1
    waiting = list(
        WeeklyUpdate.objects.filter(status=WeeklyUpdate.Status.QUEUED, queued_at__lt=cutoff)
    )
    for update in waiting:
        _queue(update)
    return {"uncertain": uncertain, "requeued": len(waiting)}
