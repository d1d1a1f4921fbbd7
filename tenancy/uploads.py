"""One check for every uploaded file (issue 14.8): session attachments, plan documents, a child's
photo and the MIS imports all go through ``check_upload``.

What it enforces, in this order:

1. **Size, while streaming.** ``LimitedUploadHandler`` (first in ``FILE_UPLOAD_HANDLERS``) counts
   each file's bytes as they arrive and stops storing a file once it passes
   ``settings.UPLOAD_MAX_BYTES`` (the largest limit of any upload); the file then reaches the
   form as a ``TooLargeUpload`` holding nothing, so a 40 MB file is never held in memory or on
   disk. ``check_upload`` counts again, chunk by chunk, against the upload's own (smaller)
   limit, never reading past it. (The proxy's ``client_max_body_size`` bounds what is read
   from the network at all; ``DATA_UPLOAD_MAX_MEMORY_SIZE`` covers the non-file fields.)
2. **Type from the content**, never from the name or the browser's content type:
   ``filetype`` (magic numbers, and the zip contents of Office/OpenDocument files); plain text
   must decode as UTF-8 (or Windows-1252) and hold no NUL bytes or markup.
3. **The content must parse as what it claims**: a PDF must open with ``pypdf`` and have a page
   (a PDF header followed by HTML does not); an image must decode with Pillow (not only its
   header); an Office file must be a readable zip of bounded uncompressed size with its main part.

Shapes:
    check_upload(upload, *, kinds: Iterable[str], max_bytes: int, field="file") -> CheckedUpload
    KINDS: dict[str, Kind]  # "pdf", "docx", "doc", "odt", "pptx", "png", "jpeg", "txt", "csv"

Errors: ``django.core.exceptions.ValidationError({field: message})`` naming what is accepted.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

SNIFF_BYTES = 8192
ZIP_MAX_UNCOMPRESSED = 100 * 1024 * 1024  # a zip bomb is refused before anything unpacks it
ZIP_MAX_MEMBERS = 2000


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    content_type: str
    extension: str


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("pdf", "PDF", "application/pdf", "pdf"),
        Kind("docx", "Word (.docx)", DOCX, "docx"),
        Kind("doc", "Word 97–2003 (.doc)", "application/msword", "doc"),
        Kind("odt", "OpenDocument text (.odt)", ODT, "odt"),
        Kind("pptx", "PowerPoint (.pptx)", PPTX, "pptx"),
        Kind("png", "PNG", "image/png", "png"),
        Kind("jpeg", "JPEG", "image/jpeg", "jpg"),
        Kind("txt", "plain text", "text/plain", "txt"),
        Kind("csv", "CSV", "text/csv", "csv"),
    )
}

# filetype's extension -> our kind
_FILETYPE = {"pdf": "pdf", "docx": "docx", "doc": "doc", "odt": "odt", "pptx": "pptx"}
_FILETYPE.update({"png": "png", "jpg": "jpeg"})
_ZIP_MAIN_PART = {"docx": "word/document.xml", "pptx": "ppt/presentation.xml", "odt": "content.xml"}


@dataclass(frozen=True)
class CheckedUpload:
    kind: Kind
    size: int

    @property
    def content_type(self) -> str:
        return self.kind.content_type

    @property
    def extension(self) -> str:
        return self.kind.extension


class TooLargeUpload(UploadedFile):
    """A file the upload handler stopped storing once it passed ``UPLOAD_MAX_BYTES``."""

    too_large = True

    def __init__(self, name, content_type, seen: int):
        super().__init__(io.BytesIO(b""), name, content_type, seen)


class LimitedUploadHandler(FileUploadHandler):
    """Counts each uploaded file's bytes as they stream in; past ``settings.UPLOAD_MAX_BYTES`` the
    rest is dropped instead of being written to memory or disk, and the form receives a
    ``TooLargeUpload``."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.limit = settings.UPLOAD_MAX_BYTES
        self.seen = 0
        self.over = False

    def receive_data_chunk(self, raw_data, start):
        self.seen += len(raw_data)
        if self.over or self.seen > self.limit:
            self.over = True
            return None  # later handlers (memory, temporary file) never see the rest
        return raw_data

    def file_complete(self, file_size):
        if self.over:
            return TooLargeUpload(self.file_name, self.content_type, self.seen)
        return None  # the next handler holds the file

    def upload_complete(self):
        return None


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def _accepted(kinds: list[Kind]) -> str:
    labels = [k.label for k in kinds]
    return ", ".join(labels[:-1]) + (" or " if len(labels) > 1 else "") + labels[-1]


def _read_bounded(upload, max_bytes: int, field: str) -> bytes:
    """The whole file, read in chunks and refused as soon as it passes ``max_bytes``."""
    if getattr(upload, "too_large", False):
        raise ValidationError(
            {
                field: f"The file is larger than {_megabytes(max_bytes)}: the limit is "
                f"{_megabytes(max_bytes)}."
            }
        )
    upload.seek(0)
    parts, total = [], 0
    # read(n), not chunks(): an in-memory upload's chunks() is the whole file at once.
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        total += len(chunk)
        if total > max_bytes:
            upload.seek(0)
            raise ValidationError(
                {
                    field: f"The file is larger than {_megabytes(max_bytes)}: the limit is "
                    f"{_megabytes(max_bytes)}."
                }
            )
        parts.append(chunk)
    upload.seek(0)
    return b"".join(parts)


def _zip_ok(data: bytes, main_part: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_MEMBERS:
                return False
            if sum(i.file_size for i in infos) > ZIP_MAX_UNCOMPRESSED:
                return False
            names = {i.filename for i in infos}
            return main_part in names and archive.testzip() is None
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return False


def _pdf_ok(data: bytes) -> bool:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        return len(reader.pages) >= 1 and reader.pages[0] is not None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError):
        return False
    except RecursionError:
        return False


def _image_ok(data: bytes, expected: str) -> bool:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            if (image.format or "").lower() != {"png": "png", "jpeg": "jpeg"}[expected]:
                return False
            image.load()  # decodes every pixel: a truncated or corrupt image fails here
        return True
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False


_MARKUP = (b"<html", b"<!doctype", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe")


def _text_ok(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    head = data[:SNIFF_BYTES].lstrip().lower()
    if any(marker in head for marker in _MARKUP):
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _kind_of(data: bytes, allowed: list[Kind]) -> Kind | None:
    guess = filetype.guess(data[:SNIFF_BYTES]) if data else None
    if guess is not None:
        name = _FILETYPE.get(guess.extension)
        if guess.extension == "zip":  # an Office file filetype did not recognise by its head
            name = next((k for k, part in _ZIP_MAIN_PART.items() if _zip_ok(data, part)), None)
        return KINDS.get(name) if name else None
    if data[:4] == b"PK\x03\x04":
        name = next((k for k, part in _ZIP_MAIN_PART.items() if _zip_ok(data, part)), None)
        return KINDS.get(name) if name else None
    for text_kind in ("txt", "csv"):
        if KINDS[text_kind] in allowed and _text_ok(data):
            return KINDS[text_kind]
    return None


def check_upload(
    upload, *, kinds: Iterable[str], max_bytes: int, field: str = "file"
) -> CheckedUpload:
    """Refuse an upload that is empty, larger than ``max_bytes`` (counted while reading), of a
    kind not in ``kinds`` (judged from its content) or that does not parse as that kind.

    ``kinds``: names from ``KINDS``; ``max_bytes``: at most ``settings.UPLOAD_MAX_BYTES``.
    Returns the kind and the size counted. Raises ``ValidationError({field: message})``."""
    allowed = [KINDS[name] for name in kinds]
    if upload is None:
        raise ValidationError({field: "Choose a file."})
    data = _read_bounded(upload, max_bytes, field)
    if not data:
        raise ValidationError({field: "The file is empty."})
    kind = _kind_of(data, allowed)
    wrong = ValidationError(
        {field: f"That is not a {_accepted(allowed)} file, whatever its name says."}
    )
    if kind is None or kind not in allowed:
        raise wrong
    if kind.name == "pdf" and not _pdf_ok(data):
        raise ValidationError(
            {
                field: "That file starts like a PDF but is not a readable PDF: save it again as "
                "PDF and upload that."
            }
        )
    if kind.name in ("png", "jpeg") and not _image_ok(data, kind.name):
        raise ValidationError({field: f"That {kind.label} image is damaged or incomplete."})
    if kind.name in _ZIP_MAIN_PART and not _zip_ok(data, _ZIP_MAIN_PART[kind.name]):
        raise ValidationError({field: f"That {kind.label} file is damaged or incomplete."})
    return CheckedUpload(kind=kind, size=len(data))
