"""Plans and their versions: drafts, saving, publishing, sharing, the Placement Plan's section
titles."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from tenancy import schooldays
from tenancy.access import Access
from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import EditConflict, save_if_unchanged
from tenancy.hooks import CHILDREN_CHANGED, publish
from tenancy.timeutils import site_today

from ..models import (
    Plan,
    PlanSectionTitle,
    PlanType,
    PlanVersion,
)
from ..quality_link import check_version
from ..sections import DEFAULT_PLACEMENT_SECTIONS, REVIEW_DAYS, missing_sections, plan_types_for
from ..selectors import month_records
from ..selectors import sections as plan_sections
from ._common import _require_editor
from .update_tasks import plan_update_tasks_close


def normalise_content(plan_type: str, content: dict) -> dict:
    """Keep only known sections and fields, record each section's title (so an old version reads
    correctly after the organisation renames a section), drop empty list rows and give new rows a
    stable ``ref``."""
    clean = {}
    for section in plan_sections(plan_type):
        data = content.get(section.key) or {}
        if section.many:
            items = []
            for item in data.get("items") or []:
                values = {f.name: str(item.get(f.name) or "").strip() for f in section.fields}
                if not any(values.values()):
                    continue
                values["ref"] = str(item.get("ref") or "").strip()[:16] or uuid.uuid4().hex[:8]
                items.append(values)
            clean[section.key] = {"title": section.title, "items": items}
        else:
            clean[section.key] = {"title": section.title} | {
                f.name: str(data.get(f.name) or "").strip() for f in section.fields
            }
    return clean


def _initial_content(child, plan_type: str, plan_date: datetime.date) -> dict:
    """A first draft: the Monthly Review from the month's records, the pupil on a page from the
    EHCP and IEP; otherwise empty."""
    if plan_type == PlanType.MONTHLY_REVIEW:
        start = plan_date.replace(day=1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        found = month_records(child, start, end)
        labels = {
            "sessions": "Key-work sessions",
            "incidents": "Incidents",
            "attendance": "Attendance",
            "contacts": "Contacts",
        }
        lines = []
        for name, rows in found.lines.items():
            lines.append(f"{labels[name]} ({len(rows)}):")
            lines += [f"- {row}" for row in rows]
        text = "\n".join(lines) or (
            f"No sessions, incidents, contacts or attendance recorded between "
            f"{start:%d %B} and {end:%d %B %Y}."
        )
        content = {
            key: {"text": "Sessions this month:\n" + "\n".join(f"- {row}" for row in rows)}
            for key, rows in found.by_section.items()
        }
        content["records"] = {"text": text}
        return content
    if plan_type == PlanType.PUPIL_ON_A_PAGE:
        current = {
            v.plan.plan_type: v.content
            for v in PlanVersion.objects.filter(
                plan__child=child,
                plan__plan_type__in=[PlanType.EHCP, PlanType.IEP],
                status="current",
            ).select_related("plan")
        }
        ehcp, iep = current.get(PlanType.EHCP, {}), current.get(PlanType.IEP, {})
        like = (ehcp.get("A") or {}).get("text", "")
        targets = [i.get("target", "") for i in (iep.get("targets") or {}).get("items", [])]
        provision = [i.get("provision", "") for i in (ehcp.get("F") or {}).get("items", [])]
        return {
            "like": {"text": like},
            "matters": {"text": "\n".join(f"- {t}" for t in targets if t)},
            "support": {"text": "\n".join(f"- {p}" for p in provision if p)},
        }
    return {}


EHCP_PAPERWORK_DAYS = 14
# Section keys the Monthly Review adds around the Placement Plan's own.
MONTHLY_OWN_KEYS = {"records", "views", "summary"}


@transaction.atomic
def plan_draft_start(*, access: Access, child, plan_type: str) -> PlanVersion:
    """The plan's draft, started now if there is none: a copy of the current version, or a first
    draft (pre-filled where the plan type has a source)."""
    if plan_type not in plan_types_for(child.site):
        raise ValidationError("That plan is not kept for this child.")
    _require_editor(access, child)
    plan, created = Plan.objects.get_or_create(
        child=child, plan_type=plan_type, defaults={"organisation_id": child.organisation_id}
    )
    if created:
        audit_write(actor=access.user, action=Action.CREATE, instance=plan, before=None)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)  # serialises two people starting
    existing = PlanVersion.objects.filter(plan=plan, status="draft").first()
    if existing:
        return existing
    current = PlanVersion.objects.filter(plan=plan, status="current").first()
    today = site_today(child.site)
    last = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    if current and plan_type != PlanType.MONTHLY_REVIEW:
        content = current.content
    else:
        content = _initial_content(child, plan_type, today)
    draft = PlanVersion.objects.create(
        organisation_id=child.organisation_id,
        plan=plan,
        child=child,
        number=(last.number + 1) if last else 1,
        status=PlanVersion.Status.DRAFT,
        content=normalise_content(plan_type, content),
        plan_date=today,
        next_review_date=review_day(child, today + datetime.timedelta(days=REVIEW_DAYS[plan_type])),
        # EHCP: the annual-review paperwork is due a fortnight before the review by default.
        paperwork_deadline=review_day(
            child, today + datetime.timedelta(days=REVIEW_DAYS[plan_type] - EHCP_PAPERWORK_DAYS)
        )
        if plan_type == PlanType.EHCP
        else None,
        author=access.user,
    )
    audit_write(actor=access.user, action=Action.CREATE, instance=draft, before=None)
    return draft


def review_day(child, day: datetime.date) -> datetime.date:
    """A default review or paperwork date on a day the child's site is closed (a weekend, a bank
    holiday of its region, a school's holiday or closure day) brought forward to the open day
    before it: a review is a statutory maximum, never moved later. One query (the calendar)."""
    site_calendar = schooldays.calendar_for(child.site)
    for _ in range(60):
        if site_calendar.is_open(day):
            return day
        day -= datetime.timedelta(days=1)
    return day


def _check_dates(plan_date, next_review_date, paperwork_deadline) -> None:
    errors = {}
    if next_review_date and plan_date and next_review_date < plan_date:
        errors["next_review_date"] = "The review date cannot be before the plan's date."
    if paperwork_deadline and next_review_date and paperwork_deadline > next_review_date:
        errors["paperwork_deadline"] = "The paperwork is due on or before the annual review."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_draft_save(
    *,
    access: Access,
    version: PlanVersion,
    expected_version: int | None,
    content: dict,
    plan_date: datetime.date,
    next_review_date: datetime.date | None,
    paperwork_deadline: datetime.date | None = None,
    change_summary: str = "",
) -> PlanVersion:
    """Save the draft's text. Refused (``EditConflict``) if someone saved it since it was opened."""
    child = version.child
    _require_editor(access, child)
    if version.status != PlanVersion.Status.DRAFT:
        raise ValidationError("Only a draft can be changed: start a new version instead.")
    _check_dates(plan_date, next_review_date, paperwork_deadline)
    before = snapshot(version)
    version.content = normalise_content(version.plan.plan_type, content)
    version.plan_date = plan_date
    version.next_review_date = next_review_date
    version.paperwork_deadline = paperwork_deadline
    version.change_summary = change_summary.strip()
    version.author = access.user
    version.quality_score, version.quality_report = check_version(
        access, version, plan_sections(version.plan.plan_type)
    )
    save_if_unchanged(
        version,
        expected_version,
        [
            "content",
            "plan_date",
            "next_review_date",
            "paperwork_deadline",
            "change_summary",
            "author",
            "quality_score",
            "quality_report",
        ],
    )
    audit_write(actor=access.user, action=Action.UPDATE, instance=version, before=before)
    return version


@transaction.atomic
def plan_publish(*, access: Access, version: PlanVersion, expected_version: int | None) -> int:
    """Make the draft the current version (the old one is kept as superseded) and close the plan's
    open update tasks. Returns how many tasks were closed."""
    child = version.child
    _require_editor(access, child)
    version = PlanVersion.objects.select_for_update().select_related("plan").get(pk=version.pk)
    if expected_version is not None and version.version != expected_version:
        raise EditConflict()
    if version.status != PlanVersion.Status.DRAFT:
        raise ValidationError("This version has already been published.")
    plan_type = version.plan.plan_type
    missing = missing_sections(plan_sections(plan_type), version.content)
    if missing:
        raise ValidationError(
            "Before publishing, fill in: " + "; ".join(missing) + ".", code="incomplete"
        )
    if not version.change_summary:
        raise ValidationError(
            {"change_summary": "Say what changed in this version before publishing it."}
        )
    if version.next_review_date is None:
        raise ValidationError({"next_review_date": "A published plan needs a review date."})
    _check_dates(version.plan_date, version.next_review_date, version.paperwork_deadline)
    for current in PlanVersion.objects.select_for_update().filter(
        plan=version.plan, status=PlanVersion.Status.CURRENT
    ):
        before = snapshot(current)
        current.status = PlanVersion.Status.SUPERSEDED
        current.save(update_fields=["status", "updated_at"])
        audit_write(
            actor=access.user,
            action=Action.UPDATE,
            instance=current,
            before=before,
            summary=f"Superseded by version {version.number}",
        )
    before = snapshot(version)
    version.status = PlanVersion.Status.CURRENT
    version.published_at = timezone.now()
    version.published_by = access.user
    version.version += 1
    version.save(update_fields=["status", "published_at", "published_by", "version", "updated_at"])
    audit_write(
        actor=access.user,
        action=Action.SUBMIT,
        instance=version,
        before=before,
        summary=f"Published version {version.number}: {version.change_summary}"[:300],
    )
    publish(CHILDREN_CHANGED, child_ids=[child.pk])  # the plan's next review date
    publish("plans.plan_published", version_id=version.pk)  # a review's follow-ups: actions
    return plan_update_tasks_close(
        actor=access.user,
        child=child,
        plan_type=plan_type,
        note=f"Version {version.number} published: {version.change_summary}",
    )


@transaction.atomic
def plan_share(*, access: Access, plan: Plan, shared: bool) -> Plan:
    """Pupil on a page: "share with staff" makes it visible to every staff member of the site."""
    _require_editor(access, plan.child)
    if plan.plan_type != PlanType.PUPIL_ON_A_PAGE:
        raise ValidationError("Only a pupil on a page is shared with staff.")
    if shared and not PlanVersion.objects.filter(plan=plan, status="current").exists():
        raise ValidationError("Publish the pupil on a page before sharing it.")
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.shared_with_staff != shared:
        before = snapshot(plan)
        plan.shared_with_staff = shared
        plan.save(update_fields=["shared_with_staff"])
        audit_write(actor=access.user, action=Action.UPDATE, instance=plan, before=before)
    return plan


@transaction.atomic
def placement_sections_set(*, access: Access, titles: list[str]) -> list[PlanSectionTitle]:
    """An organisation's Placement Plan sections, in order. Removed titles are retired, not deleted."""
    if not access.is_org_admin:
        raise PermissionDenied("Only an organisation admin changes the plan sections.")
    titles = [t.strip() for t in titles if t.strip()]
    if not titles:
        raise ValidationError({"titles": "Give at least one section."})
    keys = [slugify(t)[:60] or f"section-{n}" for n, t in enumerate(titles, 1)]
    if len(set(keys)) != len(keys):
        raise ValidationError({"titles": "Two sections have the same title."})
    reserved = set(keys) & MONTHLY_OWN_KEYS
    if reserved:
        raise ValidationError(
            {
                "titles": "The Monthly Review has its own “records”, “views” and “summary”: "
                "choose another title."
            }
        )
    existing = {
        s.key: s
        for s in PlanSectionTitle.objects.select_for_update().filter(
            plan_type=PlanType.PLACEMENT_PLAN
        )
    }
    if not existing:
        for position, (key, title) in enumerate(DEFAULT_PLACEMENT_SECTIONS):
            existing[key] = PlanSectionTitle.objects.create(
                organisation=access.organisation,
                plan_type=PlanType.PLACEMENT_PLAN,
                key=key,
                title=title,
                position=position,
            )
    result = []
    for position, (key, title) in enumerate(zip(keys, titles, strict=True)):
        row = existing.pop(key, None)
        before = snapshot(row) if row else None
        if row is None:
            row = PlanSectionTitle(
                organisation=access.organisation, plan_type=PlanType.PLACEMENT_PLAN, key=key
            )
        row.title, row.position, row.is_active = title[:120], position, True
        row.save()
        audit_write(
            actor=access.user,
            action=Action.UPDATE if before else Action.CREATE,
            instance=row,
            before=before,
        )
        result.append(row)
    for row in existing.values():
        if row.is_active:
            before = snapshot(row)
            row.is_active = False
            row.save(update_fields=["is_active"])
            audit_write(actor=access.user, action=Action.UPDATE, instance=row, before=before)
    return result
