"""Compliance: each site's policy and term calendar, the obligations (child x rule) with their next
due date, each change of status (recorded once), alerts and the daily digests sent.

Status is a pure function of stored state and the time (``Obligation.status(now)``); the sweep
(``compliance.services.sweep_organisation``) recomputes due dates from the records and flips the
stored status, recording each flip once (a unique constraint makes a repeated run a no-op)."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from people.models import Child
from tenancy.concurrency import Versioned
from tenancy.models import Site, TenantModel


class Rule(models.TextChoices):
    SESSION = "session", "Key-work sessions"
    HALF_TERM = "half_term", "Sessions this half term"
    ROUTINE_CONTACT = "routine_contact", "Weekly contact"
    SW_VISIT = "sw_visit", "Social-worker visits"
    PLAN_REVIEW = "plan_review", "Plan reviews"
    KEY_WORKER = "key_worker", "Key worker appointed"


class Status(models.TextChoices):
    OK = "ok", "On track"
    DUE_SOON = "due_soon", "Due soon"
    DUE_TODAY = "due_today", "Due today"
    OVERDUE = "overdue", "Overdue"
    PAUSED = "paused", "Paused"


# Red / amber / green for dashboards; the words always go with the colour.
RAG = {
    Status.OK: "green",
    Status.DUE_SOON: "amber",
    Status.DUE_TODAY: "amber",
    Status.OVERDUE: "red",
    Status.PAUSED: "grey",
}


def compute_status(
    *, today: datetime.date, due_on: datetime.date | None, soon_days: int, paused: bool
) -> str:
    """The status of something due on ``due_on`` as seen on ``today`` (the site's date)."""
    if paused or due_on is None:
        return Status.PAUSED
    if today > due_on:
        return Status.OVERDUE
    if today == due_on:
        return Status.DUE_TODAY
    if (due_on - today).days <= soon_days:
        return Status.DUE_SOON
    return Status.OK


class Policy(TenantModel, Versioned):
    """A site's compliance rules. Created with the DOMAIN.md defaults for the site's kind."""

    class SessionMode(models.TextChoices):
        EVERY_N_DAYS = "every_n_days", "Every N days"
        PER_MONTH = "per_month", "N per calendar month"

    class ContactKind(models.TextChoices):
        NONE = "none", "No routine contact"
        PARENT_CALL = "parent_call", "Parent or carer call"
        SOCIAL_WORKER_UPDATE = "social_worker_update", "Email update to the social worker"

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="compliance_policy")
    session_mode = models.CharField(max_length=20, choices=SessionMode.choices)
    session_every_days = models.PositiveSmallIntegerField(
        "Days between sessions",
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="Used when sessions are every N days. School holidays stop the clock.",
    )
    sessions_per_month = models.PositiveSmallIntegerField(
        "Sessions a month",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text="Used when sessions are N per calendar month.",
    )
    sessions_exceeding = models.PositiveSmallIntegerField(
        "Sessions a month that exceed expectations",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    sessions_per_half_term = models.PositiveSmallIntegerField(
        "Sessions a half term",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text="Schools: how many sessions each half term; with three or more they must cover the "
        "EHCP, IEP and student-voice foci. Leave empty for no half-term rule.",
    )
    session_max_minutes = models.PositiveSmallIntegerField(
        "Longest session (minutes)",
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text="Longer sessions are named in the half-term progress on the dashboard. Leave empty "
        "for no limit.",
    )
    declined_attempts_count = models.BooleanField(
        "Declined attempts count as sessions",
        default=False,
        help_text="A session the child declines is always logged, as an attempt. Tick to count "
        "attempts towards the sessions due (the home guide counts sessions the child engaged with).",
    )
    routine_contact = models.CharField(max_length=30, choices=ContactKind.choices)
    routine_contact_every_days = models.PositiveSmallIntegerField(
        "Days between routine contacts",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    social_worker_visits = models.BooleanField(
        "Statutory social-worker visits (regulation 28)",
        default=False,
        help_text="Their intervals are the site's contact rules.",
    )
    plan_reviews = models.BooleanField("Plan and document reviews", default=True)
    due_soon_days = models.PositiveSmallIntegerField(
        "Warn this many days ahead",
        default=3,
        validators=[MinValueValidator(0), MaxValueValidator(14)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "policies"

    def __str__(self):
        return f"Compliance policy – {self.site}"

    def clean(self):
        errors = {}
        if self.sessions_exceeding is not None and self.sessions_per_month is not None:
            if self.sessions_exceeding < self.sessions_per_month:
                errors["sessions_exceeding"] = (
                    "Exceeding expectations must be at least the sessions a month."
                )
        if errors:
            raise ValidationError(errors)

    @classmethod
    def defaults_for(cls, site: Site) -> dict:
        if site.is_school:
            return {
                "session_mode": cls.SessionMode.EVERY_N_DAYS,
                "session_every_days": 14,
                "sessions_per_half_term": 3,
                "session_max_minutes": 20,
                "routine_contact": cls.ContactKind.PARENT_CALL,
                "social_worker_visits": False,
            }
        return {
            "session_mode": cls.SessionMode.PER_MONTH,
            "sessions_per_month": 4,
            "sessions_exceeding": 6,
            "sessions_per_half_term": None,
            "session_max_minutes": None,
            "routine_contact": cls.ContactKind.SOCIAL_WORKER_UPDATE,
            "social_worker_visits": True,
        }


class Holiday(TenantModel):
    """A school holiday or closure day of a school site: the term calendar is the days between.
    Half terms are the stretches of term between two holidays."""

    class Kind(models.TextChoices):
        HALF_TERM = "half_term", "Half-term holiday"
        HOLIDAY = "holiday", "End-of-term holiday"
        CLOSURE = "closure", "Closure day"

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="holidays")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="holiday_ends_after_start",
            ),
        ]
        indexes = [
            # The sweep and the calendar page: a site's holidays in date order.
            models.Index(fields=["organisation", "site", "starts_on"], name="holiday_site_start"),
        ]

    def __str__(self):
        return f"{self.name} ({self.starts_on:%d %b %Y} – {self.ends_on:%d %b %Y})"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class Obligation(TenantModel):
    """One child x rule (``detail`` names the plan for plan reviews): when it was last done, when it
    is next due, and the status the last sweep stored. Derived from the records, so rebuilt at will."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="obligations")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=20, choices=Rule.choices)
    detail = models.CharField(max_length=40, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The child's key worker when last computed.",
    )
    last_done_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    soon_days = models.PositiveSmallIntegerField(default=3)
    paused = models.BooleanField(default=False)
    progress = models.CharField(
        max_length=120, blank=True, help_text="For example 2 of 4 this month."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OK)
    time_zone = models.CharField(max_length=64, default="Europe/London")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "rule", "detail"], name="obligation_unique_child_rule"
            ),
        ]
        indexes = [
            # Dashboards: a site's obligations by status.
            models.Index(fields=["organisation", "site", "status"], name="obligation_site_status"),
            # My week: a key worker's obligations by due date.
            models.Index(fields=["organisation", "staff", "due_on"], name="obligation_staff_due"),
        ]

    def __str__(self):
        label = self.detail_label
        return f"{self.get_rule_display()}{' – ' + label if label else ''}"

    @property
    def detail_label(self) -> str:
        if self.rule == Rule.PLAN_REVIEW and self.detail:
            from plans.models import PlanType

            return dict(PlanType.choices).get(self.detail, self.detail)
        return ""

    def local_today(self, now: datetime.datetime) -> datetime.date:
        return timezone.localdate(now, timezone=ZoneInfo(self.time_zone))

    @property
    def is_met(self) -> bool:
        """Met once and for all, so no due date applies any more: a home's key worker, once
        appointed (the sweep stores it on track whatever the date)."""
        return self.rule == Rule.KEY_WORKER and self.status == Status.OK

    def status_at(self, now: datetime.datetime) -> str:
        """Pure: the status at ``now`` from the stored due date (the site's calendar day); a rule
        met once and for all (``is_met``) stays on track."""
        if self.is_met:
            return Status.OK
        return compute_status(
            today=self.local_today(now),
            due_on=self.due_on,
            soon_days=self.soon_days,
            paused=self.paused,
        )

    @property
    def rag(self) -> str:
        return RAG[self.status]


class StatusChange(TenantModel):
    """Each change of an obligation's status, once per due date (a rerun of the sweep is a no-op)."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="changes")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=20, choices=Rule.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "due_on", "status"], name="status_change_once"
            ),
        ]
        indexes = [
            # The 12-week on-time chart: a site's changes by due date.
            models.Index(fields=["organisation", "site", "due_on"], name="status_change_site_due"),
            # The chart's cache key: the organisation's latest change (a backward index scan).
            models.Index(fields=["organisation", "id"], name="status_change_latest"),
        ]


class Alert(TenantModel):
    """An in-app alert to one person about an obligation turning overdue (once per due date)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="compliance_alerts"
    )
    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="alerts")
    due_on = models.DateField()
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "obligation", "due_on"], name="alert_once_per_due_date"
            ),
        ]
        indexes = [
            # The unread count in the navigation on every page.
            models.Index(fields=["organisation", "user", "read_at"], name="alert_user_unread"),
        ]


class DigestSent(TenantModel):
    """A daily digest email sent to one person by one organisation: written before sending, so never
    sent twice. Once a day *per organisation*: a person in two organisations gets each one's digest,
    and the rule never crosses the tenant boundary (row-level security hides the other
    organisation's row, so a rule spanning both would fail where it cannot be seen)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    items = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "day"], name="digest_once_a_day_per_org"
            ),
        ]
