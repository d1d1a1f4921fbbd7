"""Alerts (``Notice``): telling a person that something needs them, once per key, and their
acknowledging (read) or dismissing it. No message holds a safeguarding concern's text."""

from django.utils import timezone

from tenancy import badges
from tenancy.context import require_organisation_id
from tenancy.models import Membership, Role

from .models import Notice


def manager_ids(site_id: int) -> list[int]:
    """The managers of a site (one query)."""
    return list(
        Membership.objects.filter(site_id=site_id, role=Role.MANAGER, is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


def notify(
    *, user_ids, site_id: int, organisation_id: int, key: str, message: str, url: str
) -> int:
    """Alert each of ``user_ids`` once per ``key`` (a rerun is a no-op). Returns how many were new.
    ``message`` is at most 300 characters and never holds a safeguarding concern's text."""
    rows = [
        Notice(
            organisation_id=organisation_id,
            user_id=user_id,
            site_id=site_id,
            key=key[:100],
            message=message[:300],
            url=url[:300],
        )
        for user_id in sorted(set(user_ids))
    ]
    if not rows:
        return 0
    before = Notice.objects.filter(key=key[:100]).count()
    Notice.objects.bulk_create(rows, ignore_conflicts=True)
    badges.forget("notices", organisation_id=organisation_id, user_ids=[r.user_id for r in rows])
    return Notice.objects.filter(key=key[:100]).count() - before


def notices_mark_read(*, user, ids=None) -> int:
    """Acknowledge this person's unread alerts (all, or those in ``ids``). Returns how many."""
    qs = Notice.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    badges.forget("notices", organisation_id=require_organisation_id(), user_ids=[user.pk])
    return qs.update(read_at=timezone.now())


def notice_dismiss(*, user, notice_id: int) -> int:
    """Take one of this person's alerts off their list (it counts as read). Someone else's alert,
    or one already dismissed, is left alone: returns 0."""
    now = timezone.now()
    notice = Notice.objects.filter(user=user, pk=notice_id, dismissed_at__isnull=True).first()
    if notice is None:
        return 0
    notice.dismissed_at, notice.read_at = now, notice.read_at or now
    notice.save(update_fields=["dismissed_at", "read_at"])
    badges.forget("notices", organisation_id=notice.organisation_id, user_ids=[user.pk])
    return 1
