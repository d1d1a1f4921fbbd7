from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from checking.checker.safeguarding import DEFAULT_DISCLOSURE_PHRASES
from tenancy.concurrency import Versioned
from tenancy.models import Site, TenantModel

DEFAULT_DISCLOSURE_TEXT = "\n".join(DEFAULT_DISCLOSURE_PHRASES)


def _lines(text: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for line in text.splitlines():
        line = " ".join(line.split())
        if line and line.lower() not in {s.lower() for s in seen}:
            seen[line] = None
    return tuple(seen)


class QualitySettings(TenantModel, Versioned):
    """One organisation's additions to the record-quality checker: phrases its records should not
    use (added to the built-in opinion list) and words its spelling check accepts."""

    banned_phrases = models.TextField(
        "Extra phrases to flag",
        blank=True,
        help_text="One a line, for example “it is felt that” or “kicked off”. They are flagged as "
        "opinion, in addition to the built-in list.",
    )
    accepted_words = models.TextField(
        "Accepted words",
        blank=True,
        help_text="One a line: local names, services and abbreviations the spelling check should "
        "accept (children's, staff's and sites' names are accepted already).",
    )
    disclosure_phrases = models.TextField(
        "Disclosure language",
        blank=True,
        default=DEFAULT_DISCLOSURE_TEXT,
        help_text="One a line, for example “hit me” or “don't tell anyone”. A record that uses one "
        "gets a suggestion to raise a safeguarding concern with the DSL: a reminder only, it never "
        "lowers the score or stops a record being saved. Leave empty for no reminder.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "record-quality settings"
        verbose_name_plural = "record-quality settings"
        constraints = [
            models.UniqueConstraint(fields=["organisation"], name="quality_settings_one_per_org"),
        ]

    def __str__(self):
        return "Record-quality settings"

    @property
    def phrase_list(self) -> tuple[str, ...]:
        return _lines(self.banned_phrases)

    @property
    def word_list(self) -> tuple[str, ...]:
        return _lines(self.accepted_words)

    @property
    def disclosure_list(self) -> tuple[str, ...]:
        return _lines(self.disclosure_phrases)


class SampleMode(models.TextChoices):
    ALL = "all", "Every submitted record"
    ONE_IN_N = "one_in_n", "One in N records per key worker per half term"


# The six criteria every organisation's rubric starts with (each scored 1 to 4).
DEFAULT_CRITERIA = (
    ("Accuracy", "Dates, times, names and facts are right and consistent."),
    ("Factual language", "What was seen, heard and said; no opinion, speculation or labels."),
    ("SMART targets", "Specific, measurable, achievable, relevant and time-bound targets."),
    ("Completeness", "Every section filled in, with enough detail to act on."),
    ("Spelling and grammar", "Clear British spelling, grammar and punctuation."),
    ("Impact", "The record shows what difference the session made for the child."),
)
SCORE_LABELS = {
    1: "1 – Inadequate",
    2: "2 – Requires improvement",
    3: "3 – Good",
    4: "4 – Outstanding",
}


class ModerationSettings(TenantModel, Versioned):
    """Which submitted session records go to the moderators' queue: all of them, or one in N per
    key worker per half term (the 1st, N+1th, 2N+1th … record of each key worker in each half
    term, in the order they were submitted: deterministic, and stable as more records arrive)."""

    sample_mode = models.CharField(
        "Records to moderate", max_length=10, choices=SampleMode.choices, default=SampleMode.ALL
    )
    sample_every = models.PositiveSmallIntegerField(
        "N",
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(20)],
        help_text="With one in N: 3 moderates the 1st, 4th, 7th … record of each key worker in "
        "each half term.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "moderation settings"
        verbose_name_plural = "moderation settings"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], name="moderation_settings_one_per_org"
            ),
        ]

    def __str__(self):
        return "Moderation settings"


class RubricCriterion(TenantModel):
    """One criterion of the organisation's moderation rubric, scored 1 to 4. A criterion used in a
    moderation is archived, never deleted, so earlier moderations still read correctly."""

    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "organisation", name="rubric_criterion_unique_name"
            ),
        ]

    def __str__(self):
        return self.name


class Moderation(TenantModel):
    """A moderator's review of one version of a submitted key-work session: a score per rubric
    criterion, written feedback, and whether the record goes back for correction. The key worker
    reads and acknowledges it."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        CORRECTION = "correction", "Sent back for correction"

    session = models.ForeignKey(
        "sessions_app.KeyWorkSession", on_delete=models.PROTECT, related_name="moderations"
    )
    record_version = models.PositiveIntegerField(help_text="The version of the record moderated.")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="moderations_received",
        help_text="The record's author (the key worker).",
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="moderations_given"
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    feedback = models.TextField()
    automatic_score = models.PositiveSmallIntegerField(null=True, blank=True)
    average = models.DecimalField(max_digits=3, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement = models.TextField("Your reply (optional)", blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "record_version"], name="moderation_once_per_version"
            ),
        ]
        indexes = [
            # A key worker's feedback, unacknowledged first (home page count, my feedback).
            models.Index(
                fields=["organisation", "author", "acknowledged_at"], name="moderation_author_ack"
            ),
            # The performance view: a site's moderations by author.
            models.Index(fields=["organisation", "site", "author"], name="moderation_site_author"),
        ]

    def __str__(self):
        return f"Moderation of {self.session_id} v{self.record_version}"

    @property
    def child_id(self):
        return self.session.child_id

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None


class ModerationScore(TenantModel):
    moderation = models.ForeignKey(Moderation, on_delete=models.PROTECT, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["moderation", "criterion"], name="moderation_score_once"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=4), name="moderation_score_1_to_4"
            ),
        ]
