"""The spreadsheets the roster import hands out: the template to fill in, and the file of rows
to correct (the upload as the template lays it out, with the problems of each row).

Both are read back by the import as they are (``members.import_files``): their headers are the
template's, extra columns such as 问题 are ignored, and the apostrophe that keeps a cell from
being read as a formula (``core.xlsx.escape_cell``) is taken off again.
"""

from __future__ import annotations

import datetime

from django.db.models import Q

from branches.models import Branch
from committees.models import Committee
from core.xlsx import add_sheet, escape_cell, new_workbook, workbook_bytes

from .imports import CATEGORY_WORDS, ImportPlan
from .roster_columns import COLUMN, HEADERS, outside_cell

# The last column of the file of rows to correct (not a column of the template: the import
# ignores it).
PROBLEMS_HEADER = "问题"

# What the template's notes sheet says of each column (in ``COLUMN``'s order).
_TEMPLATE_NOTES = {
    "name": "必填。与身份证一致，少数民族姓名可用“·”。",
    "gender": "可空（由身份证号得出）；填写时须为“男”或“女”，并与身份证号一致。",
    "ethnicity": "可空，默认“汉族”。",
    "id_number": "必填，18 位；请保持本列为文本格式，否则 Excel 会丢掉末几位。已在本社区名册上的人"
                 "按身份证号更新，不会重复登记。",
    "mobile": "可空，11 位手机号。",
    "joined_on": "可空，如 2001-07-01。",
    "full_member_on": "可空，不早于入党日期。",
    "status": "“正式党员”或“预备党员”，空白视为正式党员。",
    "category": "必填：小个专、离退休干部、在职党员、社区居民、其他。",
    "branch": "本区党支部的名称，或其党小组的名称"
              "（组织关系在支部，党小组只说明所在小组；见下方本社区的支部和党小组）。"
              "组织关系在区外（如在职党员留在单位）时"
              f"留空并填写工作单位，或写“{outside_cell('组织名称')}”（导出的名册就是这样写的）。",
    "committee": "可空；填写时须为本社区名称。",
    "employer": "驻区单位的名称或其他单位名称。",
    "address": "可空。",
}
# Columns typed as text, so Excel keeps every digit.
_TEXT_COLUMNS = ("id_number", "mobile")


def template_xlsx(committee: Committee) -> bytes:
    """An empty roster with the headers, the ID and mobile columns as text, drop-downs for the
    fixed columns, and a second sheet explaining each column and listing the branches."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = new_workbook()
    sheet = add_sheet(workbook, "党员名册", HEADERS, [])
    letters = {key: get_column_letter(i) for i, key in enumerate(COLUMN, start=1)}
    for key, letter in letters.items():
        sheet.column_dimensions[letter].width = 22 if key in ("id_number", "branch") else 14
        if key in _TEXT_COLUMNS:
            for row in range(2, 2002):
                sheet[f"{letter}{row}"].number_format = "@"
    for key, words in (
        ("gender", ["男", "女"]),
        ("status", ["正式党员", "预备党员"]),
        ("category", CATEGORY_WORDS),
    ):
        letter = letters[key]
        check = DataValidation(type="list", formula1='"' + ",".join(words) + '"',
                               allow_blank=True)
        check.add(f"{letter}2:{letter}20001")
        sheet.add_data_validation(check)

    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "说明"])
    for key, header in COLUMN.items():
        notes.append([header, _TEMPLATE_NOTES[key]])
    notes.append([])
    notes.append([escape_cell(f"{committee.name}的党支部、党小组")])
    branches = Branch.objects.of_committee(committee).values("pk")
    for name in Branch.objects.filter(Q(pk__in=branches) | Q(parent_id__in=branches)).order_by(
        "kind", "name"
    ).values_list("name", flat=True):
        notes.append([escape_cell(name)])
    notes.column_dimensions["A"].width = 30
    notes.column_dimensions["B"].width = 90
    return workbook_bytes(workbook)


def corrections_xlsx(plan: ImportPlan) -> bytes:
    """The upload of ``plan`` to correct and upload again: the template's headers and, on the
    same row numbers as in the upload (so 第 5 行 is row 5 here too), every row's cells as
    uploaded, with a last column 问题 naming every problem of a bad row; the cells with a
    problem are shaded. The good rows are in it too: an import is written whole or not at
    all, so the corrected file must hold them to be imported in one go. Built from the table
    the check read (the file is not read again); it holds full ID numbers, as the upload did.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    table = plan.table
    columns = table.columns()
    problems = {row.row: row for row in plan.bad}
    shade = PatternFill("solid", fgColor="FCE4D6")
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    text_headers = {COLUMN[key] for key in _TEXT_COLUMNS}

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("党员名册")
    headers = [*HEADERS, PROBLEMS_HEADER]
    for i, header in enumerate(headers, start=1):
        wide = header in text_headers or header == COLUMN["branch"]
        sheet.column_dimensions[get_column_letter(i)].width = (
            60 if header == PROBLEMS_HEADER else 22 if wide else 14
        )
    last = get_column_letter(len(headers))
    sheet.freeze_panes = f"A{table.header_row + 1}"
    end = table.rows[-1][0] if table.rows else table.header_row
    sheet.auto_filter.ref = f"A{table.header_row}:{last}{end}"

    def cell(value, *, header=None, bad=False):
        if isinstance(value, str):
            value = escape_cell(value)
        elif value is not None and not isinstance(
            value, (int, float, datetime.date, datetime.datetime, datetime.time)
        ):
            value = escape_cell(str(value))
        out = WriteOnlyCell(sheet, value=value)
        if header in text_headers and not isinstance(value, (int, float)):
            out.number_format = "@"
        elif isinstance(value, (datetime.date, datetime.datetime)):
            out.number_format = "yyyy-mm-dd"
        if bad:
            out.fill = shade
        return out

    for _blank in range(table.header_row - 1):
        sheet.append([])
    titles = []
    for header in headers:
        title = WriteOnlyCell(sheet, value=header)
        title.font = bold
        titles.append(title)
    sheet.append(titles)
    written = table.header_row
    for number, values in table.rows:
        for _blank in range(number - written - 1):
            sheet.append([])
        cells = table.cells(values, columns)
        bad = problems.get(number)
        bad_columns = {issue.column for issue in bad.issues} if bad else set()
        row = [
            cell(cells.get(header), header=header, bad=header in bad_columns)
            for header in HEADERS
        ]
        note = cell(bad.problems_text() if bad else None, bad=bad is not None)
        note.alignment = wrap
        sheet.append([*row, note])
        written = number
    return workbook_bytes(workbook)
