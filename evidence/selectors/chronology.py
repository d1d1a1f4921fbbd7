"""The child's chronology: sessions, slips, contacts, plans and allocation changes in one dated
list, filtered by kind, each entry linking to its record."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from behaviour.models import Slip
from behaviour.words import kind_label
from contacts.models import Contact
from people.models import Child, KeyWorkerAllocation
from people.selectors import allocated_staff_ids
from plans.models import PlanVersion
from plans.sections import NARROW_PLANS
from sessions_app.models import KeyWorkSession, Target
from tenancy.access import Access

# ---------------------------------------------------------------- 20.6 chronology

CHRONOLOGY_KINDS = {
    "session": ("Key-work session", "sessions"),
    "target": ("Target set", "sessions"),
    "slip": ("Behaviour slip", "behaviour"),
    "contact": ("Contact", "contacts"),
    "plan": ("Plan published", "plans"),
    "allocation": ("Key worker", "child"),
}


@dataclass
class Entry:
    """One record in the chronology: ``when`` a date (site calendar), ``kind`` a
    CHRONOLOGY_KINDS key, ``title`` and ``detail`` short text, ``url`` the record's page or ''."""

    when: datetime.date
    kind: str
    title: str
    detail: str
    who: str
    url: str = ""
    sort: tuple = ()

    @property
    def kind_label(self) -> str:
        return CHRONOLOGY_KINDS[self.kind][0]


def chronology_kinds(access: Access, child: Child) -> list[str]:
    """The kinds of record the user may read about the child (the access table)."""
    own = None

    def is_own():
        nonlocal own
        if own is None:
            own = access.user.pk in allocated_staff_ids(child)
        return own

    return [
        k
        for k, (_, record) in CHRONOLOGY_KINDS.items()
        if access.can(record, "read", child.site_id, is_own=is_own)
    ]


def chronology(
    child: Child,
    *,
    kinds: list[str],
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    narrow_plans: bool = False,
) -> list[Entry]:
    """Every record about ``child`` of ``kinds`` between ``start`` and ``end`` (inclusive, the
    site's calendar), oldest first: key-work sessions submitted or signed off (drafts are their
    author's), targets set, behaviour slips (not retracted), contacts (not retracted), plan
    versions published (risk assessments and behaviour plans only with ``narrow_plans``) and key
    worker allocations. Safeguarding concern text is never part of it. One query per kind."""
    from django.urls import reverse

    tz = ZoneInfo(child.site.time_zone)
    entries: list[Entry] = []

    def in_range(day):
        return (start is None or day >= start) and (end is None or day <= end)

    if "session" in kinds:
        for s in KeyWorkSession.objects.filter(
            child=child, status__in=KeyWorkSession.COUNTED
        ).select_related("author"):  # query: the child's sessions
            if in_range(s.date):
                detail = s.get_focus_display() if s.focus else s.get_engagement_display()
                entries.append(
                    Entry(s.date, "session", s.display_title, detail, _name(s.author),
                          reverse("sessions_app:session_detail", args=[s.pk]), (s.start_time,))
                )  # fmt: skip
    if "target" in kinds:
        for t in Target.objects.filter(
            child=child, set_in__status__in=KeyWorkSession.COUNTED
        ).select_related("set_in", "set_in__author"):  # query: the targets set
            if in_range(t.set_in.date):
                outcome = t.get_outcome_display() if t.outcome else "Open"
                entries.append(
                    Entry(t.set_in.date, "target", t.what[:200],
                          f"{t.get_area_display()}; by {t.due_on:%d %b %Y}; {outcome}",
                          _name(t.set_in.author),
                          reverse("sessions_app:child_targets", args=[child.pk]),
                          (t.set_in.start_time,))
                )  # fmt: skip
    if "slip" in kinds:
        for s in Slip.objects.filter(child=child, retracted_at__isnull=True).select_related(
            "slip_type", "recorded_by"
        ):  # query: the child's slips
            day = s.occurred_at.astimezone(tz)
            if in_range(day.date()):
                entries.append(
                    Entry(day.date(), "slip",
                          kind_label(s.kind, school=child.site.is_school)
                          + (f": {s.slip_type.name}" if s.slip_type else ""),
                          s.what_happened[:300], _name(s.recorded_by),
                          reverse("behaviour:slip_detail", args=[s.pk]), (day.time(),))
                )  # fmt: skip
    if "contact" in kinds:
        for c in Contact.objects.filter(child=child, retracted_at__isnull=True).select_related(
            "recorded_by"
        ):  # query: the child's contacts
            day = c.occurred_at.astimezone(tz)
            if in_range(day.date()):
                entries.append(
                    Entry(day.date(), "contact", f"{c.get_kind_display()} with {c.with_whom}",
                          f"{c.get_method_display()}, {c.get_purpose_display().lower()}",
                          _name(c.recorded_by),
                          reverse("contacts:contact_detail", args=[c.pk]), (day.time(),))
                )  # fmt: skip
    if "plan" in kinds:
        versions = PlanVersion.objects.filter(child=child, published_at__isnull=False)
        if not narrow_plans:
            versions = versions.exclude(plan__plan_type__in=NARROW_PLANS)
        for v in versions.select_related("plan", "published_by"):  # query: plans published
            day = v.published_at.astimezone(tz)
            if in_range(day.date()):
                entries.append(
                    Entry(day.date(), "plan", f"{v.plan.get_plan_type_display()} published",
                          f"Plan date {v.plan_date:%d %b %Y}", _name(v.published_by),
                          "", (day.time(),))
                )  # fmt: skip
    if "allocation" in kinds:
        for a in KeyWorkerAllocation.objects.filter(child=child).select_related(
            "staff"
        ):  # query: the key-worker allocations
            if in_range(a.starts_on):
                until = f" until {a.ends_on:%d %b %Y}" if a.ends_on else ""
                entries.append(
                    Entry(a.starts_on, "allocation",
                          f"{a.get_kind_display()}: {_name(a.staff)}{until}",
                          a.get_reason_display(), "")
                )  # fmt: skip
    order = list(CHRONOLOGY_KINDS)  # on one day and time: the session before the targets it set
    entries.sort(key=lambda e: (e.when, str(e.sort[0]) if e.sort else "", order.index(e.kind)))
    return entries


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username
