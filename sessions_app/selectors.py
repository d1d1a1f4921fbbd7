"""Reads about key-work sessions and targets, shared by views, exports, tasks and other apps.

Every read for a person starts from ``Access`` and ``people.selectors.children_visible_to``; the
contract functions for other apps (``last_session_date``, ``sessions_for_period``) take a child the
caller has already fetched through those.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from people.models import Child, KeyWorkerAllocation
from people.selectors import children_visible_to, current_allocations_q
from tenancy.access import Access
from tenancy.timeutils import site_today

from .models import BundleJob, KeyWorkSession, SessionRevision, Target, TargetReview, Topic

Status = KeyWorkSession.Status


# -- Contracts for other apps -------------------------------------------------------------------


def last_session_date(child: Child) -> datetime.date | None:
    """The date of the child's last session that counts (submitted or signed off; a declined
    session is an attempt and counts too)."""
    return (
        KeyWorkSession.objects.filter(child=child, status__in=KeyWorkSession.COUNTED)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )


def sessions_for_period(
    child: Child, start: datetime.date, end: datetime.date
) -> QuerySet[KeyWorkSession]:
    """Submitted (or signed-off) sessions of ``child`` dated ``start``..``end`` inclusive, oldest
    first, with author and topics loaded (for contacts' and plans' pre-filled summaries)."""
    return (
        KeyWorkSession.objects.filter(
            child=child, status__in=KeyWorkSession.COUNTED, date__gte=start, date__lte=end
        )
        .select_related("author")
        .prefetch_related("topics")
        .order_by("date", "start_time", "pk")
    )


# -- Access -------------------------------------------------------------------------------------


def can_record_for(user, child: Child, day: datetime.date | None = None) -> bool:
    """Key-work records are written by the child's key worker or cover, on the day."""
    day = day or site_today(child.site)
    return KeyWorkerAllocation.objects.filter(
        current_allocations_q(day), child=child, staff=user
    ).exists()


def sessions_visible_to(access: Access) -> QuerySet[KeyWorkSession]:
    """Sessions of the children the user may see; drafts only to their author."""
    return KeyWorkSession.objects.filter(child__in=children_visible_to(access)).exclude(
        Q(status=Status.DRAFT) & ~Q(author=access.user)
    )


def get_session_or_404(access: Access, session_id) -> KeyWorkSession:
    """The session if ``access`` may see it, else Http404; audits the view (``Access.audit_view``)."""
    try:
        session = (
            sessions_visible_to(access)
            .select_related("child__site", "author", "reviewed_by")
            .get(pk=session_id)
        )
    except (KeyWorkSession.DoesNotExist, ValueError, TypeError):
        raise Http404("No such session.")
    access.audit_view(session)
    return session


def get_revision_or_404(session: KeyWorkSession, revision_id) -> SessionRevision:
    try:
        return session.revisions.select_related("corrected_by").get(pk=revision_id)
    except (SessionRevision.DoesNotExist, ValueError, TypeError):
        raise Http404("No such version.")


def get_bundle_or_404(access: Access, job_id) -> BundleJob:
    try:
        job = BundleJob.objects.select_related("child").get(
            pk=job_id, child__in=children_visible_to(access), requested_by=access.user
        )
    except (BundleJob.DoesNotExist, ValueError, TypeError):
        raise Http404("No such bundle.")
    access.audit_view(job)
    return job


# -- Lists --------------------------------------------------------------------------------------


def session_list(
    access: Access,
    *,
    author=None,
    site_id: int | None = None,
    child: Child | None = None,
    filters: dict | None = None,
) -> QuerySet[KeyWorkSession]:
    """Sessions for the lists, filtered; one query for the page and one for its topics."""
    qs = sessions_visible_to(access)
    if author is not None:
        qs = qs.filter(author=author)
    if site_id is not None:
        qs = qs.filter(child__site_id=site_id)
    if child is not None:
        qs = qs.filter(child=child)
    f = filters or {}
    if f.get("child"):
        qs = qs.filter(child=f["child"])
    if f.get("key_worker"):
        qs = qs.filter(author=f["key_worker"])
    if f.get("start"):
        qs = qs.filter(date__gte=f["start"])
    if f.get("end"):
        qs = qs.filter(date__lte=f["end"])
    if f.get("topic"):
        qs = qs.filter(topics=f["topic"])
    if f.get("quality_standard"):
        qs = qs.filter(quality_standards__contains=[int(f["quality_standard"])])
    if f.get("focus"):
        qs = qs.filter(focus=f["focus"])
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    return (
        qs.select_related("child__site", "author")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))
        .order_by("-date", "-start_time", "-pk")
    )


def open_targets(child: Child, *, exclude_session: KeyWorkSession | None = None) -> list[Target]:
    """Targets set in counted sessions and not yet closed: what the next session reviews."""
    qs = Target.objects.filter(
        child=child, closed_in__isnull=True, set_in__status__in=KeyWorkSession.COUNTED
    ).select_related("set_in")
    if exclude_session is not None:
        qs = qs.exclude(set_in=exclude_session)
    return list(qs.order_by("due_on", "pk"))


def targets_to_review(access: Access, day: datetime.date, until: datetime.date) -> list[Target]:
    """Open targets of the children the user is key worker or cover for on ``day``, due by
    ``until`` and not reviewed since they fell due (one partly achieved or carried forward in a
    later session has had its review): what "my week" lists to review (one query)."""
    mine = KeyWorkerAllocation.objects.filter(current_allocations_q(day), staff=access.user).values(
        "child_id"
    )
    reviewed_since_due = TargetReview.objects.filter(
        target=OuterRef("pk"),
        session__date__gte=OuterRef("due_on"),
        session__status__in=KeyWorkSession.COUNTED,
    )
    return list(
        Target.objects.filter(
            child_id__in=mine,
            child__site_id__in=access.visible_site_ids,
            closed_in__isnull=True,
            set_in__status__in=KeyWorkSession.COUNTED,
            due_on__lte=until,
        )
        .exclude(Exists(reviewed_since_due))
        .select_related("child")
        .order_by("due_on", "child__last_name", "pk")
    )


def awaiting_sign_off(access: Access) -> list[dict]:
    """For a manager's home page: submitted records waiting at each site they manage, not counting
    their own (another manager signs those off). One query."""
    sites = [s for s in access.all_sites if s.pk in access.managed_site_ids]
    if not sites:
        return []
    found = dict(
        KeyWorkSession.objects.filter(
            child__site_id__in=[s.pk for s in sites], status=Status.SUBMITTED
        )
        .exclude(author=access.user)
        .values_list("child__site_id")
        .annotate(n=Count("pk"))
        .order_by()
    )  # query: submitted records by site
    return [{"site": site, "count": found.get(site.pk, 0)} for site in sites]


def my_unfinished(access: Access) -> dict[str, int]:
    """For a key worker's home page: their drafts and records sent back to them (one query)."""
    found = dict(
        KeyWorkSession.objects.filter(
            author=access.user,
            child__site_id__in=access.visible_site_ids,
            status__in=[Status.DRAFT, Status.RETURNED],
        )
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )  # query: my drafts and returned records
    return {"drafts": found.get(Status.DRAFT, 0), "returned": found.get(Status.RETURNED, 0)}


def target_history(child: Child) -> QuerySet[Target]:
    """Every counted target of the child, newest first, with its reviews and the sessions."""
    return (
        Target.objects.filter(child=child, set_in__status__in=KeyWorkSession.COUNTED)
        .select_related("set_in__author", "closed_in")
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=TargetReview.objects.filter(
                    session__status__in=KeyWorkSession.COUNTED
                ).select_related("session"),
            )
        )
        .order_by("-set_in__date", "-pk")
    )


def active_topics() -> QuerySet[Topic]:
    return Topic.objects.filter(is_active=True).order_by("name")


# -- One session, whole -------------------------------------------------------------------------


# Collected from the apps above (``tenancy.hooks.collect``): handlers take ``session_ids`` and
# return (session id, the date its referral was made) pairs, as the action the record raised
# says (``actions`` answers: a referral marked made on its action after the record was
# submitted).
REFERRALS_MADE = "sessions.referrals_made"


def referrals_made(sessions) -> list:
    """Set ``referral_made`` on each session: the date its referral was made, as the record says
    or, made since it was submitted, as its referral action says (None: still to be made). One
    query when any named referral was still to be made, else none."""
    from tenancy.hooks import collect

    waiting = [s.pk for s in sessions if s.referral_agency.strip() and not s.referral_made_on]
    found: dict[int, datetime.date] = {}
    if waiting:
        found.update(collect(REFERRALS_MADE, session_ids=waiting))
    for session in sessions:
        session.referral_made = session.referral_made_on or found.get(session.pk)
    return sessions


def session_record(session: KeyWorkSession) -> KeyWorkSession:
    """Loads everything the detail page and PDF show, in a fixed number of queries: topics,
    targets set, reviews of earlier targets (with them), earlier versions, attached files (and
    the date its referral was made, when one was still to be made: ``referrals_made``)."""
    session.topic_list = list(session.topics.order_by("name"))
    session.targets_set = list(session.targets.order_by("pk"))
    session.review_list = list(
        session.reviews.select_related("target__set_in").order_by("target__due_on", "pk")
    )
    session.revision_list = list(session.revisions.select_related("corrected_by"))
    session.attachment_list = list(session.attachments.all())
    referrals_made([session])
    return session


def bundle_sessions(child: Child, start: datetime.date, end: datetime.date) -> list:
    """Every counted session in the range with topics, targets, reviews and files: 5 queries
    (a sixth when a referral was still to be made: ``referrals_made``)."""
    return referrals_made(
        list(
            KeyWorkSession.objects.filter(
                child=child, status__in=KeyWorkSession.COUNTED, date__gte=start, date__lte=end
            )
            .select_related("author", "reviewed_by")
            .prefetch_related(
                Prefetch("topics", queryset=Topic.objects.order_by("name")),
                Prefetch("targets", queryset=Target.objects.order_by("pk")),
                Prefetch(
                    "reviews",
                    queryset=TargetReview.objects.select_related("target").order_by("pk"),
                ),
                "attachments",
            )
            .order_by("date", "start_time", "pk")
        )
    )


def open_draft(*, child, author):
    """The author's newest never-submitted draft for ``child``, or None (one query)."""
    return (
        KeyWorkSession.objects.filter(
            child=child, author=author, status=KeyWorkSession.Status.DRAFT, submitted_at=None
        )
        .order_by("-updated_at", "-pk")
        .first()
    )
