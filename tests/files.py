"""Real files for upload tests, built in memory: what a browser would send."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats.org'
    '/officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>{{text}}</w:t></w:r></w:p>'
    '</w:body></w:document>'
)


def image_bytes(image: Image.Image | None = None, fmt: str = "PNG", **save_args) -> bytes:
    out = io.BytesIO()
    (image or Image.new("RGB", (40, 30), "red")).save(out, fmt, **save_args)
    return out.getvalue()


def pdf_bytes(pages: int = 1, password: str | None = None) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    if password is not None:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_bytes(text: str = "会议签到表", *, document: str | None = None,
               main: str = DOCX_MAIN, extra: dict | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES.format(main=main))
        z.writestr("_rels/.rels", RELS)
        z.writestr("word/document.xml", document or DOCUMENT.format(text=text))
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "支部"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type)


def pdf(name: str = "通知.pdf") -> SimpleUploadedFile:
    return upload(name, pdf_bytes(), "application/pdf")


def png(name: str = "照片.png") -> SimpleUploadedFile:
    return upload(name, image_bytes(), "image/png")


def docx(name: str = "签到表.docx") -> SimpleUploadedFile:
    return upload(name, docx_bytes())
