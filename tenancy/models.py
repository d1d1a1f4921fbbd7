import datetime
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import authcache, bankholidays
from .managers import TenantManager, TenantQuerySet


class Organisation(models.Model):
    """The tenant: a trust, a care provider or a standalone school."""

    class Kind(models.TextChoices):
        TRUST = "trust", "Trust"
        PROVIDER = "provider", "Care provider"
        SCHOOL = "school", "Standalone school"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text="Staff are signed out after this many minutes without activity.",
    )
    school_retention_years = models.PositiveSmallIntegerField(
        default=25,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Schools: review a pupil's records this many years after their date of birth.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class TenantModel(models.Model):
    """Base of every tenant-owned table: a non-null organisation and a manager that refuses to
    query without one. ``unscoped`` is the explicit, greppable escape."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    objects = TenantManager()
    unscoped = models.Manager()

    class Meta:
        abstract = True


BANK_HOLIDAY_REGIONS = bankholidays.REGIONS
TIME_ZONE_CHOICES = sorted((tz, tz) for tz in available_timezones() if "/" in tz)


class Site(TenantModel):
    """A school or a children's home."""

    class Kind(models.TextChoices):
        SCHOOL = "school", "School"
        HOME = "home", "Children's home"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    time_zone = models.CharField(max_length=64, default="Europe/London", choices=TIME_ZONE_CHOICES)
    # Which GOV.UK bank-holiday list applies (tenancy.bankholidays): closures for due dates.
    region = models.CharField(
        max_length=20,
        choices=BANK_HOLIDAY_REGIONS,
        default="england-and-wales",
        help_text="Whose bank holidays the site keeps: England and Wales, Scotland or Northern Ireland.",
    )
    caseload_limit = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="Most children one key worker should hold at this site.",
    )
    # Escalation (issue 19): read by safeguarding's escalation task and actions' significant incidents.
    concern_escalate_minutes = models.PositiveSmallIntegerField(
        "Escalate an unacknowledged safeguarding concern after (minutes of the working day)",
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(600)],
        help_text="Minutes of the working day (Monday to Friday, 08:00–18:00 in the site's time "
        "zone) before a concern nobody on the DSL team has acknowledged goes to the deputies and "
        "the managers: from 5 to 600 (a whole working day). Default 60.",
    )
    significant_visit_days = models.PositiveSmallIntegerField(
        "After a significant incident, the social worker visits within (days)",
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(42)],
        help_text="Children's homes: the next statutory visit is brought forward to this many days "
        "after a manager marks an incident significant; 0 means as soon as possible (that day). "
        "From 0 to 42.",
    )
    # A school's DfE establishment number (LAESTAB: local-authority code and establishment number,
    # 7 digits, e.g. 8884321) or a children's home's Ofsted unique reference number (e.g. SC123456).
    dfe_number = models.CharField(
        "DfE establishment number",
        max_length=7,
        blank=True,
        validators=[
            RegexValidator(
                r"^[2-9]\d{6}$",
                "A DfE establishment number is 7 digits: the 3-digit local-authority code, then "
                "the school's 4 digits (e.g. 888/4321).",
            )
        ],
    )
    ofsted_urn = models.CharField(
        "Ofsted URN",
        max_length=8,
        blank=True,
        validators=[
            RegexValidator(
                r"^(SC\d{6}|\d{6,7})$",
                "An Ofsted URN is SC and 6 digits (e.g. SC123456), or 6 or 7 digits.",
            )
        ],
    )
    closed_on = models.DateField(
        null=True,
        blank=True,
        help_text="A closed site keeps its records, read-only: nothing new is recorded there.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="site_unique_name_per_org"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == self.Kind.HOME and self.dfe_number:
            raise ValidationError(
                {
                    "dfe_number": "A children's home has no DfE establishment number: give its "
                    "Ofsted URN instead."
                }
            )

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def is_school(self) -> bool:
        return self.kind == self.Kind.SCHOOL

    @property
    def child_word(self) -> str:
        return "pupil" if self.is_school else "young person"

    @property
    def children_word(self) -> str:
        return "pupils" if self.is_school else "young people"

    @property
    def contact_word(self) -> str:
        return "parent" if self.is_school else "social worker"


class Role(models.TextChoices):
    KEY_WORKER = "key_worker", "Key worker"
    MANAGER = "manager", "Manager"
    MODERATOR = "moderator", "Moderator"
    ORG_ADMIN = "org_admin", "Organisation admin"
    # Regulation 44 of the Children's Homes (England) Regulations 2015: the independent person who
    # visits a home monthly. One home, an end date, reads only (tenancy.access, regulation44).
    INDEPENDENT_VISITOR = "independent_visitor", "Independent visitor"


# The roles of the provider's own staff: everyone but the independent visitor, who by regulation
# 44 is independent of the home and so is never picked as an owner, key worker, DSL or author.
STAFF_ROLES = (Role.KEY_WORKER, Role.MANAGER, Role.MODERATOR, Role.ORG_ADMIN)


class MembershipQuerySet(TenantQuerySet):
    """Bulk writes send no signal: these give the people concerned a new version of their cached
    access (``tenancy.authcache``) as ``save`` and ``delete`` do through the receivers in apps.py."""

    def of_staff(self, roles=STAFF_ROLES, day: datetime.date | None = None):
        """The staff roles among these that give access on ``day`` (default: today): active, not
        past their end date, and never an independent visitor's (whatever ``roles`` asks)."""
        day = day or timezone.localdate()
        return self.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=day),
            is_active=True,
            role__in=[role for role in roles if role in STAFF_ROLES],
        )

    def update(self, **kwargs):
        users = set(self.order_by().values_list("user_id", flat=True))
        updated = super().update(**kwargs)
        authcache.bump(users)
        return updated

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        authcache.bump(m.user_id for m in created)
        return created

    def bulk_update(self, objs, *args, **kwargs):
        objs = list(objs)
        updated = super().bulk_update(objs, *args, **kwargs)
        authcache.bump(m.user_id for m in objs)
        return updated


class MembershipManager(TenantManager):
    _queryset_class = MembershipQuerySet

    def of_staff(self, *args, **kwargs):
        return self.get_queryset().of_staff(*args, **kwargs)


class Membership(TenantModel):
    """A user's role at a site, or across the organisation for an organisation admin (site empty)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices)
    job_title = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    ends_on = models.DateField(
        null=True,
        blank=True,
        help_text="The last day (on the site's calendar) the role gives access; empty: no end. "
        "An independent visitor's role always has one.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipManager()
    unscoped = models.Manager.from_queryset(MembershipQuerySet)()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="independent_visitor") | Q(ends_on__isnull=False),
                name="membership_visitor_has_end",
            ),
            models.UniqueConstraint(
                fields=["user", "site", "role"],
                condition=Q(site__isnull=False),
                name="membership_unique_role_per_site",
            ),
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=Q(role="org_admin"),
                name="membership_unique_org_admin",
            ),
            models.CheckConstraint(
                condition=Q(role="org_admin", site__isnull=True)
                | (~Q(role="org_admin") & Q(site__isnull=False)),
                name="membership_site_matches_role",
            ),
        ]
        indexes = [
            # The middleware's lookup of the signed-in user's memberships on every request.
            models.Index(fields=["user", "is_active"], name="membership_user_active"),
        ]

    def is_current(self, now=None) -> bool:
        """Pure: the role still gives access — no end date, or today on the site's calendar (the
        site's time zone) is on or before ``ends_on``. Needs ``site`` loaded when it has an end."""
        if self.ends_on is None:
            return True
        # The site's zone when it is loaded (the middleware's query joins it; outside the
        # organisation's scope row-level security hides it) — else the default zone.
        site = self.site if self.site_id and Membership.site.is_cached(self) else None
        zone = ZoneInfo(site.time_zone) if site is not None else None
        return timezone.localdate(now or timezone.now(), timezone=zone) <= self.ends_on

    def valid_until(self):
        """When this role stops by itself (an aware datetime: midnight after ``ends_on`` on the
        site's calendar), or None for a role that lasts until it is changed. The cached
        memberships of a session (``tenancy.authcache``) are reloaded at that moment, with no
        write needed. Needs ``site`` loaded when it has an end (else the default zone)."""
        if self.ends_on is None:
            return None
        site = self.site if self.site_id and Membership.site.is_cached(self) else None
        zone = ZoneInfo(site.time_zone) if site is not None else timezone.get_default_timezone()
        day_after = self.ends_on + datetime.timedelta(days=1)
        return datetime.datetime.combine(day_after, datetime.time(), tzinfo=zone)

    def __str__(self):
        where = self.site.name if self.site_id else "all sites"
        return f"{self.user} — {self.get_role_display()} ({where})"


class AuditEvent(TenantModel):
    """Who did what to which record, and who looked at it. Written by services and views through
    ``tenancy.audit``; never changed or deleted (a database trigger refuses both)."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Changed"
        CORRECT = "correct", "Corrected"
        RETRACT = "retract", "Retracted"
        SUBMIT = "submit", "Submitted"
        SIGN_OFF = "sign_off", "Signed off"
        RETURN = "return", "Returned"
        VIEW = "view", "Viewed"
        EXPORT = "export", "Exported"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=100, help_text="app_label.model")
    object_id = models.BigIntegerField()
    object_repr = models.CharField(max_length=200, blank=True)
    child_id = models.BigIntegerField(null=True, blank=True, help_text="The child it concerns.")
    summary = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # A record's history: events for one object, newest first.
            models.Index(fields=["organisation", "object_type", "object_id", "-created_at"]),
            # A child's access log: views and exports of anything about one child.
            models.Index(fields=["organisation", "child_id", "-created_at"]),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_type}#{self.object_id}"

    @property
    def record_label(self) -> str:
        from django.apps import apps

        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name).capitalize()
        except (LookupError, ValueError):
            return self.object_type

    def changed_fields(self) -> list[tuple[str, str, str]]:
        """The fields this event changed as a person reads them: ``(label, before, after)`` with
        the field's own label and values as its form shows them (a choice's words, Yes/No, dates
        as "24 Nov 2026"), in the model's field order. The version counters and stored machine
        output (a quality report) are left out; a link to another record or a structured value
        says only that it changed. No query."""
        before, after = self.before or {}, self.after or {}
        try:
            from django.apps import apps

            model = apps.get_model(self.object_type)
        except (LookupError, ValueError):
            model = None
        fields = {f.attname: f for f in model._meta.concrete_fields} if model else {}
        # A link kept by its name as well (tenancy.records.record_snapshot: "slip_type" beside
        # "slip_type_id") reads by the name; its id row is left out.
        named = {
            f.name: f
            for f in fields.values()
            if f.is_relation and f.name != f.attname and (f.name in before or f.name in after)
        }
        order = {name: i for i, name in enumerate(fields)}
        order.update({name: order[f.attname] for name, f in named.items()})
        keys = sorted(set(before) | set(after), key=lambda k: (order.get(k, len(order)), k))
        rows = []
        for key in keys:
            old, new = before.get(key), after.get(key)
            if old == new or key in HISTORY_HIDDEN_FIELDS:
                continue
            if key in named:
                label = str(named[key].verbose_name).capitalize()
                rows.append((label, _readable(None, old), _readable(None, new)))
                continue
            field = fields.get(key)
            if field is not None and field.is_relation and field.name in named:
                continue
            label = str(field.verbose_name).capitalize() if field else key.replace("_", " ")
            if field is not None and (field.is_relation or isinstance(field, models.JSONField)):
                if not getattr(field, "base_field", None) and not field.choices:
                    rows.append((label, "", "changed"))
                    continue
            rows.append((label, _readable(field, old), _readable(field, new)))
        return rows


# Bookkeeping a person reading a record's history does not need: the version counters and the
# checker's stored output (its findings are on the record's page).
HISTORY_HIDDEN_FIELDS = frozenset(
    {"version", "record_version", "quality_report", "quality_score", "search_name"}
)


def _readable(field, value) -> str:
    """One stored (JSON) value as the field's form would show it."""
    if value is None or value == "" or value == []:
        return "—"
    if field is None:
        return str(value)
    base = getattr(field, "base_field", None)
    if isinstance(value, list):
        labels = dict((base or field).flatchoices) if (base or field).choices else {}
        return "; ".join(str(labels.get(v, v)) for v in value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    try:
        if isinstance(field, models.DateTimeField):
            # In the zone the page is shown in (a record's history: its site's).
            return f"{timezone.localtime(datetime.datetime.fromisoformat(value)):%-d %b %Y %H:%M}"
        if isinstance(field, models.DateField):
            return f"{datetime.date.fromisoformat(value):%-d %b %Y}"
        if isinstance(field, models.TimeField):
            return f"{datetime.time.fromisoformat(value):%H:%M}"
    except (TypeError, ValueError):
        pass
    if isinstance(value, (dict, list)):
        return "changed"
    return str(value)
