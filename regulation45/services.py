"""Every write to a Regulation 45 review: start a draft (new, or from a published review), save a
standard's evaluation, actions and excerpts, the overall evaluation, publish (the figures frozen
as a snapshot), record the date the report was sent to Ofsted. Each is atomic and audited; edits
of what a person was shown carry its version (``tenancy.concurrency``)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import save_if_unchanged
from tenancy.timeutils import site_today

from . import selectors
from .models import Excerpt, Review, StandardEntry

# A review covers at most a year (the regulation asks for one at least every 6 months).
MAX_PERIOD_DAYS = 366


class DraftExists(ValidationError):
    """The home has a draft of this period already: ``review`` is it (the page links to it)."""

    def __init__(self, review: Review):
        self.review = review
        super().__init__(
            f"A draft review of {review.period_start:%-d %B %Y} to {review.period_end:%-d %B %Y} "
            "exists already: continue that draft.",
            code="draft_exists",
        )


def _draft_of(site, period_start, period_end) -> Review | None:
    return Review.objects.filter(
        site=site,
        status=Review.Status.DRAFT,
        period_start=period_start,
        period_end=period_end,
    ).first()


def _check_writable(review: Review) -> None:
    if not review.is_draft:
        raise ValidationError(
            "This review is published: it cannot change. Start a new draft from it."
        )


@transaction.atomic
def review_start(
    *, actor, site, period_start: datetime.date, period_end: datetime.date, based_on=None
) -> Review:
    """A new draft review of ``site`` (a children's home) over the period. ``based_on``: a
    published review of the same home whose overall evaluation, evaluations, actions and
    excerpts (those still in the new period) are copied. Raises ValidationError for a school,
    a period out of order, longer than a year or ending after today, and ``DraftExists`` when the
    home has a draft of the same period (two would split the manager's evaluations)."""
    if site.is_school:
        raise ValidationError("Regulation 45 reviews are for children's homes.")
    if period_end < period_start:
        raise ValidationError({"period_end": "The period cannot end before it starts."})
    if (period_end - period_start).days >= MAX_PERIOD_DAYS:
        raise ValidationError({"period_end": "A review covers at most a year."})
    if period_end > site_today(site):
        raise ValidationError({"period_end": "The period cannot end in the future."})
    if based_on is not None and (based_on.site_id != site.pk or based_on.is_draft):
        raise ValidationError("A new draft can only start from a published review of the home.")
    if existing := _draft_of(site, period_start, period_end):
        raise DraftExists(existing)
    try:
        with transaction.atomic():  # two managers at once: the constraint refuses the second
            review = Review.objects.create(
                organisation_id=site.organisation_id,
                site=site,
                period_start=period_start,
                period_end=period_end,
                based_on=based_on,
                summary=based_on.summary if based_on else "",
                created_by=actor,
            )
    except IntegrityError:
        raise DraftExists(_draft_of(site, period_start, period_end))
    if based_on is not None:
        for old in StandardEntry.objects.filter(review=based_on).prefetch_related(
            "excerpts__session"
        ):
            entry = StandardEntry.objects.create(
                organisation_id=site.organisation_id,
                review=review,
                standard=old.standard,
                evaluation=old.evaluation,
                actions=old.actions,
            )
            Excerpt.objects.bulk_create(
                Excerpt(organisation_id=site.organisation_id, entry=entry, session=e.session)
                for e in old.excerpts.all()
                if period_start <= e.session.date <= period_end
            )
    audit_write(
        actor=actor,
        action=Action.CREATE,
        instance=review,
        before=None,
        summary=f"Started from the review published on {based_on.completed_on:%d.%m.%Y}"
        if based_on
        else "",
    )
    return review


@transaction.atomic
def standard_save(
    *, actor, review: Review, standard: int, version, evaluation: str, actions: str, session_ids
) -> StandardEntry:
    """Save the manager's evaluation, intended actions and chosen excerpts (session ids, at most
    MAX_EXCERPTS, each a counted session of the period covering the standard) for one standard.
    ``version``: the entry's version the form showed (the first save of a standard creates the
    entry; the form then carries version 1 of the unsaved entry, refused if someone saved it
    first). Raises ValidationError, EditConflict or MissingVersion; nothing is saved then."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    _check_writable(review)
    ids = sorted({int(i) for i in session_ids})
    if len(ids) > selectors.MAX_EXCERPTS:
        raise ValidationError({"excerpts": f"Choose at most {selectors.MAX_EXCERPTS} excerpts."})
    allowed = {s.pk for s in selectors.excerpt_candidates(review, standard)}
    if not set(ids) <= allowed:
        raise ValidationError(
            {"excerpts": "Choose sessions of this period that cover the standard."}
        )
    entry, created = StandardEntry.objects.get_or_create(
        organisation_id=review.organisation_id, review=review, standard=standard
    )
    before = None if created else snapshot(entry)
    entry.evaluation, entry.actions = evaluation, actions
    save_if_unchanged(entry, version, ["evaluation", "actions"])
    Excerpt.objects.filter(entry=entry).exclude(session_id__in=ids).delete()
    have = set(Excerpt.objects.filter(entry=entry).values_list("session_id", flat=True))
    Excerpt.objects.bulk_create(
        Excerpt(organisation_id=review.organisation_id, entry=entry, session_id=i)
        for i in ids
        if i not in have
    )
    audit_write(
        actor=actor,
        action=Action.CREATE if created else Action.UPDATE,
        instance=entry,
        before=before,
        summary=f"Standard {standard}: {len(ids)} excerpt{'s' if len(ids) != 1 else ''}",
    )
    return entry


@transaction.atomic
def summary_save(*, actor, review: Review, version, summary: str) -> Review:
    """The overall evaluation of a draft review, if nobody saved the review since ``version``."""
    _check_writable(review)
    before = snapshot(Review.objects.get(pk=review.pk))
    review.summary = summary
    save_if_unchanged(review, version, ["summary"])
    audit_write(actor=actor, action=Action.UPDATE, instance=review, before=before)
    return review


@transaction.atomic
def review_publish(*, actor, review: Review, version) -> Review:
    """Publish a draft: its pack (figures, excerpts, words) is computed once more and stored as
    the snapshot the published pack is read from for ever; the site's date is the review's
    completion (the 28 days to send it to Ofsted run from it). Refused if the review changed
    since ``version`` or is already published."""
    # Locked first, so no standard's save (which locks it too) slips in between the figures
    # computed here and the status written.
    locked = Review.objects.select_for_update().get(pk=review.pk)
    _check_writable(locked)
    before = snapshot(locked)
    review.snapshot = selectors.compute_pack(review)
    review.status = Review.Status.PUBLISHED
    review.published_at = timezone.now()
    review.published_by = actor
    review.completed_on = site_today(review.site)
    save_if_unchanged(
        review,
        version,
        ["snapshot", "status", "published_at", "published_by", "completed_on"],
    )
    audit_write(
        actor=actor, action=Action.UPDATE, instance=review, before=before, summary="Published"
    )
    return review


@transaction.atomic
def review_sent(*, actor, review: Review, version, sent_on: datetime.date) -> Review:
    """Record the day the published review's report was sent to Ofsted (reg. 45(4)): not before
    its completion, not in the future."""
    if review.is_draft:
        raise ValidationError("Publish the review before recording it as sent to Ofsted.")
    if sent_on < review.completed_on:
        raise ValidationError({"sent_on": "It cannot have been sent before it was published."})
    if sent_on > site_today(review.site):
        raise ValidationError({"sent_on": "That date is in the future."})
    before = snapshot(Review.objects.get(pk=review.pk))
    review.sent_to_ofsted_on = sent_on
    save_if_unchanged(review, version, ["sent_to_ofsted_on"])
    audit_write(
        actor=actor,
        action=Action.UPDATE,
        instance=review,
        before=before,
        summary=f"Sent to Ofsted on {sent_on:%d.%m.%Y}",
    )
    return review
