"""Reads about safeguarding. Who reads a concern's text: the DSL team of the child's site and the
concern's author, nobody else (organisation admins and managers included)."""

from django.db.models import Q, QuerySet
from django.http import Http404

from people.selectors import children_visible_to
from tenancy.access import Access

from .models import Concern, Decision, Marker, SafeguardingLead


def dsl_site_ids(access: Access) -> frozenset[int]:
    """Sites where this person is on the DSL team (one query, kept for the request)."""
    cached = getattr(access, "_dsl_site_ids", None)
    if cached is None:
        cached = frozenset(
            SafeguardingLead.objects.filter(
                user=access.user, site_id__in=access.visible_site_ids
            ).values_list("site_id", flat=True)
        )
        object.__setattr__(access, "_dsl_site_ids", cached)  # Access is a frozen dataclass
    return cached


def team_ids(site_id: int, *, deputies_only: bool = False) -> list[int]:
    qs = SafeguardingLead.objects.filter(site_id=site_id)
    if deputies_only:
        qs = qs.filter(is_deputy=True)
    return list(qs.values_list("user_id", flat=True))


def readable_concerns(access: Access) -> QuerySet[Concern]:
    """Concerns whose text this person may read: their sites' as a DSL, their own as author."""
    return (
        Concern.objects.select_related("child", "site", "raised_by", "acknowledged_by")
        .filter(child__in=children_visible_to(access).values("pk"))
        .filter(Q(site_id__in=dsl_site_ids(access)) | Q(raised_by=access.user))
    )


def get_concern_or_404(access: Access, concern_id) -> Concern:
    """404 for anyone else: a concern's existence is need-to-know too."""
    try:
        return readable_concerns(access).get(pk=concern_id)
    except (Concern.DoesNotExist, ValueError, TypeError):
        raise Http404("No such concern.")


def dsl_queue(access: Access) -> QuerySet[Concern]:
    """The DSL team's concerns, unacknowledged first, newest first."""
    return (
        readable_concerns(access)
        .filter(site_id__in=dsl_site_ids(access))
        .order_by("acknowledged_at", "-raised_at", "-pk")
    )


def my_concerns(access: Access) -> QuerySet[Concern]:
    return readable_concerns(access).filter(raised_by=access.user).order_by("-raised_at", "-pk")


def unacknowledged_at_managed_sites(access: Access) -> QuerySet[Concern]:
    """For managers: references and times only (the template shows no text)."""
    return (
        Concern.objects.select_related("site")
        .filter(site_id__in=access.managed_site_ids, acknowledged_at__isnull=True)
        .only("pk", "site__name", "site__time_zone", "raised_at", "escalated_at")
        .order_by("raised_at", "pk")
    )


def decisions_for(concern: Concern) -> list[Decision]:
    return list(concern.decisions.select_related("signed_by").order_by("decided_on", "signed_at"))


def chronology(child) -> list[Concern]:
    """The child's concerns with their decisions, oldest first (two queries)."""
    return list(
        Concern.objects.filter(child=child)
        .select_related("raised_by", "acknowledged_by")
        .prefetch_related("decisions__signed_by")
        .order_by("raised_at", "pk")
    )


def active_marker(child) -> Marker | None:
    return Marker.objects.filter(child=child, cleared_at__isnull=True).first()


def raised_from(source: str, source_id: int, child_id: int) -> list[tuple]:
    """The references and dates of concerns raised from a record about ``child_id`` — what anyone
    who can see the record is shown (never the text). One query."""
    return list(
        Concern.objects.filter(source=source, source_id=source_id, child_id=child_id)
        .order_by("raised_at", "pk")
        .values_list("pk", "raised_at")
    )


def leads_for(access: Access) -> list[SafeguardingLead]:
    site_ids = [s.pk for s in access.all_sites]
    return list(
        SafeguardingLead.objects.filter(site_id__in=site_ids)
        .select_related("site", "user")
        .order_by("site__name", "is_deputy", "user__first_name", "pk")
    )
