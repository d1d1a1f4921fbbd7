"""The pupil roll from the MIS: upload (read and keep), preview (what would change) and commit (all of
it, or nothing). Children are created and changed through people.services, family contacts through
people.services.guardian_save, and CTF attendance through the attendance import
(behaviour.imports.attendance_rows then behaviour.services.marks_save), so every check those apply
applies here too."""

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from behaviour import imports as attendance_import
from behaviour import services as behaviour_services
from people import services as people_services
from people.models import Child, Guardian
from tenancy.access import Access
from tenancy.audit import Action, audit_write
from tenancy.timeutils import site_today

from . import parsers
from .models import RollImport

# The child fields a roll file can set, with the words the preview shows.
FIELDS = {
    "upn": "UPN",
    "first_name": "Forename",
    "last_name": "Surname",
    "preferred_name": "Preferred forename",
    "date_of_birth": "Date of birth",
    "gender": "Gender",
    "year_group": "NC year",
    "reg_group": "Registration group",
    "start_date": "Admission date",
    "leaving_date": "Leaving date",
    "sen_status": "SEN provision",
    "looked_after": "Looked after",
}
GUARDIAN_FIELDS = (
    "relationship",
    "phone",
    "email",
    "parental_responsibility",
    "is_primary_contact",
)


class RollRefused(ValidationError):
    """The commit did not happen; ``rows`` says why, row by row."""

    def __init__(self, rows: list[str]):
        super().__init__(rows)
        self.rows = rows


@dataclass
class Change:
    child: Child
    row: parsers.PupilRow
    fields: list[tuple[str, object, object]]  # (label, old, new)
    values: dict  # field name → new value
    new_contacts: list[parsers.ContactRow] = field(default_factory=list)
    changed_contacts: list[tuple[Guardian, dict]] = field(default_factory=list)


@dataclass
class Plan:
    new: list[parsers.PupilRow] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    leavers: list[Child] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    marks: int = 0  # attendance marks in the file
    rows: list[parsers.PupilRow] = field(default_factory=list)  # every row matched or new

    @property
    def can_commit(self) -> bool:
        return not self.refused

    @property
    def is_empty(self) -> bool:
        return not (self.new or self.changes or self.leavers or self.marks)

    def digest(self) -> str:
        """A fingerprint of what the commit would do, so a commit applies what was previewed."""
        data = {
            "new": [r.to_json() for r in self.new],
            "changes": [(c.child.pk, c.child.version, sorted(c.values)) for c in self.changes],
            "contacts": [
                (c.child.pk, len(c.new_contacts), [g.pk for g, _ in c.changed_contacts])
                for c in self.changes
            ],
            "leavers": [c.pk for c in self.leavers],
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _require_manager(access: Access, site) -> None:
    if not access.can_manage_site(site.pk):
        raise PermissionDenied("Only managers and organisation admins import the roll.")


@transaction.atomic
def roll_upload(*, access: Access, site, upload) -> RollImport:
    """Read an uploaded roll file (CTF, CSV or XLSX) and keep what was read for the preview.
    Raises ``parsers.FileRefused`` (one message) when the file cannot be read at all."""
    _require_manager(access, site)
    name = (getattr(upload, "name", "") or "roll")[:200]
    if upload.size > parsers.MAX_BYTES:
        raise parsers.FileRefused(f"{name} is larger than {parsers.MAX_BYTES // 2**20} MB.")
    raw = upload.read(parsers.MAX_BYTES + 1)
    parsed = parsers.parse(raw, name)
    record = RollImport.objects.create(
        organisation_id=site.organisation_id,
        site=site,
        uploaded_by=access.user,
        file_name=name,
        sha256=hashlib.sha256(raw).hexdigest(),
        kind=parsed.kind,
        file_date=parsed.file_date or site_today(site),
        pupils=[p.to_json() for p in parsed.pupils],
        refused=parsed.refused,
        ignored_columns=parsed.ignored_columns,
    )
    audit_write(
        actor=access.user,
        action=Action.CREATE,
        instance=record,
        before=None,
        after={"file": name, "pupils": len(parsed.pupils), "refused": len(parsed.refused)},
        summary=f"Roll file read: {name}",
    )
    return record


def _contacts_plan(child: Child, contacts, guardians) -> tuple[list, list]:
    if contacts is None:
        return [], []
    mine = {parsers.name_key(g.name, "", child.date_of_birth): g for g in guardians}
    lowest = min((c.priority for c in contacts), default=1)
    new, changed = [], []
    for contact in contacts:
        values = {
            "relationship": contact.relationship,
            "phone": contact.phone,
            "email": contact.email,
            "parental_responsibility": contact.parental_responsibility,
            "is_primary_contact": contact.priority == lowest,
        }
        guardian = mine.get(parsers.name_key(contact.name, "", child.date_of_birth))
        if guardian is None:
            new.append(contact)
            continue
        diff = {
            k: v for k, v in values.items() if v not in ("", None) and getattr(guardian, k) != v
        }
        if diff:
            changed.append((guardian, diff))
    return new, changed


def plan(record: RollImport) -> Plan:
    """What committing ``record`` would do now: new pupils, changed fields (old → new), pupils of
    the site missing from the file (offered as leavers), and every refused row with its reason.

    Matching: on UPN first (anywhere in the organisation: a UPN held by a child of another site is
    refused, a move between sites being a transfer), then on forename, surname and date of birth
    (NFC, case-folded) among the site's children. A second row for the same pupil, or a name and
    date of birth shared by two children, is refused, never guessed.

    Queries: children of the organisation with the file's UPNs, children of the site, their family
    contacts (three), whatever the number of rows."""
    site = record.site
    rows = [parsers.PupilRow.from_json(p) for p in record.pupils]
    result = Plan(refused=list(record.refused))
    upns = {r.upn for r in rows if r.upn}
    by_upn = {c.upn: c for c in Child.objects.filter(upn__in=upns).select_related("site")}
    site_children = list(Child.objects.filter(site=site))
    by_name: dict[tuple, list[Child]] = {}
    for child in site_children:
        by_name.setdefault(
            parsers.name_key(child.first_name, child.last_name, child.date_of_birth), []
        ).append(child)
    guardians: dict[int, list[Guardian]] = {}
    for guardian in Guardian.objects.filter(child__site=site, retracted_at__isnull=True):
        guardians.setdefault(guardian.child_id, []).append(guardian)

    seen_upn: dict[str, str] = {}
    seen_key: dict[tuple, str] = {}
    matched: set[int] = set()
    for row in rows:
        key = parsers.name_key(row.first_name, row.last_name, row.date_of_birth)
        label = f"{row.where} ({row.name})"
        if row.upn and row.upn in seen_upn:
            result.refused.append(
                f"{label}: the UPN {row.upn} is also on {seen_upn[row.upn]}: one pupil, one UPN."
            )
            continue
        if key in seen_key:
            result.refused.append(f"{label}: the same pupil is also on {seen_key[key]}.")
            continue
        if row.upn:
            seen_upn[row.upn] = row.where
        seen_key[key] = row.where
        child = by_upn.get(row.upn) if row.upn else None
        if child is not None and child.site_id != site.pk:
            result.refused.append(
                f"{label}: the UPN {row.upn} belongs to a child at {child.site.name}; "
                "moving a child between sites is a transfer, not an import."
            )
            continue
        if child is None:
            candidates = by_name.get(key, [])
            if len(candidates) > 1:
                result.refused.append(
                    f"{label}: {len(candidates)} children at {site.name} have this name and date "
                    "of birth; give each a UPN in the product first."
                )
                continue
            if candidates:
                child = candidates[0]
                if child.upn and row.upn and child.upn != row.upn:
                    result.refused.append(
                        f"{label}: matches {child.display_name} by name and date of birth, but they "
                        f"have the UPN {child.upn}, not {row.upn}."
                    )
                    continue
        if child is not None and child.pk in matched:
            result.refused.append(f"{label}: matches {child.display_name} a second time.")
            continue
        result.marks += sum(1 for _, m in row.attendance for ch in m if ch not in "- ")
        result.rows.append(row)
        if child is None:
            result.new.append(row)
            continue
        matched.add(child.pk)
        fields, values = [], {}
        for name, label_text in FIELDS.items():
            new = getattr(row, name)
            if new is None or (name == "upn" and not new):
                continue  # not in this file: left as it is
            if name == "leaving_date" and new is None:
                continue
            old = getattr(child, name)
            if old != new:
                fields.append((label_text, old, new))
                values[name] = new
        new_contacts, changed_contacts = _contacts_plan(
            child, row.contacts, guardians.get(child.pk, [])
        )
        if fields or new_contacts or changed_contacts:
            result.changes.append(
                Change(child, row, fields, values, new_contacts, changed_contacts)
            )
        else:
            result.unchanged += 1
    result.leavers = [
        c
        for c in site_children
        if c.pk not in matched
        and (c.leaving_date is None or c.leaving_date > record.file_date)
        and c.start_date <= record.file_date
    ]
    return result


def _attendance(access: Access, record: RollImport, rows: list[parsers.PupilRow]) -> int:
    """CTF attendance through the attendance import: the marks become the import's own CSV layout
    (upn, date, session, code), read by ``behaviour.imports.attendance_rows`` and saved by
    ``behaviour.services.marks_save`` without replacing marks already there."""
    lines = ["upn,date,session,code"]
    for row in rows:
        if not row.upn:
            continue  # the attendance import matches on UPN; a CTF pupil always has one
        for start, marks in row.attendance:
            for day, session, code in parsers.marks_by_day(start, marks):
                lines.append(f"{row.upn},{day.isoformat()},{session},{code}")
    if len(lines) == 1:
        return 0
    upload = SimpleUploadedFile(
        f"attendance from {record.file_name}", "\n".join(lines).encode(), "text/csv"
    )
    marks = attendance_import.attendance_rows(upload, record.site)
    saved = behaviour_services.marks_save(
        access=access, site=record.site, marks=marks, replace=False, source="import"
    )
    return saved.changed


def _apply(access: Access, record: RollImport, the_plan: Plan, leavers, leaving_date) -> dict:
    site = record.site
    counts = {"new": 0, "changed": 0, "leavers": 0, "contacts": 0, "marks": 0}
    for row in the_plan.new:
        child = people_services.child_create(
            access=access,
            site=site,
            first_name=row.first_name,
            last_name=row.last_name,
            preferred_name=row.preferred_name or "",
            date_of_birth=row.date_of_birth,
            start_date=row.start_date or record.file_date,
            leaving_date=row.leaving_date,
            upn=row.upn,
            gender=row.gender or "",
            year_group=row.year_group or "",
            reg_group=row.reg_group or "",
            sen_status=row.sen_status or "",
            looked_after=bool(row.looked_after),
        )
        counts["new"] += 1
        for contact in row.contacts or []:
            _guardian_new(access, child, contact, row.contacts)
            counts["contacts"] += 1
    for change in the_plan.changes:
        if change.values:
            people_services.child_update(
                access=access, child=change.child, version=change.child.version, **change.values
            )
            counts["changed"] += 1
        for contact in change.new_contacts:
            _guardian_new(access, change.child, contact, change.row.contacts)
            counts["contacts"] += 1
        for guardian, diff in change.changed_contacts:
            people_services.guardian_save(
                access=access,
                child=change.child,
                guardian=guardian,
                version=guardian.version,
                **diff,
            )
            counts["contacts"] += 1
    for child in leavers:
        if leaving_date < child.start_date:
            raise RollRefused(
                [
                    f"{child.display_name} started on {child.start_date:%d/%m/%Y}: the leaving date "
                    "cannot be before that."
                ]
            )
        people_services.child_update(
            access=access, child=child, version=child.version, leaving_date=leaving_date
        )
        counts["leavers"] += 1
    counts["marks"] = _attendance(access, record, the_plan.rows)
    return counts


def _guardian_new(access, child, contact: parsers.ContactRow, all_contacts) -> None:
    lowest = min(c.priority for c in all_contacts)
    people_services.guardian_save(
        access=access,
        child=child,
        name=contact.name,
        relationship=contact.relationship,
        phone=contact.phone,
        email=contact.email,
        parental_responsibility=contact.parental_responsibility,
        is_primary_contact=contact.priority == lowest,
    )


def roll_preview(*, access: Access, record: RollImport) -> Plan:
    """The plan, checked by running the whole commit in a transaction that is then rolled back,
    so the preview also shows what the attendance import and the child checks would refuse."""
    _require_manager(access, record.site)
    if record.status != RollImport.Status.PREVIEW:
        return Plan()  # committed or discarded: nothing left to preview
    the_plan = plan(record)
    if not the_plan.can_commit:
        return the_plan
    try:
        with transaction.atomic():
            _apply(access, record, the_plan, [], record.file_date)
            raise _DryRun
    except _DryRun:
        pass
    except behaviour_services.MarksRefused as error:
        the_plan.refused.extend(f"Attendance — {e}" for e in error.rows)
    except ValidationError as error:
        the_plan.refused.extend(_messages(error))
    return the_plan


class _DryRun(Exception):
    pass


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "rows"):
        return list(error.rows)
    if hasattr(error, "message_dict"):
        return [f"{k}: {' '.join(v)}" for k, v in error.message_dict.items()]
    return list(error.messages)


@transaction.atomic
def roll_commit(
    *,
    access: Access,
    record: RollImport,
    digest: str,
    leaver_ids: list[int],
    leaving_date: datetime.date,
) -> dict:
    """Apply the previewed plan: all of it, or nothing (``RollRefused`` names every reason).
    ``digest`` is the preview's fingerprint: if the records changed since, nothing is done and the
    manager looks again. Leavers are only those ticked, given ``leaving_date``; nobody is deleted.
    Audited: each child and contact written, and the import itself with its counts."""
    _require_manager(access, record.site)
    record = RollImport.objects.select_for_update().get(pk=record.pk)
    if record.status != RollImport.Status.PREVIEW:
        raise RollRefused(["This file has already been committed or discarded."])
    the_plan = plan(record)
    if not the_plan.can_commit:
        raise RollRefused(the_plan.refused)
    if the_plan.digest() != digest:
        raise RollRefused(
            ["The records changed since this preview was made: look at the preview again."]
        )
    offered = {c.pk: c for c in the_plan.leavers}
    unknown = [i for i in leaver_ids if i not in offered]
    if unknown:
        raise RollRefused(["A leaver chosen is not one this file offered."])
    try:
        counts = _apply(access, record, the_plan, [offered[i] for i in leaver_ids], leaving_date)
    except behaviour_services.MarksRefused as error:
        raise RollRefused([f"Attendance — {e}" for e in error.rows])
    except ValidationError as error:
        raise RollRefused(_messages(error))
    record.status = RollImport.Status.COMMITTED
    record.result = counts
    record.committed_at = timezone.now()
    record.pupils = []  # now in the records themselves: the file's copy is not kept
    record.save(update_fields=["status", "result", "committed_at", "pupils"])
    audit_write(
        actor=access.user,
        action=Action.UPDATE,
        instance=record,
        before={"status": "preview"},
        after={"status": "committed", **counts},
        summary=(
            f"Roll imported from {record.file_name}: {counts['new']} new, {counts['changed']} "
            f"changed, {counts['leavers']} leavers, {counts['marks']} attendance marks"
        ),
    )
    return counts


@transaction.atomic
def roll_discard(*, access: Access, record: RollImport) -> None:
    _require_manager(access, record.site)
    if record.status == RollImport.Status.PREVIEW:
        record.status = RollImport.Status.DISCARDED
        record.pupils = []  # the file's data is not kept once it will not be used
        record.save(update_fields=["status", "pupils"])
        audit_write(
            actor=access.user,
            action=Action.UPDATE,
            instance=record,
            before={"status": "preview"},
            after={"status": "discarded"},
            summary="Roll file discarded",
        )
