"""Every write about slips, points, attendance and progress. Keyword-only arguments, one transaction
each, one audit entry per changed record."""

import datetime
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from people.models import Child
from tenancy import records, schooldays
from tenancy.access import Access, require_manager
from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import CURRENT, save_if_unchanged
from tenancy.hooks import publish
from tenancy.models import Site

from . import codes
from .models import (
    Appointment,
    AssessmentPoint,
    AttendanceMark,
    ClassPoints,
    Grade,
    Kind,
    Outcome,
    PointsSettings,
    SavedFilter,
    Slip,
    SlipType,
    Subject,
)


def _require_site_member(access: Access, site_id: int) -> None:
    """Recording slips, points, marks and appointments: tenancy.access.ACCESS_TABLE's
    "behaviour" row (key workers and managers of the site, not moderators)."""
    if not access.can("behaviour", "write", site_id):
        raise PermissionDenied("Only key workers and managers of that site record behaviour.")
    if site_id not in access.open_site_ids:
        raise PermissionDenied("That site is closed: its records are read-only.")


# ---- slips ------------------------------------------------------------------------------------


@transaction.atomic
def slip_record(
    *,
    access: Access,
    child: Child,
    kind: str,
    occurred_at: datetime.datetime,
    what_happened: str,
    slip_type: SlipType | None = None,
    lesson: str = "",
    location: str = "",
    action_taken: str = "",
    outcome: str = "",
    outcome_detail: str = "",
    points: int = 0,
    worth_a_call: bool = False,
    others: list[Child] | tuple = (),
) -> Slip:
    """Record a slip for ``child``, recorded by the signed-in user, and a linked slip for each other
    child involved (each child's slip shows nothing of the others). The one place slips are made, so
    later hooks (same-day calls home) attach here."""
    _require_site_member(access, child.site_id)
    if timezone.is_naive(occurred_at):
        raise ValidationError({"occurred_at": "A date and time in the site's time zone is needed."})
    if occurred_at > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"occurred_at": "A slip cannot be recorded for the future."})
    if slip_type is not None:
        kind = slip_type.kind
    if kind not in Kind.values:
        raise ValidationError({"kind": "Choose a type of slip."})
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose an outcome from the list."})
    if not what_happened.strip():
        raise ValidationError({"what_happened": "Say what happened."})
    for other in others:
        if other.pk == child.pk:
            raise ValidationError(
                {"others": f"{child.display_name} is the child this slip is for: remove them."}
            )
        if other.site_id != child.site_id:
            raise ValidationError(
                {"others": f"{other.display_name} is at another site: record their slip there."}
            )
    ref = uuid.uuid4().hex
    common = dict(
        organisation_id=child.organisation_id,
        site_id=child.site_id,
        kind=kind,
        slip_type=slip_type,
        occurred_at=occurred_at,
        lesson=lesson.strip(),
        location=location.strip(),
        recorded_by=access.user,
        what_happened=what_happened.strip(),
        action_taken=action_taken.strip(),
        outcome=outcome,
        outcome_detail=outcome_detail.strip(),
        points=points,
        worth_a_call=worth_a_call,
        incident_ref=ref,
    )
    slip = Slip.objects.create(child=child, **common)
    audit_write(actor=access.user, action=Action.CREATE, instance=slip, before=None)
    for other in others:
        linked = Slip.objects.create(child=other, is_linked=True, **common)
        audit_write(
            actor=access.user,
            action=Action.CREATE,
            instance=linked,
            before=None,
            summary="Linked slip: named as involved in an incident",
        )
    publish("behaviour.slip_recorded", slip_id=slip.pk)
    return slip


def can_change_slip(access: Access, slip: Slip) -> bool:
    return slip.recorded_by_id == access.user.pk or access.can_manage_site(slip.site_id)


SLIP = "behaviour.slip"  # its kind in tenancy.records (behaviour/records.py)
SLIP_CORRECTABLE = (
    "what_happened",
    "action_taken",
    "outcome",
    "outcome_detail",
    "points",
    "lesson",
    "location",
)


def slip_check(access: Access, slip: Slip, *, options: dict) -> list[str]:
    """A corrected slip still says what happened (tenancy.records' ``validate`` hook)."""
    if not slip.what_happened:
        raise ValidationError({"what_happened": "Say what happened."})
    return []


def slip_correct(*, access: Access, slip: Slip, version: int | None, reason: str, **fields) -> Slip:
    """A new version of the slip's text and outcome (``SLIP_CORRECTABLE``), with the reason; the
    earlier one is audited. Refusals: ``tenancy.records.correct``."""
    return records.correct(
        SLIP, access=access, instance=slip, version=version, reason=reason, fields=fields
    )


def slip_retract(*, access: Access, slip: Slip, reason: str, version: int | None = None) -> Slip:
    """Hide a slip recorded in error, keeping it and the reason (``tenancy.records.retract``)."""
    return records.retract(SLIP, access=access, instance=slip, version=version, reason=reason)


@transaction.atomic
def slip_type_add(*, access: Access, name: str, kind: str) -> SlipType:
    if not access.is_manager_anywhere and not access.is_org_admin:
        raise PermissionDenied("Only managers add slip types.")
    name = name.strip()
    if SlipType.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"There is already a slip type called “{name}”."})
    slip_type = SlipType.objects.create(
        organisation_id=access.organisation.pk, name=name, kind=kind
    )
    audit_write(actor=access.user, action=Action.CREATE, instance=slip_type, before=None)
    return slip_type


@transaction.atomic
def saved_filter_save(*, access: Access, name: str, query: str) -> SavedFilter:
    name = name.strip()[:80]
    if not name:
        raise ValidationError({"name": "Give the filter a name."})
    found, created = SavedFilter.objects.update_or_create(
        organisation_id=access.organisation.pk,
        user=access.user,
        name=name,
        defaults={"query": query[:1000]},
    )
    return found


@transaction.atomic
def saved_filter_delete(*, access: Access, saved: SavedFilter) -> None:
    if saved.user_id != access.user.pk:
        raise PermissionDenied("That is someone else's filter.")
    saved.delete()  # a user's own shortcut, not a record about a child


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


# ---- attendance -------------------------------------------------------------------------------


@dataclass
class MarkInput:
    child: Child
    date: datetime.date
    session: str
    code: str
    note: str = ""
    line: int | None = None  # the file's row number, for imports


@dataclass
class SaveResult:
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    kept_closures: list[str] = field(default_factory=list)  # rows left as the closure (#)

    @property
    def changed(self) -> int:
        return self.created + self.replaced


CLOSURE_CODE = "#"  # planned whole-school closure (codes.py)


class MarksRefused(ValidationError):
    def __init__(self, errors: list[str]):
        super().__init__(errors)
        self.rows = errors


def _where(mark: MarkInput) -> str:
    prefix = f"Row {mark.line}: " if mark.line else ""
    return f"{prefix}{mark.child.display_name}, {mark.date:%a %-d %b %Y} {mark.session}"


@transaction.atomic
def marks_save(
    *,
    access: Access,
    site: Site,
    marks: list[MarkInput],
    replace: bool,
    source: str = AttendanceMark.Source.REGISTER,
) -> SaveResult:
    """Save register marks all-or-nothing. A different mark already there is replaced only when
    ``replace`` is chosen; otherwise every such row is named and nothing is saved. The same mark
    again changes nothing, so re-importing a file is harmless.

    What a register can hold (DfE School Attendance guidance; tenancy.schooldays): marks only on
    the site's school days (never a Saturday or Sunday; on a holiday, closure day or bank holiday
    only ``#``) and only on days the child was on roll (from ``start_date``, before
    ``leaving_date``); any other mark is refused and its row named. An existing ``#`` (planned
    closure) is never replaced: the row is listed in ``kept_closures``. Raises ``MarksRefused``."""
    _require_site_member(access, site.pk)
    errors: list[str] = []
    seen: set[tuple] = set()
    site_calendar = schooldays.calendar_for(site)  # query: the site's term calendar
    for mark in marks:
        code_info = codes.lookup(mark.code)
        if code_info is None:
            errors.append(f"{_where(mark)}: “{mark.code}” is not an attendance code.")
        why = site_calendar.why_closed(mark.date)
        if why and mark.date.weekday() >= 5:
            errors.append(f"{_where(mark)}: {mark.date:%-d %B %Y} is {why}, not a school day.")
        elif why and code_info is not None and code_info.code != CLOSURE_CODE:
            errors.append(
                f"{_where(mark)}: {mark.date:%-d %B %Y} is {why}, not a school day; only "
                f"{CLOSURE_CODE} (planned closure) may be marked."
            )
        on_roll = mark.child.start_date <= mark.date and (
            mark.child.leaving_date is None or mark.date < mark.child.leaving_date
        )
        if not on_roll:
            errors.append(
                f"{_where(mark)}: not on roll that day (on roll from "
                f"{mark.child.start_date:%-d %B %Y}"
                + (f" until {mark.child.leaving_date:%-d %B %Y}" if mark.child.leaving_date else "")
                + ")."
            )
        if mark.session not in ("AM", "PM"):
            errors.append(f"{_where(mark)}: the session must be AM or PM.")
        if mark.child.site_id != site.pk:
            errors.append(f"{_where(mark)}: not on the roll of {site.name}.")
        key = (mark.child.pk, mark.date, mark.session)
        if key in seen:
            errors.append(f"{_where(mark)}: a second mark for the same session in this file.")
        seen.add(key)
    child_ids = {m.child.pk for m in marks}
    dates = {m.date for m in marks}
    existing = {
        (m.child_id, m.date, m.session): m
        for m in AttendanceMark.objects.select_for_update().filter(
            child_id__in=child_ids, date__in=dates
        )
    }
    if not replace:
        for mark in marks:
            found = existing.get((mark.child.pk, mark.date, mark.session))
            code = codes.lookup(mark.code)
            if found and found.code == CLOSURE_CODE:
                continue  # a closure stays the closure (below)
            if found and code and found.code != code.code:
                errors.append(
                    f"{_where(mark)}: already marked {found.code}; choose “replace existing "
                    f"marks” to change it to {code.code}."
                )
    if errors:
        raise MarksRefused(errors)
    result = SaveResult()
    for mark in marks:
        code = codes.lookup(mark.code).code
        found = existing.get((mark.child.pk, mark.date, mark.session))
        if found is None:
            row = AttendanceMark.objects.create(
                organisation_id=site.organisation_id,
                site=site,
                child=mark.child,
                date=mark.date,
                session=mark.session,
                code=code,
                note=mark.note.strip(),
                source=source,
                recorded_by=access.user,
            )
            audit_write(actor=access.user, action=Action.CREATE, instance=row, before=None)
            result.created += 1
        elif found.code == CLOSURE_CODE and code != CLOSURE_CODE:
            # A planned closure is the school's own record that no session was possible: an
            # import or a replace never turns it into an absence (it is named, not changed).
            result.kept_closures.append(f"{_where(mark)}: left as {CLOSURE_CODE} (closure).")
            result.unchanged += 1
        elif found.code != code or (mark.note.strip() and found.note != mark.note.strip()):
            before = snapshot(found)
            found.code, found.recorded_by, found.source = code, access.user, source
            if mark.note.strip():
                found.note = mark.note.strip()
            save_if_unchanged(found, CURRENT, ["code", "note", "recorded_by", "source"])
            audit_write(actor=access.user, action=Action.UPDATE, instance=found, before=before)
            result.replaced += 1
        else:
            result.unchanged += 1
    return result


@transaction.atomic
def appointment_log(
    *, access: Access, child: Child, date: datetime.date, session: str, kind: str, note: str = ""
) -> Appointment:
    _require_site_member(access, child.site_id)
    appointment = Appointment.objects.create(
        organisation_id=child.organisation_id,
        child=child,
        date=date,
        session=session,
        kind=kind,
        note=note.strip(),
        recorded_by=access.user,
    )
    audit_write(actor=access.user, action=Action.CREATE, instance=appointment, before=None)
    return appointment


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
