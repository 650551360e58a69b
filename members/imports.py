"""Checking every row of a roster file (.xlsx or .csv), without writing anything.

``members.import_files.read_table`` reads the file (or refuses it: ``ImportRefused``);
``build_plan`` checks each row with the same rules as the registration form (name, ID number
and mobile through ``members.services.derive_member_fields``) plus what only a file can get
wrong (a date written as text, an unknown branch, the same person twice, a formula), and
returns an ``ImportPlan``: rows to add, rows to update (matched by ID number), rows unchanged,
and the bad rows with every problem of each (row number, column, message). Every column of a
row is checked on its own, so one pass reports all the problems of the file: a bad ID number
does not hide a bad mobile or an unknown branch in the same row. One problem per cell (the
first: a formula, say, hides the empty cell it leaves). The writes are in
``members.import_writes``; the spreadsheets the import hands out (the template, the file of
rows to correct) in ``members.import_sheets``.

Problems never quote an ID number or a mobile: the preview and the command's report are
shown and logged, and a row number is enough to find the cell.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch
from committees.models import Committee
from core.db import instance_maker
from units.models import Unit

from .import_files import Table, cell_text, read_table
from .models import Category, Gender, Member, Status
from .roster_columns import COLUMN, HEADERS, outside_organisation
from .services import derive_member_fields
from .validators import mask_id_number, normalize_id_number

PREVIEW_ROWS = 200  # rows of each kind (to add, to update, to correct) kept for the preview
_COLUMN_ORDER = {header: i for i, header in enumerate(HEADERS)}  # a row's problems, in order

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


@dataclass(frozen=True)
class Issue:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        """第 5 行「身份证号」：…, for the command's report."""
        return _("Row %(row)s, “%(column)s”: %(message)s") % self.as_dict()

    def in_row(self) -> str:
        """「身份证号」：…, for the 问题 column of the file of rows to correct."""
        return _("“%(column)s”: %(message)s") % self.as_dict()


@dataclass
class BadRow:
    """A row with problems: what the preview shows of it (name, masked ID number) and its
    problems, in the order of the columns."""

    row: int
    name: str
    id_number: str  # masked
    issues: list[Issue]

    def preview(self) -> dict:
        return {
            "row": self.row,
            "name": self.name,
            "id_number": self.id_number,
            "problems": [
                {"column": issue.column, "message": issue.message} for issue in self.issues
            ],
        }

    def problems_text(self) -> str:
        return "\n".join(issue.in_row() for issue in self.issues)


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
    rows: list[PlannedRow] = field(default_factory=list)  # the good rows
    bad: list[BadRow] = field(default_factory=list)
    total_rows: int = 0
    # The file as read, for the file of rows to correct (``import_sheets.corrections_xlsx``).
    table: Table | None = None
    # What the rows were checked against (``roster_fingerprint``): the write step uses the kept
    # rows (``kept_rows``) only while the roster still gives the same.
    fingerprint: str = ""

    def of(self, action: str) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == action]

    @property
    def issues(self) -> list[Issue]:
        return [issue for row in self.bad for issue in row.issues]

    @property
    def bad_rows(self) -> int:
        return len(self.bad)

    @property
    def ok(self) -> bool:
        return not self.bad

    def report(self) -> dict:
        """The plan as JSON for ``RosterImport.report``: the first rows of each kind, the
        good ones beside the bad ones with their problems (ID numbers masked)."""
        return {
            "add": [row.preview() for row in self.of("add")[:PREVIEW_ROWS]],
            "update": [row.preview() for row in self.of("update")[:PREVIEW_ROWS]],
            "bad": [row.preview() for row in self.bad[:PREVIEW_ROWS]],
        }


def bad_rows_of(report: dict) -> list[dict]:
    """The bad rows a report keeps, as ``BadRow.preview`` writes them (a report written before
    the bad rows were kept whole has only its problems: they are grouped by row here)."""
    if "bad" in report:
        return report["bad"]
    rows: dict[int, dict] = {}
    for issue in report.get("issues", []):
        rows.setdefault(
            issue["row"], {"row": issue["row"], "name": "", "id_number": "", "problems": []}
        )["problems"].append({"column": issue["column"], "message": issue["message"]})
    return list(rows.values())


# --- cells ------------------------------------------------------------------------------------


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
    text = unicodedata.normalize("NFKC", cell_text(value))
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                break
    raise _CellError(_("Write a real date, e.g. 2001-07-01."))


def _choice(value: str, choices: dict[str, str], message: Callable[[], str]) -> str:
    """The choice ``value`` names, or ``_CellError`` with ``message()`` (made only then: a
    message translated for every row cost more than the lookup)."""
    text = unicodedata.normalize("NFKC", value).replace(" ", "")
    if text in choices:
        return choices[text]
    raise _CellError(message())


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
    plan = ImportPlan(committee=committee, total_rows=len(table.rows), table=table)
    columns = table.columns()

    id_numbers = []
    for _number, values in table.rows:
        raw = table.cells(values, columns)[COLUMN["id_number"]]
        if isinstance(raw, str):
            id_numbers.append(normalize_id_number(cell_text(raw)))
    lookups = _Lookups(committee, user, id_numbers)
    first_row_of: dict[str, int] = {}
    today = timezone.localdate()
    plan.fingerprint = roster_fingerprint(lookups, today)

    for done, (number, values) in enumerate(table.rows, start=1):
        cells = table.cells(values, columns)
        row_issues: list[Issue] = []

        def problem(column, message, row_issues=row_issues, number=number):
            # One problem per cell: the first is the one to fix (a formula hides the empty cell
            # it leaves, an ID number that is not one hides the fields derived from it).
            if all(issue.column != column for issue in row_issues):
                row_issues.append(Issue(number, column, str(message)))

        planned = _check_row(number, cells, lookups, problem, today)
        if planned is not None and planned.member.id_number:
            first = first_row_of.setdefault(planned.member.id_number, number)
            if first != number:
                problem(
                    COLUMN["id_number"],
                    _("The same ID number is on row %(row)s.") % {"row": first},
                )
        if row_issues:
            row_issues.sort(key=lambda issue: _COLUMN_ORDER[issue.column])
            plan.bad.append(BadRow(
                row=number,
                name=cell_text(cells[COLUMN["name"]])[:50],
                id_number=mask_id_number(cell_text(cells[COLUMN["id_number"]])[:40]),
                issues=row_issues,
            ))
        elif planned is not None:
            plan.rows.append(planned)
        if progress and done % 500 == 0:
            progress(done, plan.total_rows)
    return plan


# --- the checked rows, kept for the write step ------------------------------------------------
#
# The write step must check the file again against the roster as it is then (someone may have
# registered one of these people, edited one, renamed a branch). Instead of reading and
# checking the file a second time, the check keeps its good rows (``kept_rows``: what each row
# sets, ID numbers included, so it is kept and dropped with the file) and a fingerprint of
# everything they were checked against; the write step reads the roster again
# (``_Lookups``: a handful of queries) and uses the kept rows only if the fingerprint is the
# same, which makes the plan the same as a second check would. Otherwise it checks the file
# again (``plan_from_kept`` returns None).

_KEPT_FIELDS = ["id_number", *UPDATED_FIELDS]

# What a row's model checks (``clean_fields``) still have to look at: the fields set from a cell
# as typed (lengths, control characters, choices) and the pinyin keys derived from the name
# (their lengths). The rest are checked on their own above (name, ID number, mobile), or set
# from the roster's lookups (committee, branch, group, unit) or from values already checked
# (dates, gender from the ID number, the mobile's tail); their field checks, a tenth of a
# row's cost (a query per row naming a party group), found nothing more.
_CLEANED = {"gender", "ethnicity", "address", "status", "category", "employer_name",
            "outside_organisation", "name_pinyin", "name_initials"}
_NOT_CLEANED = [f.name for f in Member._meta.fields if f.name not in _CLEANED]


def roster_fingerprint(lookups: _Lookups, today: datetime.date) -> str:
    """A digest of what ``_check_row`` reads besides the file: the day (dates in the future),
    the committee's name, the district's branches and units by name, the members with the
    file's ID numbers (every field an import compares or changes) and which of those the user
    may see."""
    parts: list[object] = [today.isoformat(), lookups.committee.pk, lookups.committee.name]
    for name in sorted(lookups.branches):
        parts += [(name, b.pk, b.committee_id, b.committee.name, b.parent_id)
                  for b in sorted(lookups.branches[name], key=lambda b: b.pk)]
    parts += sorted((name, unit.pk) for name, unit in lookups.units.items())
    for number in sorted(lookups.existing):
        member = lookups.existing[number]
        parts.append((member.pk, number, member.committee_id, member.committee.name,
                      [_value(member, name) for name in UPDATED_FIELDS]))
    parts.append(sorted(lookups.visible))
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def kept_rows(plan: ImportPlan) -> dict:
    """The good rows of a plan as JSON, for ``plan_from_kept``: each row's number, the member
    it updates (or None) and the fields it sets. Holds full ID numbers: kept only while the
    file itself is (``RosterImport.checked``)."""
    rows = []
    for planned in plan.rows:
        values = {}
        for name in _KEPT_FIELDS:
            value = _value(planned.member, name)
            values[name] = value.isoformat() if isinstance(value, datetime.date) else value
        rows.append([planned.row, planned.before.pk if planned.before else None, values])
    return {"fingerprint": plan.fingerprint, "total_rows": plan.total_rows, "rows": rows}


def plan_from_kept(kept: dict, *, committee: Committee, user) -> ImportPlan | None:
    """The plan a second check of the file would make, from the rows the first one kept; None
    when nothing was kept or the roster no longer gives the same fingerprint (then the file
    must be checked again)."""
    if not kept or not kept.get("rows"):
        return None
    numbers = [values["id_number"] for _row, _pk, values in kept["rows"]]
    lookups = _Lookups(committee, user, numbers)
    if roster_fingerprint(lookups, timezone.localdate()) != kept["fingerprint"]:
        return None
    fields = {name: Member._meta.get_field(name) for name in _KEPT_FIELDS}
    # The rows' branches, groups and units as the lookups read them (the report's preview
    # names each row's branch: no query per row).
    related = {
        "branch": {b.pk: b for found in lookups.branches.values() for b in found},
        "employer_unit": {unit.pk: unit for unit in lookups.units.values()},
    }
    related["party_group"] = related["branch"]
    plan = ImportPlan(committee=committee, total_rows=kept["total_rows"],
                      fingerprint=kept["fingerprint"])
    for row, before_pk, values in kept["rows"]:
        before = lookups.existing.get(values["id_number"])
        if (before.pk if before else None) != before_pk:  # a fingerprint covers this; be sure
            return None
        # A new member is made with its values at once (``core.db.instance_maker``), its
        # branch, group and unit put in its cache as the descriptors would put them.
        own, cached = {}, []
        for name, value in values.items():
            field = fields[name]
            value = field.to_python(value)
            if name in related:
                if value is not None and value not in related[name]:
                    return None  # a fingerprint covers this too
                if value is not None:
                    cached.append((field, related[name][value]))
            own[field.attname] = value
        if before is None:
            target = _new_member(committee_id=committee.pk, **own)
            _COMMITTEE.set_cached_value(target, committee)
            for field, obj in cached:
                field.set_cached_value(target, obj)
        else:
            target = copy.copy(before)
            for name in values:
                setattr(target, name, own[fields[name].attname] if name not in related
                        else related[name].get(own[fields[name].attname]))
        planned = PlannedRow(row=row, member=target, before=before)
        if before is not None:
            planned.changed_fields = [
                name for name in UPDATED_FIELDS if _value(before, name) != _value(target, name)
            ]
        plan.rows.append(planned)
    return plan


# A row's member, made without Model.__init__'s descriptors (a quarter of a row's check).
_new_member = instance_maker(Member)
_COMMITTEE = Member._meta.get_field("committee")


def _check_row(number, cells, lookups: _Lookups, problem, today) -> PlannedRow | None:
    """One row: a member to add or update, with every problem reported through ``problem``.

    Each column is checked whatever the others hold; only what needs a good ID number (the
    gender and dates it implies, the match with the roster) waits for one. ``None`` when the
    row cannot be matched to anyone (no good ID number, or someone on another roster).
    """
    text = {}
    for column, value in cells.items():
        text[column] = cell_text(value)
        if text[column].startswith("=") or (isinstance(value, str) and value.startswith("=")):
            problem(column, _("Formulas are not accepted: type the value itself."))
            text[column] = ""

    id_column = COLUMN["id_number"]
    id_number = text[id_column]
    if isinstance(cells[id_column], (int, float)):
        problem(
            id_column,
            _("The ID number was stored as a number and has lost its last digits. Format the "
              "column as text and type the numbers again."),
        )
        id_number = ""
    elif not id_number:
        problem(id_column, _("The ID number is required: rows are matched by it."))

    committee = lookups.committee
    member = _new_member(
        committee_id=committee.pk, name=text[COLUMN["name"]], id_number=id_number,
        mobile=text[COLUMN["mobile"]],
    )
    _COMMITTEE.set_cached_value(member, committee)
    try:
        derive_member_fields(member)
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            problem(_FIELD_COLUMN.get(field_name, COLUMN["name"]), messages[0])
        if "id_number" in exc.message_dict:
            member.id_number = None
    matched = bool(member.id_number)  # a good ID number: the row can be matched

    before = lookups.existing.get(member.id_number) if matched else None
    if before is not None and before.committee_id != committee.pk:
        if before.pk in lookups.visible:
            problem(
                id_column,
                _("This person is already on the roster of %(committee)s (%(name)s): transfer "
                  "them instead.") % {"committee": before.committee.name, "name": before.name},
            )
        else:
            problem(
                id_column,
                _("This person is already on a roster in the district: ask the district's "
                  "organisation department to transfer them."),
            )
        # The other columns are still checked, as for someone new here.
        before, matched = None, False
    target = copy.copy(before) if before is not None else member
    if before is not None:
        for name in ("name", "name_pinyin", "name_initials", "birth_date", "gender"):
            setattr(target, name, getattr(member, name))
        if member.mobile:
            target.mobile, target.mobile_tail = member.mobile, member.mobile_tail

    gender = text[COLUMN["gender"]]
    if gender:
        try:
            word = _choice(gender, _GENDERS, lambda: _("Write 男 or 女."))
        except _CellError as exc:
            problem(COLUMN["gender"], exc)
        else:
            if member.gender and word != member.gender:
                problem(COLUMN["gender"], _("The gender does not match the ID number."))

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
                text[COLUMN["status"]], _STATUSES, lambda: _("Write 正式党员 or 预备党员.")
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
                lambda: _("Write one of: %(words)s.") % {"words": "、".join(CATEGORY_WORDS)},
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
        target.clean_fields(exclude=_NOT_CLEANED)
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            problem(_FIELD_COLUMN.get(field_name, COLUMN["name"]), messages[0])

    if not matched:
        return None
    planned = PlannedRow(row=number, member=target, before=before)
    if before is not None:
        planned.changed_fields = [
            name for name in UPDATED_FIELDS if _value(before, name) != _value(target, name)
        ]
    return planned


_ATTNAMES = {f.name: f.attname for f in Member._meta.concrete_fields}


def _value(member: Member, name: str):
    return getattr(member, _ATTNAMES[name])
