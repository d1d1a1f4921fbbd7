"""Safeguarding: each site's designated safeguarding lead team (DSL and deputies), the concerns any
member of staff raises about a child, the DSL's dated and signed decisions (the child's
safeguarding chronology), and the neutral marker staff see on the child ("Speak to the DSL before
…").

A concern's text (what was seen or said, the child's words, who was present) is need-to-know: only
the DSL team of the child's site and the concern's author read it, each read audited. Nothing
else — the record it was raised from, that record's PDF, exports, weekly updates, moderation, the
audit trail's before/after values, alerts — holds it; ``__str__`` is the reference only."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tenancy.models import Site, TenantModel

# What the audit trail may keep of a concern: never its text.
PRIVATE_FIELDS = ("what", "child_words", "present")


class SafeguardingLead(TenantModel):
    """A member of a site's DSL team: the designated safeguarding lead or a deputy."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    is_deputy = models.BooleanField(default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["site", "is_deputy", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["site", "user"], name="safeguarding_lead_once"),
        ]
        indexes = [
            # Every concern read: is this user on the site's DSL team?
            models.Index(fields=["organisation", "user"], name="safeguarding_lead_user"),
        ]

    def __str__(self):
        return f"{'Deputy DSL' if self.is_deputy else 'DSL'} – {self.site_id}"


class Concern(TenantModel):
    """A safeguarding concern about one child, raised by any member of staff."""

    class Source(models.TextChoices):
        SESSION = "session", "Key-work session"
        SLIP = "slip", "Behaviour slip"
        CONTACT = "contact", "Contact"
        NONE = "none", "Raised on its own"

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    happened_at = models.DateTimeField("When it was seen or said")
    what = models.TextField("What was seen or said")
    child_words = models.TextField("In the child's own words", blank=True)
    present = models.CharField("Who else was present", max_length=300, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.NONE)
    source_id = models.BigIntegerField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(
        null=True, blank=True, help_text="Sent to the deputies and managers, unacknowledged."
    )

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [
            # The DSL's list: a site's concerns, unacknowledged first.
            models.Index(fields=["organisation", "site", "acknowledged_at"], name="concern_site"),
            # A record's marker: concerns raised from it.
            models.Index(fields=["organisation", "source", "source_id"], name="concern_source"),
            # A child's chronology.
            models.Index(fields=["organisation", "child", "raised_at"], name="concern_child"),
        ]

    def __str__(self):
        return f"Safeguarding concern {self.reference}"

    @property
    def reference(self) -> str:
        return f"SC-{self.pk:05d}" if self.pk else "SC-new"


class Decision(TenantModel):
    """A decision or action of the DSL on a concern, with its rationale, dated and signed."""

    class Kind(models.TextChoices):
        CSC = "csc", "Referral to children's social care"
        POLICE = "police", "Referral to the police"
        EARLY_HELP = "early_help", "Early help"
        LADO = "lado", "Referral to the LADO (concern about a member of staff)"
        MONITOR = "monitor", "Monitor and review"
        NFA = "nfa", "No further action"
        OTHER = "other", "Other action"

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="decisions")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    rationale = models.TextField()
    decided_on = models.DateField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_on", "signed_at", "pk"]

    def __str__(self):
        # The audit trail (which managers read on the child's page) names no decision.
        return f"Safeguarding decision on concern SC-{self.concern_id:05d}"


class Marker(TenantModel):
    """The neutral note staff see on a child, set by the DSL: "Speak to the DSL before …"."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    before = models.CharField(
        "Speak to the DSL before …",
        max_length=200,
        help_text='Neutral words only, for example "arranging contact with family".',
    )
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-set_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=Q(cleared_at__isnull=True), name="marker_one_active"
            ),
        ]

    def __str__(self):
        return f"Speak to the DSL before {self.before}"


# ---- the working-day clock for escalation ------------------------------------------------------

DAY_STARTS = datetime.time(8, 0)
DAY_ENDS = datetime.time(18, 0)


def escalation_due(
    raised_at: datetime.datetime,
    *,
    time_zone: str,
    minutes: int = 60,
    starts: datetime.time = DAY_STARTS,
    ends: datetime.time = DAY_ENDS,
) -> datetime.datetime:
    """Pure: when an unacknowledged concern raised at ``raised_at`` goes to the deputies and the
    managers — ``minutes`` of the working day (Monday to Friday, ``starts``–``ends`` in the site's
    zone) after it was raised. A concern raised in the evening or at the weekend counts from the
    start of the next working day. Returns an aware datetime (UTC)."""
    zone = ZoneInfo(time_zone)
    local = raised_at.astimezone(zone)
    remaining = datetime.timedelta(minutes=minutes)
    cursor = local
    for _ in range(30):  # bounded: at most a few weeks of days
        day = cursor.date()
        start = datetime.datetime.combine(day, starts, zone)
        end = datetime.datetime.combine(day, ends, zone)
        if day.weekday() < 5 and cursor < end:
            cursor = max(cursor, start)
            if cursor + remaining <= end:
                return (cursor + remaining).astimezone(datetime.UTC)
            remaining -= end - cursor
        cursor = datetime.datetime.combine(day + datetime.timedelta(days=1), starts, zone)
    return (cursor + remaining).astimezone(datetime.UTC)
