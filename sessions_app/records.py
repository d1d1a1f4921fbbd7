"""Key-work sessions as a kind of versioned record (tenancy.records): a submitted record is
corrected by its author or a manager of the site (never retracted); each earlier record version
stays readable as a revision."""

from django.urls import reverse

from tenancy.records import RecordKind, Wording, register

from . import selectors, services
from .forms import CorrectionForm
from .models import KeyWorkSession


def _crumbs(session):
    return [
        (
            f"{session.child.display_name}'s sessions",
            reverse("sessions_app:child_sessions", args=[session.child_id]),
        ),
        (f"{session.date:%-d %b %Y}", reverse("sessions_app:session_detail", args=[session.pk])),
    ]


def _detail(session):
    return reverse("sessions_app:session_detail", args=[session.pk])


SESSION = register(
    RecordKind(
        key=services.SESSION,
        model=KeyWorkSession,
        may_change=services.can_correct,
        correctable=tuple(
            dict.fromkeys(services.COMMON_FIELDS + services.SCHOOL_FIELDS + services.HOME_FIELDS)
        ),
        retractable=False,
        before_correct=services.session_before_correct,
        assign=services.assign_content,
        validate=services.session_check,
        after_correct=services.session_after_correct,
        children_changed=True,  # the date or focus may have changed
        wording=Wording(
            correct_refused="Only the author or a manager can correct a submitted record.",
            corrected="Version {record.record_version} saved; the earlier one is kept.",
            correct_title="Correct this record",
            correct_submit="Save the corrected version",
            history_title="History of this record",
        ),
        lookup=lambda access, session_id: selectors.get_session_or_404(access, session_id),
        correct_form=lambda data, instance: CorrectionForm(data, session=instance),
        form_fields=lambda form: (
            form.service_data(),
            {"topics": list(form.cleaned_data.get("topics") or [])},
        ),
        crumbs=_crumbs,
        cancel_url=_detail,
        corrected_url=_detail,
        correct_template="sessions_app/correct.html",
        fixed=lambda session: [
            (
                "targets",
                "Targets set in this session",
                "Later sessions review them as they were set. Before sign-off, a manager can "
                "return the record so you change them; after it, review them in the next session "
                "and set the right ones there.",
            ),
            (
                "reviews",
                "Reviews of earlier targets",
                "They closed or carried forward each target when the record was submitted. "
                "Before sign-off, a manager can return the record so you change them; after it, "
                "the next session reviews the target again.",
            ),
        ],
        urls={
            "correct": "sessions_app:session_correct",
            "history": "sessions_app:session_history",
        },
    )
)
