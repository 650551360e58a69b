"""Roster import: good, bad and hostile files, through the pages, the service and the command.

Runs on SQLite and (in CI's second pass) on PostgreSQL; nothing here depends on the backend.
"""

import csv
import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from stdnum.cn import ric

from core.xlsx import XLSX_CONTENT_TYPE
from members import import_services, import_writes
from members.import_files import MAX_ROWS, ImportRefused, read_table
from members.imports import build_plan
from members.models import Category, ImportStatus, Member, RosterImport, Status, Transfer
from members.roster_columns import HEADERS
from members.services import member_save
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def id_number(sequence: int, birth: str = "19800101") -> str:
    body = f"140802{birth}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def row(**values) -> list[str]:
    """A roster row: the header names as keywords, e.g. row(姓名="王芳", 身份证号=...)."""
    return [values.get(h, "") for h in HEADERS]


def good_rows(world):
    return [
        row(姓名="王建国", 身份证号=id_number(11), 手机号="138 0000 1111", 入党日期="2001-07-01",
            转正日期="2002/7/1", 党员状态="正式党员", 党员类别="社区居民",
            所在支部=world.a_branch.name, 现居住地址="学苑路1号"),
        row(姓名="李在职", 身份证号=id_number(12, "19900505"), 党员类别="在职党员",
            工作单位="运城市税务局", 居住社区="学苑社区"),
        row(姓名="赵小个", 身份证号=id_number(13), 党员类别="小个专", 党员状态="预备",
            所在支部=world.a_retirees.name, 工作单位=world.unit.name),
    ]


def registered(committee, branch, name, number, **fields):
    """A member saved as the registration form saves one (derived fields filled in)."""
    member = Member(committee=committee, branch=branch, name=name, id_number=number,
                    category=fields.pop("category", Category.RESIDENT), **fields)
    return member_save(member=member, user=None)


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_for(world, content, filename="名册.csv", user=None):
    return build_plan(content, filename, committee=world.a, user=user)


def issues_of(plan):
    return {(i.row, i.column): i.message for i in plan.issues}


# --- reading and checking ------------------------------------------------------------------


def test_a_good_csv_plans_adds_and_writes_them_all(world):
    outside = row(姓名="周外调", 身份证号=id_number(14), 党员类别="在职党员",
                  所在支部="区外: 运城市直机关工委", 工作单位=world.unit.name)
    plan = plan_for(world, csv_bytes([*good_rows(world), outside]))
    assert plan.ok, plan.issues
    assert [r.action for r in plan.rows] == ["add", "add", "add", "add"]

    import_writes.apply_plan(plan, user=world.secretary_a)

    wang = Member.objects.get(name="王建国")
    assert (wang.committee, wang.branch, wang.mobile) == (world.a, world.a_branch, "13800001111")
    assert (wang.joined_on, wang.full_member_on) == (date(2001, 7, 1), date(2002, 7, 1))
    assert (wang.gender, wang.birth_date, wang.name_initials) == ("M", date(1980, 1, 1), "wjg")
    outside = Member.objects.get(name="李在职")
    assert outside.branch is None and outside.outside_organisation == "运城市税务局"
    assert outside.category == Category.IN_SERVICE and outside.ethnicity == "汉族"
    zhou = Member.objects.get(name="周外调")
    assert (zhou.branch, zhou.outside_organisation) == (None, "运城市直机关工委")
    assert zhou.employer_unit == world.unit
    zhao = Member.objects.get(name="赵小个")
    assert zhao.status == Status.PROBATIONARY and zhao.employer_unit == world.unit
    # Bulk writes still leave an audit trail, with the ID number masked.
    entry = LogEntry.objects.get_for_object(wang).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == world.secretary_a
    assert wang.id_number not in str(entry.changes)


def test_an_imported_members_audit_entry_holds_what_was_set_masked(world):
    # The rows and their entries go in with COPY on PostgreSQL (core.db.bulk_insert): the
    # entries must read back as the ORM writes them (JSON, not text; the member's id).
    plan = plan_for(world, csv_bytes(good_rows(world)))
    import_writes.apply_plan(plan, user=world.secretary_a)

    wang = Member.objects.get(name="王建国")
    entry = LogEntry.objects.get_for_object(wang).get()
    assert (entry.object_id, entry.object_pk) == (wang.pk, str(wang.pk))
    assert entry.object_repr == "王建国"
    assert entry.changes["name"] == ["None", "王建国"]
    assert entry.changes["branch"] == ["None", str(world.a_branch.pk)]
    assert entry.changes["id_number"][1].endswith(wang.id_number[-4:])
    assert entry.changes["id_number"][1] != wang.id_number
    assert entry.additional_data == {"roster_import": "command"}
    assert entry.timestamp is not None and wang.created_at is not None
    assert LogEntry.objects.filter(additional_data__roster_import="command").count() == 3


def test_gb18030_csv_and_xlsx_with_typed_cells_read_the_same(world):
    rows = good_rows(world)
    typed = [list(r) for r in rows]
    typed[0][HEADERS.index("入党日期")] = datetime(2001, 7, 1)
    typed[0][HEADERS.index("手机号")] = 13800001111  # a number cell
    for content, name in [
        (csv_bytes(rows, "gb18030"), "名册.csv"),
        (xlsx_bytes(typed), "名册.xlsx"),
    ]:
        plan = plan_for(world, content, name)
        assert plan.ok, (name, plan.issues)
        first = plan.rows[0].member
        assert (first.name, first.mobile, first.joined_on) == (
            "王建国", "13800001111", date(2001, 7, 1)
        )


def test_every_bad_row_is_reported_with_row_column_and_message(world):
    good = good_rows(world)
    bad_id = id_number(21)[:-1] + ("0" if id_number(21)[-1] != "0" else "1")
    rows = [
        good[0],  # row 2: fine
        row(姓名="钱某", 身份证号=bad_id, 党员类别="社区居民", 所在支部=world.a_branch.name),
        row(姓名="孙某", 身份证号=id_number(22), 入党日期="2001-13-40", 党员类别="社区居民",
            所在支部=world.a_branch.name),
        row(姓名="周某", 身份证号=id_number(23), 党员类别="社区居民", 所在支部="不存在的支部"),
        row(姓名="王建国", 身份证号=id_number(11), 党员类别="社区居民",
            所在支部=world.a_branch.name),  # row 6: same person as row 2
        row(姓名="吴某", 身份证号=id_number(24), 所在支部=world.a_branch.name),  # no category
        row(姓名="郑某", 身份证号=id_number(25), 性别="女", 党员类别="社区居民",
            所在支部=world.a_branch.name),  # the ID says male
        row(姓名="冯某", 身份证号=id_number(26), 党员类别="社区居民", 所在支部=world.a_branch.name,
            现居住地址="=HYPERLINK(\"http://x\")"),
        row(姓名="陈某", 身份证号=id_number(27), 党员类别="社区居民", 所在支部=world.a_branch.name,
            居住社区="御沁园社区"),
        # row 11: neither a branch nor an employer
        row(姓名="褚某", 身份证号=id_number(28), 党员类别="社区居民"),
        row(姓名="卫某", 身份证号=id_number(29), 党员类别="社区居民", 所在支部=world.a_branch.name,
            党员状态="预备党员", 入党日期="2025-01-01", 转正日期="2025-06-01"),
    ]
    with translation.override("zh-hans"):
        plan = plan_for(world, csv_bytes(rows))
    found = issues_of(plan)
    assert "校验位" in found[(3, "身份证号")]
    assert "日期" in found[(4, "入党日期")]
    assert "支部" in found[(5, "所在支部")]
    assert "第 2 行" in found[(6, "身份证号")]
    assert (7, "党员类别") in found
    assert "不符" in found[(8, "性别")]
    assert "公式" in found[(9, "现居住地址")]
    assert "学苑社区" in found[(10, "居住社区")]
    assert (11, "所在支部") in found
    assert "预备" in found[(12, "转正日期")]
    assert plan.bad_rows == 10 and not plan.ok
    # No message quotes the ID number.
    assert not any(id_number(11) in m or bad_id in m for m in found.values())


def test_an_id_number_stored_as_a_number_is_reported_not_guessed(world):
    rows = [list(r) for r in good_rows(world)]
    rows[0][HEADERS.index("身份证号")] = 140802198001010110  # Excel keeps 15 digits of this
    plan = plan_for(world, xlsx_bytes(rows), "名册.xlsx")
    assert (2, "身份证号") in issues_of(plan)


def test_rows_already_on_the_roster_are_updated_and_branch_changes_become_transfers(world):
    world.a_member.id_number = id_number(31)
    world.a_member.mobile = "13900000000"
    member_save(member=world.a_member, user=None)
    same = registered(world.a, world.a_branch, "钱不变", id_number(32))
    new_mobile = registered(world.a, world.a_branch, "孙换号", id_number(33), mobile="13900000033")
    rows = [
        # 郑优芳 moves from the residents' branch (and its group) to the retirees' branch: a
        # transfer; the mobile is left empty
        # (kept), the address is new.
        row(姓名="郑优芳", 身份证号=id_number(31), 党员类别="社区居民",
            所在支部=world.a_retirees.name, 现居住地址="学苑路2号"),
        row(姓名="钱不变", 身份证号=id_number(32), 党员类别="社区居民",
            所在支部=world.a_branch.name),
        row(姓名="孙换号", 身份证号=id_number(33), 手机号="13900000044"),
    ]
    plan = plan_for(world, csv_bytes(rows))
    assert plan.ok, plan.issues
    assert [r.action for r in plan.rows] == ["update", "unchanged", "update"]
    assert plan.rows[0].changed_columns == ["所在支部", "现居住地址"]
    assert plan.rows[2].changed_columns == ["手机号"]

    import_writes.apply_plan(plan, user=world.officer)

    world.a_member.refresh_from_db()
    assert world.a_member.branch == world.a_retirees
    assert world.a_member.mobile == "13900000000" and world.a_member.address == "学苑路2号"
    transfer = Transfer.objects.get(member=world.a_member)
    assert (transfer.from_branch, transfer.to_branch) == (world.a_branch, world.a_retirees)
    assert world.a_member.party_group is None
    assert LogEntry.objects.get_for_object(world.a_member).filter(
        action=LogEntry.Action.UPDATE, actor=world.officer
    ).exists()
    moved = LogEntry.objects.get_for_object(transfer).get()
    assert moved.changes["to_branch"] == ["None", str(world.a_retirees.pk)]
    assert moved.changes["member"] == ["None", str(world.a_member.pk)]
    same.refresh_from_db()
    assert same.branch == world.a_branch
    new_mobile.refresh_from_db()
    assert (new_mobile.mobile, new_mobile.mobile_tail) == ("13900000044", "0044")


def test_a_person_on_another_committees_roster_is_not_taken_over(world):
    MemberFactory(committee=world.b, branch=world.b_branch, name="御沁园某",
                  id_number=id_number(41))
    rows = [row(姓名="御沁园某", 身份证号=id_number(41), 党员类别="社区居民",
                所在支部=world.a_branch.name)]
    # The secretary of A may not see B's roster: the message names no committee.
    hidden = issues_of(plan_for(world, csv_bytes(rows), user=world.secretary_a))
    assert "御沁园社区" not in hidden[(2, "身份证号")]
    # The district officer may: the message says where the person is.
    shown = issues_of(plan_for(world, csv_bytes(rows), user=world.officer))
    assert "御沁园社区" in shown[(2, "身份证号")]


def test_the_officers_export_imports_back_unchanged(world, login):
    registered(world.a, world.a_branch, "王芳", id_number(51), mobile="13800005151",
               joined_on=date(2000, 7, 1), address="学苑路3号")
    world.a_member.id_number = id_number(52)
    member_save(member=world.a_member, user=None)
    client = login(world.officer)
    exported = client.get(reverse("members:roster-export", args=[world.a.pk])).content
    plan = plan_for(world, exported, "导出.xlsx")
    assert plan.ok, plan.issues
    assert {r.action for r in plan.rows} == {"unchanged"}


# --- hostile files -------------------------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _million_empty_rows_xlsx() -> bytes:
    """A real workbook whose sheet declares a value in row 1,000,000."""
    content = xlsx_bytes([])
    source = zipfile.ZipFile(io.BytesIO(content))
    parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:M1000000"', sheet)
    sheet = sheet.replace(
        "</sheetData>",
        '<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    )
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    return _zip(parts)


HOSTILE = {
    "an image named .xlsx": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "名册.xlsx", "Excel"),
    "an old .xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "名册.xlsx", ".xlsx"),
    "a zip that is not a workbook": (_zip({"a.txt": b"hello"}), "名册.xlsx", "Excel"),
    "a zip bomb": (
        _zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"0" * 200_000_000}),
        "名册.xlsx", "解压",
    ),
    "a binary file named .csv": (b"PK\x03\x04\x00\x00binary", "名册.csv", "CSV"),
    "a million empty rows (csv)": (
        ",".join(HEADERS).encode() + b"\n" + b",\n" * 1_000_000, "名册.csv", f"{MAX_ROWS:,}",
    ),
    "a csv without the headers": (b"name,id\n1,2\n", "名册.csv", "表头"),
    "an empty file": (b"", "名册.csv", "空"),
    "a pdf": (b"%PDF-1.4 ...", "名册.pdf", ".xlsx"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_files_are_refused_with_a_reason(world, case):
    content, filename, words = HOSTILE[case]
    with translation.override("zh-hans"), pytest.raises(ImportRefused) as refused:
        read_table(content, filename)
    assert words in str(refused.value)


def test_a_sheet_declaring_a_million_rows_is_refused_quickly(world):
    with pytest.raises(ImportRefused, match=f"{MAX_ROWS:,}"):
        read_table(_million_empty_rows_xlsx(), "名册.xlsx")


def test_a_formula_cell_in_a_workbook_is_a_bad_cell(world):
    rows = [list(r) for r in good_rows(world)]
    rows[0][HEADERS.index("姓名")] = '=CONCAT("王","建国")'
    plan = plan_for(world, xlsx_bytes(rows), "名册.xlsx")
    assert "Formula" in issues_of(plan)[(2, "姓名")] or "公式" in issues_of(plan)[(2, "姓名")]


# --- the pages -----------------------------------------------------------------------------


def _upload(client, world, content, name):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(reverse("members:roster-import", args=[world.a.pk]), {"file": upload})


def test_secretary_uploads_previews_and_confirms(world, login):
    client = login(world.secretary_a)
    page = client.get(reverse("members:roster-import", args=[world.a.pk]))
    assert page.status_code == 200 and "名册" in page.content.decode()
    before = Member.objects.count()

    response = _upload(client, world, csv_bytes(good_rows(world)), "名册.csv")
    roster_import = RosterImport.objects.get()
    assert response.status_code == 302 and response.url == roster_import.get_absolute_url()
    assert roster_import.status == ImportStatus.READY and roster_import.to_add == 3
    preview = client.get(response.url).content.decode()
    assert "王建国" in preview and id_number(11) not in preview  # masked in the preview
    assert Member.objects.count() == before  # nothing written before confirming

    done = client.post(reverse("members:roster-import-confirm", args=[roster_import.pk]))
    assert done.status_code == 302
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.DONE and roster_import.content == b""
    assert Member.objects.count() == before + 3
    assert "王建国" in client.get(
        reverse("members:committee-roster", args=[world.a.pk])
    ).content.decode()
    # A second confirmation (double click) writes nothing more.
    client.post(reverse("members:roster-import-confirm", args=[roster_import.pk]))
    assert Member.objects.count() == before + 3


def test_bad_rows_block_the_import_and_are_listed(world, login):
    client = login(world.secretary_a)
    rows = good_rows(world) + [row(姓名="钱某", 身份证号="123", 党员类别="社区居民")]
    response = _upload(client, world, csv_bytes(rows), "名册.csv")
    roster_import = RosterImport.objects.get()
    assert roster_import.status == ImportStatus.INVALID and roster_import.bad_rows == 1
    assert roster_import.content == b""  # the ID numbers are not kept
    page = client.get(response.url).content.decode()
    assert "身份证号" in page and "<td>5</td>" in page
    assert 'roster-import-confirm' not in page and "/confirm/" not in page
    assert client.post(
        reverse("members:roster-import-confirm", args=[roster_import.pk])
    ).status_code == 302
    assert not Member.objects.filter(name="王建国").exists()


def test_a_refused_file_says_why(world, login):
    client = login(world.secretary_a)
    response = _upload(client, world, b"\x89PNG\r\n\x1a\n", "名册.xlsx")
    page = client.get(response.url).content.decode()
    assert RosterImport.objects.get().status == ImportStatus.REFUSED
    assert "Excel" in page


def test_the_form_refuses_other_kinds_of_file(world, login):
    client = login(world.secretary_a)
    response = _upload(client, world, b"x", "名册.xls")
    assert response.status_code == 400 and ".xlsx" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_a_large_file_goes_through_celery_with_progress(
    world, login, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(import_services, "INLINE_MAX_BYTES", 100)
    calls = []
    real = import_writes.set_progress
    monkeypatch.setattr(
        import_writes, "set_progress", lambda *a: (calls.append(a), real(*a))
    )
    rows = [
        row(姓名=f"党员{chr(0x4e00 + i)}", 身份证号=id_number(100 + i), 党员类别="社区居民",
            所在支部=world.a_branch.name)
        for i in range(600)
    ]
    client = login(world.secretary_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, world, csv_bytes(rows), "大名册.csv")
    roster_import = RosterImport.objects.get()
    assert roster_import.status == ImportStatus.READY and roster_import.to_add == 600
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("members:roster-import-confirm", args=[roster_import.pk]))
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.DONE
    assert Member.objects.filter(committee=world.a, name__startswith="党员").count() == 600
    assert (500, 600) in [c[1:] for c in calls]  # progress was reported while checking
    assert client.get(response.url).status_code == 200


def test_a_busy_import_shows_a_progress_bar_that_refreshes(world, login):
    roster_import = RosterImport.objects.create(
        committee=world.a, created_by=world.secretary_a, filename="x.csv",
        status=ImportStatus.WRITING,
    )
    import_writes.set_progress(roster_import.pk, 250, 1000)
    page = login(world.secretary_a).get(roster_import.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' in page
    assert 'value="250" max="1000"' in page


def test_the_template_has_the_headers_and_text_id_column(world, login):
    response = login(world.secretary_a).get(
        reverse("members:roster-import-template", args=[world.a.pk])
    )
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["党员名册"]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet["D2"].number_format == "@"
    assert world.a_branch.name in [c.value for c in workbook["填写说明"]["A"]]


def test_other_committees_imports_are_hidden(world, login):
    roster_import = RosterImport.objects.create(
        committee=world.a, created_by=world.secretary_a, filename="x.csv",
        status=ImportStatus.READY,
    )
    client = login(world.secretary_b)
    assert client.get(roster_import.get_absolute_url()).status_code == 404
    assert client.post(
        reverse("members:roster-import-confirm", args=[roster_import.pk])
    ).status_code == 404
    assert client.post(
        reverse("members:roster-import-discard", args=[roster_import.pk])
    ).status_code == 404
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.READY


def test_discard_deletes_the_upload(world, login):
    roster_import = RosterImport.objects.create(
        committee=world.a, created_by=world.secretary_a, filename="x.csv",
        status=ImportStatus.READY, content=b"secret",
    )
    login(world.secretary_a).post(
        reverse("members:roster-import-discard", args=[roster_import.pk])
    )
    assert not RosterImport.objects.exists()


# --- the command -----------------------------------------------------------------------------


def test_command_dry_run_writes_nothing_and_a_real_run_writes_all(world, tmp_path):
    path = tmp_path / "名册.csv"
    path.write_bytes(csv_bytes(good_rows(world)))
    out = io.StringIO()
    call_command("import_members", str(path), "--committee", "学苑社区", "--dry-run", stdout=out)
    assert "新增 3" in out.getvalue()
    assert not Member.objects.filter(name="王建国").exists()
    call_command("import_members", str(path), "--committee", "学苑社区", stdout=out)
    assert Member.objects.filter(name__in=["王建国", "李在职", "赵小个"]).count() == 3


def test_command_exits_non_zero_on_a_bad_row_and_writes_nothing(world, tmp_path):
    path = tmp_path / "名册.csv"
    path.write_bytes(csv_bytes(good_rows(world) + [row(姓名="钱某", 身份证号="1")]))
    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_members", str(path), "--committee", "学苑社区", stderr=err)
    assert failed.value.returncode == 1
    assert "第 5 行" in err.getvalue()
    assert not Member.objects.filter(name="王建国").exists()


def test_command_refuses_a_hostile_file_and_an_unknown_committee(world, tmp_path):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError) as refused:
        call_command("import_members", str(path), "--committee", "学苑社区")
    assert refused.value.returncode == 2
    with pytest.raises(CommandError) as unknown:
        call_command("import_members", str(path), "--committee", "没有这个社区")
    assert unknown.value.returncode == 2


def test_a_running_import_cannot_be_discarded_until_it_has_stalled(world, login):
    roster_import = RosterImport.objects.create(
        committee=world.a, created_by=world.secretary_a, filename="x.csv",
        status=ImportStatus.WRITING, content=b"secret",
    )
    client = login(world.secretary_a)
    discard = reverse("members:roster-import-discard", args=[roster_import.pk])
    client.post(discard)
    assert RosterImport.objects.filter(pk=roster_import.pk).exists()
    assert discard not in client.get(roster_import.get_absolute_url()).content.decode()

    RosterImport.objects.filter(pk=roster_import.pk).update(
        updated_at=roster_import.updated_at - RosterImport.STALLED_AFTER
    )
    page = client.get(roster_import.get_absolute_url()).content.decode()
    assert discard in page  # the stalled import offers to be discarded
    client.post(discard)
    assert not RosterImport.objects.filter(pk=roster_import.pk).exists()


def test_an_upload_while_the_broker_is_down_waits_and_the_beat_checks_it(
    world, login, django_capture_on_commit_callbacks, monkeypatch
):
    # Redis down: the page answers as usual, the import waits to be checked, and the beat's
    # requeue (core/queue.py) sends it once the broker is back.
    from datetime import timedelta

    from django.utils import timezone
    from kombu.exceptions import OperationalError

    from members import tasks

    monkeypatch.setattr(import_services, "INLINE_MAX_BYTES", 100)

    def refuse(*args, **kwargs):
        raise OperationalError("Connection refused.")

    monkeypatch.setattr(tasks.roster_import_check, "apply_async", refuse)
    rows = [row(姓名="党员甲", 身份证号=id_number(100), 党员类别="社区居民",
                所在支部=world.a_branch.name)]
    client = login(world.secretary_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, world, csv_bytes(rows), "名册.csv")
    assert response.status_code == 302
    roster_import = RosterImport.objects.get()
    assert roster_import.status == ImportStatus.UPLOADED
    assert client.get(response.url).status_code == 200  # the page says it waits
    monkeypatch.undo()
    RosterImport.objects.update(updated_at=timezone.now() - timedelta(minutes=10))
    assert tasks.requeue_roster_imports() == 1
    roster_import.refresh_from_db()
    assert roster_import.status == ImportStatus.READY and roster_import.to_add == 1
