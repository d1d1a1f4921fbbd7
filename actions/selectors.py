"""Reads about actions and notices, shared by views, panels and tests. Every read for a person
starts from ``Access`` and the children they can see."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from people.selectors import children_visible_to
from tenancy.access import Access

from .models import ActionItem, Escalation, Kind, Notice, Source, State


def _base() -> QuerySet[ActionItem]:
    return ActionItem.objects.select_related("child", "site", "owner", "closed_by")


def visible_actions(access: Access) -> QuerySet[ActionItem]:
    """Actions about children this person can see, and the site-wide actions (no child: a
    regulation 44 recommendation) of the sites they manage."""
    return _base().filter(
        Q(child__in=children_visible_to(access).values("pk"))
        | Q(child__isnull=True, site_id__in=access.managed_site_ids)
    )


def get_action_or_404(access: Access, action_id) -> ActionItem:
    """An action about a child this person can see, or 404; the fetch writes the view's audit entry
    (``Access.audit_view``), so every page that shows an action is audited."""
    try:
        action = visible_actions(access).get(pk=action_id)
    except (ActionItem.DoesNotExist, ValueError, TypeError):
        raise Http404("No such action.")
    access.audit_view(action)
    return action


def mine_q(access: Access) -> Q:
    """Owned by this person, or for the managers of a site they manage."""
    return Q(owner=access.user) | Q(owner__isnull=True, site_id__in=access.managed_site_ids)


def my_open_actions(access: Access) -> QuerySet[ActionItem]:
    """This person's open actions, soonest first (one query)."""
    return visible_actions(access).filter(mine_q(access), state=State.OPEN).order_by("due_on", "pk")


def action_list(access: Access, *, show: str = "mine", state: str = State.OPEN):
    """``show``: ``mine`` or ``site`` (every action of the sites they manage); ``state``: open,
    done, cancelled or all."""
    qs = visible_actions(access)
    if show == "site" and access.managed_site_ids:
        qs = qs.filter(site_id__in=access.managed_site_ids)
    else:
        qs = qs.filter(mine_q(access))
    if state in State.values:
        qs = qs.filter(state=state)
    return qs.order_by("due_on", "pk") if state == State.OPEN else qs.order_by("-created_at", "-pk")


def child_actions(child) -> list[ActionItem]:
    """A child's actions, open first, then the latest closed (one query)."""
    rows = list(_base().filter(child=child).order_by("-created_at", "-pk")[:50])
    return sorted(rows, key=lambda a: (not a.is_open, a.due_on if a.is_open else datetime.date.min))


def referrals_made(session_ids) -> list[tuple[int, datetime.date]]:
    """(session id, the date its referral was made) pairs, from the referral actions those
    key-work records raised (``sessions_app.selectors.REFERRALS_MADE``; one query)."""
    return list(
        ActionItem.objects.filter(
            source=Source.SESSION,
            source_id__in=list(session_ids),
            kind=Kind.REFERRAL,
            made_on__isnull=False,
        )
        .order_by("source_id", "made_on")
        .values_list("source_id", "made_on")
    )


def record_actions(source: str, source_id: int, child_id: int) -> list[ActionItem]:
    """The actions a record about ``child_id`` raised, in the order made (one query)."""
    return list(
        _base().filter(source=source, source_id=source_id, child_id=child_id).order_by("pk")
    )


def source_actions(source: str, source_ids) -> dict[int, ActionItem]:
    """The actions raised from ``source`` records ``source_ids``, by source id (one query): a
    higher app shows its records' actions (a regulation 44 report's recommendations)."""
    rows = _base().filter(source=source, source_id__in=list(source_ids)).order_by("pk")
    return {row.source_id: row for row in rows}


def overdue_counts(site_ids, today_by_site: dict[int, datetime.date]) -> dict[int, int]:
    """Open actions past their due date, by site (one query)."""
    if not site_ids:
        return {}
    q = Q()
    for site_id in site_ids:
        q |= Q(site_id=site_id, due_on__lt=today_by_site[site_id])
    rows = (
        ActionItem.objects.filter(state=State.OPEN)
        .filter(q)
        .values("site_id")
        .annotate(n=Count("pk"))
    )
    return {row["site_id"]: row["n"] for row in rows}


def unread_count(user) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def notices_for(user) -> QuerySet[Notice]:
    """This person's alerts not dismissed, newest first."""
    return Notice.objects.filter(user=user, dismissed_at__isnull=True).order_by(
        "-created_at", "-pk"
    )


def escalation_for(slip_id: int) -> Escalation | None:
    return (
        Escalation.objects.select_related("meeting_action", "marked_by")
        .filter(slip_id=slip_id)
        .first()
    )


__all__ = ["Kind", "Source"]
