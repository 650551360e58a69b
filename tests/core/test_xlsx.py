"""core.xlsx: formula escaping, a sheet of headers and rows, the download response."""

from datetime import date
from decimal import Decimal
from io import BytesIO
from urllib.parse import unquote

import openpyxl
import pytest

from core.xlsx import (
    XLSX_CONTENT_TYPE,
    add_sheet,
    escape_cell,
    new_workbook,
    unescape_cell,
    workbook_bytes,
    xlsx_response,
)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("x")', "'=HYPERLINK(\"x\")"),
        ("+1+2", "'+1+2"),
        ("-3", "'-3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("张\x07三", "张\N{REPLACEMENT CHARACTER}三"),
        ("学苑社区", "学苑社区"),
        (None, ""),
        ("", ""),
    ],
)
def test_escape_cell_keeps_text_from_being_read_as_a_formula(value, cell):
    assert escape_cell(value) == cell


@pytest.mark.parametrize("text", ["-3号楼", "+86 138 0000 1111", "@家", "=1+1", "学苑社区"])
def test_unescape_cell_reads_back_what_escape_cell_wrote(text):
    assert unescape_cell(escape_cell(text)) == text


def test_unescape_cell_leaves_an_apostrophe_that_escapes_nothing():
    assert unescape_cell("'学苑") == "'学苑"
    assert unescape_cell("''-3") == "''-3"


def _reopened(workbook):
    return openpyxl.load_workbook(BytesIO(workbook_bytes(workbook)))


def test_a_sheet_has_bold_frozen_headers_escaped_text_and_numbers_as_numbers():
    workbook = new_workbook()
    add_sheet(workbook, "名单", ["姓名", "金额", "日期"], [
        ["=1+1", Decimal("12.50"), date(2025, 3, 1).isoformat()],
        ["王芳", 3, ""],
    ])
    book = _reopened(workbook)
    assert book.sheetnames == ["名单"]
    sheet = book["名单"]
    assert list(sheet.iter_rows(values_only=True)) == [
        ("姓名", "金额", "日期"), ("'=1+1", 12.5, "2025-03-01"), ("王芳", 3, None),
    ]
    assert all(cell.font.b for cell in sheet[1]) and not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width == len("2025-03-01")


def test_a_column_is_as_wide_as_its_longest_line_a_chinese_character_counting_two():
    workbook = new_workbook()
    add_sheet(workbook, "承诺", ["内容", "备注"], [["第一条\n第二条", "ab"], ["", "abcdef"]])
    sheet = _reopened(workbook)["承诺"]
    assert sheet.column_dimensions["A"].width == 6
    assert sheet.column_dimensions["B"].width == 6


def test_text_with_line_breaks_is_wrapped():
    workbook = new_workbook()
    add_sheet(workbook, "承诺", ["内容"], [["第一条\n第二条"], ["一行"]])
    sheet = _reopened(workbook)["承诺"]
    assert sheet["A2"].alignment.wrap_text and not sheet["A3"].alignment.wrap_text


def test_the_response_is_a_private_download_named_as_asked():
    response = xlsx_response(b"PK...", "学苑社区-党员名册.xlsx")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    assert "学苑社区-党员名册.xlsx" in unquote(response["Content-Disposition"])
    assert response["Cache-Control"] == "private, no-store"
    assert response.content == b"PK..."
