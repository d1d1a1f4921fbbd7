"""Issue 14.8, as a kind: one upload check (tenancy.uploads) for every upload. Each upload
endpoint is walked with impostors (HTML named as an accepted kind, a PDF header followed by HTML,
an image that is only a header) and with a file over its limit; each must be refused with a
message and leave nothing saved. The upload handler stops storing a file past the largest limit
while it streams in."""

import io

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import load_handler
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory, override_settings

from behaviour.models import AttendanceMark
from people.models import Child
from plans.models import PlanDocument
from sessions_app.models import SessionAttachment
from tenancy.context import organisation_scope
from tenancy.uploads import TooLargeUpload, check_upload

from ..uploads import (
    HTML,
    PDF_THEN_HTML,
    PNG_HEAD_ONLY,
    docx_bytes,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
)

MB = 1024 * 1024


def up(name, data):
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    "name,data,kind",
    [
        ("a.pdf", pdf_bytes(), "pdf"),
        ("a.docx", docx_bytes(), "docx"),
        ("a.png", png_bytes(), "png"),
        ("a.jpg", jpeg_bytes(), "jpeg"),
        ("notes.txt", "Plain notes, with a £ sign.\n".encode(), "txt"),
        ("whatever.bin", pdf_bytes(), "pdf"),  # the content decides, not the name
    ],
)
def test_real_files_are_accepted_by_their_content(name, data, kind):
    checked = check_upload(
        up(name, data), kinds=("pdf", "docx", "png", "jpeg", "txt"), max_bytes=5 * MB
    )
    assert checked.kind.name == kind and checked.size == len(data)


@pytest.mark.parametrize(
    "name,data,expected",
    [
        ("report.pdf", HTML, "not a PDF"),
        ("report.pdf", PDF_THEN_HTML, "not a readable PDF"),
        ("photo.png", PNG_HEAD_ONLY, "damaged or incomplete"),
        ("notes.txt", HTML, "not a PDF"),
        ("run.pdf", b"MZ\x90\x00" + b"\x00" * 100, "not a PDF"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_impostors_are_refused_with_a_message(name, data, expected):
    with pytest.raises(ValidationError) as refused:
        check_upload(up(name, data), kinds=("pdf", "png", "txt"), max_bytes=5 * MB)
    assert expected in refused.value.message_dict["file"][0]


class LyingUpload(SimpleUploadedFile):
    """Says it is small; the check counts what it reads instead."""

    @property
    def size(self):
        return 10

    @size.setter
    def size(self, value):
        pass


def test_the_size_is_counted_while_reading_and_reading_stops_at_the_limit():
    data = pdf_bytes() + b"0" * (3 * MB)
    upload = LyingUpload("big.pdf", data)
    read = []

    class CountingFile(io.BytesIO):
        def read(self, size=-1):
            chunk = super().read(size)
            read.append(len(chunk))
            return chunk

    upload.file = CountingFile(data)
    with pytest.raises(ValidationError) as refused:
        check_upload(upload, kinds=("pdf",), max_bytes=1 * MB)
    assert "the limit is 1 MB" in refused.value.message_dict["file"][0]
    assert sum(read) <= 1 * MB + 64 * 1024  # stopped one chunk past the limit, not at 3 MB


@override_settings(UPLOAD_MAX_BYTES=1 * MB)
def test_the_upload_handler_stores_nothing_past_the_largest_limit_while_streaming():
    request = RequestFactory().post(
        "/", {"file": up("big.pdf", pdf_bytes() + b"0" * (3 * MB)), "note": "kept"}
    )
    stored = []
    handlers = [load_handler(path, request) for path in settings.FILE_UPLOAD_HANDLERS]
    for handler in handlers[1:]:  # Django's memory and temporary-file handlers

        def spy(raw, start, real=handler.receive_data_chunk):
            stored.append(len(raw))
            return real(raw, start)

        handler.receive_data_chunk = spy
    parser = MultiPartParser(request.META, io.BytesIO(request.body), handlers)
    post, files = parser.parse()
    assert post["note"] == "kept"
    assert isinstance(files["file"], TooLargeUpload)
    assert sum(stored) <= 1 * MB  # the temporary file never held more than the limit
    with pytest.raises(ValidationError) as refused:
        check_upload(files["file"], kinds=("pdf",), max_bytes=1 * MB)
    assert "larger than 1 MB" in refused.value.message_dict["file"][0]


# ---- the walk: every upload endpoint, each impostor and an oversized file ---------------------


def _endpoints(org, session_id):
    """(label, role, url, field data builder, count of what would be saved)."""
    child = org.child

    def count(model, **filters):
        def _count():
            with organisation_scope(org.org.pk):
                return model.objects.filter(**filters).count()

        return _count

    return [
        (
            "session attachment",
            "key_worker",
            f"/sessions/{session_id}/files/",
            lambda f: {"file": f},
            count(SessionAttachment, session_id=session_id),
        ),
        (
            "plan document",
            "key_worker",
            f"/plans/child/{child.pk}/documents/add/",
            lambda f: {
                "kind": "other",
                "title": "A document",
                "document_date": "2026-01-05",
                "file": f,
            },
            count(PlanDocument, child=child),
        ),
        (
            "child photo",
            "manager",
            f"/children/{child.pk}/edit/",
            None,  # the child form: built from the page below
            count(Child, pk=child.pk, photo__gt=""),
        ),
        (
            "attendance import",
            "manager",
            "/behaviour/attendance/import/",
            lambda f: {"site": org.school.pk, "file": f},
            count(AttendanceMark),
        ),
    ]


IMPOSTORS = {
    "session attachment": [
        ("leaflet.pdf", HTML),
        ("leaflet.pdf", PDF_THEN_HTML),
        ("p.png", PNG_HEAD_ONLY),
    ],
    "plan document": [("plan.pdf", HTML), ("plan.pdf", PDF_THEN_HTML), ("scan.png", PNG_HEAD_ONLY)],
    "child photo": [("me.png", HTML), ("me.png", PNG_HEAD_ONLY), ("me.jpg", PDF_THEN_HTML)],
    "attendance import": [
        ("marks.csv", HTML),
        ("marks.csv", pdf_bytes()),
        ("marks.csv", b"\x00\x01\x02"),
    ],
}
OVERSIZED = {
    "session attachment": ("big.pdf", pdf_bytes() + b"0" * (6 * MB)),
    "plan document": ("big.pdf", pdf_bytes() + b"0" * (11 * MB)),
    "child photo": ("big.png", png_bytes((2000, 2000)) + b"0" * (3 * MB)),
    "attendance import": ("big.csv", b"upn,date,session,code\n" + b"x" * (3 * MB)),
}


def _session_id(org):
    from sessions_app import services
    from tenancy.access import Access
    from tenancy.models import Membership

    kw = org.users["key_worker"]
    with organisation_scope(org.org.pk):
        access = Access(
            user=kw,
            organisation=org.org,
            memberships=tuple(Membership.objects.filter(user=kw).select_related("site")),
        )
        return services.session_start(access=access, child=org.child).pk


def _child_form_data(client, org):
    from ..forms import scrape

    data = scrape(client, f"/children/{org.child.pk}/edit/")
    return lambda f: {**data, "photo": f}


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", range(4))
def test_every_upload_refuses_impostors_and_oversized_files_and_saves_nothing(
    client, org, endpoint
):
    label, role, url, build, saved = _endpoints(org, _session_id(org))[endpoint]
    client.force_login(org.users[role])
    if build is None:
        build = _child_form_data(client, org)
    before = saved()
    for name, data in [*IMPOSTORS[label], OVERSIZED[label]]:
        response = client.post(url, build(up(name, data)), HTTP_HX_REQUEST="true")
        assert response.status_code in (200, 302), (label, name)
        body = response.content.decode()
        if response.status_code == 302:
            body = client.get(response["Location"]).content.decode()
        assert saved() == before, f"{label}: saved {name}"
        assert any(
            words in body
            for words in (
                "not a",
                "damaged or incomplete",
                "larger than",
                "is over",
                "not a readable",
            )
        ), (label, name, body[:3000])


@pytest.mark.django_db
def test_a_photo_chosen_on_the_edit_form_is_stored_and_shown_back(client, org):
    """The child's edit form writes through the version check (a queryset update, which does not
    store a chosen file by itself): the photo must be in storage and served back byte for byte,
    not only named in the row."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ..uploads import png_bytes

    client.force_login(org.users["manager"])
    picture = png_bytes((8, 8))
    data = _child_form_data(client, org)(SimpleUploadedFile("zoë.png", picture, "image/png"))
    response = client.post(f"/children/{org.child.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:500]
    shown = client.get(f"/children/{org.child.pk}/photo/")
    assert shown.status_code == 200
    assert b"".join(shown.streaming_content) == picture


@pytest.mark.django_db
def test_a_photo_sent_with_a_stale_form_is_refused_and_not_left_in_storage(org):
    """Someone else saved the child first: the edit is refused (EditConflict) and the photo it
    carried is taken back out of storage, not left behind unreferenced."""
    from django.core.files.base import ContentFile

    from people.models import Child
    from tenancy.concurrency import EditConflict, save_if_unchanged

    from ..uploads import png_bytes

    with organisation_scope(org.org.pk):
        child = Child.objects.get(pk=org.child.pk)
        stale = child.version
        Child.objects.filter(pk=child.pk).update(version=stale + 1)  # a colleague's save
        child.photo = ContentFile(png_bytes(), name="late.png")  # as the form leaves it
        storage = child.photo.storage
        with pytest.raises(EditConflict):
            save_if_unchanged(child, stale, ["photo"])
        assert child.photo.name and not storage.exists(child.photo.name)
        assert not Child.objects.get(pk=child.pk).photo


@pytest.mark.django_db
def test_a_photo_missing_from_storage_is_a_404_that_says_so(client, org, caplog):
    """The row names a file the storage no longer holds (a lost volume, an interrupted write): the
    person gets a page that says the file is missing, the log names the file, never a 500."""
    from django.core.files.base import ContentFile

    from ..uploads import png_bytes

    with organisation_scope(org.org.pk):
        child = Child.objects.get(pk=org.child.pk)
        child.photo.save("gone.png", ContentFile(png_bytes()), save=True)
        child.photo.storage.delete(child.photo.name)
    client.force_login(org.users["manager"])
    response = client.get(f"/children/{child.pk}/photo/")
    assert response.status_code == 404
    assert "This file is missing from storage" in response.content.decode()
    assert any("gone" in r.getMessage() for r in caplog.records if r.levelname == "ERROR")


def test_every_stored_file_a_view_sends_is_opened_through_stored_file():
    """The kind: a view that sends a stored file opens it with ``tenancy.exports.stored_file``,
    so a missing file is a 404 everywhere (photos, attachments, documents, bundles, reports)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    wrong = []
    for path in list(root.glob("*/views.py")) + list(root.glob("*/views/*.py")):
        text = path.read_text()
        for call in re.findall(r"FileResponse\((.*?),", text, re.S):
            if ".open(" in call:
                wrong.append(f"{path.relative_to(root)}: FileResponse({call.strip()}")
    assert not wrong, "\n".join(wrong)
