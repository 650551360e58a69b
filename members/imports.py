"""Reading a roster file (.xlsx or .csv) and checking every row, without writing anything.

``read_table`` turns the bytes of an upload into a header and numbered rows, or raises
``ImportRefused`` with a message for the user: not a spreadsheet, an old .xls, a zip bomb, too
many rows or columns, missing headers. It never trusts the file: the zip's declared sizes are
checked before anything is unpacked, openpyxl parses XML through defusedxml (installed, so
openpyxl uses it), and reading stops at ``MAX_ROWS``.

``build_plan`` checks each row with the same rules as the registration form (name, ID number
and mobile through ``members.services.derive_member_fields``) plus what only a file can get
wrong (a date written as text, an unknown branch, the same person twice, a formula), and
returns an ``ImportPlan``: rows to add, rows to update (matched by ID number), rows unchanged,
and every problem with its row number, column and message. The writes are in
``members.import_writes``.

Problems never quote an ID number or a mobile: the preview and the command's report are
shown and logged, and a row number is enough to find the cell.
"""

from __future__ import annotations

import copy
import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch
from committees.models import Committee
from core.xlsx import add_sheet, escape_cell, new_workbook, workbook_bytes
from units.models import Unit

from .models import Category, Gender, Member, Status
from .roster_columns import COLUMN, HEADERS, outside_cell, outside_organisation
from .services import derive_member_fields
from .validators import mask_id_number, normalize_id_number

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000  # rows read, empty ones included; the whole district is about 11,000
MAX_COLUMNS = 40
# A real roster's parts unpack to a few megabytes; a zip bomb's to gigabytes.
MAX_UNZIPPED_BYTES = 80 * 1024 * 1024
MAX_ZIP_ENTRIES = 300
MAX_COMPRESSION_RATIO = 150
PREVIEW_ROWS = 200  # rows of each kind kept for the preview page
MAX_ISSUES_KEPT = 500

# Model fields reported under a column (``COLUMN``: the columns, keyed by the field they fill).
_FIELD_COLUMN = {
    **COLUMN,
    "employer_unit": COLUMN["employer"],
    "employer_name": COLUMN["employer"],
    "outside_organisation": COLUMN["employer"],
    "mobile_tail": COLUMN["mobile"],
    "party_group": COLUMN["branch"],
    "birth_date": COLUMN["id_number"],
}
# What the import may change on a member (the audit log and "unchanged" compare these).
UPDATED_FIELDS = [
    "name", "gender", "ethnicity", "birth_date", "mobile", "mobile_tail", "address",
    "joined_on", "full_member_on", "status", "category", "employer_unit", "employer_name",
    "branch", "party_group", "outside_organisation", "name_pinyin", "name_initials",
]

PARTY_FOUNDED = datetime.date(1921, 7, 1)
_DATE_PATTERNS = [
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
]
_EXCEL_EPOCH = datetime.date(1899, 12, 30)


class ImportRefused(Exception):
    """The file as a whole cannot be read; the message says why, for the user."""


@dataclass(frozen=True)
class Issue:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class PlannedRow:
    row: int
    member: Member  # unsaved (to add) or changed in memory (to update)
    before: Member | None = None  # the stored member, for updates
    changed_fields: list[str] = field(default_factory=list)  # model fields, for updates

    @property
    def action(self) -> str:
        if self.before is None:
            return "add"
        return "update" if self.changed_fields else "unchanged"

    @property
    def changed_columns(self) -> list[str]:
        columns = {_FIELD_COLUMN.get(name, COLUMN["name"]) for name in self.changed_fields}
        return sorted(columns, key=HEADERS.index)

    def preview(self) -> dict:
        """What the preview page shows of the row: nothing a page may not show."""
        return {
            "row": self.row,
            "name": self.member.name,
            "id_number": mask_id_number(self.member.id_number or ""),
            "membership": self.member.membership,
            "category": self.member.get_category_display(),
            "changed": self.changed_columns,
        }


@dataclass
class ImportPlan:
    committee: Committee
    rows: list[PlannedRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    total_rows: int = 0

    def of(self, action: str) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == action]

    @property
    def bad_rows(self) -> int:
        return len({issue.row for issue in self.issues})

    @property
    def ok(self) -> bool:
        return not self.issues

    def report(self) -> dict:
        """The plan as JSON for ``RosterImport.report``: counts, and the first rows of each
        kind and the first problems (masked)."""
        return {
            "add": [row.preview() for row in self.of("add")[:PREVIEW_ROWS]],
            "update": [row.preview() for row in self.of("update")[:PREVIEW_ROWS]],
            "issues": [issue.as_dict() for issue in self.issues[:MAX_ISSUES_KEPT]],
        }


# --- reading the file --------------------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[object]]]  # (row number as the spreadsheet shows it, values)


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
    data = []
    read = 0
    for number, values in rows:
        read += 1
        if read > MAX_ROWS + 1:
            raise ImportRefused(
                _("The file has more than %(limit)s rows. Split it, or delete the empty rows "
                  "at the end of the sheet.") % {"limit": f"{MAX_ROWS:,}"}
            )
        if len(values) > MAX_COLUMNS and any(_text(v) for v in values[MAX_COLUMNS:]):
            raise ImportRefused(
                _("Row %(row)s has more than %(limit)s columns.")
                % {"row": number, "limit": MAX_COLUMNS}
            )
        if not any(_text(v) for v in values):
            continue
        if headers is None:
            headers = [unicodedata.normalize("NFKC", _text(v)).replace(" ", "") for v in values]
            _check_headers(headers)
            continue
        data.append((number, list(values)))
    if headers is None:
        raise ImportRefused(_("The file has no rows."))
    if not data:
        raise ImportRefused(_("The file has the headers but no member under them."))
    return Table(headers=headers, rows=data)


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


# --- cells ------------------------------------------------------------------------------------


def _text(value) -> str:
    """A cell as text: stripped; whole numbers without ".0"; dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


class _CellError(Exception):
    pass


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and 1 <= value < 2_958_466:
        # An Excel date serial in a cell not formatted as a date.
        return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
    text = unicodedata.normalize("NFKC", _text(value))
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise _CellError(_("Write a real date, e.g. 2001-07-01."))


def _choice(value: str, choices: dict[str, str], message: str) -> str:
    text = unicodedata.normalize("NFKC", value).replace(" ", "")
    if text in choices:
        return choices[text]
    raise _CellError(message)


_GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE}
_STATUSES = {
    "正式党员": Status.FULL, "正式": Status.FULL,
    "预备党员": Status.PROBATIONARY, "预备": Status.PROBATIONARY,
}
_CATEGORIES = {
    "小个专": Category.SMALL_BUSINESS, "“小个专”党员": Category.SMALL_BUSINESS,
    "小个专党员": Category.SMALL_BUSINESS,
    "离退休干部": Category.RETIRED_CADRE, "离退休干部党员": Category.RETIRED_CADRE,
    "离退休": Category.RETIRED_CADRE,
    "在职党员": Category.IN_SERVICE, "在职": Category.IN_SERVICE,
    "社区居民": Category.RESIDENT, "社区居民党员": Category.RESIDENT, "居民": Category.RESIDENT,
    "其他": Category.OTHER,
}
CATEGORY_WORDS = ["小个专", "离退休干部", "在职党员", "社区居民", "其他"]


# --- checking the rows -----------------------------------------------------------------------


class _Lookups:
    """What the rows are checked against, read once per file (a handful of queries)."""

    def __init__(self, committee: Committee, user, id_numbers: list[str]):
        self.committee = committee
        self.user = user
        district = committee.district_id
        self.branches: dict[str, list[Branch]] = {}
        for branch in Branch.objects.filter(committee__district_id=district).select_related(
            "committee", "parent"
        ):
            self.branches.setdefault(branch.name, []).append(branch)
        self.units = {unit.name: unit for unit in Unit.objects.filter(district_id=district)}
        self.existing: dict[str, Member] = {}
        numbers = sorted(set(id_numbers))
        for start in range(0, len(numbers), 2000):
            for member in Member.objects.filter(
                id_number__in=numbers[start:start + 2000]
            ).select_related("committee", "branch", "employer_unit"):
                self.existing[member.id_number] = member
        others = [m.pk for m in self.existing.values() if m.committee_id != committee.pk]
        if user is None:
            self.visible = set(others)
        else:
            self.visible = set(
                Member.objects.for_user(user).filter(pk__in=others).values_list("pk", flat=True)
            )

    def branch(self, name: str) -> Branch:
        found = self.branches.get(name, [])
        if len(found) > 1:
            here = [b for b in found if b.committee_id == self.committee.pk]
            if len(here) == 1:
                return here[0]
            raise _CellError(
                _("Several communities have a branch of this name: %(committees)s.")
                % {"committees": "、".join(sorted(b.committee.name for b in found))}
            )
        if not found:
            raise _CellError(_("No branch of this name in the district."))
        return found[0]


def build_plan(
    content: bytes,
    filename: str,
    *,
    committee: Committee,
    user,
    progress: Callable[[int, int], None] | None = None,
) -> ImportPlan:
    """Check every row of the file for ``committee``'s roster; write nothing.

    ``user`` decides only what a duplicate's message may say (``None``: the command line, which
    may name any committee). Raises ``ImportRefused`` when the file cannot be read at all.
    """
    table = read_table(content, filename)
    plan = ImportPlan(committee=committee, total_rows=len(table.rows))
    index = {header: i for i, header in enumerate(table.headers) if header in HEADERS}

    def cell(values, column):
        i = index[column]
        return values[i] if i < len(values) else None

    id_numbers = []
    for _number, values in table.rows:
        raw = cell(values, COLUMN["id_number"])
        if isinstance(raw, str):
            id_numbers.append(normalize_id_number(raw))
    lookups = _Lookups(committee, user, id_numbers)
    first_row_of: dict[str, int] = {}
    today = timezone.localdate()

    for done, (number, values) in enumerate(table.rows, start=1):
        row_issues: list[Issue] = []

        def problem(column, message, row_issues=row_issues, number=number):
            # One problem per cell: the first is the one to fix.
            if all(issue.column != column for issue in row_issues):
                row_issues.append(Issue(number, column, str(message)))

        planned = _check_row(
            number, {h: cell(values, h) for h in HEADERS}, lookups, problem, today
        )
        if planned is not None and planned.member.id_number:
            first = first_row_of.setdefault(planned.member.id_number, number)
            if first != number:
                problem(
                    COLUMN["id_number"],
                    _("The same ID number is on row %(row)s.") % {"row": first},
                )
        if row_issues:
            plan.issues.extend(row_issues)
        elif planned is not None:
            plan.rows.append(planned)
        if progress and done % 500 == 0:
            progress(done, plan.total_rows)
    return plan


def _check_row(number, cells, lookups: _Lookups, problem, today) -> PlannedRow | None:
    """One row: a member to add or update, with every problem reported through ``problem``."""
    text = {}
    for column, value in cells.items():
        text[column] = _text(value)
        if text[column].startswith("=") or (isinstance(value, str) and value.startswith("=")):
            problem(column, _("Formulas are not accepted: type the value itself."))
            text[column] = ""
    raw_id = cells[COLUMN["id_number"]]
    if isinstance(raw_id, (int, float)):
        problem(
            COLUMN["id_number"],
            _("The ID number was stored as a number and has lost its last digits. Format the "
              "column as text and type the numbers again."),
        )
        return None
    if not text[COLUMN["id_number"]]:
        problem(COLUMN["id_number"], _("The ID number is required: rows are matched by it."))
        return None

    committee = lookups.committee
    member = Member(
        committee=committee,
        name=text[COLUMN["name"]],
        id_number=text[COLUMN["id_number"]],
        mobile=text[COLUMN["mobile"]],
    )
    try:
        derive_member_fields(member)
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            problem(_FIELD_COLUMN.get(field_name, COLUMN["name"]), messages[0])
        if "id_number" in exc.message_dict:
            return None

    before = lookups.existing.get(member.id_number)
    if before is not None and before.committee_id != committee.pk:
        if before.pk in lookups.visible:
            problem(
                COLUMN["id_number"],
                _("This person is already on the roster of %(committee)s (%(name)s): transfer "
                  "them instead.") % {"committee": before.committee.name, "name": before.name},
            )
        else:
            problem(
                COLUMN["id_number"],
                _("This person is already on a roster in the district: ask the district's "
                  "organisation department to transfer them."),
            )
        return None
    target = copy.copy(before) if before is not None else member
    if before is not None:
        for name in ("name", "name_pinyin", "name_initials", "birth_date", "gender"):
            setattr(target, name, getattr(member, name))
        if member.mobile:
            target.mobile, target.mobile_tail = member.mobile, member.mobile_tail

    gender = text[COLUMN["gender"]]
    if gender:
        try:
            if _choice(gender, _GENDERS, _("Write 男 or 女.")) != member.gender:
                problem(COLUMN["gender"], _("The gender does not match the ID number."))
        except _CellError as exc:
            problem(COLUMN["gender"], exc)

    if text[COLUMN["ethnicity"]]:
        target.ethnicity = text[COLUMN["ethnicity"]]
    elif before is None:
        target.ethnicity = "汉族"

    for column, attribute in (("joined_on", "joined_on"), ("full_member_on", "full_member_on")):
        try:
            value = _date(cells[COLUMN[column]] if text[COLUMN[column]] else None)
        except _CellError as exc:
            problem(COLUMN[column], exc)
            continue
        if value is None:
            continue
        if value > today:
            problem(COLUMN[column], _("The date is in the future."))
        elif value < PARTY_FOUNDED or (member.birth_date and value <= member.birth_date):
            problem(COLUMN[column], _("The date is not possible for this person."))
        else:
            setattr(target, attribute, value)
    if target.joined_on and target.full_member_on and target.full_member_on < target.joined_on:
        problem(COLUMN["full_member_on"], _("Full membership cannot come before joining."))

    if text[COLUMN["status"]]:
        try:
            target.status = _choice(
                text[COLUMN["status"]], _STATUSES, _("Write 正式党员 or 预备党员.")
            )
        except _CellError as exc:
            problem(COLUMN["status"], exc)
    elif before is None:
        target.status = Status.FULL
    if target.status == Status.PROBATIONARY and target.full_member_on:
        problem(
            COLUMN["full_member_on"],
            _("A probationary member has no full-membership date: check 党员状态."),
        )

    if text[COLUMN["category"]]:
        try:
            target.category = _choice(
                text[COLUMN["category"]], _CATEGORIES,
                _("Write one of: %(words)s.") % {"words": "、".join(CATEGORY_WORDS)},
            )
        except _CellError as exc:
            problem(COLUMN["category"], exc)
    elif before is None:
        problem(COLUMN["category"], _("The category is required."))

    residence = text[COLUMN["committee"]]
    if residence and unicodedata.normalize("NFKC", residence) != committee.name:
        problem(
            COLUMN["committee"],
            _("This file is imported into %(committee)s: leave the column empty or write "
              "that name.") % {"committee": committee.name},
        )

    employer = text[COLUMN["employer"]]
    if employer:
        unit = lookups.units.get(employer)
        target.employer_unit, target.employer_name = (unit, "") if unit else (None, employer)

    branch_name = text[COLUMN["branch"]]
    outside = outside_organisation(branch_name)
    if outside is not None:
        if outside:
            target.branch, target.party_group, target.outside_organisation = None, None, outside
        else:
            problem(COLUMN["branch"], _("Name the organisation after 区外：."))
    elif branch_name:
        try:
            found = lookups.branch(branch_name)
        except _CellError as exc:
            problem(COLUMN["branch"], exc)
        else:
            # A party group named here: the membership (组织关系) is its branch's, and the
            # member sits in the group. (A change of branch is written with a transfer.)
            branch, group = (found.parent, found) if found.parent_id else (found, None)
            target.branch, target.party_group = branch, group
            target.outside_organisation = ""
    elif before is None:
        if employer:
            # Membership held by the employer, outside the district.
            target.branch, target.party_group, target.outside_organisation = None, None, employer
        else:
            problem(
                COLUMN["branch"],
                _("Name the branch, or leave it empty and name the employer that holds the "
                  "membership."),
            )

    address = text[COLUMN["address"]]
    if address:
        target.address = address
    try:
        target.clean_fields(
            exclude=["committee", "branch", "employer_unit", "user", "id_number", "name",
                     "mobile"]
        )
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            problem(_FIELD_COLUMN.get(field_name, COLUMN["name"]), messages[0])

    planned = PlannedRow(row=number, member=target, before=before)
    if before is not None:
        planned.changed_fields = [
            name for name in UPDATED_FIELDS if _value(before, name) != _value(target, name)
        ]
    return planned


def _value(member: Member, name: str):
    field_ = Member._meta.get_field(name)
    return getattr(member, field_.attname)


# --- the template -----------------------------------------------------------------------------

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
        if key in ("id_number", "mobile"):
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
