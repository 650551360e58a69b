"""Reports by period: every sheet against a small world counted by hand (Q2 2025, on the
Asia/Shanghai calendar), no ID number or mobile in any cell, scope of every page, a refused
period, progress and failure, expiry and its purge, and query counts."""

import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activities.models import Attendance, Funding
from branches.models import Branch, BranchKind, CommitteeMembership
from meetings.models import MeetingKind
from members.models import CheckIn, CheckInStatus, Member
from overview import reports, reports_build, reports_sheets
from overview.models import PeriodReport, ReportStatus
from overview.periods import month_period, quarter_period
from overview.tasks import purge_period_reports
from tests.committees.data import add_committees
from tests.conftest import PERSONAS, persona_client, session_queries
from tests.factories import ActivityFactory, MatterFactory, MeetingFactory, MemberFactory
from units.models import Agreement

SHANGHAI = ZoneInfo("Asia/Shanghai")
Q2 = {"period": "quarter", "year": "2025", "quarter": "2"}
LOGIN = 302


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _english_workbooks(settings):
    """The task writes in the portal's language; in English here, to read like the code."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def records(world):
    """Committees A (学苑) and B (御沁园) in Q2 2025, counted by hand in each test. The world
    already gives A a resident (a_member, in its residents' branch and party group) and B a
    resident on another residents' branch (its seat's member)."""
    a, b = world.a, world.b
    MemberFactory(committee=a, branch=world.a_retirees, category="retired_cadre")
    shopkeeper = MemberFactory(committee=a, branch=world.a_branch, category="small_business")
    worker = MemberFactory(committee=a, branch=None, outside_organisation="市第一医院党委",
                           category="in_service", employer_unit=world.unit)
    nurse = MemberFactory(committee=b, branch=None, outside_organisation="市妇幼保健院党支部",
                          category="in_service")
    mover = MemberFactory(committee=b, branch=None, outside_organisation="某公司党支部",
                          category="in_service", employer_name="某公司")
    # Everyone gets an ID number and a mobile, for the scan of every cell.
    for n, member in enumerate(Member.objects.order_by("pk")):
        member.id_number = f"1427021980{n:07d}X"
        member.mobile = f"1390355{n:04d}"
        member.save(update_fields=["id_number", "mobile"])

    # 报到: April 1st and June 30th are in Q2, March 31st is not.
    CheckIn.objects.create(member=worker, committee=a, status=CheckInStatus.CONFIRMED,
                           started_on=date(2025, 4, 1))
    CheckIn.objects.create(member=nurse, committee=b, status=CheckInStatus.CONFIRMED,
                           started_on=date(2025, 3, 31))
    CheckIn.objects.create(member=mover, committee=b, status=CheckInStatus.ENDED,
                           started_on=date(2025, 6, 30), ended_on=date(2025, 6, 30),
                           end_reason="moved_away")

    # Activities: 00:30 on April 1st and 23:30 on June 30th in Yuncheng are Q2; 23:30 on March
    # 31st is not; a cancelled one never counts.
    a1 = ActivityFactory(committee=a, title="红色观影", line="party_building", status="held",
                         starts_at=local(2025, 4, 1, 0, 30), ends_at=local(2025, 4, 1, 2))
    a2 = ActivityFactory(committee=a, title="夜间义诊", line="service", status="held",
                         starts_at=local(2025, 6, 30, 23, 30), ends_at=local(2025, 6, 30, 23, 59))
    before = ActivityFactory(committee=a, title="三月清扫", line="public_welfare", status="held",
                             starts_at=local(2025, 3, 31, 23, 30),
                             ends_at=local(2025, 3, 31, 23, 59))
    ActivityFactory(committee=a, title="取消的活动", line="service", status="cancelled",
                    starts_at=local(2025, 5, 1, 9), ends_at=local(2025, 5, 1, 11))
    b1 = ActivityFactory(committee=b, title="=SUM(A1)", line="public_welfare", status="held",
                         starts_at=local(2025, 5, 5, 9), ends_at=local(2025, 5, 5, 11))
    for activity, member, hours in [(a1, worker, "2.5"), (a1, world.a_member, "1"),
                                    (a2, shopkeeper, "3"), (before, worker, "4"),
                                    (b1, nurse, "2")]:
        Attendance.objects.create(activity=activity, member=member, method="qr",
                                  hours=Decimal(hours))

    def line(activity, source, amount, on, state="received"):
        Funding.objects.create(committee=activity.committee, activity=activity, source=source,
                               amount=Decimal(amount), state=state, date=on,
                               donor="" if source == "unit" else "某某",
                               unit=world.unit if source == "unit" else None)

    line(a1, "community", "1000", date(2025, 4, 10))
    line(a2, "unit", "500", date(2025, 6, 30))
    line(a1, "volunteer", "200", date(2025, 5, 1), state="pledged")
    line(before, "government", "300", date(2025, 3, 31))
    line(b1, "social", "800", date(2025, 5, 1))

    # Meetings: A's monthly in April and May (June's only planned), its residents' branch a
    # branch committee meeting and (through its party group) a group meeting; B's monthly on
    # March 31st, outside Q2.
    MeetingFactory(committee=a, status="held", starts_at=local(2025, 4, 15, 15))
    MeetingFactory(committee=a, status="signed_off", starts_at=local(2025, 5, 15, 15),
                   signed_off_at=local(2025, 5, 16, 9))
    MeetingFactory(committee=a, status="planned", starts_at=local(2025, 6, 15, 15))
    MeetingFactory(committee=a, branch=world.a_branch, kind="branch_committee", status="held",
                   starts_at=local(2025, 4, 20, 15))
    MeetingFactory(committee=a, branch=world.a_group, kind="group", status="held",
                   starts_at=local(2025, 5, 20, 15))
    MeetingFactory(committee=b, status="held", starts_at=local(2025, 3, 31, 23, 30))

    # Matters: A raised two in Q2 (one open and overdue, one resolved in 10 days) and resolved
    # one raised in March (61 days); B has one in progress since 2024, and one resolved before.
    MatterFactory(committee=a, title="楼道堆物", raised_on=date(2025, 4, 2),
                  due_on=date(2025, 4, 30))
    MatterFactory(committee=a, title="路灯维修", status="resolved", raised_on=date(2025, 4, 1),
                  resolved_on=date(2025, 4, 11))
    MatterFactory(committee=a, title="停车难", status="resolved", raised_on=date(2025, 3, 1),
                  resolved_on=date(2025, 5, 1))
    MatterFactory(committee=b, title="加装电梯", status="in_progress", raised_on=date(2024, 12, 1))
    MatterFactory(committee=b, title="早已办结", status="resolved", raised_on=date(2025, 2, 1),
                  resolved_on=date(2025, 2, 10))

    Agreement.objects.create(committee=a, unit=world.unit, starts_on=date(2025, 1, 1),
                             ends_on=timezone.localdate() + timedelta(days=400),
                             status="in_force", committee_commits="场地", unit_commits="志愿者")
    return {"worker": worker, "mover": mover}


def build(user, period=None, **holder):
    """Request a report (Q2 2025 unless told) as ``user`` and let its task run (eager Celery,
    on commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        report = reports.report_request(user=user, period=period or quarter_period(2025, 2),
                                        **holder)
    report.refresh_from_db()
    return report


def workbook(report):
    return load_workbook(io.BytesIO(bytes(report.content)))


def rows(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def by_name(sheet):
    """{first cell: the rest of its row} below the header."""
    return {r[0]: r[1:] for r in rows(sheet)[1:]}


@pytest.fixture
def district_book(world, records):
    report = build(world.officer, district=world.district)
    assert report.status == ReportStatus.DONE, report.message
    return workbook(report)


@pytest.fixture
def committee_book(world, records):
    report = build(world.secretary_a, committee=world.a)
    assert report.status == ReportStatus.DONE, report.message
    return workbook(report)


SHEETS = ["Summary", "Committees", "Members by category", "Check-ins (报到)",
          "Check-in list", "Activities", "Funding by source", "Meetings and compliance",
          "Matters", "Matter list", "Coverage"]


# --- the sheets ------------------------------------------------------------------------------

def test_the_workbook_has_its_sheets_in_order_with_the_summary_first(district_book):
    assert district_book.sheetnames == SHEETS
    assert district_book.active.title == "Summary"


def test_the_committees_sheet_has_a_row_each_and_the_district_s_totals(world, district_book):
    sheet = district_book["Committees"]
    assert rows(sheet)[0] == [
        "Committee", "Members", "Branches", "Member organisations", "Checked in",
        "Check-ins started", "Activities", "Attendances", "Volunteer hours",
        "Money received (¥)", "Open matters", "Overdue matters", "Matters resolved",
        "Agreements in force"]
    table = by_name(sheet)
    assert table["学苑社区"] == [4, 2, 0, 1, 1, 2, 3, 6.5, 1500, 1, 1, 2, 1]
    assert table["御沁园社区"] == [3, 2, 0, 1, 1, 1, 1, 2, 800, 1, 0, 0, 0]
    assert table["Total"] == [7, 4, 0, 2, 2, 3, 4, 8.5, 2300, 2, 1, 2, 1]


def test_members_are_counted_by_category_and_branches_by_kind(district_book):
    sheet = district_book["Members by category"]
    assert rows(sheet)[0][2:] == [
        "Small business / self-employed (小个专)", "Retired cadre", "In-service",
        "Community resident", "Other", "Members", "Residents' branch", "Retired cadres' branch",
        "Resident unit's party organisation"]
    table = by_name(sheet)
    assert table["学苑社区"][1:] == [1, 1, 1, 1, 0, 4, 1, 1, 0]
    assert table["御沁园社区"][1:] == [0, 0, 2, 1, 0, 3, 2, 0, 0]
    assert table["Total"][1:] == [1, 1, 3, 2, 0, 7, 3, 1, 0]


def test_a_committee_s_members_sheet_adds_the_members_each_branch_holds(world, committee_book):
    body = rows(committee_book["Members by category"])[1:]
    assert [r[:8] for r in body] == [
        ["学苑社区", "living here", 1, 1, 1, 1, 0, 4],
        ["学苑社区", "学苑社区居民党支部", 1, 0, 0, 1, 0, 2],
        ["学苑社区", "学苑社区离退休干部党支部", 0, 1, 0, 0, 0, 1],
    ]


def test_check_ins_are_counted_per_committee_and_listed_without_id_or_mobile(
    world, records, district_book
):
    table = by_name(district_book["Check-ins (报到)"])
    # confirmed today, waiting, started in Q2, ended in Q2
    assert table["学苑社区"] == [1, 0, 1, 0]
    assert table["御沁园社区"] == [1, 0, 1, 1]
    listed = rows(district_book["Check-in list"])
    assert listed[0] == ["Name", "Committee", "Employer", "Checked in on", "Ended on", "Status"]
    worker, mover = records["worker"], records["mover"]
    assert sorted(listed[1:]) == sorted([
        [worker.name, "学苑社区", "运城市第一医院", "2025-04-01", None, "Checked in"],
        [mover.name, "御沁园社区", "某公司", "2025-06-30", "2025-06-30", "Ended"],
    ])


def test_activities_of_the_period_are_listed_with_attendance_and_hours(district_book):
    listed = rows(district_book["Activities"])
    assert listed[0] == ["Date", "Committee", "Title", "Line", "Status", "Attended", "Hours"]
    assert listed[1:] == [
        ["2025-04-01 00:30", "学苑社区", "红色观影", "Joint party building", "Held", 2, 3.5],
        ["2025-05-05 09:00", "御沁园社区", "'=SUM(A1)", "Joint public welfare", "Held", 1, 2],
        ["2025-06-30 23:30", "学苑社区", "夜间义诊", "Joint services", "Held", 1, 3],
    ]


def test_money_is_received_funding_lines_by_source_with_pledges_apart(district_book):
    sheet = district_book["Funding by source"]
    assert rows(sheet)[0][1:6] == [
        "Government / higher department", "Raised by the community",
        "Resident unit sponsorship", "Volunteer donations", "Social support"]
    table = by_name(sheet)
    assert table["学苑社区"] == [0, 1000, 500, 0, 0, 1500, 200]
    assert table["御沁园社区"] == [0, 0, 0, 0, 800, 800, 0]
    assert table["Total"] == [0, 1000, 500, 0, 800, 2300, 200]


def test_meetings_held_in_the_period_and_the_year_s_compliance(district_book):
    sheet = district_book["Meetings and compliance"]
    header = rows(sheet)[0]
    kinds = [str(label) for _v, label in MeetingKind.choices]
    assert header[2:2 + len(kinds)] == kinds
    assert header[-4:] == ["Monthly meetings held in 2025", "Monthly meetings due in 2025",
                           "Branch periods missing in 2025", "Compliance in 2025 (%)"]
    table = by_name(sheet)
    held = dict(zip(kinds, table["学苑社区"][1:1 + len(kinds)], strict=True))
    assert held["Monthly meeting"] == 2  # April and May; June's was only planned
    assert held["Branch committee meeting"] == 1
    assert held["Party group meeting"] == 1  # held by a party group, for its branch
    assert sum(held.values()) == 4
    assert table["学苑社区"][-4:-2] == [2, 12]
    assert table["御沁园社区"][1:1 + len(kinds)] == [0] * len(kinds)  # March 31st is Q1
    assert table["御沁园社区"][-4:-2] == [1, 12]


def test_a_committee_s_meetings_sheet_has_a_row_for_it_and_each_branch(world, committee_book):
    body = rows(committee_book["Meetings and compliance"])[1:]
    assert [r[1] for r in body] == ["the committee itself", "学苑社区居民党支部",
                                    "学苑社区离退休干部党支部"]
    assert body[0][2] == 2
    residents = body[1][2:12]
    assert residents[MeetingKind.values.index("branch_committee")] == 1
    assert residents[MeetingKind.values.index("group")] == 1
    assert sum(body[2][2:12]) == 0


def test_a_member_organisation_s_meetings_are_listed_but_not_counted_as_the_committee_s(
    world, records
):
    hospital = Branch.objects.create(committee=world.b, kind=BranchKind.UNIT, unit=world.unit,
                                     name="运城市第一医院党支部")
    CommitteeMembership.objects.create(committee=world.a, branch=hospital,
                                       joined_on=date(2020, 1, 1))
    MeetingFactory(committee=world.b, branch=hospital, kind="branch_committee", status="held",
                   starts_at=local(2025, 5, 10, 15))
    book = workbook(build(world.secretary_a, committee=world.a))
    body = rows(book["Meetings and compliance"])[1:]
    assert body[-1][1] == "运城市第一医院党支部"
    assert body[-1][2 + MeetingKind.values.index("branch_committee")] == 1
    summary = dict((r[0], r[1]) for r in rows(book["Summary"])[1:])
    assert summary["Branch meetings held in the period"] == 2  # its own branches' only


def test_matters_are_counted_by_status_with_overdue_resolved_and_median_days(district_book):
    sheet = district_book["Matters"]
    assert rows(sheet)[0] == ["Committee", "Raised in the period", "Open", "Deliberated",
                              "In progress", "Resolved", "Escalated", "Open today",
                              "Overdue today", "Resolved in the period",
                              "Median days to resolve"]
    table = by_name(sheet)
    assert table["学苑社区"] == [2, 1, 0, 0, 2, 0, 1, 1, 2, 35.5]  # 10 and 61 days
    assert table["御沁园社区"] == [0, 0, 0, 1, 1, 0, 1, 0, 0, None]
    assert table["Total"][-2:] == [2, 35.5]


def test_the_matter_list_holds_what_the_period_touched_and_not_who_raised_it(district_book):
    listed = rows(district_book["Matter list"])
    assert listed[0] == ["Committee", "Title", "Kind", "Status", "Raised on", "Due on",
                         "Resolved on", "Overdue"]
    assert sorted(r[1] for r in listed[1:]) == sorted(["楼道堆物", "路灯维修", "停车难",
                                                       "加装电梯"])
    overdue = {r[1]: r[7] for r in listed[1:]}
    assert overdue["楼道堆物"] == "yes" and overdue["加装电梯"] is None
    assert not any("王女士" in str(cell) for r in listed for cell in r)


def test_coverage_per_committee_and_for_the_district(district_book):
    table = by_name(district_book["Coverage"])
    # units with an organisation, in the 大党委, rate, units with members and none; residents,
    # reached, rate; in-service to check in, checked in, rate
    assert table["学苑社区"] == [0, 0, None, 1, 4, 4, 100, 1, 1, 100]
    assert table["御沁园社区"] == [0, 0, None, 0, 3, 2, 67, 2, 1, 50]
    assert table["District (each unit once)"][3:] == [1, 7, 6, 86, 3, 2, 67]


def test_the_summary_gathers_the_totals_of_the_sheets(district_book):
    summary = dict((r[0], r[1]) for r in rows(district_book["Summary"])[1:])
    assert summary["Report of"] == "盐湖区"
    assert summary["Period"] == "Q2 2025"
    assert (summary["First day"], summary["Last day"]) == ("2025-04-01", "2025-06-30")
    assert summary["Committees"] == 2
    assert summary["Members living in the communities"] == 7
    assert summary["Activities in the period"] == 3
    assert summary["Volunteer hours in the period"] == 8.5
    assert summary["Money received in the period (¥)"] == 2300
    assert summary["Check-ins started in the period"] == 2
    assert summary["Monthly meetings held in the period"] == 2
    assert summary["Matters resolved in the period"] == 2
    assert summary["Median days to resolve"] == 35.5
    assert summary["Activities: Joint services"] == 1


def test_a_committee_s_report_holds_that_committee_only(world, committee_book):
    for name in ("Committees", "Check-ins (报到)", "Funding by source", "Matters"):
        assert [r[0] for r in rows(committee_book[name])[1:]] == ["学苑社区"], name
    titles = [r[2] for r in rows(committee_book["Activities"])[1:]]
    assert titles == ["红色观影", "夜间义诊"]
    assert "加装电梯" not in [r[1] for r in rows(committee_book["Matter list"])]


def test_a_month_s_report_counts_that_month_only(world, records):
    book = workbook(build(world.officer, month_period(2025, 6), district=world.district))
    assert [r[2] for r in rows(book["Activities"])[1:]] == ["夜间义诊"]
    assert by_name(book["Committees"])["Total"][8] == 500


@pytest.mark.parametrize("holder", ["district", "committee"])
def test_no_id_number_or_mobile_is_in_any_cell_of_any_sheet(world, records, holder):
    report = build(world.officer, **({"district": world.district} if holder == "district"
                                      else {"committee": world.a}))
    secrets = {v for pair in Member.objects.values_list("id_number", "mobile") for v in pair}
    assert len(secrets) == 2 * Member.objects.count()  # every member seeded with both
    book = workbook(report)
    cells = [str(c) for sheet in book.worksheets for r in rows(sheet) for c in r if c is not None]
    names = set(Member.objects.values_list("name", flat=True))
    assert names & set(cells)  # the scan reads people's rows (the check-in list)
    for cell in cells:
        for secret in secrets:
            assert secret not in cell
        assert not re.search(r"\d{17}[\dXx]", cell)


# --- the pages -------------------------------------------------------------------------------

def urls(world, district_report, committee_report):
    return {
        "district-reports": reverse("overview:district-reports", args=[world.district.pk]),
        "committee-reports": reverse("overview:committee-reports", args=[world.a.pk]),
        "district-report": reverse("overview:report-detail", args=[district_report.pk]),
        "district-report-file": reverse("overview:report-download", args=[district_report.pk]),
        "committee-report": reverse("overview:report-detail", args=[committee_report.pk]),
        "committee-report-file": reverse("overview:report-download",
                                         args=[committee_report.pk]),
        "summary": reverse("overview:committee-summary", args=[world.a.pk]) + "?period=year",
    }


def expected(view, persona):
    if persona == "anonymous":
        return LOGIN
    if persona == "officer":
        return 200
    if persona == "secretary_a" and view.startswith(("committee", "summary")):
        return 200
    return 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_page_is_for_the_district_and_the_committee_s_side_only(client, world, persona):
    district_report = build(world.officer, district=world.district)
    committee_report = build(world.secretary_a, committee=world.a)
    persona_client(client, world, persona)
    for view, url in urls(world, district_report, committee_report).items():
        response = client.get(url)
        assert response.status_code == expected(view, persona), (view, persona)
        if response.status_code == LOGIN:
            assert reverse("login") in response["Location"]


@pytest.mark.parametrize("persona", ["secretary_b", "branch_secretary", "member"])
def test_outsiders_cannot_request_a_report_and_nothing_is_written(client, world, persona):
    persona_client(client, world, persona)
    for url in (reverse("overview:committee-reports", args=[world.a.pk]),
                reverse("overview:district-reports", args=[world.district.pk])):
        assert client.post(url, Q2).status_code == 404
    assert not PeriodReport.objects.exists()


def test_the_secretary_requests_a_report_and_downloads_it(client, world, records,
                                                          django_capture_on_commit_callbacks):
    client.force_login(world.secretary_a)
    url = reverse("overview:committee-reports", args=[world.a.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, Q2)
    report = PeriodReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == report.get_absolute_url()
    assert (report.committee, report.district, report.period_kind) == (world.a, None, "quarter")
    assert (report.first, report.last) == (date(2025, 4, 1), date(2025, 6, 30))
    assert report.requested_by == world.secretary_a
    assert report.status == ReportStatus.DONE
    assert (report.sheets_done, report.sheets_total) == (len(SHEETS), len(SHEETS))
    assert timedelta(days=6, hours=23) < report.expires_at - timezone.now() <= timedelta(days=7)

    page = client.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="report-download"' in page and 'http-equiv="refresh"' not in page
    download = client.get(reverse("overview:report-download", args=[report.pk]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "2025-04-01-2025-06-30.xlsx" in download["Content-Disposition"]
    assert load_workbook(io.BytesIO(download.content)).sheetnames == SHEETS

    listing = client.get(url).content.decode()
    assert "Q2 2025" in listing
    assert reverse("overview:report-download", args=[report.pk]) in listing


@pytest.mark.parametrize("params, message", [
    ({"period": "week"}, "Choose a month, a quarter, a year or a custom range."),
    ({"period": "month", "year": "2025", "month": "13"}, "Month must be a whole number"),
    ({"period": "custom", "start": "2025-06-01", "end": "2025-05-01"},
     "The first day must not be after the last day."),
    ({"period": "custom", "start": "yesterday", "end": "2025-05-01"},
     "Enter the first day as YYYY-MM-DD."),
])
def test_a_bad_period_is_refused_on_the_form_and_nothing_is_written(client, world, params,
                                                                     message):
    client.force_login(world.officer)
    response = client.post(reverse("overview:district-reports", args=[world.district.pk]),
                           params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PeriodReport.objects.exists()


def test_a_queued_report_shows_its_progress_and_refreshes_itself(client, world):
    # Without running the commit hooks, the task has not started: the report is queued.
    report = reports.report_request(user=world.officer, period=quarter_period(2025, 2),
                                    district=world.district)
    PeriodReport.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING,
                                                     sheets_done=4, sheets_total=11)
    client.force_login(world.officer)
    page = client.get(report.get_absolute_url()).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert 'value="4" max="11"' in page
    assert "4 of 11 sheets" in page
    assert client.get(reverse("overview:report-download", args=[report.pk])).status_code == 404


def test_a_report_that_has_not_moved_for_half_an_hour_stops_refreshing_and_says_so(client,
                                                                                   world):
    report = reports.report_request(user=world.officer, period=quarter_period(2025, 2),
                                    district=world.district)
    PeriodReport.objects.filter(pk=report.pk).update(
        updated_at=timezone.now() - timedelta(minutes=31))
    client.force_login(world.officer)
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert 'data-testid="report-stalled"' in page


def test_the_build_claims_the_report_so_a_second_delivery_does_nothing(world, records,
                                                                        django_assert_num_queries):
    report = build(world.officer, district=world.district)
    finished = report.finished_at
    with django_assert_num_queries(1):  # the claim, refused
        reports_build.report_build(report.pk)
    report.refresh_from_db()
    assert report.finished_at == finished and report.status == ReportStatus.DONE


def test_a_failure_marks_the_report_failed_and_keeps_no_file(client, world, records,
                                                               monkeypatch):
    def broken(subject):
        raise RuntimeError("disk full")

    monkeypatch.setattr(reports_sheets, "STEPS", [reports_sheets.committees_sheet, broken])
    monkeypatch.setattr(reports_build, "STEPS", reports_sheets.STEPS)
    report = build(world.officer, district=world.district)
    assert report.status == ReportStatus.FAILED
    assert bytes(report.content) == b"" and report.size == 0
    assert report.sheets_done == 1  # the first sheet was written, then it stopped
    assert "could not be written" in report.message
    client.force_login(world.officer)
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'data-testid="report-failed"' in page and "could not be written" in page
    assert client.get(reverse("overview:report-download", args=[report.pk])).status_code == 404


# --- expiry ----------------------------------------------------------------------------------

def test_an_expired_report_is_gone_from_every_page_and_purged_once(client, world):
    old = build(world.officer, district=world.district)
    kept = build(world.officer, district=world.district)
    PeriodReport.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(
        minutes=1))
    client.force_login(world.officer)
    assert client.get(old.get_absolute_url()).status_code == 404
    assert client.get(reverse("overview:report-download", args=[old.pk])).status_code == 404
    listing = client.get(reverse("overview:district-reports", args=[world.district.pk]))
    assert old.get_absolute_url() not in listing.content.decode()
    assert kept.get_absolute_url() in listing.content.decode()

    assert purge_period_reports.delay().get() == 1
    assert purge_period_reports.delay().get() == 0  # run again: nothing more goes
    assert list(PeriodReport.objects.values_list("pk", flat=True)) == [kept.pk]


def test_the_purge_is_in_the_daily_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["purge-period-reports"]
    assert entry["task"] == "overview.tasks.purge_period_reports"
    assert settings.PERIOD_REPORT_KEEP_DAYS == 7


# --- queries ---------------------------------------------------------------------------------

# Besides the session and the bell: the user, the officer's scope (2), the district, the
# reports' count and the page of them.
LIST_QUERIES = 5


def test_the_reports_list_costs_the_same_queries_at_two_sizes(client, world,
                                                              django_assert_num_queries):
    client.force_login(world.officer)
    url = reverse("overview:district-reports", args=[world.district.pk])
    for _ in range(2):
        reports.report_request(user=world.officer, period=quarter_period(2025, 2),
                               district=world.district)
    with django_assert_num_queries(LIST_QUERIES + session_queries()):
        small = client.get(url)
    for _ in range(40):
        reports.report_request(user=world.secretary_a, period=quarter_period(2025, 1),
                               district=world.district)
    with django_assert_num_queries(LIST_QUERIES + session_queries()):
        large = client.get(url)
    assert small.content.decode().count("<tr>") == 1 + 2
    assert large.content.decode().count("<tr>") == 1 + 20  # a page


def _queries_per_step(subject) -> list[int]:
    counts = []
    for step in reports_sheets.STEPS:
        with CaptureQueriesContext(connection) as queries:
            step(subject)
        counts.append(len(queries))
    return counts


def test_each_sheet_costs_the_same_queries_whatever_the_size(world, records):
    period = quarter_period(2025, 2)
    district = reports_sheets.Subject(period=period, district=world.district)
    committee = reports_sheets.Subject(period=period, district=world.district,
                                       committee=world.a)
    small = _queries_per_step(district), _queries_per_step(committee)

    for c in add_committees(world.district, 12, unit=world.unit, groups=2, members=5):
        activity = ActivityFactory(committee=c, status="held", starts_at=local(2025, 5, 1, 9),
                                   ends_at=local(2025, 5, 1, 11))
        for member in Member.objects.filter(committee=c):
            Attendance.objects.create(activity=activity, member=member, method="qr",
                                      hours=Decimal("1"))
        MatterFactory(committee=c, raised_on=date(2025, 5, 2))
        MeetingFactory(committee=c, status="held", starts_at=local(2025, 5, 3, 15))
    for _ in range(5):
        MemberFactory(committee=world.a, branch=world.a_branch)
        ActivityFactory(committee=world.a, status="held", starts_at=local(2025, 5, 1, 9),
                        ends_at=local(2025, 5, 1, 11))
    large = _queries_per_step(district), _queries_per_step(committee)

    assert small == large
    assert max(small[0]) <= 4 and max(small[1]) <= 6  # a committee's: its branches too
    report = build(world.officer, district=world.district)
    assert len(rows(workbook(report)["Committees"])) == 14 + 1 + 1  # header and totals
