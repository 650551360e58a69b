"""下载我的信息: a member downloads, in one workbook, what the portal holds about them (their
record in full, 报到, activities' 报名 and 签到, teams, meetings, matters, corrections,
notifications), and nothing of anyone else; the download is written to the audit log."""

import io
from decimal import Decimal

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from activities.models import ActivitySignup, Attendance
from core.models import Notification
from core.xlsx import XLSX_CONTENT_TYPE
from meetings.models import MeetingAttendance
from members.models import CheckIn, Commitment, CorrectionRequest
from tests.factories import (
    ActivityFactory,
    MatterFactory,
    MeetingFactory,
    MemberFactory,
    ServiceTeamFactory,
    UserFactory,
)

URL = reverse("members:my-data")
OWN_ID = "110101199003074258"
OTHER_ID = "110101198507121234"


@pytest.fixture
def filled(world):
    """The member of A with a record of each kind, and another member of A at the same places
    with their own."""
    me = world.a_member
    me.id_number, me.mobile, me.address = OWN_ID, "13812345678", "学苑小区3号楼2单元"
    me.save()
    other = MemberFactory(committee=world.a, branch=world.a_branch, name="钱多多",
                          mobile="13900001111", address="御景苑9号楼",
                          user=UserFactory(username="other"))
    other.id_number = OTHER_ID
    other.save()
    CheckIn.objects.create(member=me, committee=world.b, status="returned",
                           return_reason="不在本社区居住")
    activity = ActivityFactory(committee=world.a, title="清洁家园")
    for person in (me, other):
        ActivitySignup.objects.create(activity=activity, member=person, state="registered")
        Attendance.objects.create(activity=activity, member=person, method="qr",
                                  hours=Decimal("2.0"))
    team = ServiceTeamFactory(committee=world.a, name="便民健康服务队", leader=other)
    team.members.add(me, other)
    ServiceTeamFactory(committee=world.a, name="普法服务队").members.add(other)
    meeting = MeetingFactory(committee=world.a, title="七月例会")
    MeetingAttendance.objects.create(meeting=meeting, member=me, name=me.name, status="leave",
                                     reason="出差")
    MeetingAttendance.objects.create(meeting=meeting, member=other, name=other.name)
    MatterFactory(committee=world.a, title="楼道照明", raised_by_member=me)
    MatterFactory(committee=world.a, title="车位纠纷", raised_by_member=other)
    Commitment.objects.create(member=me, committee=me.committee, year=2026,
                              text="每月参加一次志愿服务")
    Commitment.objects.create(member=other, committee=other.committee, year=2026,
                              text="带头清理楼道")
    CorrectionRequest.objects.create(member=me, requested_by=world.member_user,
                                     field="address", proposed_value="学苑小区3号楼3单元")
    Notification.objects.create(user=world.member_user, key="k1", text="您的报到已退回")
    Notification.objects.create(user=other.user, key="k2", text="钱多多的通知")
    return me, other


def workbook(response):
    return openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)


def cells(book, title=None) -> list[str]:
    sheets = [book[title]] if title else book.worksheets
    return [str(v) for ws in sheets for row in ws.iter_rows(values_only=True)
            for v in row if v is not None]


def test_the_member_downloads_everything_held_about_them(world, filled, login):
    response = login(world.member_user).get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Cache-Control"] == "private, no-store"
    assert ".xlsx" in response["Content-Disposition"]
    book = workbook(response)
    assert len(book.sheetnames) >= 12  # one sheet per kind of record
    everything = cells(book)
    # their own record in full: it is theirs
    assert OWN_ID in everything and "13812345678" in everything
    assert "学苑小区3号楼2单元" in everything
    for mine in ("不在本社区居住", "清洁家园", "便民健康服务队", "七月例会", "出差", "楼道照明",
                 "每月参加一次志愿服务", "学苑小区3号楼3单元", "您的报到已退回"):
        assert mine in everything, mine


def test_it_holds_nothing_of_another_member(world, filled, login):
    everything = " ".join(cells(workbook(login(world.member_user).get(URL))))

    for theirs in (OTHER_ID, "13900001111", "御景苑9号楼", "钱多多", "普法服务队", "车位纠纷",
                   "带头清理楼道"):
        assert theirs not in everything, theirs


def test_each_sheet_has_a_header_and_an_empty_one_says_so(world, login):
    book = workbook(login(world.member_user).get(URL))

    for ws in book.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        assert len(rows) >= 2, ws.title  # a header, then rows or "(none)"
    checkins = list(book.worksheets[2].iter_rows(values_only=True))  # none made
    assert checkins[1][0] == "（无）" and not any(checkins[1][1:])


def test_a_cell_that_looks_like_a_formula_is_escaped(world, login):
    world.a_member.address = "=HYPERLINK(\"http://x\")"
    world.a_member.save()
    everything = cells(workbook(login(world.member_user).get(URL)))

    assert "'=HYPERLINK(\"http://x\")" in everything


def test_the_download_is_written_to_the_audit_log(world, filled, login):
    login(world.member_user).get(URL)

    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS,
                                    object_pk=str(world.a_member.pk)).latest("pk")
    assert entry.actor == world.member_user
    assert entry.additional_data == {"download": "own data", "rows": 1,
                                     "fields": ["id_number", "mobile", "address"]}
    assert OWN_ID not in str(entry.changes) + str(entry.additional_data)


def test_a_secretarys_file_keeps_when_they_were_notified_not_what_of_others(world, login):
    me = world.secretary_a
    MemberFactory(committee=world.a, branch=world.a_branch, name="书记本人", user=me)
    Notification.objects.create(user=me, key="k3", text="王建国申请更正身份证号")

    everything = cells(workbook(login(me).get(URL)))
    assert "王建国申请更正身份证号" not in " ".join(everything)
    assert any("关于他人" in cell for cell in everything)  # the row stays, without the text


def test_it_needs_login(client):
    response = client.get(URL)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["officer", "secretary_a", "branch_secretary"])
def test_an_account_without_a_member_record_has_no_file(world, login, persona):
    # there is no address for another member's file: it is always the account's own
    assert login(getattr(world, persona)).get(URL).status_code == 404
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_the_members_page_offers_the_download_and_the_correction(world, login):
    html = login(world.member_user).get(reverse("members:me")).content.decode()

    assert f'href="{URL}"' in html
    assert f'href="{reverse("members:correction-create")}"' in html
