"""Private files uploaded with a record (a meeting's minutes scan, a notice and its replies):
proven by parsing, stored under a random token, served only through a scoped view.

``check_upload`` accepts a PDF, DOCX, XLSX, JPEG or PNG of at most 10 MB only when a parser of
that kind reads it, never on its first bytes or its name alone:

- an image is decoded in full (at most 40 megapixels: a small file can declare a huge picture),
  turned upright by its EXIF orientation and re-encoded in the same format, so what is stored
  is new pixels only: no EXIF, GPS, comments or bytes hidden after the picture;
- a PDF opens with pypdf from its first byte, is not encrypted, has 1 to 2000 pages and nothing
  but blank bytes after its last ``%%EOF``;
- a DOCX or XLSX is a ZIP from its first byte with no encrypted or oddly compressed member,
  at most 100 MB unpacked and no member packed more than 100 to 1 (a ZIP bomb); its
  ``[Content_Types].xml`` and ``_rels/.rels`` name a Word document (or Excel workbook) as the
  main part, not a macro-enabled one, and every XML part parses with defusedxml without a DTD
  (no entity bombs, no external entities).

It returns a ``CheckedFile``; ``store_upload`` saves only such a file on a row that has
``token``, ``file``, ``name``, ``size`` and ``uploaded_by``; ``file_response`` sends it back.
"""

from __future__ import annotations

import io
import secrets
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import PurePath
from xml.sax import SAXException
from xml.sax.handler import ContentHandler, feature_namespaces

import pypdf
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from defusedxml.expatreader import DefusedExpatParser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_PDF_PAGES = 2000
MAX_ZIP_MEMBERS = 2000
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_ZIP_RATIO = 100  # a member above 1 MB unpacked may be at most 100 times its packed size
JPEG_QUALITY = 90


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
LEGACY_OFFICE = {".doc", ".xls", ".ppt", ".wps", ".et"}  # OLE2 files: refused with a hint


@dataclass(frozen=True)
class CheckedFile:
    """An upload that a parser of its kind has read: what ``store_upload`` saves. ``content``
    is the re-encoded image for a picture, the upload as sent for a PDF or an Office file."""

    name: str
    kind: FileKind
    content: File
    size: int


class Refused(Exception):
    """A file that is not what its name says; the message is a problem in a sentence."""


def file_kind(name: str) -> FileKind | None:
    return FILE_KINDS.get(PurePath(name or "").suffix.lower())


def _read_all(upload) -> bytes:
    upload.seek(0)
    return upload.read()


# --- images ---------------------------------------------------------------------------------

def decode_image(upload, *, field: str, formats: Collection[str], wrong_kind: str,
                 not_image: str | None = None,
                 max_pixels: int = MAX_PIXELS) -> tuple[Image.Image, str]:
    """Decode an image upload in full: its first frame, loaded, turned upright by its EXIF
    orientation. Returns the image and Pillow's name of its format (one of ``formats``).
    A ValidationError on ``field`` refuses anything else: with ``wrong_kind`` an image of
    another format, with ``not_image`` (or ``wrong_kind``) a file that is no image at all."""
    name = PurePath(upload.name or "").name

    def refuse(problem):
        return ValidationError({field: _("“%(name)s”: %(problem)s")
                                % {"name": name, "problem": problem}})

    too_big = _("the image is larger than %(n)s megapixels.") % {"n": max_pixels // 1_000_000}
    upload.seek(0)
    try:
        with Image.open(upload) as source:
            if source.format not in formats:
                raise ValidationError({field: wrong_kind})
            width, height = source.size
            if width * height > max_pixels:
                raise refuse(too_big)
            source.seek(0)  # a GIF's (or an animated PNG's or WebP's) first frame
            source.load()
            fmt = source.format
            image = ImageOps.exif_transpose(source)
    except Image.DecompressionBombError:
        raise refuse(too_big) from None
    except ValidationError:
        raise
    except UnidentifiedImageError:
        raise ValidationError({field: not_image or wrong_kind}) from None
    except Exception:  # noqa: BLE001 - a broken file can fail inside any decoder
        raise refuse(_("the image is damaged and cannot be read.")) from None
    return image, fmt


def encode_image(image: Image.Image, fmt: str) -> bytes:
    """The pixels of ``image`` as a new JPEG or PNG file carrying no metadata at all (no EXIF,
    GPS, ICC profile or text): only a PNG's transparent colour is kept."""
    clean = image.copy()
    clean.info = {k: v for k, v in image.info.items() if k == "transparency" and fmt == "PNG"}
    out = io.BytesIO()
    if fmt == "JPEG":
        if clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        clean.save(out, "JPEG", quality=JPEG_QUALITY)
    else:
        clean.save(out, "PNG")
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------------

def _check_pdf(data: bytes) -> None:
    if not data.startswith(b"%PDF-"):
        raise Refused(None)
    end = data.rfind(b"%%EOF")
    if end < 0 or data[end + 5:].strip(b"\r\n\t\f\x00 "):
        raise Refused(_("the PDF is cut short or has other data after its end."))
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Refused(_("the PDF is protected by a password; upload a copy without one."))
        pages = len(reader.pages)
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - pypdf raises many kinds (and RecursionError) on bad input
        raise Refused(None) from None
    if pages < 1:
        raise Refused(_("the PDF has no pages."))
    if pages > MAX_PDF_PAGES:
        raise Refused(_("the PDF has more than %(n)s pages.") % {"n": MAX_PDF_PAGES})


# --- Office Open XML ------------------------------------------------------------------------

OOXML_MAIN = {
    # the main part's content type, and its root element in transitional and strict OOXML
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        {("http://schemas.openxmlformats.org/wordprocessingml/2006/main", "document"),
         ("http://purl.oclc.org/ooxml/wordprocessingml/main", "document")},
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        {("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "workbook"),
         ("http://purl.oclc.org/ooxml/spreadsheetml/main", "workbook")},
    ),
}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_DOCUMENT = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                   "officeDocument", "http://purl.oclc.org/ooxml/officeDocument/relationships/"
                   "officeDocument")


class _Root(ContentHandler):
    """Remembers the (namespace, name) of the first element."""

    root = None

    def startElementNS(self, name, qname, attrs):
        if self.root is None:
            self.root = name


def _parse_part(archive: zipfile.ZipFile, name: str):
    """Parse one XML part as a stream (no DTD, so no entities of any kind); its root element."""
    parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setFeature(feature_namespaces, True)
    handler = _Root()
    parser.setContentHandler(handler)
    with archive.open(name) as stream:
        parser.parse(stream)
    return handler.root


def _small_part(archive: zipfile.ZipFile, name: str):
    with archive.open(name) as stream:
        data = stream.read(1024 * 1024 + 1)
    if len(data) > 1024 * 1024:
        raise Refused(_("a part of the file is too large."))
    return SafeET.fromstring(data, forbid_dtd=True)


def _check_zip(archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if not members or len(members) > MAX_ZIP_MEMBERS:
        raise Refused(_("the file holds too many parts."))
    if min(m.header_offset for m in members) != 0:
        raise Refused(_("other data comes before the file's content."))
    total = 0
    for m in members:
        if m.flag_bits & 0x1:
            raise Refused(_("the file is protected by a password; upload a copy without one."))
        if m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refused(None)
        total += m.file_size
        if m.file_size > 1024 * 1024 and m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1):
            raise Refused(_("the file unpacks to far more than its size (a ZIP bomb)."))
    if total > MAX_UNZIPPED_BYTES:
        raise Refused(_("the file unpacks to more than %(n)s MB.")
                      % {"n": MAX_UNZIPPED_BYTES // (1024 * 1024)})


def _check_office(data: bytes, suffix: str) -> None:
    content_type, roots = OOXML_MAIN[suffix]
    if data.startswith(OLE2_MAGIC):  # what Office writes for a file with a password, too
        raise Refused(_("the file is an old Office file or protected by a password; save it "
                        "as DOCX or XLSX without a password."))
    if not data.startswith(b"PK\x03\x04"):
        raise Refused(None)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_zip(archive)
            names = set(archive.namelist())
            if not {"[Content_Types].xml", "_rels/.rels"} <= names:
                raise Refused(None)
            rels = _small_part(archive, "_rels/.rels")
            targets = [r.get("Target", "") for r in rels.iter(f"{REL_NS}Relationship")
                       if r.get("Type") in OFFICE_DOCUMENT]
            main = targets[0].lstrip("/") if len(targets) == 1 else None
            types = _small_part(archive, "[Content_Types].xml")
            declared = {o.get("PartName"): o.get("ContentType")
                        for o in types.iter(f"{CT_NS}Override")}
            if (main not in names or not main.endswith(".xml")
                    or declared.get("/" + main) != content_type):
                raise Refused(None)  # not this kind (a macro-enabled file, a template, ...)
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise Refused(_("the file holds macros; save it without them."))
            for name in sorted(names):
                if name.endswith((".xml", ".rels")):
                    root = _parse_part(archive, name)
                    if name == main and root not in roots:
                        raise Refused(None)
    except Refused:
        raise
    except (DefusedXmlException, SAXException, SafeET.ParseError):
        raise Refused(_("a part of the file is not well-formed XML or declares entities."))\
            from None
    except Exception:  # noqa: BLE001 - zipfile and zlib fail in many ways on a damaged file
        raise Refused(None) from None


# --- the check ------------------------------------------------------------------------------

def check_upload(upload, *, field: str = "file") -> CheckedFile:
    """Accept a PDF, DOCX, XLSX, JPEG or PNG of at most 10 MB that its parser reads (see the
    module's notes); images come back re-encoded. Anything else is refused with a
    ValidationError naming ``field`` and the file."""
    name = PurePath(upload.name or "").name
    suffix = PurePath(name).suffix.lower()
    kind = file_kind(name)
    if kind is None:
        if suffix in LEGACY_OFFICE:
            raise ValidationError({field: _(
                "“%(name)s”: old Word and Excel files (.doc, .xls) are not accepted; save it "
                "as DOCX or XLSX and upload that."
            ) % {"name": name}})
        raise ValidationError({field: _(
            "“%(name)s”: only PDF, DOCX, XLSX, JPEG and PNG files are accepted."
        ) % {"name": name}})
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError({field: _("“%(name)s”: the file is larger than 10 MB.")
                               % {"name": name}})
    not_kind = _("“%(name)s”: the file's content is not a %(kind)s file.") % {
        "name": name, "kind": kind.label}
    if kind.label in ("JPEG", "PNG"):
        image, fmt = decode_image(upload, field=field, formats={kind.label},
                                  wrong_kind=not_kind)
        data = encode_image(image, fmt)
        return CheckedFile(name=name, kind=kind, content=ContentFile(data, name=name),
                           size=len(data))
    data = _read_all(upload)
    if upload.size is None and len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError({field: _("“%(name)s”: the file is larger than 10 MB.")
                               % {"name": name}})
    try:
        if suffix == ".pdf":
            _check_pdf(data)
        else:
            _check_office(data, suffix)
    except Refused as refused:
        problem = refused.args[0]
        raise ValidationError({field: not_kind if problem is None else (
            _("“%(name)s”: %(problem)s") % {"name": name, "problem": problem})}) from None
    upload.seek(0)
    return CheckedFile(name=name, kind=kind, content=upload, size=len(data))


def store_upload(row, checked: CheckedFile, *, user):
    """Save a ``CheckedFile`` on ``row`` (not yet saved) under a random token, keeping the
    original name (shortened to 150 characters) for the download; the file goes if the row
    cannot be saved. Returns the row."""
    if not isinstance(checked, CheckedFile):
        raise TypeError("store_upload takes what check_upload returned, never a raw upload.")
    stem, suffix = PurePath(checked.name).stem, PurePath(checked.name).suffix
    row.token = secrets.token_hex(16)
    row.name = stem[: 150 - len(suffix)] + suffix
    row.size = checked.size
    row.uploaded_by = user
    checked.content.seek(0)
    row.file.save(row.token, checked.content, save=False)
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
