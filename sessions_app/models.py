"""Key-work sessions, the targets they set and review, their earlier versions, and bundle jobs."""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from tenancy.concurrency import Versioned
from tenancy.models import TenantModel


class QualityStandard(models.IntegerChoices):
    """The nine Quality Standards (Children's Homes (England) Regulations 2015, regs 6-14)."""

    QUALITY_AND_PURPOSE = 1, "The quality and purpose of care standard"
    VIEWS_WISHES = 2, "The children's views, wishes and feelings standard"
    EDUCATION = 3, "The education standard"
    ENJOYMENT = 4, "The enjoyment and achievement standard"
    HEALTH = 5, "The health and well-being standard"
    RELATIONSHIPS = 6, "The positive relationships standard"
    PROTECTION = 7, "The protection of children standard"
    LEADERSHIP = 8, "The leadership and management standard"
    CARE_PLANNING = 9, "The care planning standard"


DEFAULT_TOPICS = [
    "Substance misuse",
    "Missing from home",
    "Independence and pathway planning",
    "Healthy eating",
    "Mental health and wellbeing",
    "Family relationships and contact",
    "Behaviour and incidents",
    "Online and phone safety",
    "Child sexual exploitation",
    "Radicalisation",
    "County lines and criminal exploitation",
    "Staying safe (infection)",
    "Learning and progress",
    "Attendance",
    "Friendships",
    "Any other identified risk",
]


class Topic(TenantModel):
    """The organisation's list of session topics (starts from the guide's list; managers edit it)."""

    name = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="topic_unique_name"),
        ]

    def __str__(self):
        return self.name


class MattersFor(models.TextChoices):
    """Who a session's "matters for the manager, social worker or parents" are for: chosen by the
    key worker, each routed by ``actions`` when the record is submitted (never guessed from words)."""

    MANAGER = "manager", "The manager"
    SOCIAL_WORKER = "social_worker", "The social worker"
    PARENTS = "parents", "The parents or family"


class KeyWorkSession(TenantModel, Versioned):
    """One key-work session with a child: the key worker's record, signed and dated by its author."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned for changes"
        SIGNED_OFF = "signed_off", "Signed off"

    class Initiator(models.TextChoices):
        CHILD = "child", "The child"
        KEY_WORKER = "key_worker", "The key worker"

    class Purpose(models.TextChoices):
        PROGRESS = "progress", "Progress chasing"
        ISSUE = "issue", "A specific issue, behaviour or problem"
        REVIEW = "review", "Planning for a review or court appearance"
        FUTURE = "future", "Ideas for the future"
        PAST = "past", "Talking about the past"

    class Engagement(models.TextChoices):
        ENGAGED = "engaged", "Engaged"
        PARTLY = "partly", "Partly engaged"
        DECLINED = "declined", "Declined (logged as an attempt)"

    class Focus(models.TextChoices):
        EHCP = "ehcp", "EHCP"
        IEP = "iep", "IEP"
        STUDENT_VOICE = "student_voice", "Student voice"
        GENERAL = "general", "General"

    EDITABLE = (Status.DRAFT, Status.RETURNED)
    COUNTED = (Status.SUBMITTED, Status.SIGNED_OFF)

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="sessions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="key_work_sessions"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    record_version = models.PositiveIntegerField(
        default=1, help_text="1 when submitted; each correction after submission adds one."
    )

    # Both kinds of site.
    title = models.CharField("Summary title", max_length=200, blank=True)
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    initiated_by = models.CharField(max_length=12, choices=Initiator.choices, blank=True)
    initiated_why = models.TextField("Why", blank=True)
    topics = models.ManyToManyField(Topic, through="SessionTopic", related_name="sessions")
    purpose = models.CharField(max_length=12, choices=Purpose.choices, blank=True)
    engagement = models.CharField(max_length=12, choices=Engagement.choices, blank=True)
    previous_targets_note = models.TextField("Targets from last session and outcomes", blank=True)
    account = models.TextField("What happened", blank=True)
    offered = models.TextField(
        "What was offered", blank=True, help_text="A declined attempt: what the child was offered."
    )
    resources = models.TextField("Resources shared", blank=True)
    follow_up = models.TextField("Work the key worker will follow up", blank=True)
    matters = models.TextField("Matters for the manager, social worker or parents", blank=True)
    matters_for = ArrayField(
        models.CharField(max_length=16, choices=MattersFor.choices),
        default=list,
        blank=True,
        help_text="Who the matters are for; sessions before this choice existed have none.",
    )
    referral_agency = models.CharField("Referral to", max_length=100, blank=True)
    referral_made_on = models.DateField("Referral made on", null=True, blank=True)

    # Schools.
    focus = models.CharField(max_length=16, choices=Focus.choices, blank=True)
    barriers = models.TextField("Barriers to progress", blank=True)
    since_last = models.JSONField(
        null=True, blank=True, help_text="Behaviour and attendance since the last session, frozen."
    )
    since_last_start = models.DateField(null=True, blank=True)

    # Children's homes.
    quality_standards = ArrayField(
        models.PositiveSmallIntegerField(choices=QualityStandard.choices), default=list, blank=True
    )
    quality_standards_details = models.TextField("Details of the Quality Standards", blank=True)
    child_agenda = models.TextField("Key child's agenda", blank=True)
    worker_agenda = models.TextField("Key worker's agenda", blank=True)
    placement_plan_update = models.BooleanField(null=True, blank=True)
    placement_plan_areas = models.TextField(blank=True)
    behaviour_plan_update = models.BooleanField(null=True, blank=True)
    behaviour_plan_details = models.TextField(blank=True)

    editing_tab = models.CharField(
        max_length=32,
        blank=True,
        help_text="The browser tab that saved the draft last: its own autosaves never conflict.",
    )
    # Targets and reviews typed into a draft; rows are made from them on submission.
    planned_targets = models.JSONField(default=list, blank=True)
    # The record-quality check stored with the record when it is submitted (quality.checker).
    quality_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    quality_report = models.JSONField(null=True, blank=True, editable=False)
    planned_reviews = models.JSONField(default=dict, blank=True)

    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(blank=True)
    correction_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-start_time", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__isnull=True)
                | Q(end_time__isnull=True)
                | Q(end_time__gt=F("start_time")),
                name="session_ends_after_start",
            ),
        ]
        indexes = [
            # A child's sessions, newest first (child page, last_session_date, bundles).
            models.Index(fields=["organisation", "child", "-date"], name="session_child_date"),
            # "My sessions": an author's sessions, newest first.
            models.Index(fields=["organisation", "author", "-date"], name="session_author_date"),
            # Managers' queue: submitted sessions awaiting sign-off.
            models.Index(fields=["organisation", "status", "-date"], name="session_status_date"),
        ]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.title or self.made_title()

    def made_title(self, topic_names=()) -> str:
        """The title as the home guide's worked example makes it: "Key worker Session – Amber
        Smith 03.08.2020 Cannabis" (the child's name, the date, the topics)."""
        title = f"Key worker Session – {self.child.display_name} {self.date:%d.%m.%Y}"
        topics = ", ".join(topic_names)
        return f"{title} {topics}"[:200] if topics else title

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def counts(self) -> bool:
        return self.status in self.COUNTED

    @property
    def is_declined(self) -> bool:
        return self.engagement == self.Engagement.DECLINED

    @property
    def duration_minutes(self) -> int | None:
        if not (self.start_time and self.end_time):
            return None
        start = datetime.datetime.combine(self.date, self.start_time)
        end = datetime.datetime.combine(self.date, self.end_time)
        return int((end - start).total_seconds() // 60)

    def quality_standard_labels(self) -> list[str]:
        return [QualityStandard(n).label for n in sorted(self.quality_standards)]

    def matters_for_labels(self) -> list[str]:
        return [MattersFor(v).label for v in MattersFor.values if v in (self.matters_for or [])]

    def routing_errors(self, today: datetime.date) -> dict[str, str]:
        """Pure: what stops the record's matters and referral being routed on submission, by
        field. Matters need both the text and at least one person chosen; a referral's date needs
        its agency and cannot be after ``today`` (the site's calendar day)."""
        errors = {}
        chosen = [v for v in self.matters_for or [] if v in MattersFor.values]
        if self.matters.strip() and not chosen:
            errors["matters_for"] = (
                "Choose who the matters are for (the manager, the social worker or the parents), "
                "or leave the matters empty."
            )
        elif chosen and not self.matters.strip():
            names = " and ".join(MattersFor(v).label.lower() for v in chosen)
            errors["matters"] = f"Write what {names} need to know."
        if self.referral_made_on and not self.referral_agency.strip():
            errors["referral_agency"] = "Name the agency the referral was made to."
        if self.referral_made_on and self.referral_made_on > today:
            errors["referral_made_on"] = (
                "A referral cannot have been made in the future: leave the date empty until it "
                "is made."
            )
        return errors


class SessionTopic(TenantModel):
    session = models.ForeignKey(KeyWorkSession, on_delete=models.CASCADE)
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "topic"], name="sessiontopic_unique"),
        ]


class Target(TenantModel):
    """A target set for the child in a session, reviewed in later sessions until closed."""

    class Outcome(models.TextChoices):
        ACHIEVED = "achieved", "Achieved"
        PARTLY = "partly", "Partly achieved"
        NOT_ACHIEVED = "not_achieved", "Not achieved"
        CARRIED_FORWARD = "carried_forward", "Carried forward"
        WITHDRAWN = "withdrawn", "Withdrawn when the record was changed"

    CLOSING = (Outcome.ACHIEVED, Outcome.NOT_ACHIEVED, Outcome.WITHDRAWN)
    REVIEW_OUTCOMES = (
        (Outcome.ACHIEVED, "Achieved"),
        (Outcome.PARTLY, "Partly achieved"),
        (Outcome.NOT_ACHIEVED, "Not achieved"),
        (Outcome.CARRIED_FORWARD, "Carried forward"),
    )

    class Area(models.TextChoices):
        BEHAVIOUR = "behaviour", "Behaviour"
        LEARNING = "learning", "Learning"
        ATTENDANCE = "attendance", "Attendance"
        EHCP = "ehcp", "EHCP outcome"
        IEP = "iep", "IEP target"
        HEALTH = "health", "Health"
        EDUCATION = "education", "Education"
        EMOTIONAL = "emotional", "Emotional and behavioural development"
        IDENTITY = "identity", "Identity"
        FAMILY = "family", "Family and social relationships"
        SELF_CARE = "self_care", "Self-care and independence"
        SAFETY = "safety", "Staying safe"

    SCHOOL_AREAS = ("behaviour", "learning", "attendance", "ehcp", "iep", "emotional")
    HOME_AREAS = ("health", "education", "emotional", "identity", "family", "self_care", "safety")

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="targets")
    set_in = models.ForeignKey(KeyWorkSession, on_delete=models.PROTECT, related_name="targets")
    what = models.TextField()
    measure = models.TextField("How it is measured", blank=True)
    due_on = models.DateField("By when")
    area = models.CharField(max_length=16, choices=Area.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    closed_in = models.ForeignKey(
        KeyWorkSession, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            # A child's open targets (the session editor) and target history.
            models.Index(fields=["organisation", "child", "closed_in"], name="target_child_open"),
        ]

    def __str__(self):
        return self.what[:80]

    @property
    def is_open(self) -> bool:
        return self.closed_in_id is None


class TargetReview(TenantModel):
    """A session's review of one earlier target."""

    session = models.ForeignKey(KeyWorkSession, on_delete=models.PROTECT, related_name="reviews")
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="reviews")
    outcome = models.CharField(max_length=16, choices=Target.Outcome.choices)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "target"], name="targetreview_unique"),
        ]


class SessionAttachment(TenantModel):
    """A file shared in the session (a leaflet, a worksheet). Kept with the record."""

    session = models.ForeignKey(
        KeyWorkSession, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(upload_to="sessions/attachments/")
    name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name

    @property
    def child_id(self):
        return self.session.child_id


class SessionRevision(TenantModel):
    """The record as it stood before a correction: kept and readable."""

    session = models.ForeignKey(KeyWorkSession, on_delete=models.PROTECT, related_name="revisions")
    record_version = models.PositiveIntegerField()
    content = models.JSONField()
    reason = models.TextField(help_text="Why the next version corrected it.")
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["record_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "record_version"], name="revision_unique_version"
            ),
        ]


class BundleJob(TenantModel):
    """A child's session bundle over a date range, built by a Celery task."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Building"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField()
    end = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="sessions/bundles/", blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
