"""The Regulation 45 review of a children's home: the registered person's review of the quality of
care at least every 6 months (The Children's Homes (England) Regulations 2015, reg. 45), organised
by the nine Quality Standards (regs 6-14), with the manager's evaluation and intended actions per
standard and the excerpts they chose as evidence.

A review is a draft (its figures computed live from the records) until it is published; then its
figures, excerpts and words are stored as a snapshot and never change. A new draft may start from
a published review (its words and excerpts copied)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from sessions_app.models import KeyWorkSession, QualityStandard
from tenancy.concurrency import Versioned
from tenancy.models import Site, TenantModel

# Reg. 45(2)(a): at least once every 6 months; reg. 45(4)(a): the report to Ofsted within 28 days
# of the review's completion.
REVIEW_EVERY_MONTHS = 6
SEND_WITHIN_DAYS = 28


class Review(TenantModel, Versioned):
    """One review of one home over one period (usually 6 months)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField("From")
    period_end = models.DateField("To")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField("Overall evaluation", blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The pack's figures, excerpts and words as published (regulation45.selectors.pack): the
    # published pack is read from here only, so later corrections to records never change it.
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_on = models.DateField(
        null=True, blank=True, help_text="The site's date of publication: the review's completion."
    )
    sent_to_ofsted_on = models.DateField("Sent to Ofsted on", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="review_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(snapshot__isnull=False),
                name="review_published_has_snapshot",
            ),
            # One draft per home and period: a second would split the manager's evaluations
            # (review_start names the draft there is; this is the backstop for two at once).
            models.UniqueConstraint(
                fields=["site", "period_start", "period_end"],
                condition=Q(status="draft"),
                name="review_one_draft_per_period",
                violation_error_message="This home has a draft review of this period already.",
            ),
        ]
        indexes = [
            # A home's reviews, newest first (the list, the due date).
            models.Index(fields=["organisation", "site", "-period_end"], name="review_site_end"),
        ]

    def __str__(self):
        return f"Regulation 45 review – {self.site.name}, {self.period_start:%d.%m.%Y} to {self.period_end:%d.%m.%Y}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class StandardEntry(TenantModel, Versioned):
    """The manager's evaluation and intended actions for one Quality Standard of one review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="entries")
    standard = models.PositiveSmallIntegerField(choices=QualityStandard.choices)
    evaluation = models.TextField("Evaluation", blank=True)
    actions = models.TextField("Intended actions", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["standard"]
        constraints = [
            models.UniqueConstraint(fields=["review", "standard"], name="standard_entry_once"),
        ]


class Excerpt(TenantModel):
    """A key-work session the manager chose as evidence for one standard of one review."""

    entry = models.ForeignKey(StandardEntry, on_delete=models.CASCADE, related_name="excerpts")
    session = models.ForeignKey(KeyWorkSession, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "session"], name="excerpt_once"),
        ]
