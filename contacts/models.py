"""Contacts: calls and meetings with parents and carers, professional contacts, family time,
statutory social-worker visits and the weekly social-worker update.

Records about children are never hard-deleted: a contact is corrected (new version, with a reason)
or retracted (reason kept, hidden from lists, still in the audit trail).
"""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from tenancy.concurrency import Retractable, Versioned
from tenancy.models import Site, TenantModel

DEFAULT_LOW_LEVEL_THRESHOLD = 3


class ContactSettings(TenantModel, Versioned):
    """A site's same-day call rules and its statutory-visit rule (defaults when never set)."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="+")
    low_level_threshold = models.PositiveSmallIntegerField(
        "Low-level slips in a day that need a call home",
        default=DEFAULT_LOW_LEVEL_THRESHOLD,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    call_after_high_level = models.BooleanField(
        "A call home the same day after a high-level incident", default=True
    )
    call_after_reward = models.BooleanField(
        "A call home the same day after a reward marked worth a call", default=True
    )
    first_visit_days = models.PositiveSmallIntegerField(
        "First social-worker visit within (days of the placement starting)",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    first_year_interval_weeks = models.PositiveSmallIntegerField(
        "Visits in the first year at most every (weeks)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
    )
    long_term_interval_months = models.PositiveSmallIntegerField(
        "After the first year, for a placement meant to last until 18, at most every (months)",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    later_interval_weeks = models.PositiveSmallIntegerField(
        "After the first year, for other placements, at most every (weeks)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
    )

    def visit_rule(self) -> "VisitRule":
        return VisitRule(
            first_visit_days=self.first_visit_days,
            first_year_interval_weeks=self.first_year_interval_weeks,
            long_term_interval_months=self.long_term_interval_months,
            later_interval_weeks=self.later_interval_weeks,
        )


# ---- the reg. 28 rule, as a pure function -----------------------------------------------------


class VisitRule:
    """Care Planning, Placement and Case Review (England) Regulations 2010, reg. 28 (defaults):
    a visit within 1 week of the placement starting; then at most every 6 weeks in the first year;
    after that at most every 3 months if the placement is meant to last until 18, otherwise every
    6 weeks."""

    def __init__(
        self,
        *,
        first_visit_days: int = 7,
        first_year_interval_weeks: int = 6,
        long_term_interval_months: int = 3,
        later_interval_weeks: int = 6,
    ):
        self.first_visit_days = first_visit_days
        self.first_year_interval_weeks = first_year_interval_weeks
        self.long_term_interval_months = long_term_interval_months
        self.later_interval_weeks = later_interval_weeks


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 =
    28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    next_month = datetime.date(year + (month == 12), month % 12 + 1, 1)
    last = (next_month - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


def first_anniversary(day: datetime.date) -> datetime.date:
    return add_months(day, 12)


def next_visit_due(
    placement_start: datetime.date,
    last_visit: datetime.date | None,
    *,
    long_term: bool,
    rule: VisitRule | None = None,
) -> datetime.date:
    """The last day the next statutory visit may take place.

    No visit since the placement started: ``first_visit_days`` after the start. A last visit within
    the first year of the placement (before its first anniversary): ``first_year_interval_weeks``
    after it. A last visit on or after the anniversary: ``long_term_interval_months`` after it for a
    placement meant to last until 18, ``later_interval_weeks`` otherwise."""
    rule = rule or VisitRule()
    if last_visit is None or last_visit < placement_start:
        return placement_start + datetime.timedelta(days=rule.first_visit_days)
    if last_visit < first_anniversary(placement_start):
        return last_visit + datetime.timedelta(weeks=rule.first_year_interval_weeks)
    if long_term:
        return add_months(last_visit, rule.long_term_interval_months)
    return last_visit + datetime.timedelta(weeks=rule.later_interval_weeks)


# ---- contacts ---------------------------------------------------------------------------------


class Contact(TenantModel, Versioned, Retractable):
    """One contact about one child: a call, meeting, email, letter or text, made or received."""

    class Kind(models.TextChoices):
        PARENT = "parent", "Parent or carer"
        PROFESSIONAL = "professional", "Professional"
        MEETING = "meeting", "Meeting"
        FAMILY_TIME = "family_time", "Family time"
        VISIT = "visit", "Statutory social-worker visit"

    class Method(models.TextChoices):
        PHONE = "phone", "Phone"
        IN_PERSON = "in_person", "In person"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        TEXT = "text", "Text message"
        VIDEO = "video", "Video call"

    class Direction(models.TextChoices):
        MADE = "made", "Made by us"
        RECEIVED = "received", "Received"

    class Purpose(models.TextChoices):
        GENERAL = "general", "General"
        SAME_DAY = "same_day", "Same-day call about a slip or reward"
        WEEKLY_ROUNDUP = "weekly_roundup", "Weekly round-up call"
        WEEKLY_UPDATE = "weekly_update", "Weekly update to the social worker"
        # Sent after the week's update; not the week's update itself, so it never counts as one.
        WEEKLY_ADDENDUM = "weekly_addendum", "Addendum to the weekly update"

    class ProfessionalRole(models.TextChoices):
        NONE = "", "—"
        SOCIAL_WORKER = "social_worker", "Social worker"
        IRO = "iro", "Independent reviewing officer"
        SCHOOL = "school", "School"
        HEALTH = "health", "Health"
        POLICE = "police", "Police"
        YOUTH_JUSTICE = "youth_justice", "Youth justice"
        CAMHS = "camhs", "CAMHS"
        OTHER = "other", "Other"

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="contacts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.GENERAL)
    method = models.CharField(max_length=20, choices=Method.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.MADE)
    occurred_at = models.DateTimeField()
    with_whom = models.CharField("Who with", max_length=200)
    guardian = models.ForeignKey(
        "people.Guardian", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    professional = models.ForeignKey(
        "people.Professional", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    professional_role = models.CharField(
        max_length=20, choices=ProfessionalRole.choices, blank=True
    )
    summary = models.TextField()
    outcome = models.TextField(blank=True)
    follow_up = models.TextField("Follow-up", blank=True)
    follow_up_by = models.DateField("Follow up by", null=True, blank=True)
    supervised = models.BooleanField(
        "Supervised", null=True, blank=True, help_text="Family time only."
    )
    placement_to_18 = models.BooleanField(
        "The placement is meant to last until 18",
        default=False,
        help_text="Statutory visits only: after the first year, visits may then be 3-monthly.",
    )
    slips = models.ManyToManyField(
        "behaviour.Slip", through="ContactSlip", related_name="+", blank=True
    )
    duplicate_confirmed = models.BooleanField(
        default=False,
        editable=False,
        help_text="Saved after the person was shown another contact today about the same slip.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    correction_reason = models.CharField(max_length=300, blank=True)
    # The record-quality check stored with the record each time it is saved (quality.checker).
    quality_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    quality_report = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            # A child's timeline and "last contact" per child: contacts of a child by time.
            models.Index(
                fields=["organisation", "child", "occurred_at"], name="contact_child_when"
            ),
            # The site's contact list and its CSV export, newest first.
            models.Index(fields=["organisation", "site", "occurred_at"], name="contact_site_when"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="family_time") | Q(supervised__isnull=False),
                name="contact_family_time_says_supervised",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.with_whom} {self.occurred_at:%Y-%m-%d}"


class ContactSlip(TenantModel):
    """A contact is about this slip (a same-day call clears the call due for it)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="slip_links")
    slip = models.ForeignKey("behaviour.Slip", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "slip"], name="contactslip_unique"),
        ]
        indexes = [
            # Calls due and the duplicate guard: the contacts about a set of slips.
            models.Index(fields=["organisation", "slip"], name="contactslip_slip"),
        ]


class WeeklyUpdate(TenantModel, Versioned):
    """The weekly email to a young person's social worker: drafted, edited, sent by a Celery task,
    stored as a professional contact with the text that was sent and its delivery state.

    The row is the email's outbox entry (issue 14.3): *Save and send* records the intent
    (``queued``) and commits; the task claims it (``sending``, committed) before it talks to the
    mail server and records the result after (``sent`` with its contact, or back to ``queued``
    for a retry, or ``failed``). A worker that dies between the claim and the result leaves
    ``sending``; a redelivered task or the periodic recovery then marks it ``uncertain`` ("may
    have been sent") instead of sending a second copy, and a person checks before resending.

    An *addendum* (``addendum_of`` set) follows a sent update in the same week and is sent and
    recorded as its own contact."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        QUEUED = "queued", "Waiting to send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed to send"
        UNCERTAIN = "uncertain", "May have been sent"

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    week_start = models.DateField(help_text="The Monday of the week it covers.")
    addendum_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="addenda"
    )
    to_name = models.CharField(max_length=200, blank=True)
    to_email = models.EmailField(blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contact = models.OneToOneField(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="weekly_update"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    queued_at = models.DateTimeField(null=True, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-week_start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "week_start"],
                condition=Q(addendum_of__isnull=True),
                name="weeklyupdate_one_a_week",
            ),
        ]
        indexes = [
            # Contacts due: this week's updates of a set of children.
            models.Index(fields=["organisation", "week_start"], name="weeklyupdate_week"),
            # The outbox recovery: updates waiting or sending for too long.
            models.Index(
                fields=["organisation", "status"],
                condition=Q(status__in=["queued", "sending"]),
                name="weeklyupdate_outbox",
            ),
        ]

    def __str__(self):
        prefix = "Addendum to the weekly update" if self.addendum_of_id else "Weekly update"
        return f"{prefix} w/c {self.week_start:%d %b %Y}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.FAILED)

    @property
    def is_addendum(self) -> bool:
        return self.addendum_of_id is not None


def email_subject_problem(subject: str) -> str:
    """Why an email subject cannot be sent, or "". A line break (or any control character) in a
    subject is header injection to the mail library, which refuses it at send time (Django's
    BadHeaderError): refused when typed instead, so the update never fails four times later."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in subject):
        return "The subject must be one line: remove the line break."
    return ""


class VisitRequest(TenantModel):
    """A statutory social-worker visit asked for sooner than the reg. 28 interval (after a
    significant incident, home guide): until a visit takes place after ``requested_at``, the next
    visit is due by ``due_on`` when that is earlier. Written by ``services.visit_bring_forward``."""

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    reason = models.CharField(max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            # visits_due: each child's requests.
            models.Index(fields=["organisation", "child", "due_on"], name="visit_request_child"),
        ]

    def __str__(self):
        return f"Visit asked for by {self.due_on:%d %b %Y}"
