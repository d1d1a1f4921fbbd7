from django.conf import settings
from django.db import models

from tenancy.concurrency import Versioned
from tenancy.models import TenantModel


class PlanType(models.TextChoices):
    PLACEMENT_PLAN = "placement_plan", "Placement Plan"
    RISK_ASSESSMENT = "risk_assessment", "Risk Assessment"
    BEHAVIOUR_PLAN = "behaviour_plan", "Behaviour Management Plan"
    MONTHLY_REVIEW = "monthly_review", "Young Person's Monthly Review"
    EHCP = "ehcp", "EHC plan"
    IEP = "iep", "IEP"
    PUPIL_ON_A_PAGE = "pupil_on_a_page", "Pupil on a page"


class PlanUpdateTask(TenantModel):
    """ "This plan needs updating": opened by a key-work session (or by hand) for the site's managers,
    closed when a new version of that plan is published."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="plan_tasks")
    plan_type = models.CharField(max_length=30, choices=PlanType.choices)
    details = models.TextField(help_text="Which areas need updating, and why.")
    source_type = models.CharField(max_length=100, blank=True, help_text="app_label.model")
    source_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["status", "-created_at"]
        constraints = [
            # One open task per plan per source (a session re-submitted after correction adds none).
            models.UniqueConstraint(
                fields=["child", "plan_type", "source_type", "source_id"],
                condition=models.Q(status="open"),
                name="plantask_one_open_per_source",
            ),
        ]
        indexes = [
            # Managers' open tasks for their sites' children.
            models.Index(fields=["organisation", "status", "child"], name="plantask_open_by_child"),
        ]

    def __str__(self):
        return f"Update {self.get_plan_type_display()} for {self.child}"


class Plan(TenantModel):
    """One of a child's plans (one per type). Its content lives in versions; at most one is current
    and at most one is a draft."""

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="plans")
    plan_type = models.CharField(max_length=30, choices=PlanType.choices)
    shared_with_staff = models.BooleanField(
        default=False, help_text="Pupil on a page: visible to every staff member of the site."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan_type"]
        constraints = [
            models.UniqueConstraint(fields=["child", "plan_type"], name="plan_one_per_type"),
        ]

    def __str__(self):
        return f"{self.get_plan_type_display()} for {self.child}"


class PlanVersion(TenantModel, Versioned):
    """A version of a plan: a draft being written, the current one, or a superseded one (kept)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CURRENT = "current", "Current"
        SUPERSEDED = "superseded", "Superseded"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    content = models.JSONField(default=dict, blank=True)
    plan_date = models.DateField(help_text="The date this version of the plan is made.")
    next_review_date = models.DateField(null=True, blank=True)
    paperwork_deadline = models.DateField(
        null=True, blank=True, help_text="EHCP: when the annual-review paperwork is due."
    )
    change_summary = models.TextField(blank=True, help_text="What changed in this version.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The record-quality check stored with the record each time it is saved (quality.checker).
    quality_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    quality_report = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planversion_unique_number"),
            models.UniqueConstraint(
                fields=["plan"], condition=models.Q(status="draft"), name="planversion_one_draft"
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(status="current"),
                name="planversion_one_current",
            ),
            models.CheckConstraint(
                condition=models.Q(next_review_date__isnull=True)
                | models.Q(next_review_date__gte=models.F("plan_date")),
                name="planversion_review_after_plan_date",
            ),
        ]
        indexes = [
            # Review dates for the compliance engine: current versions by review date.
            models.Index(
                fields=["organisation", "status", "next_review_date"], name="planversion_review"
            ),
        ]

    def __str__(self):
        return f"{self.plan} — version {self.number} ({self.get_status_display().lower()})"

    def review_status(self, today) -> str:
        """``overdue``, ``due`` (within 14 days) or ``ok``; ``none`` without a review date."""
        if self.next_review_date is None:
            return "none"
        if self.next_review_date < today:
            return "overdue"
        if (self.next_review_date - today).days <= 14:
            return "due"
        return "ok"


class PlanSectionTitle(TenantModel):
    """An organisation's own section titles for a plan type (the Placement Plan's six by default).
    Sections are never deleted, only retired, so older versions still read correctly."""

    plan_type = models.CharField(max_length=30, choices=PlanType.choices)
    key = models.SlugField(max_length=60)
    title = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["plan_type", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "plan_type", "key"], name="plansection_unique_key"
            ),
        ]

    def __str__(self):
        return self.title


class HealthRegistration(TenantModel, Versioned):
    """Where a young person is registered: GP, dentist, optician."""

    class Kind(models.TextChoices):
        GP = "gp", "GP"
        DENTIST = "dentist", "Dentist"
        OPTICIAN = "optician", "Optician"
        OTHER = "other", "Other"

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    practice = models.CharField(max_length=200)
    phone = models.CharField(max_length=40, blank=True)
    registered_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-registered_on"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.practice}"


class HealthAppointment(TenantModel, Versioned):
    """A health appointment with its due date; ``attended_on`` once it has happened."""

    class Kind(models.TextChoices):
        GP = "gp", "GP"
        DENTIST = "dentist", "Dentist"
        OPTICIAN = "optician", "Optician"
        LAC_HEALTH = "lac_health", "LAC health assessment"
        OTHER = "other", "Other"

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    due_on = models.DateField()
    attended_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            # Due health appointments per child.
            models.Index(fields=["organisation", "child", "due_on"], name="healthappt_due"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} due {self.due_on:%d %b %Y}"


class ClothingPurchase(TenantModel):
    """The resident's purchased-clothing log."""

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    bought_on = models.DateField()
    items = models.CharField(max_length=300)
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    shop = models.CharField(max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-bought_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="clothing_amount_ok"),
        ]

    def __str__(self):
        return f"{self.items} ({self.bought_on:%d %b %Y})"


class PlanDocument(TenantModel, Versioned):
    """An uploaded document: the local authority's Care Plan, Pathway Plan, health assessment,
    specialist reports; a school's positive handling plan or Signs of Safety. Retracted, never
    deleted; served only through ``plans:document_file``."""

    class Kind(models.TextChoices):
        CARE_PLAN = "care_plan", "Care Plan"
        PATHWAY_PLAN = "pathway_plan", "Pathway Plan"
        HEALTH_ASSESSMENT = "health_assessment", "Health assessment"
        SPECIALIST_REPORT = "specialist_report", "Specialist report"
        POSITIVE_HANDLING = "positive_handling", "Positive handling plan"
        SIGNS_OF_SAFETY = "signs_of_safety", "Signs of Safety"
        OTHER = "other", "Other document"

    # Kinds only the allocated key worker (or cover) and managers may open.
    NARROW_KINDS = {
        Kind.CARE_PLAN,
        Kind.PATHWAY_PLAN,
        Kind.HEALTH_ASSESSMENT,
        Kind.SPECIALIST_REPORT,
        Kind.SIGNS_OF_SAFETY,
    }

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    title = models.CharField(max_length=200)
    document_date = models.DateField(help_text="The date on the document.")
    file = models.FileField(upload_to="plans/documents/", max_length=300)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    retraction_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-document_date", "-pk"]

    def __str__(self):
        return self.title

    @property
    def is_narrow(self) -> bool:
        return self.kind in self.NARROW_KINDS
