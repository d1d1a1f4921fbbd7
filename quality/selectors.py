"""Reads the checker needs, starting from ``Access`` so a user's check only ever knows the names of
the children, staff and sites they may see."""

import datetime

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
)
from django.http import Http404
from django.utils import timezone

from checking.checker import Context, Report
from checking.context import check_context, record_check, run_check  # noqa: F401 (re-exported)
from compliance.calendar import england_default
from sessions_app.models import KeyWorkSession
from tenancy.access import Access
from tenancy.models import Role

from .models import (
    Moderation,
    ModerationScore,
    ModerationSettings,
    QualitySettings,
    RubricCriterion,
    SampleMode,
)
from .sampling import Submitted, sample


def quality_settings(access: Access) -> QualitySettings | None:
    return QualitySettings.objects.filter(organisation_id=access.organisation.pk).first()


def can_edit_settings(access: Access) -> bool:
    return access.is_org_admin or access.is_manager_anywhere


def site_kinds(access: Access) -> list[str]:
    """The kinds of site the user works in, schools first."""
    return sorted({site.kind for site in access.all_sites})


# ------------------------------------------------------------------------------- moderation


def can_moderate(access: Access) -> bool:
    """Moderators (and managers) of a site, and organisation admins: key workers cannot."""
    return bool(access.moderated_site_ids)


def can_edit_rubric(access: Access) -> bool:
    return access.is_org_admin or bool(access.site_ids(Role.MODERATOR, Role.MANAGER))


def moderation_settings(access: Access) -> ModerationSettings | None:
    return ModerationSettings.objects.filter(organisation_id=access.organisation.pk).first()


def criteria(*, include_archived: bool = False) -> list[RubricCriterion]:
    qs = RubricCriterion.objects.order_by("position", "pk")
    if not include_archived:
        qs = qs.filter(is_archived=False)
    return list(qs)


def criteria_in_use() -> set[int]:
    return set(ModerationScore.objects.values_list("criterion_id", flat=True).distinct())


def _holiday_ends(site_ids) -> dict[int, list[datetime.date]]:
    from compliance.models import Holiday

    ends: dict[int, list[datetime.date]] = {}
    for site_id, last in Holiday.objects.filter(site_id__in=site_ids).values_list(
        "site_id", "ends_on"
    ):  # query: the term calendars
        ends.setdefault(site_id, []).append(last)
    return {k: sorted(v) for k, v in ends.items()}


DEFAULT_HOLIDAY_ENDS = sorted(last for _, _, _, last in england_default())


def _awaiting(site_ids):
    """Counted session records of ``site_ids`` that still need a moderation: never moderated, or
    sent back for correction and corrected since (a higher version)."""
    done = Moderation.objects.filter(session=OuterRef("pk")).filter(
        Q(outcome=Moderation.Outcome.ACCEPTED) | Q(record_version__gte=OuterRef("record_version"))
    )
    return KeyWorkSession.objects.filter(
        child__site_id__in=site_ids, status__in=KeyWorkSession.COUNTED
    ).exclude(Exists(done))


_UNSET = object()
# What a row of the queue shows (the record's text and stored report are read when it is opened).
QUEUE_FIELDS = (
    "title",
    "date",
    "record_version",
    "quality_score",
    "submitted_at",
    "author_id",
    "child_id",
    "child__first_name",
    "child__last_name",
    "child__preferred_name",  # the display name: "Zac (Isaac) Quinn"
    "child__site__name",
    "author__first_name",
    "author__last_name",
)


def queue(access: Access, *, site_id: int | None = None, settings=_UNSET, search: str = ""):
    """The moderator's queue, oldest submission first, as a queryset to paginate: a fixed number
    of queries whatever its length (settings unless given, and the term calendars and the
    candidates' ids when sampling, here; the page and its count, with child, site and author, when
    read). The
    sample is taken over every record of the last year, moderated or not, so it stays stable."""
    site_ids = access.moderated_site_ids
    if site_id is not None:
        site_ids = site_ids & {site_id}
    if not site_ids:
        return KeyWorkSession.objects.none()
    if settings is _UNSET:
        settings = moderation_settings(access)  # query
    every = (
        settings.sample_every if settings and settings.sample_mode == SampleMode.ONE_IN_N else None
    )
    since = timezone.localdate() - datetime.timedelta(days=366)
    waiting = _awaiting(site_ids).filter(date__gte=since)
    if every:
        ends = _holiday_ends(site_ids)  # query
        records = [
            Submitted(*row)
            for row in KeyWorkSession.objects.filter(
                child__site_id__in=site_ids, status__in=KeyWorkSession.COUNTED, date__gte=since
            ).values_list("pk", "author_id", "child__site_id", "date", "submitted_at")
        ]  # query: every candidate, light
        chosen = sample(
            records, every=every, holiday_ends_by_site=ends, default_ends=DEFAULT_HOLIDAY_ENDS
        )
        waiting = waiting.filter(pk__in=chosen)
    for word in search.split()[:5]:  # the child's or key worker's name, or the title
        waiting = waiting.filter(
            Q(child__first_name__icontains=word)
            | Q(child__last_name__icontains=word)
            | Q(child__preferred_name__icontains=word)
            | Q(author__first_name__icontains=word)
            | Q(author__last_name__icontains=word)
            | Q(title__icontains=word)
        )
    return (
        waiting.exclude(author_id=access.user.pk)
        .select_related("child__site", "author")
        .only(*QUEUE_FIELDS)
        .order_by("submitted_at", "pk")
    )  # queries: the page (and its count)


def get_session_to_moderate_or_404(access: Access, session_id) -> KeyWorkSession:
    """A submitted record of a site the user moderates; anything else does not exist for them."""
    try:
        session = (
            KeyWorkSession.objects.filter(
                child__site_id__in=access.moderated_site_ids, status__in=KeyWorkSession.COUNTED
            )
            .select_related("child__site", "author", "reviewed_by")
            .get(pk=session_id)
        )
    except (KeyWorkSession.DoesNotExist, ValueError, TypeError):
        raise Http404("No such record.")
    access.audit_view(session)
    return session


def get_moderation_or_404(access: Access, moderation_id) -> Moderation:
    """A moderation the user may read: their own record's, or one of a site they moderate."""
    try:
        moderation = (
            Moderation.objects.filter(site_id__in=access.visible_site_ids)
            .select_related("session__child__site", "author", "moderator")
            .get(pk=moderation_id)
        )
    except (Moderation.DoesNotExist, ValueError, TypeError):
        raise Http404("No such feedback.")
    if moderation.author_id != access.user.pk and moderation.site_id not in (
        access.moderated_site_ids
    ):
        raise Http404("No such feedback.")
    access.audit_view(moderation)
    return moderation


def with_scores(moderations) -> list[Moderation]:
    return list(
        moderations.prefetch_related(
            Prefetch(
                "scores",
                queryset=ModerationScore.objects.select_related("criterion"),
                to_attr="score_list",
            )
        )
    )


def my_feedback(access: Access) -> list[Moderation]:
    """The signed-in key worker's feedback, unacknowledged first: two queries."""
    return with_scores(
        Moderation.objects.filter(author=access.user)
        .select_related("session__child", "moderator")
        .order_by(F("acknowledged_at").desc(nulls_first=True), "-created_at")
    )


def unacknowledged_count(user) -> int:
    return Moderation.objects.filter(author=user, acknowledged_at__isnull=True).count()


def moderation_history(access: Access, *, limit: int = 20) -> list[Moderation]:
    """Recent moderations of the user's sites (the queue page's second table): two queries."""
    return with_scores(
        Moderation.objects.filter(site_id__in=access.moderated_site_ids)
        .select_related("session__child", "author", "moderator")
        .order_by("-created_at", "-pk")[:limit]
    )


def stored_findings(session: KeyWorkSession) -> dict:
    """The automatic check stored with the record, as the findings partial shows it."""
    from checking.findings import rows_for
    from sessions_app.quality_link import checker_fields

    if not session.quality_report:
        return {}
    report = Report.from_dict(session.quality_report)
    context = Context(site_kind=session.child.site.kind, record_kind="session")
    fields = checker_fields(session)
    return {
        "report": report,
        "groups": rows_for(report, fields, context),
        "checked": True,
    }
