"""Form-level errors are shown (issue 19.5). A form whose page renders its fields one by one must
render its non-field errors too (a missing or stale version, a service's refusal that names no
field), or the person sees nothing and the save silently did not happen. ``|crispy`` renders them
itself; every other form includes ``form_errors.html``. Then the actions' close and referral forms,
posted without a version or with a stale one, show the message and leave the action open."""

import re
from pathlib import Path

import pytest

from tenancy.concurrency import CONFLICT_MESSAGE, MISSING_VERSION_MESSAGE

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# ``{{ form.field }}`` or ``{{ form.field|as_crispy_field }}`` of a variable named *form.
FIELD = re.compile(r"\{\{\s*(\w*form)\.(\w+)(?:\|as_crispy_field)?\s*\}\}")
LOOP = re.compile(r"\{%\s*for\s+\w+\s+in\s+(\w*form)(?:\.visible_fields)?\s*%\}")
NOT_FIELDS = {
    "non_field_errors",
    "errors",
    "media",
    "management_form",
    "version",
    "is_bound",
    "fields",
    "instance",
    "initial",
    "prefix",
    "empty_form",
    "referral_agencies",
}


def renders_non_field_errors(text: str, var: str) -> bool:
    return bool(
        f"{var}.non_field_errors" in text
        or re.search(rf"\{{\{{\s*{var}\|crispy\s*\}}\}}", text)
        or re.search(rf"\{{%\s*crispy\s+{var}\b", text)
        or (var == "form" and '{% include "form_errors.html" %}' in text)
        or f'{{% include "form_errors.html" with form={var} %}}' in text
    )


def form_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text()
        names = {m[1] for m in FIELD.finditer(text) if m[2] not in NOT_FIELDS}
        names |= set(LOOP.findall(text))
        for name in sorted(names):
            yield str(path.relative_to(TEMPLATES)), name, text


FORMS = list(form_templates())


def test_the_walk_finds_the_form_templates():
    found = {(t, n) for t, n, _ in FORMS}
    assert ("sessions_app/session_form.html", "form") in found
    assert ("behaviour/slip_form.html", "form") in found
    assert len(found) >= 20


@pytest.mark.parametrize("template,name,text", FORMS, ids=[f"{t}:{n}" for t, n, _ in FORMS])
def test_every_form_that_renders_its_fields_renders_its_non_field_errors(template, name, text):
    assert renders_non_field_errors(text, name), (
        f"{template} renders {name}'s fields but not {name}.non_field_errors: add "
        f'{{% include "form_errors.html" with form={name} %}} inside its <form>.'
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "version,message", [("", MISSING_VERSION_MESSAGE), ("stale", CONFLICT_MESSAGE)]
)
def test_closing_an_action_without_its_version_or_with_a_stale_one_says_why(
    client, org, version, message
):
    from tenancy.context import organisation_scope

    action = org.action
    client.force_login(org.users["key_worker"])
    sent = action.version + 5 if version == "stale" else ""
    response = client.post(
        f"/actions/{action.pk}/close/", {"state": "done", "note": "Handed in.", "version": sent}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message.split(":")[0].replace("'", "&#x27;") in body
    assert "Close this action" in body  # the form is still there, with the message
    assert 'data-testid="closed-note"' not in body  # nothing says it was closed
    with organisation_scope(org.org.pk):
        action.refresh_from_db()
    assert action.state == "open"


@pytest.mark.django_db
def test_a_referral_saved_with_a_stale_version_says_why(client, org):
    from actions.models import Kind
    from tenancy.context import organisation_scope

    with organisation_scope(org.org.pk):
        action = org.action
        action.kind, action.agency = Kind.REFERRAL, "CAMHS"
        action.save()
    client.force_login(org.users["key_worker"])
    response = client.post(
        f"/actions/{action.pk}/referral/",
        {"agency": "CAMHS", "made_on": "", "outcome": "", "version": action.version + 3},
    )
    assert response.status_code == 400
    assert CONFLICT_MESSAGE.split(":")[0] in response.content.decode()


@pytest.mark.django_db
def test_the_shared_include_shows_a_forms_own_error(client, org):
    """What every field-by-field form includes: its form-level errors, as an alert."""
    from django.template.loader import render_to_string

    from sessions_app.forms import TopicForm

    form = TopicForm({"name": "x"})
    form.is_valid()
    form.add_error(None, "A topic with this name is already on the list.")
    html = render_to_string("form_errors.html", {"form": form})
    assert 'data-testid="form-errors"' in html and "already on the list" in html
