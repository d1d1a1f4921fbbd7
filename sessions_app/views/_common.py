"""What the session pages share: the draft-conflict message and showing a service's errors."""

from django.core.exceptions import ValidationError

PAGE_SIZE = 25
DRAFT_CONFLICT = (
    "Not saved: this draft was saved from another tab or device after you opened it. Your text is "
    "still on this page: copy what you need, then reload to see the other version."
)


def _apply_errors(form, error: ValidationError, extra: dict) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            if field in form.fields:
                form.add_error(field, errors)
            else:
                extra.setdefault(field, []).extend(e.message for e in errors)
    else:
        form.add_error(None, error)


def _version(request) -> int | None:
    try:
        return int(request.POST.get("version") or "")
    except ValueError:
        return None
