"""Attendance marks (register and imports) and appointments."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from people.models import Child
from tenancy import schooldays
from tenancy.access import Access
from tenancy.audit import Action, audit_write, snapshot
from tenancy.concurrency import CURRENT, save_if_unchanged
from tenancy.models import Site

from .. import codes
from ..models import (
    Appointment,
    AttendanceMark,
)
from ._common import SaveResult, _require_site_member

# ---- attendance -------------------------------------------------------------------------------


@dataclass
class MarkInput:
    child: Child
    date: datetime.date
    session: str
    code: str
    note: str = ""
    line: int | None = None  # the file's row number, for imports


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
