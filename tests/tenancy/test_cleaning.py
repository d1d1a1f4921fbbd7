"""Issue 14.7: the examples, as failing-then-passing tests, and the cleaning rules themselves."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.http import parse_header_parameters, urlencode

from behaviour.models import AttendanceMark
from people.models import Child
from sessions_app.models import KeyWorkSession
from tenancy.cleaning import ONE_LINE_MESSAGE, clean_text
from tenancy.context import organisation_scope

from ..forms import scrape


def test_multi_line_text_keeps_its_lines_and_drops_controls():
    assert clean_text("a\r\nb\rc\u2028d\te\x00f\x1bg\u202eh", multiline=True) == "a\nb\nc\nd\tefgh"


@pytest.mark.parametrize("value", ["Smith\nJones", "Smith\r\n", "a\x1bb", "a\x00", "a\u2028b"])
def test_one_line_text_refuses_line_breaks_and_controls(value):
    with pytest.raises(ValidationError) as refused:
        clean_text(value, multiline=False)
    assert refused.value.messages == [ONE_LINE_MESSAGE]


def test_every_django_text_field_is_cleaned_once_installed():
    class Any(forms.Form):
        name = forms.CharField()
        email = forms.EmailField(required=False)
        notes = forms.CharField(widget=forms.Textarea)
        hidden = forms.CharField(widget=forms.HiddenInput)

    form = Any({"name": "Ann\u202e", "notes": "one\r\ntwo\x00", "hidden": "tab\x1b"})
    assert not form.is_valid()
    assert form.errors["hidden"] == [ONE_LINE_MESSAGE]
    assert form.cleaned_data["name"] == "Ann" and form.cleaned_data["notes"] == "one\ntwo"


@pytest.mark.django_db
def test_a_nul_in_the_session_editors_hidden_fields_is_not_a_server_error(client, org):
    from .test_version_walk import _draft_id

    draft = _draft_id(org)
    client.force_login(org.users["key_worker"])
    client.raise_request_exception = False
    data = scrape(client, reverse("sessions_app:session_edit", args=[draft]))
    for key in ("tab", "version"):
        data[key] = (data.get(key) or "") + "\x00"
    data["account"] = "Typed\x00 text."
    url = reverse("sessions_app:session_autosave", args=[draft])
    response = client.post(url, data, HTTP_HX_REQUEST="true")  # multipart, as a test client
    assert response.status_code == 200
    with organisation_scope(org.org.pk):
        session = KeyWorkSession.objects.get(pk=draft)
    assert session.account == "Typed text." and "\x00" not in session.editing_tab
    data["version"] = str(session.version)
    response = client.post(  # url-encoded, as htmx sends it
        url,
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_an_attendance_import_note_over_the_columns_length_is_a_row_message(client, org):
    client.force_login(org.users["manager"])
    client.raise_request_exception = False
    with organisation_scope(org.org.pk):
        Child.objects.filter(pk=org.child.pk).update(upn="A123456789012")
        before = AttendanceMark.objects.count()
    body = "upn,date,session,code,note\nA123456789012,2026-11-02,AM,/," + "n" * 201 + "\n"
    response = client.post(
        reverse("behaviour:attendance_import"),
        {"site": org.school.pk, "file": SimpleUploadedFile("marks.csv", body.encode())},
    )
    assert response.status_code == 200
    assert "the note is longer than 200 characters" in response.content.decode()
    with organisation_scope(org.org.pk):
        assert AttendanceMark.objects.count() == before


@pytest.mark.django_db
def test_a_surname_with_a_line_break_is_refused_by_the_form(client, org):
    client.force_login(org.users["manager"])
    url = reverse("people:child_edit", args=[org.child.pk])
    data = scrape(client, url)
    data["last_name"] = "Quinn\r\nX-Injected: yes"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "remove the line break" in response.content.decode()
    with organisation_scope(org.org.pk):
        assert Child.objects.get(pk=org.child.pk).last_name == org.child.last_name


@pytest.mark.django_db
@pytest.mark.parametrize(
    "surname", ["Quinn\r\nSet-Cookie: x=1", 'Quinn"; filename="evil.html', "Quinn\u202eFDP.exe"]
)
def test_pdf_downloads_of_a_child_with_a_hostile_surname_have_one_safe_filename(
    client, org, surname
):
    """Names already stored (before the form refused them) must not break or steer a PDF's
    header: every file download builds it with Django's content_disposition_header."""
    with organisation_scope(org.org.pk):
        Child.objects.filter(pk=org.child.pk).update(last_name=surname)
        session = org.ids["session_id"]

        KeyWorkSession.objects.filter(pk=session).update(date=datetime.date(2026, 1, 5))
    client.force_login(org.users["manager"])
    client.raise_request_exception = False
    for url in (
        reverse("sessions_app:session_pdf", args=[session]),
        reverse(
            "plans:version_pdf",
            args=[org.child.pk, org.ids["plan_type"], org.ids["version_id"]],
        ),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        header = response["Content-Disposition"]
        assert "\r" not in header and "\n" not in header
        disposition, params = parse_header_parameters(header)
        assert disposition in ("attachment", "inline")
        assert list(params) in (["filename"], ["filename*"]), header
        assert params[next(iter(params))].endswith(".pdf"), header


def test_no_response_header_is_built_from_user_data_by_formatting():
    """Source walk: every Content-Disposition in the application comes from Django's helpers."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.glob("*/*.py"):
        if path.parts[-2] in (".venv", "tests"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"Content-Disposition\"\]\s*=\s*f?['\"]", line):
                offenders.append(f"{path.relative_to(root)}:{number}")
    assert offenders == []
