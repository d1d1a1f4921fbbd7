"""Class points and their weekly target; progress grades."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from people.models import Child
from tenancy.access import Access, require_manager
from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import CURRENT, save_if_unchanged
from tenancy.models import Site

from ..models import (
    AssessmentPoint,
    ClassPoints,
    Grade,
    PointsSettings,
    Subject,
)
from ._common import SaveResult, _require_site_member
from .attendance import MarksRefused

# ---- class points -----------------------------------------------------------------------------


@transaction.atomic
def points_save(
    *,
    access: Access,
    site: Site,
    date: datetime.date,
    lesson: str,
    points: dict[int, int | None],
) -> dict[str, int]:
    """A whole class's points for one lesson: new rows created, changed rows updated, blanks left."""
    _require_site_member(access, site.pk)
    lesson = lesson.strip()
    if not lesson:
        raise ValidationError({"lesson": "Name the lesson."})
    children = {
        c.pk: c
        for c in Child.objects.filter(
            site=site, pk__in=[k for k, v in points.items() if v is not None]
        )
    }
    existing = {
        p.child_id: p
        for p in ClassPoints.objects.select_for_update().filter(site=site, date=date, lesson=lesson)
    }
    result = {"created": 0, "updated": 0, "unchanged": 0}
    for child_id, value in points.items():
        if value is None:
            continue
        if child_id not in children:
            raise ValidationError(f"Child {child_id} is not at {site.name}.")
        row = existing.get(child_id)
        if row is None:
            row = ClassPoints.objects.create(
                organisation_id=site.organisation_id,
                site=site,
                child=children[child_id],
                date=date,
                lesson=lesson,
                points=value,
                recorded_by=access.user,
            )
            audit_write(actor=access.user, action=Action.CREATE, instance=row, before=None)
            result["created"] += 1
        elif row.points != value:
            before = snapshot(row)
            row.points, row.recorded_by = value, access.user
            row.save(update_fields=["points", "recorded_by", "updated_at"])
            audit_write(actor=access.user, action=Action.UPDATE, instance=row, before=before)
            result["updated"] += 1
        else:
            result["unchanged"] += 1
    return result


@transaction.atomic
def points_target_set(*, access: Access, site: Site, weekly_target: int) -> PointsSettings:
    require_manager(access, site.pk)
    current = PointsSettings.objects.filter(site=site).first()
    if current is None:
        current = PointsSettings.objects.create(
            organisation_id=site.organisation_id, site=site, weekly_target=weekly_target
        )
        audit_write(actor=access.user, action=Action.CREATE, instance=current, before=None)
        return current
    before = snapshot(current)
    current.weekly_target = weekly_target
    save_if_unchanged(current, CURRENT, ["weekly_target"])  # one number, last write wins
    audit_write(actor=access.user, action=Action.UPDATE, instance=current, before=before)
    return current


# ---- progress ---------------------------------------------------------------------------------


@dataclass
class GradeInput:
    child: Child
    subject: str
    assessment: str
    assessment_date: datetime.date
    working_at: Decimal
    target: Decimal | None
    line: int | None = None


@transaction.atomic
def grades_save(*, access: Access, site: Site, grades: list[GradeInput]) -> SaveResult:
    """Save grades all-or-nothing; subjects and assessment points are created on first use; the
    same grade again changes nothing."""
    require_manager(access, site.pk)
    errors = []
    seen = set()
    for g in grades:
        where = f"Row {g.line}: " if g.line else ""
        if g.child.site_id != site.pk:
            errors.append(f"{where}{g.child.display_name} is not on the roll of {site.name}.")
        key = (g.child.pk, g.subject.lower(), g.assessment.lower())
        if key in seen:
            errors.append(f"{where}a second grade for {g.subject}, {g.assessment} in this file.")
        seen.add(key)
    points = {p.name.lower(): p for p in AssessmentPoint.objects.filter(site=site)}
    for g in grades:
        found = points.get(g.assessment.lower())
        if found and found.date != g.assessment_date:
            errors.append(
                f"Row {g.line}: {found.name} is dated {found.date:%-d %b %Y} already, "
                f"not {g.assessment_date:%-d %b %Y}."
            )
    if errors:
        raise MarksRefused(errors)
    subjects = {s.name.lower(): s for s in Subject.objects.filter(site=site)}
    result = SaveResult()
    for g in grades:
        subject = subjects.get(g.subject.lower())
        if subject is None:
            subject = subjects[g.subject.lower()] = Subject.objects.create(
                organisation_id=site.organisation_id, site=site, name=g.subject
            )
            audit_write(actor=access.user, action=Action.CREATE, instance=subject, before=None)
        point = points.get(g.assessment.lower())
        if point is None:
            point = points[g.assessment.lower()] = AssessmentPoint.objects.create(
                organisation_id=site.organisation_id,
                site=site,
                name=g.assessment,
                date=g.assessment_date,
            )
            audit_write(actor=access.user, action=Action.CREATE, instance=point, before=None)
        grade = Grade.objects.filter(child=g.child, subject=subject, assessment_point=point).first()
        if grade is None:
            grade = Grade.objects.create(
                organisation_id=site.organisation_id,
                child=g.child,
                subject=subject,
                assessment_point=point,
                working_at=g.working_at,
                target=g.target,
                recorded_by=access.user,
            )
            audit_write(actor=access.user, action=Action.CREATE, instance=grade, before=None)
            result.created += 1
        elif grade.working_at != g.working_at or grade.target != g.target:
            before = snapshot(grade)
            grade.working_at, grade.target, grade.recorded_by = g.working_at, g.target, access.user
            save_if_unchanged(grade, CURRENT, ["working_at", "target", "recorded_by"])
            audit_write(actor=access.user, action=Action.UPDATE, instance=grade, before=before)
            result.replaced += 1
        else:
            result.unchanged += 1
    return result
