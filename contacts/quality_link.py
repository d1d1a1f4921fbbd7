"""The record-quality checker applied to a contact's notes (checking.checker): the fields it reads,
under the names the contact form posts, so the live check and the stored one agree. Another
child's name in a contact is flagged as a possible disclosure (weighted more than in a record)."""

from checking.context import record_check

FIELDS = ("summary", "outcome", "follow_up")
LABELS = {"summary": "Summary", "outcome": "Outcome", "follow_up": "Follow-up"}


def checker_fields(values) -> dict[str, str]:
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name, "")
    return {name: (get(name) or "").replace("\r\n", "\n") for name in FIELDS}


def check_contact(access, child, values) -> tuple[int, dict]:
    return record_check(access, fields=checker_fields(values), child=child, record_kind="contact")
