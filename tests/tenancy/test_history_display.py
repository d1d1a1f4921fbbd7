"""A record's history reads as the record's own form does: field labels, a choice's words, Yes/No,
dates as people write them; never the version counters, stored checker output, raw ids or
Python lists (a new user found them on every history page)."""

from sessions_app.models import KeyWorkSession
from tenancy.models import AuditEvent


def rows(object_type, before, after):
    return AuditEvent(object_type=object_type, before=before, after=after).changed_fields()


def test_a_corrected_slip_reads_in_its_forms_words():
    found = rows(
        "behaviour.slip",
        {
            "what_happened": "Threw a chair",
            "outcome": "",
            "points": 2,
            "version": 1,
            "retracted_by_id": None,
            "worth_a_call": False,
        },
        {
            "what_happened": "Threw a chair at the wall",
            "outcome": "detention",
            "points": 3,
            "version": 2,
            "retracted_by_id": 17,
            "worth_a_call": True,
        },
    )
    labels = [label for label, _old, _new in found]
    assert "Version" not in labels and "version" not in labels
    assert ("What happened", "Threw a chair", "Threw a chair at the wall") in found
    assert ("Outcome", "—", "Detention") in found
    assert ("Points", "2", "3") in found
    assert ("Retracted by", "", "changed") in found  # a person's id is never shown
    assert any(new == "Yes" and old == "No" for _label, old, new in found)
    assert not any("_" in label for label in labels)


def test_a_submitted_session_reads_without_machine_output():
    found = rows(
        "sessions_app.keyworksession",
        {
            "status": "draft",
            "matters_for": [],
            "date": "2026-11-24",
            "record_version": 1,
            "quality_report": {"score": 80},
            "planned_targets": None,
            "engagement": "",
        },
        {
            "status": "submitted",
            "matters_for": ["manager", "parents"],
            "date": "2026-11-25",
            "record_version": 2,
            "quality_report": {"score": 90},
            "planned_targets": {"350": {"outcome": "achieved"}},
            "engagement": "engaged",
        },
    )
    text = " | ".join(" ".join(row) for row in found)
    for raw in ("record_version", "quality_report", "{", "[", "'manager'", "2026-11-25"):
        assert raw not in text
    labels = dict(KeyWorkSession._meta.get_field("matters_for").base_field.flatchoices)
    matters = next(r for r in found if r[2].startswith(labels["manager"]))
    assert matters[2] == f"{labels['manager']}; {labels['parents']}"
    status = dict(KeyWorkSession._meta.get_field("status").flatchoices)
    assert ("Status", str(status["draft"]), str(status["submitted"])) in found
    assert any(new == "25 Nov 2026" for _l, _o, new in found)
