"""Attached files are proven by parsing, not by their first bytes: each kind a real file of it
passes, images are stored re-encoded without metadata, and hostile files are refused with a
message naming the file, leaving nothing behind."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image

from core import uploads
from meetings import services as meeting_services
from meetings.models import MeetingAttachment
from tests import files
from tests.factories import MeetingFactory


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def refusal(name, data, field="file") -> str:
    with pytest.raises(ValidationError) as exc:
        uploads.check_upload(files.upload(name, data), field=field)
    [message] = exc.value.message_dict[field]
    assert f"“{name}”" in message
    return message


def gps_jpeg() -> bytes:
    """A 400 x 200 JPEG whose EXIF says: turn it upright by 90°, taken at these coordinates."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (35.0, 1.0, 2.0), 3: "E", 4: (111.0, 0.0, 3.0)}
    return files.image_bytes(Image.new("RGB", (400, 200), "blue"), "JPEG", exif=exif.tobytes(),
                             comment=b"Zhang San's phone")


def png_declaring(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes whose header declares ``width`` x ``height`` pixels."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                             0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b""))


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">'
              for i in range(1, 10))
    + f']><w:document xmlns:w="{files.W_NS}"><w:body>&lol9;</w:body></w:document>'
)


# --- what is accepted -----------------------------------------------------------------------

def test_a_real_pdf_is_accepted_and_kept_as_sent():
    data = files.pdf_bytes(pages=3)
    checked = uploads.check_upload(files.upload("纪要.pdf", data))
    assert (checked.kind.label, checked.size, checked.content.read()) == ("PDF", len(data), data)


@pytest.mark.parametrize(("name", "data", "label"), [
    ("签到表.docx", files.docx_bytes(), "DOCX"),
    ("名册.xlsx", files.xlsx_bytes(), "XLSX"),
])
def test_a_real_docx_and_xlsx_are_accepted(name, data, label):
    assert uploads.check_upload(files.upload(name, data)).kind.label == label


def test_a_jpeg_is_stored_re_encoded_upright_without_exif_gps_or_comment():
    checked = uploads.check_upload(files.upload("现场.jpg", gps_jpeg()))
    data = checked.content.read()
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size, checked.size) == ("JPEG", (200, 400), len(data))
    assert not image.getexif() and "comment" not in image.info
    assert b"Exif" not in data and b"Zhang San" not in data


def test_a_png_is_stored_as_a_png_of_the_same_pixels_without_its_metadata():
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (35.0, 1.0, 2.0)}
    source = Image.new("RGBA", (30, 20), (10, 20, 30, 0))
    data = files.image_bytes(source, "PNG", exif=exif.tobytes(), icc_profile=b"\x00" * 128)
    stored = uploads.check_upload(files.upload("照片.png", data)).content.read()
    image = Image.open(io.BytesIO(stored))
    image.load()
    assert (image.format, image.size, image.mode) == ("PNG", (30, 20), "RGBA")
    assert image.getpixel((5, 5)) == (10, 20, 30, 0)
    assert not image.info and not image.getexif()


def test_a_picture_with_a_zip_hidden_after_it_is_stored_without_the_zip():
    polyglot = files.image_bytes() + files.docx_bytes()
    stored = uploads.check_upload(files.upload("照片.png", polyglot)).content.read()
    assert b"PK\x03\x04" not in stored and b"word/document.xml" not in stored


def test_a_meeting_keeps_the_re_encoded_picture(world, media):
    meeting = MeetingFactory(committee=world.a)
    row = meeting_services.attachment_add(meeting=meeting, user=world.secretary_a,
                                          upload=files.upload("现场.jpg", gps_jpeg()))
    with row.file.open("rb") as stored:
        data = stored.read()
    assert b"Exif" not in data and row.size == len(data)
    assert Image.open(io.BytesIO(data)).size == (200, 400)


# --- what is refused ------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "data", "says"), [
    # images
    ("现场.jpg", gps_jpeg()[:1200], "the image is damaged"),
    ("照片.png", files.image_bytes(Image.new("RGB", (300, 300)))[:-40], "the image is damaged"),
    ("照片.png", png_declaring(100_000, 100_000), "larger than 40 megapixels"),
    ("照片.png", png_declaring(7000, 7000), "larger than 40 megapixels"),
    ("照片.jpg", files.image_bytes(), "is not a JPEG file"),
    ("照片.jpg", files.pdf_bytes(), "is not a JPEG file"),
    ("照片.png", b"\x89PNG\r\n\x1a\n" + b"0" * 40, "the image is damaged"),
    # PDFs
    ("纪要.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 200 + b"\n%%EOF\n", "is not a PDF file"),
    ("纪要.pdf", b"%PDF-1.4\n%test\n", "cut short or has other data after its end"),
    ("纪要.pdf", files.pdf_bytes()[:300], "cut short or has other data after its end"),
    ("纪要.pdf", files.pdf_bytes() + files.docx_bytes(), "other data after its end"),
    ("纪要.pdf", b"MZ junk " + files.pdf_bytes(), "is not a PDF file"),
    ("纪要.pdf", files.pdf_bytes(password="secret"), "protected by a password"),
    ("纪要.pdf", files.pdf_bytes(pages=0), "the PDF has no pages"),
    ("纪要.pdf", files.image_bytes(), "is not a PDF file"),
    # Office files
    ("签到表.docx", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "is not a DOCX file"),
    ("签到表.docx", b"PK\x03\x04 broken zip", "is not a DOCX file"),
    ("签到表.docx", files.xlsx_bytes(), "is not a DOCX file"),
    ("名册.xlsx", files.docx_bytes(), "is not a XLSX file"),
    ("签到表.docx", files.image_bytes() + files.docx_bytes(), "is not a DOCX file"),
    ("签到表.docx", files.docx_bytes(main="application/vnd.ms-word.document.macroEnabled.main"
                                         "+xml"), "is not a DOCX file"),
    ("签到表.docx", files.docx_bytes(extra={"word/vbaProject.bin": b"\x00" * 10}),
     "holds macros"),
    ("签到表.docx", files.docx_bytes(document="<w:document>unclosed"), "not well-formed XML"),
    ("签到表.docx", files.docx_bytes(document=BILLION_LAUGHS), "declares entities"),
    ("签到表.docx", files.docx_bytes(extra={"word/media/big.bin": b"\x00" * (20 << 20)}),
     "a ZIP bomb"),
    ("签到表.docx", uploads.OLE2_MAGIC + b"\x00" * 504, "protected by a password"),
    # kinds not taken at all
    ("签到表.doc", uploads.OLE2_MAGIC + b"\x00" * 504, "old Word and Excel files"),
    ("名单.txt", "张三\n李四\n".encode(), "only PDF, DOCX, XLSX, JPEG and PNG"),
    ("setup.exe", b"MZ\x90\x00", "only PDF, DOCX, XLSX, JPEG and PNG"),
])
def test_a_hostile_or_mislabelled_file_is_refused_naming_it(name, data, says):
    assert says in refusal(name, data, field="files")


def test_a_docx_that_unpacks_past_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UNZIPPED_BYTES", 1024)
    assert "unpacks to more than" in refusal("签到表.docx", files.docx_bytes("很长" * 1000))


def test_a_docx_with_an_encrypted_member_is_refused():
    data = bytearray(files.docx_bytes())
    # the general-purpose flag of the first local header and of its central directory entry
    data[6] |= 1
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 1
    assert "protected by a password" in refusal("签到表.docx", bytes(data))


def test_a_pdf_that_breaks_the_parser_in_any_way_is_refused(monkeypatch):
    def explode(*args, **kwargs):
        raise RecursionError("deep page tree")

    monkeypatch.setattr(uploads.pypdf, "PdfReader", explode)
    assert "is not a PDF file" in refusal("纪要.pdf", files.pdf_bytes())


def test_a_pdf_over_the_page_limit_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PDF_PAGES", 2)
    assert "more than 2 pages" in refusal("纪要.pdf", files.pdf_bytes(pages=3))


def test_store_upload_takes_only_a_checked_file(world, media):
    row = MeetingAttachment(meeting=MeetingFactory(committee=world.a))
    with pytest.raises(TypeError):
        uploads.store_upload(row, files.pdf(), user=world.secretary_a)
    assert not MeetingAttachment.objects.exists()


@pytest.mark.parametrize(("name", "data"), [
    ("纪要.pdf", files.pdf_bytes(password="secret")),
    ("签到表.docx", files.docx_bytes(document=BILLION_LAUGHS)),
    ("现场.jpg", gps_jpeg()[:1200]),
])
def test_a_refused_attachment_leaves_no_row_and_no_file(world, media, name, data):
    meeting = MeetingFactory(committee=world.a)
    with pytest.raises(ValidationError) as exc:
        meeting_services.attachment_add(meeting=meeting, user=world.secretary_a,
                                        upload=files.upload(name, data))
    assert f"“{name}”" in exc.value.message_dict["file"][0]
    assert not MeetingAttachment.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]

