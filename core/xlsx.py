"""Excel downloads, written alike: the content type, formula escaping, a sheet of a header row
and rows, the workbook's bytes, and the response that sends them.

Every text cell goes through ``escape_cell``: a leading ``= + - @``, tab or carriage return gets
an apostrophe in front, so no cell is ever read as a formula (whatever
``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` says: that setting only strips a leading ``=``), and
characters a workbook cannot hold are replaced.
"""

import unicodedata
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def date_cell(value) -> str:
    """A date as the sheets write it (ISO), or empty."""
    return value.isoformat() if value else ""


def datetime_cell(value) -> str:
    """A moment in local time, to the minute, or empty."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def escape_cell(value) -> str:
    """Text safe to put in a cell: never read as a formula, no illegal characters."""
    text = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", str(value or ""))
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def unescape_cell(text: str) -> str:
    """A cell of one of our downloads read back (an import of an export, or of the rows to
    correct): the apostrophe ``escape_cell`` put before a leading ``= + - @`` taken off, so
    "-3号楼" comes back as it went out. (A formula that comes back is still refused by
    whoever reads it as data.)"""
    if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS):
        return text[1:]
    return text


def new_workbook() -> Workbook:
    """A workbook without sheets: add them with ``add_sheet``."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def add_sheet(workbook: Workbook, title: str, headers, rows):
    """A sheet of ``headers`` (bold, frozen at the top) and ``rows`` below them; text cells
    escaped (``escape_cell``), numbers and dates kept as they are, each column as wide as its
    longest value (a Chinese character counts two), text with line breaks wrapped. Returns the
    sheet, for a totals row or number formats."""
    sheet = workbook.create_sheet(title)
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    wrap = Alignment(wrap_text=True)
    for row in rows:
        sheet.append([escape_cell(v) if isinstance(v, str) else v for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and "\n" in cell.value:
                cell.alignment = wrap
    for index, column in enumerate(sheet.iter_cols(values_only=True), start=1):
        width = max((_width(value) for value in column if value is not None), default=0)
        if width:
            sheet.column_dimensions[get_column_letter(index)].width = width
    return sheet


def _width(value) -> int:
    """How many columns ``value`` takes on screen: wide (CJK) characters take two."""
    return max(
        (sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
         for line in str(value).splitlines()),
        default=0,
    )


def workbook_bytes(workbook: Workbook) -> bytes:
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A workbook as a download named ``filename``, kept out of shared caches (exports hold
    names, masked numbers and money)."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response
