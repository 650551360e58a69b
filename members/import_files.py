"""Reading a roster file (.xlsx or .csv) into a header and numbered rows, never trusting it.

``read_table`` turns the bytes of an upload into a ``Table``, or raises ``ImportRefused`` with a
message for the user: not a spreadsheet, an old .xls, a zip bomb, too many rows or columns,
missing headers. The zip's declared sizes are checked before anything is unpacked, openpyxl
parses XML through defusedxml (installed, so openpyxl uses it), and reading stops at
``MAX_ROWS``. ``members.imports`` checks the rows.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.xlsx import unescape_cell

from .roster_columns import HEADERS

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000  # rows read, empty ones included; the whole district is about 11,000
MAX_COLUMNS = 40
# A real roster's parts unpack to a few megabytes; a zip bomb's to gigabytes.
MAX_UNZIPPED_BYTES = 80 * 1024 * 1024
MAX_ZIP_ENTRIES = 300
MAX_COMPRESSION_RATIO = 150


class ImportRefused(Exception):
    """The file as a whole cannot be read; the message says why, for the user."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[object]]]  # (row number as the spreadsheet shows it, values)
    header_row: int = 1  # where the headers are (empty rows above them are skipped)

    def columns(self) -> dict[str, int]:
        """Where each column of the template is in the file."""
        return {header: i for i, header in enumerate(self.headers) if header in HEADERS}

    def cells(self, values: list[object], columns: dict[str, int]) -> dict[str, object]:
        """One row's cells by the template's headers, as the file holds them."""
        return {
            header: values[i] if i < len(values) else None
            for header, i in columns.items()
        }


def read_table(content: bytes, filename: str) -> Table:
    """The header and the non-empty rows of the first sheet (or the CSV), or ``ImportRefused``."""
    if not content:
        raise ImportRefused(_("The file is empty."))
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportRefused(
            _("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_BYTES // 2**20}
        )
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(content)
    elif name.endswith(".csv"):
        rows = _csv_rows(content)
    elif name.endswith(".xls"):
        raise ImportRefused(_("Old .xls workbooks cannot be read: save the file as .xlsx."))
    else:
        raise ImportRefused(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    return _table(rows)


def _table(rows: Iterator[tuple[int, list[object]]]) -> Table:
    headers = None
    header_row = 1
    data = []
    read = 0
    for number, values in rows:
        read += 1
        if read > MAX_ROWS + 1:
            raise ImportRefused(
                _("The file has more than %(limit)s rows. Split it, or delete the empty rows "
                  "at the end of the sheet.") % {"limit": f"{MAX_ROWS:,}"}
            )
        if len(values) > MAX_COLUMNS and any(cell_text(v) for v in values[MAX_COLUMNS:]):
            raise ImportRefused(
                _("Row %(row)s has more than %(limit)s columns.")
                % {"row": number, "limit": MAX_COLUMNS}
            )
        if not any(cell_text(v) for v in values):
            continue
        if headers is None:
            headers = [unicodedata.normalize("NFKC", cell_text(v)).replace(" ", "") for v in values]
            header_row = number
            _check_headers(headers)
            continue
        data.append((number, list(values)))
    if headers is None:
        raise ImportRefused(_("The file has no rows."))
    if not data:
        raise ImportRefused(_("The file has the headers but no member under them."))
    return Table(headers=headers, rows=data, header_row=header_row)


def _check_headers(headers: list[str]) -> None:
    missing = [h for h in HEADERS if h not in headers]
    if missing:
        raise ImportRefused(
            _("The first row must hold the column headers of the template. Missing: "
              "%(missing)s.") % {"missing": "、".join(missing)}
        )
    doubled = sorted({h for h in headers if h and headers.count(h) > 1 and h in HEADERS})
    if doubled:
        raise ImportRefused(
            _("These columns appear twice: %(columns)s.") % {"columns": "、".join(doubled)}
        )


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[object]]]:
    if content[:4] == b"\xd0\xcf\x11\xe0":
        # OLE2: an .xls saved under another name, or an encrypted workbook.
        raise ImportRefused(
            _("This is not an .xlsx workbook (an old .xls, or a password-protected file). "
              "Save it as .xlsx without a password.")
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportRefused(_("This file is not an Excel workbook (.xlsx).")) from None
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        raise ImportRefused(_("This file is not an Excel workbook (.xlsx).")) from None
    unpacked = sum(entry.file_size for entry in entries)
    too_packed = any(
        entry.file_size > 1_000_000
        and entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )
    if len(entries) > MAX_ZIP_ENTRIES or unpacked > MAX_UNZIPPED_BYTES or too_packed:
        raise ImportRefused(
            _("This workbook unpacks to far more data than a roster holds; it was not opened.")
        )
    import openpyxl  # imported here: only imports need it

    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=False, keep_links=False
        )
    except Exception:  # openpyxl raises many kinds on a damaged file
        raise ImportRefused(_("This Excel workbook is damaged and cannot be read.")) from None
    return _sheet_rows(workbook)


def _sheet_rows(workbook) -> Iterator[tuple[int, list[object]]]:
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(
            sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), start=1
        ):
            yield number, list(row)
    except ImportRefused:
        raise
    except Exception:
        raise ImportRefused(_("This Excel workbook is damaged and cannot be read.")) from None
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[object]]]:
    if b"\x00" in content:
        raise ImportRefused(_("This file is not a CSV text file."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportRefused(_("The CSV file is neither UTF-8 nor GB18030 text."))

    def rows():
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            yield from enumerate(reader, start=1)
        except csv.Error:
            raise ImportRefused(_("The CSV file is malformed and cannot be read.")) from None

    return rows()


def cell_text(value) -> str:
    """A cell as text: stripped; whole numbers without ".0"; dates as ISO; the apostrophe
    our downloads put before a leading = + - @ taken off again (``core.xlsx.unescape_cell``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unescape_cell(value).strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()
