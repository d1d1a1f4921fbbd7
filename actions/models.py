"""Actions: what a record asks for, with an owner, a due date and a state, and the alerts ("notices")
that tell a person something needs them. Also the escalation of an incident marked significant.

An action comes from a record (a key-work session, a contact, a plan review, an incident) or is
added by hand; it is routed by its kind: the key worker's follow-up, a matter for the manager, for
the social worker (in a home: the next weekly update's text) or for the parents (a call due in a
school; a family-contact task in a home), a referral to an agency, a professionals meeting.
It is open, then done (with a note) or cancelled (with a reason): never deleted."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tenancy.concurrency import Versioned
from tenancy.models import Site, TenantModel


class Kind(models.TextChoices):
    FOLLOW_UP = "follow_up", "Follow-up by the key worker"
    MANAGER = "manager", "For the manager"
    SOCIAL_WORKER = "social_worker", "For the social worker"
    PARENTS = "parents", "For the parents or family"
    REFERRAL = "referral", "Referral"
    MEETING = "meeting", "Professionals meeting"


class State(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Source(models.TextChoices):
    SESSION = "session", "Key-work session"
    CONTACT = "contact", "Contact"
    PLAN = "plan", "Plan review"
    SLIP = "slip", "Incident"
    MANUAL = "manual", "Added by hand"
    # A recommendation of an independent visitor's monthly report (regulation44): about the home,
    # so with no child; source_id is the recommendation's id.
    REG44 = "reg44", "Regulation 44 report"


class ActionItem(TenantModel, Versioned):
    """One thing a record asks for. ``owner`` empty means "the site's managers" (kind MANAGER).
    ``child`` empty: about the site as a whole (a regulation 44 recommendation), for its managers."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(
        "people.Child", on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=300)
    details = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: any manager of the site.",
    )
    due_on = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    # Where it came from: the raising record (shown with its state in that record's PDF).
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    source_id = models.BigIntegerField(null=True, blank=True)
    # A row within the record (a plan review's follow-up: its stable ``ref``), else empty.
    source_ref = models.CharField(max_length=16, blank=True, default="")
    automatic = models.BooleanField(
        default=False, help_text="Made from the record when it was submitted or published."
    )
    # Referrals.
    agency = models.CharField(max_length=100, blank=True)
    made_on = models.DateField("Referral made on", null=True, blank=True)
    outcome = models.TextField("Referral outcome", blank=True)
    # Closing.
    closed_note = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            # A record submitted twice (a hook run twice) makes its actions once.
            models.UniqueConstraint(
                fields=["organisation", "source", "source_id", "source_ref", "kind", "agency"],
                condition=Q(automatic=True),
                name="action_once_per_record_kind",
            ),
            models.CheckConstraint(
                condition=Q(state="open") | Q(closed_at__isnull=False),
                name="action_closed_has_time",
            ),
            # An action about the whole site is for its managers.
            models.CheckConstraint(
                condition=Q(child__isnull=False) | Q(kind="manager", owner__isnull=True),
                name="action_site_wide_for_managers",
            ),
        ]
        indexes = [
            # My week / home: a person's open actions by due date.
            models.Index(fields=["organisation", "owner", "state", "due_on"], name="action_owner"),
            # A manager's list and the dashboard's overdue count: a site's open actions.
            models.Index(fields=["organisation", "site", "state", "due_on"], name="action_site"),
            # A child's page; a record's panel and PDF.
            models.Index(fields=["organisation", "child", "state"], name="action_child"),
            models.Index(fields=["organisation", "source", "source_id"], name="action_source"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title[:80]}"

    @property
    def is_open(self) -> bool:
        return self.state == State.OPEN

    def local_today(self, now: datetime.datetime | None = None) -> datetime.date:
        return timezone.localdate(now or timezone.now(), timezone=ZoneInfo(self.site.time_zone))

    def is_overdue(self, today: datetime.date) -> bool:
        """Pure: open and its due date (the site's calendar day) is before ``today``."""
        return self.state == State.OPEN and self.due_on < today


class Notice(TenantModel):
    """An alert to one person (*Alerts* in the top bar): a matter for the manager, a high-level
    incident, a safeguarding concern for the DSL team. Unlike an action it has no owner, due date
    or state beyond read (acknowledged) and dismissed. ``key`` makes each one once per person
    (reruns are no-ops). The message never holds the text of a safeguarding concern."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True, help_text="Acknowledged.")
    dismissed_at = models.DateTimeField(
        null=True, blank=True, help_text="Taken off the person's list (read as well)."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "key"], name="notice_once_per_user"
            ),
        ]
        indexes = [
            # The unread count in the top bar.
            models.Index(fields=["organisation", "user", "read_at"], name="notice_user_unread"),
        ]

    def __str__(self):
        return self.message


class Escalation(TenantModel):
    """An incident a manager marked significant (home guide): the next statutory visit brought
    forward, whether a professionals meeting is needed, and the social worker's notification."""

    slip = models.OneToOneField("behaviour.Slip", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)
    visit_due_on = models.DateField(help_text="The social worker's visit is now due by this day.")
    meeting_needed = models.BooleanField()
    meeting_action = models.ForeignKey(
        ActionItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notification_contact_id = models.BigIntegerField(
        null=True, blank=True, help_text="The professional contact logging the notification."
    )

    def __str__(self):
        return f"Significant incident {self.slip_id}"
