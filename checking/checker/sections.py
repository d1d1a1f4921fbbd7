"""Whole-record rules: required and thin sections, the session's length, Quality Standards
ticked but not discussed."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .inputs import QUALITY_STANDARDS, SCHOOL_SESSION_MAX_MINUTES, SITE_DEFAULT, Context, FieldSpec
from .parsing import _excerpt, _words
from .report import Finding


def _sections(fields: Mapping[str, str], specs: tuple[FieldSpec, ...]) -> list[Finding]:
    found = []
    for spec in specs:
        text = (fields.get(spec.name) or "").strip()
        if not text:
            if spec.required:
                found.append(
                    Finding(
                        "missing_section",
                        spec.name,
                        0,
                        0,
                        "",
                        f"“{spec.label}” is empty.",
                        f"Fill in “{spec.label}”: it is part of every record of this kind.",
                    )
                )
            continue
        count = _words(text)
        if spec.min_words and count < spec.min_words:
            found.append(
                Finding(
                    "thin_section",
                    spec.name,
                    0,
                    len(fields[spec.name]),
                    _excerpt(fields[spec.name], 0, len(fields[spec.name])),
                    f"“{spec.label}” has {count} word{'s' if count != 1 else ''}; "
                    f"a complete record usually has at least {spec.min_words}.",
                    "Add what was discussed, what was said and what was agreed.",
                )
            )
    return found


def _session_rules(
    fields: Mapping[str, str],
    context: Context,
    duration_minutes: int | None,
    quality_standards: tuple[int, ...],
    max_minutes=SITE_DEFAULT,
) -> list[Finding]:
    found = []
    if max_minutes is SITE_DEFAULT:
        max_minutes = SCHOOL_SESSION_MAX_MINUTES if context.site_kind == "school" else None
    if max_minutes is not None and duration_minutes is not None and duration_minutes > max_minutes:
        found.append(
            Finding(
                "session_too_long",
                "duration",
                0,
                0,
                f"{duration_minutes} minutes",
                f"The session lasted {duration_minutes} minutes; this site's key-work sessions "
                f"are no longer than {max_minutes}.",
                f"Keep to {max_minutes} minutes, or record why this one needed longer.",
            )
        )
    if quality_standards:
        text = " ".join(fields.values()).lower()
        for number in sorted(set(quality_standards)):
            title, keywords = QUALITY_STANDARDS.get(number, (None, ()))
            if title is None:
                continue
            if not any(re.search(rf"\b{re.escape(k)}", text) for k in keywords):
                found.append(
                    Finding(
                        "standard_not_discussed",
                        "standards",
                        0,
                        0,
                        title,
                        f"“{title}” is ticked but the record does not say how it was discussed.",
                        "Write what was discussed under this standard, or untick it.",
                    )
                )
    return found
