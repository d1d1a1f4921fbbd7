import datetime

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import BigIntegerRangeField, DateRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Concat

from tenancy.concurrency import Retractable, Versioned
from tenancy.models import Site, TenantModel
from tenancy.text import search_key_sql

from . import upn as upn_rules


def child_display_name(first: str, last: str, preferred: str = "") -> str:
    """The one rule for naming a child where a reader must tell which one (issue 16): the full name,
    and where the child goes by another name, that name with the legal first name in brackets:
    ("Isaac", "Quinn", "Zac") → "Zac (Isaac) Quinn"; ("Logan", "Quinn") → "Logan Quinn". For
    places that read names with ``values_list`` rather than whole children."""
    if preferred and preferred != first:
        return f"{preferred} ({first}) {last}"
    return f"{first} {last}"


class Gender(models.TextChoices):
    # The DfE's common basic data set (CTF <Gender>/<Sex>): M, F; U where not known.
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known"


class SenStatus(models.TextChoices):
    # The DfE's SEN provision codes (school census, CTF <SENprovision>).
    NONE = "N", "No special educational need"
    SUPPORT = "K", "SEN support"
    EHCP = "E", "Education, health and care plan"


class Child(TenantModel, Versioned):
    """A pupil at a school or a young person in a children's home."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="children")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    start_date = models.DateField(help_text="Admission or placement start.")
    leaving_date = models.DateField(null=True, blank=True)
    upn = models.CharField(
        "UPN",
        max_length=13,
        blank=True,
        validators=[upn_rules.validate],
        help_text="Unique pupil number: 13 characters, checked as the DfE issues them.",
    )
    la_reference = models.CharField("Local-authority reference", max_length=50, blank=True)
    # From the school's MIS (the roll import): the DfE's codes where there is one.
    gender = models.CharField(max_length=1, choices=Gender.choices, blank=True)
    year_group = models.CharField(
        "NC year", max_length=3, blank=True, help_text="National curriculum year: R, 1–14."
    )
    reg_group = models.CharField("Registration group", max_length=20, blank=True)
    sen_status = models.CharField(
        "SEN provision", max_length=1, choices=SenStatus.choices, blank=True
    )
    looked_after = models.BooleanField("Looked after (in care)", default=False)
    photo = models.ImageField(upload_to="children/photos/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The names folded for search ("Zoë O'Brien" → "zoe obrien", preferred name too): computed by
    # PostgreSQL itself (a generated column, ``translate()`` with tenancy.text's table), so every
    # write — forms, imports, bulk inserts, the bench seed — keeps it right; search with
    # ``search_name__contains=`` each word of ``tenancy.text.search_words(query)``.
    search_name = models.GeneratedField(
        expression=search_key_sql(
            Concat("first_name", Value(" "), "last_name", Value(" "), "preferred_name")
        ),
        output_field=models.CharField(max_length=302),
        db_persist=True,
    )

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(leaving_date__isnull=True) | Q(leaving_date__gte=F("start_date")),
                name="child_leaves_after_start",
            ),
            # One pupil, one UPN: the DfE's census refuses duplicates, and imports match on it.
            models.UniqueConstraint(
                fields=["organisation", "upn"],
                condition=~Q(upn=""),
                name="child_unique_upn_per_org",
                violation_error_message="Another child in this organisation has this UPN.",
            ),
        ]
        indexes = [
            # Children list: a site's children in name order.
            models.Index(fields=["organisation", "site", "last_name", "first_name"]),
        ]

    def __str__(self):
        return self.display_name

    @property
    def full_name(self) -> str:
        """The legal name ("Isaac Quinn"): for official identifiers next to it (UPN, date of birth).
        Everywhere a person reads which child it is, use ``display_name``."""
        return f"{self.first_name} {self.last_name}"

    @property
    def display_name(self) -> str:
        """How every page, alert, PDF and export names the child (``child_display_name``)."""
        return child_display_name(self.first_name, self.last_name, self.preferred_name)

    def age_on(self, day: datetime.date) -> int:
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - before_birthday

    def is_current_on(self, day: datetime.date) -> bool:
        return self.start_date <= day and (self.leaving_date is None or self.leaving_date > day)


class PenPortrait(TenantModel, Versioned):
    """Know your child: medical, behaviour and household notes. Household is the narrow part."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="pen_portrait")
    medical = models.TextField(blank=True)
    behaviour = models.TextField(blank=True)
    household = models.TextField(
        blank=True, help_text="Seen only by the allocated key worker and managers."
    )
    is_complete = models.BooleanField(
        default=False, help_text="Complete portraits are shared with staff of the site."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)


class Guardian(TenantModel, Versioned, Retractable):
    """A parent, carer or other person with a family role around the child."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="guardians")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100, help_text="For example mother, grandfather.")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    parental_responsibility = models.BooleanField(default=False)
    contact_restrictions = models.TextField(
        blank=True, help_text="Court orders or care-plan limits on contact. Leave empty if none."
    )
    is_primary_contact = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary_contact", "name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.relationship})"


class Professional(TenantModel):
    """Someone outside the site who works with one or more children."""

    class Role(models.TextChoices):
        SOCIAL_WORKER = "social_worker", "Social worker"
        IRO = "iro", "Independent reviewing officer"
        GP = "gp", "GP"
        DENTIST = "dentist", "Dentist"
        OPTICIAN = "optician", "Optician"
        NAMED_NURSE = "named_nurse", "Named nurse"
        YOUTH_JUSTICE = "youth_justice", "Youth justice"
        CAMHS = "camhs", "CAMHS"
        SCHOOL_CONTACT = "school_contact", "School contact"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    role = models.CharField(max_length=20, choices=Role.choices)
    agency = models.CharField(max_length=200, blank=True, help_text="Local authority, practice…")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class ChildProfessional(TenantModel):
    """A professional's involvement with a child, kept as history when it ends."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="professional_links")
    professional = models.ForeignKey(
        Professional, on_delete=models.PROTECT, related_name="child_links"
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["professional__role", "professional__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["child", "professional"],
                condition=Q(ended_on__isnull=True),
                name="childprofessional_one_current_link",
            ),
        ]


class DateRange(Func):
    """``daterange(starts_on, ends_on)``, half-open, an open end meaning "still current"."""

    function = "daterange"
    output_field = DateRangeField()


class SinglePoint(Func):
    """``int8range(x, x, '[]')``: lets an exclusion constraint compare ids with the built-in range
    operator class, so it needs no btree_gist extension (the embedded server does not ship it)."""

    function = "int8range"
    template = "%(function)s(%(expressions)s, %(expressions)s, '[]')"
    output_field = BigIntegerRangeField()


class KeyWorkerAllocation(TenantModel):
    """Who is a child's key worker, from when to when, and why it changed. Rows are never deleted.

    The period is half-open: ``ends_on`` is the first day the allocation no longer applies, so a change
    on day D ends the old allocation on D and starts the new one on D.
    """

    class Kind(models.TextChoices):
        PRIMARY = "primary", "Key worker"
        COVER = "cover", "Cover"

    class Reason(models.TextChoices):
        FIRST = "first_allocation", "First allocation"
        CHILD_COMPLAINT = "child_complaint", "The child says the relationship is not working"
        STAFF_LEAVING = "staff_leaving", "Staff member leaving or on long-term leave"
        NO_RELATIONSHIP = "no_relationship", "Staff member cannot establish a positive relationship"
        BEST_INTERESTS = "best_interests", "Not in the best interests of the child or staff member"
        CHILD_LEFT = "child_left", "Child left"
        PLANNED_ABSENCE = "planned_absence", "Cover for a planned absence"

    CHANGE_REASONS = (
        Reason.CHILD_COMPLAINT,
        Reason.STAFF_LEAVING,
        Reason.NO_RELATIONSHIP,
        Reason.BEST_INTERESTS,
    )

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="allocations")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PRIMARY)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=30, choices=Reason.choices)
    detail = models.TextField(blank=True)
    end_reason = models.CharField(max_length=30, choices=Reason.choices, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=F("starts_on")),
                name="allocation_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(kind="cover") | Q(ends_on__isnull=False),
                name="allocation_cover_has_end",
            ),
            # At most one current key worker per child.
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(kind="primary", ends_on__isnull=True),
                name="allocation_one_current_key_worker",
            ),
            # No two key-worker periods of one child overlap, nor two cover periods.
            ExclusionConstraint(
                name="allocation_primary_no_overlap",
                expressions=[
                    (SinglePoint(F("child")), RangeOperators.OVERLAPS),
                    (DateRange("starts_on", "ends_on"), RangeOperators.OVERLAPS),
                ],
                condition=Q(kind="primary"),
            ),
            ExclusionConstraint(
                name="allocation_cover_no_overlap",
                expressions=[
                    (SinglePoint(F("child")), RangeOperators.OVERLAPS),
                    (DateRange("starts_on", "ends_on"), RangeOperators.OVERLAPS),
                ],
                condition=Q(kind="cover"),
            ),
        ]
        indexes = [
            # "My children": a staff member's current allocations.
            models.Index(
                fields=["organisation", "staff", "ends_on"], name="allocation_staff_current"
            ),
        ]

    def __str__(self):
        return f"{self.staff} → {self.child} ({self.starts_on}–{self.ends_on or 'now'})"

    def is_current_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on > day)


class Placement(TenantModel, Versioned):
    """A young person's placement at a children's home, filled in by a manager on the day of
    admission. The reg. 28 visit rule reads ``until_18`` from here (not from each visit record)."""

    class LegalStatus(models.TextChoices):
        SECTION_20 = "s20", "Accommodated under section 20 (Children Act 1989)"
        CARE_ORDER = "s31", "Care order (section 31)"
        INTERIM_CARE_ORDER = "s38", "Interim care order (section 38)"
        EMERGENCY_PROTECTION = "s44", "Emergency protection order (section 44)"
        POLICE_PROTECTION = "s46", "Police protection (section 46)"
        REMAND = "remand", "Remanded to local-authority accommodation"
        PLACEMENT_ORDER = "placement_order", "Placement order (adoption)"
        SHORT_BREAKS = "short_breaks", "Short breaks (section 20(4))"
        OTHER = "other", "Other"

    child = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="placement")
    starts_on = models.DateField("Placement start")
    placing_authority = models.CharField(max_length=200, help_text="The local authority.")
    legal_status = models.CharField(max_length=20, choices=LegalStatus.choices)
    until_18 = models.BooleanField(
        "The placement is meant to last until the young person is 18",
        default=False,
        help_text="After the first year, social-worker visits may then be every 3 months.",
    )
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.child} placed by {self.placing_authority} from {self.starts_on:%d %b %Y}"
