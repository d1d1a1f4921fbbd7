"""Behaviour slips, class points, attendance marks and progress grades.

Records about children are never hard-deleted: a slip is corrected (new version, with a reason) or
retracted (reason kept, hidden from lists and analyses, still in the audit trail).
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tenancy.concurrency import Versioned
from tenancy.models import Site, TenantModel

from . import codes

DEFAULT_WEEKLY_POINTS_TARGET = 100


class Kind(models.TextChoices):
    """The four kinds of slip in the handbook. Types an organisation adds belong to one of them."""

    LOW = "low", "Low level"
    HIGH = "high", "High level / incident"
    GREEN = "green", "Green slip"
    GROWTH = "growth", "Growth mindset"


# A children's home's words for the kinds (DOMAIN.md: one model, the words change by site; the
# rest of the words are behaviour.words).
HOME_KIND_LABELS = {
    Kind.LOW: "Low-level behaviour",
    Kind.HIGH: "Incident (high level)",
    Kind.GREEN: "Positive behaviour",
    Kind.GROWTH: "Growth mindset",
}


def kind_label(kind: str, *, school: bool) -> str:
    """A kind in a school's words ("Green slip") or a children's home's ("Positive behaviour")."""
    labels = dict(Kind.choices) if school else HOME_KIND_LABELS
    return str(labels.get(kind, kind))


POSITIVE_KINDS = (Kind.GREEN, Kind.GROWTH)
NEGATIVE_KINDS = (Kind.LOW, Kind.HIGH)


class SlipType(TenantModel):
    """A type of slip an organisation adds (for example "Uniform" as a low-level slip)."""

    name = models.CharField(max_length=60)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="sliptype_unique_name_per_org"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display().lower()})"


def new_incident_ref() -> str:
    return uuid.uuid4().hex


class Outcome(models.TextChoices):
    NONE = "", "None"
    LOSS_OF_ENRICHMENT = "loss_of_enrichment", "Loss of enrichment"
    DETENTION = "detention", "Detention"
    SUSPENSION = "suspension", "Suspension"
    EXCLUSION = "exclusion", "Exclusion"
    OTHER = "other", "Other"


# What a person types about a slip besides its type and time: recorded and corrected alike
# (behaviour.forms, behaviour.services.slips).
SLIP_TYPED_FIELDS = (
    "lesson",
    "location",
    "what_happened",
    "action_taken",
    "outcome",
    "outcome_detail",
    "points",
    "worth_a_call",
)


class Slip(TenantModel, Versioned):
    """One behaviour slip about one child. Each child involved in an incident has their own slip,
    linked by ``incident_ref``, and sees none of the others' details."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="slips")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    slip_type = models.ForeignKey(
        SlipType, on_delete=models.PROTECT, null=True, blank=True, related_name="slips"
    )
    occurred_at = models.DateTimeField()
    lesson = models.CharField("Lesson or period", max_length=60, blank=True)
    location = models.CharField(max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    what_happened = models.TextField()
    action_taken = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_detail = models.CharField(max_length=200, blank=True)
    points = models.SmallIntegerField(default=0)
    worth_a_call = models.BooleanField(
        default=False, help_text="A reward worth a same-day call home."
    )
    incident_ref = models.CharField(max_length=32, default=new_incident_ref, editable=False)
    is_linked = models.BooleanField(
        default=False, help_text="Made for a child named as involved in another child's slip."
    )
    correction_reason = models.CharField(max_length=300, blank=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    retraction_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            # Slip list and analyses: a site's (or a child's) live slips in a date range.
            models.Index(fields=["organisation", "child", "occurred_at"], name="slip_child_when"),
            models.Index(fields=["organisation", "site", "occurred_at"], name="slip_site_when"),
        ]

    def __str__(self):
        # No query for the site (audit entries name records in bulk): its words when loaded.
        name = self.slip_type.name if self.slip_type_id else self._kind_label(fetch=False)
        return f"{name}, {timezone.localtime(self.occurred_at):%-d %b %Y}"

    @property
    def noun(self) -> str:
        """What the slip's site calls it: a school's "slip", a children's home's "incident"
        (behaviour.words has the rest of the words)."""
        return "slip" if self._loaded_site().is_school else "incident"

    @property
    def a_noun(self) -> str:
        return "a slip" if self.noun == "slip" else "an incident"

    @property
    def noun_cap(self) -> str:
        return self.noun.capitalize()

    def _loaded_site(self, fetch: bool = True):
        """The site, from the child when the query loaded the child's site but not the slip's;
        ``None`` when neither is loaded and ``fetch`` is false."""
        if "site" in self._state.fields_cache:
            return self.site
        if "child" in self._state.fields_cache:
            child = self.child
            if "site" in child._state.fields_cache and child.site_id == self.site_id:
                return child.site
        return self.site if fetch else None

    def _kind_label(self, fetch: bool = True) -> str:
        site = self._loaded_site(fetch)
        return kind_label(self.kind, school=site is None or site.is_school)

    @property
    def type_name(self) -> str:
        """The organisation's type, else the kind in the site's words ("Green slip" at a school,
        "Positive behaviour" at a children's home). Lists load ``site`` with the slips."""
        return self.slip_type.name if self.slip_type_id else self._kind_label()

    @property
    def is_positive(self) -> bool:
        return self.kind in POSITIVE_KINDS

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None


class SavedFilter(TenantModel):
    """A slip-list filter a user keeps, as its query string."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    query = models.CharField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "name"], name="savedfilter_unique_name"
            ),
        ]

    def __str__(self):
        return self.name


class PointsSettings(TenantModel, Versioned):
    """A site's weekly class-points target (100 a week when the site has never set one)."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="+")
    weekly_target = models.PositiveSmallIntegerField(default=DEFAULT_WEEKLY_POINTS_TARGET)


class ClassPoints(TenantModel):
    """Points one pupil earned in one lesson on one day."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    lesson = models.CharField(max_length=60)
    points = models.PositiveSmallIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "lesson"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "date", "lesson"], name="classpoints_one_per_lesson"
            ),
            models.CheckConstraint(condition=Q(points__lte=50), name="classpoints_at_most_50"),
        ]
        indexes = [
            # Weekly totals: a site's (or a child's) points in a date range.
            models.Index(fields=["organisation", "site", "date"], name="points_site_date"),
            models.Index(fields=["organisation", "child", "date"], name="points_child_date"),
        ]


class Session(models.TextChoices):
    AM = "AM", "Morning (AM)"
    PM = "PM", "Afternoon (PM)"


class AttendanceMark(TenantModel, Versioned):
    """One register mark: a child, a day, AM or PM, and a DfE code."""

    class Source(models.TextChoices):
        REGISTER = "register", "Register"
        IMPORT = "import", "MIS import"

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    code = models.CharField(max_length=2, choices=codes.CHOICES)
    note = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.REGISTER)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "date", "session"], name="attendance_one_mark_per_session"
            ),
        ]
        indexes = [
            # Certificates and patterns: one child's marks in a date range.
            models.Index(fields=["organisation", "child", "date"], name="attendance_child_date"),
            # The register: a site's marks on one day.
            models.Index(fields=["organisation", "site", "date"], name="attendance_site_date"),
        ]

    def __str__(self):
        return f"{self.date} {self.session} {self.code}"

    @property
    def code_info(self) -> codes.Code:
        return codes.CODES[self.code]


class Appointment(TenantModel):
    """A medical or dental appointment logged for a child (the office checks it against the register)."""

    class Kind(models.TextChoices):
        MEDICAL = "medical", "Medical"
        DENTAL = "dental", "Dental"
        OTHER = "other", "Other health"

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MEDICAL)
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date"]
        indexes = [
            # Coding-error check: a child's appointments in a date range.
            models.Index(fields=["organisation", "child", "date"], name="appointment_child_date"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} appointment {self.date}"


class Subject(TenantModel):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="subject_unique_per_site"),
        ]

    def __str__(self):
        return self.name


class AssessmentPoint(TenantModel):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=60, help_text="For example Autumn 1.")
    date = models.DateField()

    class Meta:
        ordering = ["date", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "name"], name="assessmentpoint_unique_per_site"
            ),
        ]

    def __str__(self):
        return self.name


class Grade(TenantModel, Versioned):
    """A child's working-at grade and target in one subject at one assessment point.

    Grades are numbers on the school's scale (for example 1.0–9.0, or 3.5 for "3+") so trends can be
    drawn."""

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="grades")
    assessment_point = models.ForeignKey(
        AssessmentPoint, on_delete=models.PROTECT, related_name="grades"
    )
    working_at = models.DecimalField(max_digits=4, decimal_places=1)
    target = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child", "subject", "assessment_point"], name="grade_one_per_point"
            ),
            models.CheckConstraint(
                condition=Q(working_at__gte=0) & (Q(target__isnull=True) | Q(target__gte=0)),
                name="grade_not_negative",
            ),
        ]
        indexes = [
            # The grade sheet: one child's grades.
            models.Index(fields=["organisation", "child"], name="grade_child"),
        ]

    @property
    def on_track(self) -> bool | None:
        return None if self.target is None else self.working_at >= self.target


def week_start(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())
