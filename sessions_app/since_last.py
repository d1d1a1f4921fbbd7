"""The school "since last session" panel: behaviour slips, class points and attendance between two
dates, from the behaviour app when it is there. Kept to one small function so the sessions app works
(and says so) before behaviour data exists."""

import datetime
import logging

from django.db import transaction

log = logging.getLogger(__name__)


def since_last_summary(child, start: datetime.date, end: datetime.date) -> dict:
    """``behaviour.selectors.key_work_summary`` for the period, or ``{}`` when there is none yet."""
    try:
        from behaviour.selectors import key_work_summary
    except ImportError:
        return {}
    try:
        # A savepoint: a failed query in the panel must not break the caller's transaction.
        with transaction.atomic():
            summary = key_work_summary(child, start, end)
    except Exception:  # a failing panel must never stop a key worker recording a session
        log.exception("key_work_summary failed for child %s", child.pk)
        return {}
    return dict(summary) if summary else {}


def _day(iso: str) -> str:
    try:
        return f"{datetime.date.fromisoformat(iso):%-d %b}"
    except (TypeError, ValueError):
        return str(iso)


def _plural(n, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _slips(value: dict) -> str:
    kinds = value.get("by_kind") or {}
    text = (
        f"{_plural(kinds.get('low', 0), 'low-level slip')}, "
        f"{_plural(kinds.get('high', 0), 'high-level incident')}"
    )
    types = value.get("by_type") or {}
    if types:
        text += " (" + ", ".join(f"{name}: {n}" for name, n in types.items()) + ")"
    return text


def _positives(value: dict) -> str:
    return (
        f"{_plural(value.get('green_slips', 0), 'green slip')}, "
        f"{value.get('growth_mindset', 0)} growth mindset"
    )


def _days_covered(week_start: str, period: dict | None) -> int:
    """Weekdays of the week inside the panel's period (5 without a period: older records)."""
    try:
        monday = datetime.date.fromisoformat(week_start)
        start = datetime.date.fromisoformat((period or {})["start"])
        end = datetime.date.fromisoformat((period or {})["end"])
    except (KeyError, TypeError, ValueError):
        return 5
    return sum(1 for i in range(5) if start <= monday + datetime.timedelta(days=i) <= end)


def _class_points(value: dict, period: dict | None = None) -> str:
    """Points by week. A week the period covers only part of says so and is judged against a
    target prorated by its weekdays, never the whole week's: "met" counts complete weeks only.
    Works on panels frozen before part weeks were marked (from the period's dates)."""
    weeks = value.get("weeks") or []
    target = value.get("weekly_target")
    text = f"{value.get('total', 0)} in all"
    parts = []
    complete = met = 0
    for w in weeks:
        days = w.get("days", _days_covered(w.get("week_start"), period))
        entry = f"week of {_day(w.get('week_start'))}: {w.get('points', 0)}"
        if days < 5:
            entry += f" (part week, {days} of 5 days"
            if target:
                entry += f"; target for those days {round(target * days / 5)}"
            entry += ")"
        else:
            complete += 1
            met += 1 if target and w.get("points", 0) >= target else 0
        parts.append(entry)
    if target:
        if complete:
            text += f"; weekly target {target}, met {met} of {complete} complete week"
            text += "" if complete == 1 else "s"
        else:
            text += f"; weekly target {target} (no complete week in this period to judge)"
    if parts:
        text += " (" + ", ".join(parts) + ")"
    return text


def _attendance(value: dict) -> str:
    possible = value.get("possible_sessions", 0)
    if not possible:
        return "no sessions to attend"
    text = (
        f"{value.get('attendance_percent')}% ({value.get('attended_sessions', 0)} of "
        f"{possible} sessions)"
    )
    parts = []
    if value.get("authorised_absence_sessions"):
        parts.append(f"{value['authorised_absence_sessions']} authorised absence")
    if value.get("unauthorised_absence_sessions"):
        parts.append(f"{value['unauthorised_absence_sessions']} unauthorised absence")
    if value.get("lates"):
        parts.append(_plural(value["lates"], "late mark"))
    if value.get("band") == "persistent":
        parts.append("persistent absence (below 90%)")
    elif value.get("band") == "severe":
        parts.append("severe absence (below 50%)")
    return text + ("; " + "; ".join(parts) if parts else "")


def _patterns(value: list, window: dict | None) -> str:
    names = [p.get("title") or p.get("detail") or "" for p in value if isinstance(p, dict)]
    text = "; ".join(n for n in names if n) or "none found"
    if window:
        text += f" (looking back from {_day(window.get('start'))} to {_day(window.get('end'))})"
    return text


KNOWN = {
    "slips": ("Behaviour", _slips),
    "positives": ("Positives", _positives),
    "class_points": ("Class points", _class_points),
    "attendance": ("Attendance", _attendance),
}
HIDDEN = {"child_id", "period", "patterns_window"}


def summary_rows(summary: dict | None) -> list[tuple[str, str]]:
    """The frozen panel as (label, sentence) rows for pages and PDFs: the behaviour app's known
    parts in words, anything else it adds later shown plainly rather than lost."""
    rows = []
    summary = summary or {}
    for key, value in summary.items():
        if key in HIDDEN:
            continue
        if key == "class_points" and isinstance(value, dict):
            rows.append(("Class points", _class_points(value, summary.get("period"))))
        elif key in KNOWN and isinstance(value, dict):
            label, render = KNOWN[key]
            rows.append((label, render(value)))
        elif key == "patterns" and isinstance(value, list):
            rows.append(("Patterns", _patterns(value, summary.get("patterns_window"))))
        else:
            rows.append((str(key).replace("_", " ").capitalize(), _plain(value)))
    return rows


def _plain(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{str(k).replace('_', ' ')}: {v}" for k, v in value.items()) or "none"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "none"
    if value is None:
        return "not recorded"
    return str(value)
