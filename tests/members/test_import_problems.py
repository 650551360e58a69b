"""Roster import, issue 14: every problem of every row in one pass, the good rows beside the
bad ones, and the file of rows to correct that is corrected and uploaded again.

The helpers (rows, files, ID numbers) are the import tests' own.
"""

import io
import logging
from datetime import date, timedelta
from urllib.parse import unquote

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from core.audit import IMPORT_CORRECTIONS
from core.xlsx import XLSX_CONTENT_TYPE
from members import import_files, import_services, import_writes
from members.import_sheets import PROBLEMS_HEADER, corrections_xlsx
from members.imports import bad_rows_of, build_plan
from members.models import ImportStatus, Member, RosterImport
from members.roster_columns import HEADERS
from members.tasks import purge_roster_imports
from tests.factories import MemberFactory, UserFactory, grant
from tests.members.test_import import _upload, csv_bytes, good_rows, id_number, row, xlsx_bytes

pytestmark = pytest.mark.django_db

PROBLEMS = len(HEADERS)  # the 问题 column's index (0-based) in the file to correct


def _bad_id(sequence: int) -> str:
    good = id_number(sequence)
    return good[:-1] + ("0" if good[-1] != "0" else "1")


def four_problems(world, sequence=61):
    """A row with four bad cells: the ID number's check digit, the mobile, the date of joining
    and the category (the branch is fine)."""
    return row(姓名="钱四错", 身份证号=_bad_id(sequence), 手机号="1380000", 入党日期="2001-13-40",
               党员类别="党员", 所在支部=world.a_branch.name)


def the_fix(world, sequence=61) -> dict[str, str]:
    return {"身份证号": id_number(sequence), "手机号": "13800006161", "入党日期": "2001-07-01",
            "党员类别": "社区居民"}


def plan_of(world, content, filename="名册.xlsx"):
    with translation.override("zh-hans"):
        return build_plan(content, filename, committee=world.a, user=world.secretary_a)


def sheet_of(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]


# --- one pass, every problem ---------------------------------------------------------------


def test_a_row_with_four_bad_cells_reports_all_four_at_once(world):
    rows = [*good_rows(world), four_problems(world)]
    plan = plan_of(world, csv_bytes(rows), "名册.csv")

    assert plan.bad_rows == 1 and not plan.ok
    problems = {issue.column: issue for issue in plan.issues}
    assert list(problems) == ["身份证号", "手机号", "入党日期", "党员类别"]  # in column order
    assert {issue.row for issue in plan.issues} == {5}
    with translation.override("zh-hans"):
        assert str(problems["身份证号"]).startswith("第 5 行「身份证号」：")
        assert "校验位" in str(problems["身份证号"])
    assert "日期" in problems["入党日期"].message
    assert "小个专" in problems["党员类别"].message  # names the words it takes
    # The good rows are still planned, beside the bad one.
    assert [r.member.name for r in plan.rows] == ["王建国", "李在职", "赵小个"]
    # No problem quotes the ID number.
    assert not any(_bad_id(61) in str(issue) for issue in plan.issues)


def test_an_id_number_that_cannot_be_read_hides_no_other_column(world):
    rows = [list(good_rows(world)[0])]
    bad = list(row(姓名="王1", 手机号="12345", 党员类别="社区居民", 所在支部="不存在的支部",
                   性别="未知", 入党日期="2030-01-01"))
    bad[HEADERS.index("身份证号")] = 140802198001010110  # a number: its last digits are lost
    plan = plan_of(world, xlsx_bytes([*rows, bad]))
    columns = [issue.column for issue in plan.issues]
    assert columns == ["姓名", "性别", "身份证号", "手机号", "入党日期", "所在支部"]
    assert len(plan.rows) == 1


def test_cells_too_long_or_with_control_characters_are_named_by_row_and_column(world):
    # The model's own field checks (lengths, control characters) still run on every cell typed
    # in the file; only fields set from checked values are left out (imports._NOT_CLEANED).
    rows = [
        *good_rows(world),
        row(姓名="孙长址", 身份证号=id_number(63), 党员类别="社区居民", 民族="汉" * 21,
            所在支部=world.a_branch.name, 现居住地址="学苑路" * 70),
        row(姓名="周控制", 身份证号=id_number(64), 党员类别="在职党员", 党员状态="候补",
            性别="男的", 工作单位="运城\x07税务局"),
        row(姓名="吴区外", 身份证号=id_number(65), 党员类别="在职党员",
            所在支部="区外：" + "单位" * 51),
    ]
    plan = plan_of(world, csv_bytes(rows), "名册.csv")
    found = {(issue.row, issue.column) for issue in plan.issues}
    assert found == {(5, "民族"), (5, "现居住地址"), (6, "性别"), (6, "党员状态"),
                     (6, "工作单位"), (7, "工作单位")}
    assert [r.member.name for r in plan.rows] == ["王建国", "李在职", "赵小个"]


def test_a_person_on_another_roster_is_reported_with_the_rest_of_the_row(world):
    MemberFactory(committee=world.b, branch=world.b_branch, id_number=id_number(62))
    rows = [row(姓名="别处人", 身份证号=id_number(62), 党员类别="无", 所在支部=world.a_branch.name)]
    plan = plan_of(world, csv_bytes(rows), "名册.csv")
    assert [issue.column for issue in plan.issues] == ["身份证号", "党员类别"]


def test_the_report_keeps_the_bad_rows_with_their_problems_and_masked_id_numbers(world):
    plan = plan_of(world, csv_bytes([*good_rows(world), four_problems(world)]), "名册.csv")
    report = plan.report()
    (bad,) = report["bad"]
    assert (bad["row"], bad["name"]) == (5, "钱四错")
    assert bad["id_number"].startswith("1408") and "*" in bad["id_number"]
    assert [p["column"] for p in bad["problems"]] == ["身份证号", "手机号", "入党日期", "党员类别"]
    assert [r["name"] for r in report["add"]] == ["王建国", "李在职", "赵小个"]
    assert _bad_id(61) not in str(report) and id_number(11) not in str(report)


def test_a_report_kept_before_the_bad_rows_were_grouped_still_shows_them(world):
    old = {"issues": [{"row": 3, "column": "姓名", "message": "a"},
                      {"row": 3, "column": "手机号", "message": "b"},
                      {"row": 7, "column": "党员类别", "message": "c"}]}
    rows = bad_rows_of(old)
    assert [(r["row"], len(r["problems"])) for r in rows] == [(3, 2), (7, 1)]


# --- the file of rows to correct -----------------------------------------------------------


def test_the_file_to_correct_names_every_problem_and_imports_once_corrected(world):
    rows = [list(r) for r in good_rows(world)]
    rows[0][HEADERS.index("现居住地址")] = "-3号楼"  # escaped in the file, read back as typed
    rows[1][HEADERS.index("入党日期")] = date(2010, 7, 1)  # a date cell stays a date
    bad = list(four_problems(world))
    bad[HEADERS.index("现居住地址")] = '=HYPERLINK("http://x")'
    rows.append(bad)
    plan = plan_of(world, xlsx_bytes(rows))
    assert plan.bad_rows == 1

    sheet = sheet_of(corrections_xlsx(plan))
    assert [c.value for c in sheet[1]] == [*HEADERS, PROBLEMS_HEADER]
    assert sheet.freeze_panes == "A2"
    values = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert [r[0] for r in values] == ["王建国", "李在职", "赵小个", "钱四错"]  # same row numbers
    assert [r[PROBLEMS] for r in values[:3]] == [None, None, None]
    problems = values[3][PROBLEMS].split("\n")
    assert [p.split("」")[0] for p in problems] == [
        "「身份证号", "「手机号", "「入党日期", "「党员类别", "「现居住地址"  # the formula too
    ]
    # The cells as uploaded, escaped against formulas; the bad cells shaded.
    assert values[3][HEADERS.index("身份证号")] == _bad_id(61)
    assert values[3][HEADERS.index("现居住地址")] == "'=HYPERLINK(\"http://x\")"
    assert values[0][HEADERS.index("现居住地址")] == "'-3号楼"
    assert sheet.cell(2 + 1, 1 + HEADERS.index("入党日期")).is_date
    assert sheet.cell(5, 1 + HEADERS.index("手机号")).fill.fgColor.rgb.endswith("FCE4D6")
    assert sheet.cell(5, 1 + HEADERS.index("姓名")).fill.fill_type is None

    # Corrected as a secretary would (the problems column left in), it imports whole.
    for header, value in {**the_fix(world), "现居住地址": "学苑路5号"}.items():
        sheet.cell(5, 1 + HEADERS.index(header)).value = value
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    corrected = plan_of(world, buffer.getvalue())
    assert corrected.ok, corrected.issues
    import_writes.apply_plan(corrected, user=world.secretary_a)
    assert Member.objects.get(name="王建国").address == "-3号楼"
    assert Member.objects.get(name="李在职").joined_on == date(2010, 7, 1)
    fixed = Member.objects.get(name="钱四错")
    assert (fixed.id_number, fixed.mobile) == (id_number(61), "13800006161")


def test_the_file_to_correct_keeps_the_row_numbers_of_a_sheet_with_gaps(world):
    rows = [[], list(good_rows(world)[0]), [], list(four_problems(world))]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([])  # the headers on row 2
    sheet.append(HEADERS)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = plan_of(world, buffer.getvalue())
    assert [b.row for b in plan.bad] == [6]

    out = sheet_of(corrections_xlsx(plan))
    assert out.cell(2, 1).value == "姓名" and out.freeze_panes == "A3"
    assert out.cell(4, 1).value == "王建国" and out.cell(6, 1).value == "钱四错"
    assert out.cell(6, PROBLEMS + 1).value.startswith("「身份证号」")


# --- the pages -----------------------------------------------------------------------------


def _invalid_import(client, world):
    response = _upload(client, world, csv_bytes([*good_rows(world), four_problems(world)]),
                       "学苑名册.csv")
    return RosterImport.objects.get(), response


def test_the_preview_shows_every_problem_beside_the_good_rows(world, login):
    client = login(world.secretary_a)
    roster_import, response = _invalid_import(client, world)
    assert roster_import.status == ImportStatus.INVALID
    assert roster_import.content == b""  # the upload goes; the file to correct stays a day
    assert roster_import.corrections.startswith(b"PK")
    page = client.get(response.url).content.decode()
    for column in ["身份证号", "手机号", "入党日期", "党员类别"]:
        assert f"「{column}」：" in page
    assert "钱四错" in page and "王建国" in page and "赵小个" in page  # bad and good rows
    assert "需更正 1 行" in page and "新增 3 人" in page
    assert _bad_id(61) not in page and id_number(11) not in page  # masked
    assert reverse("members:roster-import-corrections", args=[roster_import.pk]) in page
    assert "/confirm/" not in page  # nothing to confirm while a row is bad
    assert not Member.objects.filter(name="王建国").exists()


def test_the_check_reads_the_file_once(world, login, monkeypatch):
    reads = []
    real = import_files.read_table
    monkeypatch.setattr("members.imports.read_table", lambda *a: (reads.append(a), real(*a))[1])
    _invalid_import(login(world.secretary_a), world)
    assert len(reads) == 1


def test_the_uploader_downloads_the_rows_to_correct_and_it_is_logged_masked(
    world, login, caplog
):
    """The log line and the audit entry name who, which import and how many rows, never the
    numbers."""
    client = login(world.secretary_a)
    roster_import, _response = _invalid_import(client, world)
    url = reverse("members:roster-import-corrections", args=[roster_import.pk])
    with caplog.at_level(logging.INFO, logger="members.import_views"):
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Cache-Control"] == "private, no-store"
    assert "学苑名册-需更正的行.xlsx" in unquote(response["Content-Disposition"])
    sheet = sheet_of(response.content)
    assert sheet.cell(5, PROBLEMS + 1).value.count("「") == 4
    assert f"user={world.secretary_a.pk}" in caplog.text
    assert f"import={roster_import.pk}" in caplog.text
    assert _bad_id(61) not in caplog.text and id_number(11) not in caplog.text
    [entry] = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
    assert entry.actor == world.secretary_a and entry.object_pk == str(roster_import.pk)
    assert entry.additional_data == {
        "download": IMPORT_CORRECTIONS, "rows": 4, "fields": ["id_number", "mobile"],
    }
    assert _bad_id(61) not in f"{entry.object_repr} {entry.additional_data} {entry.changes}"
    # Each download is an entry; the officer's names the officer.
    login(world.officer).get(url)
    assert [e.actor for e in LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
            .order_by("pk")] == [world.secretary_a, world.officer]


def test_the_corrected_download_uploads_and_imports(world, login):
    client = login(world.secretary_a)
    roster_import, _response = _invalid_import(client, world)
    content = client.get(
        reverse("members:roster-import-corrections", args=[roster_import.pk])
    ).content
    sheet = sheet_of(content)
    for header, value in the_fix(world).items():
        sheet.cell(5, 1 + HEADERS.index(header)).value = value
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    response = _upload(client, world, buffer.getvalue(), "学苑名册-需更正的行.xlsx")
    again = RosterImport.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1])
    assert again.status == ImportStatus.READY and again.to_add == 4
    client.post(reverse("members:roster-import-confirm", args=[again.pk]))
    assert Member.objects.filter(
        committee=world.a, name__in=["王建国", "李在职", "赵小个", "钱四错"]
    ).count() == 4


def test_the_download_needs_a_login(world, login, client):
    roster_import, _response = _invalid_import(login(world.secretary_a), world)
    client.logout()
    url = reverse("members:roster-import-corrections", args=[roster_import.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("persona", ["secretary_b", "branch_secretary", "member_user"])
def test_the_download_is_hidden_from_other_scopes(world, login, client, persona):
    roster_import, _response = _invalid_import(login(world.secretary_a), world)
    url = reverse("members:roster-import-corrections", args=[roster_import.pk])
    assert login(getattr(world, persona)).get(url).status_code == 404
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()  # nothing given


def test_another_secretary_of_the_committee_sees_the_problems_but_not_the_file(world, login):
    roster_import, response = _invalid_import(login(world.secretary_a), world)
    colleague = UserFactory(username="staff_a")
    grant(colleague, "committee_staff", world.a)
    client = login(colleague)
    url = reverse("members:roster-import-corrections", args=[roster_import.pk])
    page = client.get(response.url).content.decode()
    assert "钱四错" in page and url not in page  # full ID numbers are not theirs to see
    assert client.get(url).status_code == 404
    # The district's officers see full ID numbers anyway: they may download it.
    assert login(world.officer).get(url).status_code == 200


def test_there_is_no_file_to_correct_for_a_good_import_a_post_or_an_old_one(world, login):
    client = login(world.secretary_a)
    _upload(client, world, csv_bytes(good_rows(world)), "名册.csv")
    ready = RosterImport.objects.get()
    assert client.get(
        reverse("members:roster-import-corrections", args=[ready.pk])
    ).status_code == 404
    ready.delete()
    roster_import, response = _invalid_import(client, world)
    url = reverse("members:roster-import-corrections", args=[roster_import.pk])
    assert client.post(url).status_code == 405
    assert client.get(reverse("members:roster-import-corrections", args=[999999])).status_code \
        == 404
    # A day later it is gone: no link, 404.
    RosterImport.objects.filter(pk=roster_import.pk).update(
        finished_at=timezone.now() - RosterImport.KEEP_CORRECTIONS - timedelta(minutes=1)
    )
    assert url not in client.get(response.url).content.decode()
    assert client.get(url).status_code == 404


def test_a_large_bad_file_is_checked_in_celery_and_gets_its_file_to_correct(
    world, login, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(import_services, "INLINE_MAX_BYTES", 100)
    client = login(world.secretary_a)
    with django_capture_on_commit_callbacks(execute=True):
        _invalid_import(client, world)
    roster_import = RosterImport.objects.get()
    assert roster_import.status == ImportStatus.INVALID and roster_import.bad_rows == 1
    sheet = sheet_of(bytes(roster_import.corrections))
    assert sheet.cell(5, PROBLEMS + 1).value.count("「") == 4


def test_a_row_that_went_bad_before_the_write_gets_a_file_to_correct(world, login):
    client = login(world.secretary_a)
    _upload(client, world, csv_bytes(good_rows(world)), "名册.csv")
    roster_import = RosterImport.objects.get()
    # Before the secretary confirms, B registers one of these people.
    MemberFactory(committee=world.b, branch=world.b_branch, id_number=id_number(12, "19900505"))
    client.post(reverse("members:roster-import-confirm", args=[roster_import.pk]))
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.INVALID and roster_import.bad_rows == 1
    assert roster_import.corrections_kept
    assert "「身份证号」" in sheet_of(bytes(roster_import.corrections)).cell(3, PROBLEMS + 1).value
    assert not Member.objects.filter(name="王建国").exists()  # nothing half-written


def test_the_daily_purge_drops_the_files_past_their_time(world):
    old = timezone.now() - timedelta(days=2)
    stale_invalid = RosterImport.objects.create(
        committee=world.a, filename="a.csv", status=ImportStatus.INVALID, corrections=b"PK",
        finished_at=old,
    )
    fresh_invalid = RosterImport.objects.create(
        committee=world.a, filename="b.csv", status=ImportStatus.INVALID, corrections=b"PK",
        finished_at=timezone.now(),
    )
    stale_ready = RosterImport.objects.create(
        committee=world.b, filename="c.csv", status=ImportStatus.READY, content=b"x"
    )
    RosterImport.objects.filter(pk=stale_ready.pk).update(updated_at=old)

    assert purge_roster_imports.delay().get() == 2
    assert purge_roster_imports.delay().get() == 0  # run again: nothing more
    stale_invalid.refresh_from_db()
    fresh_invalid.refresh_from_db()
    assert bytes(stale_invalid.corrections) == b""  # the row and its preview stay
    assert bytes(fresh_invalid.corrections) == b"PK"
    assert not RosterImport.objects.filter(pk=stale_ready.pk).exists()
    entry = settings.CELERY_BEAT_SCHEDULE["purge-roster-imports"]
    assert entry["task"] == "members.tasks.purge_roster_imports"


def test_the_preview_of_a_bad_file_costs_the_same_queries_at_two_sizes(
    world, login, django_assert_max_num_queries
):
    client = login(world.secretary_a)
    roster_import, response = _invalid_import(client, world)
    with django_assert_max_num_queries(12) as small:
        client.get(response.url)
    queries = len(small)
    many = [
        row(姓名=f"党员{chr(0x4e00 + i)}", 身份证号=_bad_id(200 + i), 党员类别="社区居民",
            所在支部=world.a_branch.name)
        for i in range(40)
    ]
    big = _upload(client, world, csv_bytes([*good_rows(world), *many]), "大.csv")
    with django_assert_max_num_queries(queries):
        page = client.get(big.url)
    assert page.content.decode().count("校验位") == 40
