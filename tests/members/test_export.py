"""The roster as .xlsx: headers, masking by role, formula escaping, filters, scope, queries."""

import re
from datetime import date
from io import BytesIO
from urllib.parse import quote

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.audit import ROSTER_EXPORT
from core.xlsx import XLSX_CONTENT_TYPE
from members import export_views
from members.exports import export_queryset, full_fields, roster_xlsx
from members.models import Category, Gender, Member, Status
from members.roster_columns import HEADERS
from tests.factories import MemberFactory

FULL_ID = re.compile(r"\d{17}[\dX]")
FULL_MOBILE = re.compile(r"^1\d{10}$")


def _id_number(n: int) -> str:
    return f"14080219800101{n:04d}"


def _mobile(n: int) -> str:
    return f"138{n:08d}"


def _members(committee, branch, count, start=0, **extra):
    return [
        MemberFactory(
            committee=committee, branch=branch, name=f"党员{start + i:04d}",
            id_number=_id_number(start + i), mobile=_mobile(start + i), **extra,
        )
        for i in range(count)
    ]


def _url(committee, query=""):
    url = reverse("members:roster-export", args=[committee.pk])
    return f"{url}?{query}" if query else url


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    content = b"".join(response) if response.streaming else response.content
    book = openpyxl.load_workbook(BytesIO(content))
    return book.active


def _rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _cells(sheet):
    return [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]


def _by_name(sheet):
    header, *rows = _rows(sheet)
    return {row[0]: dict(zip(header, row, strict=True)) for row in rows}


@pytest.fixture
def a_members(world):
    """Three more members of A, with ID numbers and mobiles."""
    world.a_member.id_number = _id_number(900)
    world.a_member.mobile = _mobile(900)
    world.a_member.save()
    return _members(world.a, world.a_branch, 3)


def test_headers_and_values_in_chinese(world, login, a_members):
    member = MemberFactory(
        committee=world.a, branch=None, outside_organisation="运城市人民医院党委",
        name="王建国", gender=Gender.MALE, ethnicity="回族", status=Status.PROBATIONARY,
        category=Category.RETIRED_CADRE, joined_on=date(2001, 7, 1),
        full_member_on=date(2002, 7, 1), employer_unit=world.unit, address="学苑小区3号楼",
        id_number=_id_number(500), mobile=_mobile(500),
    )
    # Whatever language the browser asks for, the workbook is in Chinese.
    response = login(world.secretary_a).get(_url(world.a), HTTP_ACCEPT_LANGUAGE="en")
    sheet = _sheet(response)
    rows = _rows(sheet)
    assert rows[0] == HEADERS
    assert HEADERS == [
        "姓名", "性别", "民族", "身份证号", "手机号", "入党日期", "转正日期",
        "党员状态", "党员类别", "所在支部", "居住社区", "工作单位", "现居住地址",
    ]
    assert len(rows) == 1 + 5
    row = _by_name(sheet)[member.name]
    assert row["性别"] == "男"
    assert row["民族"] == "回族"
    assert row["入党日期"] == "2001-07-01"
    assert row["转正日期"] == "2002-07-01"
    assert row["党员状态"] == "预备党员"
    assert row["党员类别"] == "离退休干部"
    assert row["所在支部"] == "区外：运城市人民医院党委"
    assert row["居住社区"] == "学苑社区"
    assert row["工作单位"] == "运城市第一医院"
    assert row["现居住地址"] == "学苑小区3号楼"
    assert _by_name(sheet)[world.a_member.name]["所在支部"] == world.a_group.name


def test_download_is_an_attachment_named_after_the_committee(world, login, a_members):
    response = login(world.secretary_a).get(_url(world.a))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert quote("学苑社区-党员名册-") in disposition
    assert re.search(r"-\d{8}\.xlsx", disposition)
    assert response["Cache-Control"] == "private, no-store"


def test_secretary_gets_masked_id_numbers_and_full_mobiles(world, login, a_members):
    sheet = _sheet(login(world.secretary_a).get(_url(world.a)))
    cells = _cells(sheet)
    assert not any(FULL_ID.search(c) for c in cells)
    rows = _by_name(sheet)
    for m in a_members:
        assert rows[m.name]["身份证号"] == m.masked_id_number
        assert rows[m.name]["手机号"] == m.mobile


def test_district_officer_gets_full_id_numbers(world, login, a_members):
    sheet = _sheet(login(world.officer).get(_url(world.a)))
    rows = _by_name(sheet)
    for m in [world.a_member, *a_members]:
        assert rows[m.name]["身份证号"] == m.id_number
        assert rows[m.name]["手机号"] == m.mobile


def test_branch_secretary_exports_only_their_branch_masked(world, login, a_members):
    _members(world.a, world.a_retirees, 2, start=100)
    sheet = _sheet(login(world.branch_secretary).get(_url(world.a)))
    rows = _by_name(sheet)
    assert set(rows) == {world.a_member.name, *(m.name for m in a_members)}
    assert not any(FULL_ID.search(c) for c in _cells(sheet))


def test_member_exports_only_their_own_row_in_full(world, login, a_members):
    sheet = _sheet(login(world.member_user).get(_url(world.a)))
    rows = _by_name(sheet)
    assert list(rows) == [world.a_member.name]
    assert rows[world.a_member.name]["身份证号"] == world.a_member.id_number
    assert rows[world.a_member.name]["手机号"] == world.a_member.mobile


def test_readers_who_may_not_change_a_record_get_it_masked(world, a_members):
    # No page lets a read-only user export someone else's row today; the export still masks
    # ID numbers, mobiles and addresses for anyone outside ``can_see_contact_details``.
    for m in a_members:
        m.address = "学苑小区1号楼"
        m.save()
    rows = export_queryset(Member.objects.filter(committee=world.a), world.member_user)
    book = openpyxl.load_workbook(BytesIO(roster_xlsx(rows)))
    by_name = _by_name(book.active)
    for m in a_members:
        assert by_name[m.name]["身份证号"] == m.masked_id_number
        assert by_name[m.name]["手机号"] == m.masked_mobile
        assert not FULL_MOBILE.match(by_name[m.name]["手机号"])
        assert by_name[m.name]["现居住地址"] in ("", None)
    assert by_name[world.a_member.name]["身份证号"] == world.a_member.id_number


@pytest.mark.parametrize("library_escaping", [False, True])
def test_formulae_are_escaped(world, login, library_escaping):
    MemberFactory(committee=world.a, branch=world.a_branch, name='=HYPERLINK("x")',
                  address="@SUM(1)", employer_name="+1+2", ethnicity="-3")
    with override_settings(IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT=library_escaping):
        sheet = _sheet(login(world.secretary_a).get(_url(world.a)))
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@"))
    cells = _cells(sheet)
    assert "'=HYPERLINK(\"x\")" in cells
    assert "'@SUM(1)" in cells
    assert "'+1+2" in cells
    assert "'-3" in cells


def test_control_characters_do_not_break_the_export(world, login):
    MemberFactory(committee=world.a, branch=world.a_branch, name="张\x07三")
    sheet = _sheet(login(world.secretary_a).get(_url(world.a)))
    assert "张\N{REPLACEMENT CHARACTER}三" in _cells(sheet)


def test_roster_filters_apply(world, login, a_members):
    retired = _members(world.a, world.a_retirees, 2, start=200, category=Category.RETIRED_CADRE)
    client = login(world.secretary_a)
    sheet = _sheet(client.get(_url(world.a, "category=retired_cadre")))
    assert set(_by_name(sheet)) == {m.name for m in retired}

    sheet = _sheet(client.get(_url(world.a, f"branch={world.a_retirees.pk}")))
    assert set(_by_name(sheet)) == {m.name for m in retired}

    sheet = _sheet(client.get(_url(world.a, f"q={a_members[0].mobile}")))
    assert set(_by_name(sheet)) == {a_members[0].name}


def test_other_committees_members_are_not_exported(world, login, a_members):
    b_members = _members(world.b, world.b_branch, 2, start=300)
    sheet = _sheet(login(world.secretary_a).get(_url(world.a)))
    assert not {m.name for m in b_members} & set(_by_name(sheet))


def test_secretary_of_b_gets_404_for_a(world, login, a_members):
    assert login(world.secretary_b).get(_url(world.a)).status_code == 404


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(_url(world.a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_post_is_not_allowed(world, login):
    assert login(world.secretary_a).post(_url(world.a)).status_code == 405


def test_too_many_rows_go_back_to_the_roster(world, login, a_members, monkeypatch):
    monkeypatch.setattr(export_views, "MAX_EXPORT_ROWS", 2)
    response = login(world.secretary_a).get(_url(world.a, "status=full"))
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("members:committee-roster", args=[world.a.pk]) + "?status=full"
    )


@pytest.mark.parametrize("user", ["secretary_a", "officer", "branch_secretary"])
def test_queries_do_not_grow_with_rows(world, login, user):
    client = login(getattr(world, user))

    def count(n_more):
        _members(world.a, world.a_branch, n_more, start=1000 + Member.objects.count())
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(_url(world.a))
        assert response.status_code == 200
        return len(ctx.captured_queries), _rows(_sheet(response))

    few_queries, few_rows = count(4)
    many_queries, many_rows = count(45)
    assert len(many_rows) == len(few_rows) + 45
    assert many_queries == few_queries
    assert many_queries <= 8


# --- the audit entry of an export with full values (issue 15) -------------------------------

def _entries():
    return list(LogEntry.objects.filter(action=LogEntry.Action.ACCESS))


def test_the_officer_s_export_writes_one_audit_entry_with_its_rows_and_full_fields(
    world, login, a_members
):
    _sheet(login(world.officer).get(_url(world.a)))
    [entry] = _entries()
    assert entry.actor == world.officer
    assert entry.object_repr == world.a.name and entry.object_pk == str(world.a.pk)
    assert entry.additional_data == {
        "download": ROSTER_EXPORT, "rows": 4, "fields": ["id_number", "mobile"],
    }
    # The entry never holds the data it records the reading of.
    stored = f"{entry.changes} {entry.changes_text} {entry.additional_data} {entry.object_repr}"
    assert not FULL_ID.search(stored) and a_members[0].mobile not in stored


def test_a_secretary_s_export_records_the_full_mobiles_and_addresses_it_holds(
    world, login, a_members
):
    a_members[0].address = "学苑小区1号楼"
    a_members[0].save()
    _sheet(login(world.secretary_a).get(_url(world.a)))
    [entry] = _entries()
    assert entry.actor == world.secretary_a
    assert entry.additional_data["fields"] == ["mobile", "address"]  # ID numbers masked
    assert entry.additional_data["rows"] == 4


def test_each_download_writes_its_own_entry_and_a_filter_counts_its_rows(
    world, login, a_members
):
    client = login(world.officer)
    _sheet(client.get(_url(world.a)))
    _sheet(client.get(_url(world.a, f"q={a_members[0].mobile}")))
    assert sorted(e.additional_data["rows"] for e in _entries()) == [1, 4]


def test_an_export_with_every_value_masked_or_empty_writes_no_entry(world, login):
    MemberFactory(committee=world.a, branch=world.a_branch, name="无手机", mobile="", address="")
    world.a_member.mobile, world.a_member.address = "", ""
    world.a_member.save()
    sheet = _sheet(login(world.secretary_a).get(_url(world.a)))
    assert not any(FULL_ID.search(c) or FULL_MOBILE.match(c) for c in _cells(sheet))
    assert _entries() == []
    # An empty file neither.
    _sheet(login(world.officer).get(_url(world.a, "q=nobody-by-that-name")))
    assert _entries() == []


def test_full_fields_follows_the_masking(world, a_members):
    others = Member.objects.filter(committee=world.a).exclude(pk=world.a_member.pk)
    assert full_fields(export_queryset(others, world.member_user)) == ()
    assert full_fields(export_queryset(others, world.officer)) == ("id_number", "mobile")
