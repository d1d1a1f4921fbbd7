"""The weekly social-worker update: saving, sending (queued, never sent here), the addendum and
confirming it arrived."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from people.models import Child
from tenancy.access import Access
from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import EditConflict, parse_version, save_if_unchanged
from tenancy.hooks import publish
from tenancy.timeutils import site_today

from .. import selectors
from ..models import (
    WeeklyUpdate,
    email_subject_problem,
)
from ._common import _snap, require_update_writer
from .outbox import _queue, _record_sent

# ---- the weekly social-worker update ----------------------------------------------------------


def _require_home_writer(access: Access, child: Child) -> None:
    require_update_writer(access, child)
    if child.site.is_school:
        raise PermissionDenied("Weekly social-worker updates are for children's homes.")


@transaction.atomic
def weekly_update_save(
    *,
    access: Access,
    child: Child,
    week_start: datetime.date,
    subject: str,
    body: str,
    update: WeeklyUpdate | None = None,
    version: int | None = None,
) -> WeeklyUpdate:
    """Save the draft of a week's update (a new one, or edits to a draft or a failed send)."""
    _require_home_writer(access, child)
    if not subject.strip():
        raise ValidationError({"subject": "Give the email a subject."})
    if email_subject_problem(subject):
        raise ValidationError({"subject": email_subject_problem(subject)})
    if not body.strip():
        raise ValidationError({"body": "Write the update."})
    if update is None:
        if week_start.weekday() != 0:
            raise ValidationError({"week_start": "A week starts on a Monday."})
        if WeeklyUpdate.objects.filter(
            child=child, week_start=week_start, addendum_of__isnull=True
        ).exists():
            raise ValidationError(
                "There is already an update for this week: open it from the contacts page."
            )
        update = WeeklyUpdate.objects.create(
            organisation_id=child.organisation_id,
            child=child,
            week_start=week_start,
            subject=subject.strip(),
            body=body.strip(),
            author=access.user,
        )
        audit_write(
            actor=access.user,
            action=Action.CREATE,
            instance=update,
            before=None,
            after=_snap(update),
        )
        return update
    if not update.is_editable:
        raise ValidationError("This update has been sent and can no longer be changed.")
    before = _snap(update)
    update.subject, update.body = subject.strip(), body.strip()
    save_if_unchanged(update, version, ["subject", "body"])
    audit_write(
        actor=access.user, action=Action.UPDATE, instance=update, before=before, after=_snap(update)
    )
    return update


@transaction.atomic
def weekly_update_send(
    *,
    access: Access,
    update: WeeklyUpdate,
    version: int | None = None,
    to_email: str = "",
    checked_not_received: bool = False,
) -> WeeklyUpdate:
    """Record the intent to send the update to the child's current social worker (status
    "Waiting to send", committed with this transaction); the task sends it after the commit.

    ``to_email``: an address typed on the page (a failed send's corrected address), used for
    this email and saved on the social worker's record. With no social worker (or no address)
    the draft is kept and a clear error raised. An update that "may have been sent" (the worker
    stopped while sending) is sent again only with ``checked_not_received``: the person has
    checked with the social worker that it did not arrive."""
    child = update.child
    _require_home_writer(access, child)
    if update.status == WeeklyUpdate.Status.UNCERTAIN:
        if not checked_not_received:
            raise ValidationError(
                {
                    "checked_not_received": (
                        "This update may already have been sent. Check with the social worker "
                        "(or your sent mail) that it did not arrive, tick the box, then send again."
                    )
                }
            )
    elif not update.is_editable:
        raise ValidationError("This update is already sending or sent.")
    worker = selectors.social_worker(child, site_today(child.site))
    if worker is None:
        raise ValidationError(
            f"{child.display_name} has no social worker on record. Add one under Professionals on "
            "their page, then send: your draft is kept."
        )
    to_email = (to_email or "").strip()
    if to_email:
        try:
            validate_email(to_email)
        except ValidationError:
            raise ValidationError({"to_email": "Enter the social worker's email address."})
    if to_email and to_email != worker.email:
        before_worker = snapshot(worker)
        worker.email = to_email
        worker.save(update_fields=["email"])
        audit_write(
            actor=access.user,
            action=Action.UPDATE,
            instance=worker,
            before=before_worker,
            after=snapshot(worker),
            summary="Email address corrected from a weekly update",
        )
    if not worker.email:
        raise ValidationError(
            {
                "to_email": f"{worker.name} has no email address on record. Add it here, then "
                "send: your draft is kept."
            }
        )
    before = _snap(update)
    update.to_name, update.to_email = worker.name, worker.email
    update.status = WeeklyUpdate.Status.QUEUED
    update.queued_at = timezone.now()
    update.sending_started_at = None
    update.last_error = ""
    update.attempts = 0
    save_if_unchanged(
        update,
        version,
        [
            "to_name",
            "to_email",
            "status",
            "queued_at",
            "sending_started_at",
            "last_error",
            "attempts",
        ],
    )
    audit_write(
        actor=access.user,
        action=Action.SUBMIT,
        instance=update,
        before=before,
        after=_snap(update),
        summary=(
            f"Sent again to {worker.name} after checking it had not arrived"
            if checked_not_received
            else f"Queued for sending to {worker.name}"
        ),
    )
    _queue(update)
    publish("contacts.weekly_update_sent", update_id=update.pk)
    return update


def weekly_update_confirm_received(
    *, access: Access, update: WeeklyUpdate, version: int | None
) -> WeeklyUpdate:
    """The person checked that an update which "may have been sent" did arrive: record it as
    sent (with its professional contact), without sending it again."""
    _require_home_writer(access, update.child)
    if update.status != WeeklyUpdate.Status.UNCERTAIN:
        raise ValidationError("Only an update that may have been sent can be confirmed.")
    if parse_version(version) != update.version:
        raise EditConflict()
    _record_sent(
        update.pk,
        actor=access.user,
        summary=f"Confirmed as received by {access.user.get_full_name() or access.user}",
    )
    update.refresh_from_db()
    return update


@transaction.atomic
def weekly_update_addendum_save(
    *,
    access: Access,
    original: WeeklyUpdate,
    subject: str,
    body: str,
) -> WeeklyUpdate:
    """Start an addendum to a sent update (issue 17.9): something to add after the week's update
    has gone (Sunday's session, a late incident). It is drafted, sent and recorded as its own
    professional contact, like the update. One addendum at a time is in progress; a sent one
    can be followed by another."""
    child = original.child
    _require_home_writer(access, child)
    if original.is_addendum:
        original = original.addendum_of
    if original.status != WeeklyUpdate.Status.SENT:
        raise ValidationError("An addendum follows an update that has been sent.")
    open_one = (
        WeeklyUpdate.objects.filter(addendum_of=original)
        .exclude(status=WeeklyUpdate.Status.SENT)
        .first()
    )
    if open_one is not None:
        raise ValidationError(
            "There is already an addendum to this update that has not been sent: open it from "
            "the update's page."
        )
    if not subject.strip():
        raise ValidationError({"subject": "Give the email a subject."})
    if not body.strip():
        raise ValidationError({"body": "Write the addendum."})
    addendum = WeeklyUpdate.objects.create(
        organisation_id=child.organisation_id,
        child=child,
        week_start=original.week_start,
        addendum_of=original,
        subject=subject.strip(),
        body=body.strip(),
        author=access.user,
    )
    audit_write(
        actor=access.user,
        action=Action.CREATE,
        instance=addendum,
        before=None,
        after=_snap(addendum),
    )
    return addendum
