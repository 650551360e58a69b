"""Private files uploaded with a record (a meeting's minutes scan, a notice and its replies):
checked by content, stored under a random token, served only through a scoped view.

``check_upload`` refuses anything but a PDF, DOCX, XLSX, JPEG or PNG of at most 10 MB whose
name's ending and first bytes agree; ``store_upload`` saves a checked file on a row that has
``token``, ``file``, ``name``, ``size`` and ``uploaded_by``; ``file_response`` sends it back.
"""

from __future__ import annotations

import secrets
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str


FILE_KINDS = {
    ".pdf": FileKind("PDF", "application/pdf"),
    ".docx": FileKind(
        "DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": FileKind(
        "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".jpg": FileKind("JPEG", "image/jpeg"),
    ".jpeg": FileKind("JPEG", "image/jpeg"),
    ".png": FileKind("PNG", "image/png"),
}
ACCEPT = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"  # for the file inputs' ``accept``


def _office_part(upload, part: str) -> bool:
    """Whether the ZIP upload is an Office Open XML file holding ``part``."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and part in names


def _content_matches(upload, suffix: str) -> bool:
    upload.seek(0)
    head = upload.read(8)
    if suffix == ".pdf":
        return head.startswith(b"%PDF-")
    if suffix == ".png":
        return head == b"\x89PNG\r\n\x1a\n"
    if suffix in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if not head.startswith(b"PK\x03\x04"):
        return False
    return _office_part(upload, "word/document.xml" if suffix == ".docx" else "xl/workbook.xml")


def file_kind(name: str) -> FileKind | None:
    return FILE_KINDS.get(PurePath(name or "").suffix.lower())


def check_upload(upload, *, field: str = "file") -> FileKind:
    """Refuse anything but a PDF, DOCX, XLSX, JPEG or PNG of at most 10 MB: the name's ending
    and the file's first bytes must agree. The refusal names ``field``."""
    name = PurePath(upload.name or "").name
    kind = file_kind(name)
    if kind is None:
        raise ValidationError({field: _(
            "“%(name)s”: only PDF, DOCX, XLSX, JPEG and PNG files are accepted."
        ) % {"name": name}})
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError({field: _("“%(name)s”: the file is larger than 10 MB.")
                               % {"name": name}})
    if not _content_matches(upload, PurePath(name).suffix.lower()):
        raise ValidationError({field: _(
            "“%(name)s”: the file's content is not a %(kind)s file."
        ) % {"name": name, "kind": kind.label}})
    upload.seek(0)
    return kind


def store_upload(row, upload, *, user):
    """Save a checked ``upload`` on ``row`` (not yet saved) under a random token, keeping the
    original name (shortened to 150 characters) for the download; the file goes if the row
    cannot be saved. Returns the row."""
    name = PurePath(upload.name).name
    stem, suffix = PurePath(name).stem, PurePath(name).suffix
    row.token = secrets.token_hex(16)
    row.name = stem[: 150 - len(suffix)] + suffix
    row.size = upload.size or 0
    row.uploaded_by = user
    row.file.save(row.token, upload, save=False)
    try:
        row.save()
    except Exception:
        row.file.storage.delete(row.file.name)
        raise
    return row


def file_response(row) -> FileResponse:
    """A stored file as a private download under its original name (404 when it is gone)."""
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404("The attachment's file is missing.") from None
    kind = file_kind(row.name)
    response = FileResponse(
        handle, as_attachment=True, filename=PurePath(row.name).name,
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
