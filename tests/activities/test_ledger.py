"""成果联享: a unit's ledger for a year, on its page and in Excel, and a committee's partners
ranked by contribution."""

import html
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from activities.ledger import committee_partners, unit_ledger
from activities.models import ActivityStatus, Attendance, Funding
from committees.models import Seat, SeatRole
from tests.factories import (
    ActivityFactory,
    DistrictFactory,
    MemberFactory,
    UnitFactory,
    UserFactory,
    grant,
)
from units.models import (
    Agreement,
    AgreementStatus,
    Need,
    NeedStatus,
    Project,
    ProjectStatus,
    Resource,
    ResourceStatus,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def text(response):
    return html.unescape(response.content.decode())


def agreement(unit, committee, *, status=AgreementStatus.IN_FORCE, starts_on=date(2024, 1, 1),
              ends_on=date(2026, 12, 31), **extra):
    return Agreement.objects.create(
        unit=unit, committee=committee, starts_on=starts_on, ends_on=ends_on,
        signed_on=None if status == AgreementStatus.DRAFT else starts_on, status=status,
        committee_commits="开放场地", unit_commits="志愿服务", **extra,
    )


def resource(unit, committee, amount, *, offered_on=date(2025, 5, 1),
             status=ResourceStatus.OFFERED, description="年度共建经费"):
    return Resource.objects.create(
        unit=unit, committee=committee, kind="funds", description=description,
        amount=None if amount is None else Decimal(amount), status=status, offered_on=offered_on,
    )


def project(committee, units, *, title="国庆文艺汇演", need=None, started_on=date(2025, 9, 1),
            finished_on=None, status=ProjectStatus.UNDER_WAY):
    p = Project.objects.create(
        committee=committee, title=title, owner="社区党委", need=need, status=status,
        started_on=started_on, finished_on=finished_on,
    )
    p.units.add(*units)
    return p


def activity(committee, units, *, title="义诊进社区", on=datetime(2025, 6, 1, 9, 0), **fields):
    a = ActivityFactory(
        committee=committee, title=title, starts_at=on.replace(tzinfo=SHANGHAI),
        ends_at=on.replace(tzinfo=SHANGHAI) + timedelta(hours=2), **fields,
    )
    a.units.add(*units)
    return a


def attend(activity, member, hours):
    return Attendance.objects.create(
        activity=activity, member=member, method="roster", hours=Decimal(hours)
    )


def sponsor(unit, target, amount, *, state="received", on=date(2025, 6, 1)):
    return Funding.objects.create(
        committee=target.committee, activity=target if hasattr(target, "line") else None,
        project=None if hasattr(target, "line") else target, source="unit", unit=unit,
        amount=Decimal(amount), state=state, date=on,
    )


def export_url(unit, year=2025):
    return f"{reverse('activities:unit-ledger-export', args=[unit.pk])}?year={year}"


@pytest.fixture
def record(world):
    """The hospital's 2025 with committees A and B, and what falls outside it."""
    unit = world.unit
    other = UnitFactory(district=world.district, name="盐湖区实验中学")
    a_deal = agreement(unit, world.a)
    agreement(unit, world.b, status=AgreementStatus.DRAFT)  # a draft is no result
    agreement(unit, world.b, starts_on=date(2022, 1, 1), ends_on=date(2023, 12, 31))  # over
    agreement(unit, world.b, status=AgreementStatus.ENDED, ends_on=date(2027, 1, 1),
              ended_on=date(2024, 6, 30))  # ended before the year
    seat = Seat.objects.create(
        committee=world.a, role=SeatRole.PART_TIME, unit=unit, holder_name="王建国",
        title="党委书记", term_start=date(2024, 1, 1), term_end=date(2026, 12, 31),
        agreement=a_deal,
    )
    Seat.objects.create(
        committee=world.a, role=SeatRole.PART_TIME, unit=unit, holder_name="李四",
        term_start=date(2022, 1, 1), term_end=date(2024, 12, 31),
    )
    met = Need.objects.create(committee=world.a, title="国庆文艺汇演", kind="funds",
                              status=NeedStatus.MET)
    still_open = Need.objects.create(committee=world.a, title="法律咨询", kind="expertise")
    gala = project(world.a, [unit, other], need=met, status=ProjectStatus.DONE,
                   finished_on=date(2025, 10, 1))
    legal = project(world.a, [unit], title="法律服务进社区", need=still_open)
    project(world.a, [unit], title="旧项目", started_on=date(2023, 1, 1),
            finished_on=date(2023, 6, 1))
    project(world.a, [other], title="别人的项目")
    resources = [
        resource(unit, world.a, "30000.10"),
        resource(unit, world.b, "0.20", description="=HYPERLINK(\"http://x\")"),
        resource(unit, world.a, None, description="会议室周六开放"),
        resource(unit, world.a, "5000", status=ResourceStatus.WITHDRAWN),
    ]
    resource(unit, world.a, "99999", offered_on=date(2024, 12, 31))  # the year before
    resource(other, world.a, "77777")  # another unit's
    clinic = activity(world.a, [unit], title="义诊进社区", status=ActivityStatus.HELD)
    cleanup = activity(world.b, [unit, other], title="清洁家园", on=datetime(2025, 9, 1, 8, 0))
    activity(world.a, [unit], title="取消的活动", status=ActivityStatus.CANCELLED)
    activity(world.a, [unit], title="去年的活动", on=datetime(2024, 12, 31, 23, 30))
    activity(world.a, [other], title="别人的活动")
    doctor = MemberFactory(committee=world.a, branch=world.a_branch, name="李医生",
                           category="in_service", employer_unit=unit)
    nurse = MemberFactory(committee=world.b, branch=world.b_branch, name="王护士",
                          category="in_service", employer_unit=unit)
    attend(clinic, doctor, "2.0")
    attend(cleanup, doctor, "1.5")
    attend(cleanup, nurse, "0.5")
    attend(clinic, world.a_member, "9.0")  # not working at the unit
    attend(activity(world.a, [], title="旧活动", on=datetime(2024, 3, 1, 9, 0)), doctor, "7")
    sponsor(unit, clinic, "0.10")
    sponsor(unit, cleanup, "0.20")
    sponsor(unit, clinic, "500", state="pledged")
    sponsor(unit, clinic, "88888", on=date(2024, 12, 31))  # the year before
    return {"agreement": a_deal, "seat": seat, "need": met, "projects": [gala, legal],
            "resources": resources, "activities": [clinic, cleanup]}


# --- the ledger --------------------------------------------------------------------------------

def test_the_ledger_holds_the_units_year(world, record):
    ledger = unit_ledger(world.unit, 2025)

    assert ledger.year == 2025
    assert ledger.agreements == [record["agreement"]]
    assert ledger.seats == [record["seat"]]
    assert ledger.projects == record["projects"]
    assert ledger.needs_met == [record["need"]]
    assert ledger.resources == record["resources"]


def test_the_money_is_the_funding_lines_not_the_resources_offered(world, record):
    """The resources are worth 30,000.30 yuan (and 5,000 withdrawn): listed, not money."""
    ledger = unit_ledger(world.unit, 2025)
    assert [r.amount for r in ledger.resources][:2] == [Decimal("30000.10"), Decimal("0.20")]
    assert not hasattr(ledger, "money")
    assert ledger.funding["received"] == Decimal("0.30")
    assert isinstance(ledger.funding["received"], Decimal)


def test_the_ledger_counts_activities_hours_and_funding_of_the_year(world, record):
    ledger = unit_ledger(world.unit, 2025)

    # co-organised in 2025, cancelled ones left out; by their start
    assert ledger.activities == record["activities"]
    # 2.0 + 1.5 + 0.5 by the unit's two people, wherever they served; not the others' hours
    assert ledger.volunteer_hours == Decimal("4.0")
    assert isinstance(ledger.volunteer_hours, Decimal)
    assert ledger.attendances == 3
    assert ledger.funding["received"] == Decimal("0.30")
    assert ledger.funding["pledged"] == Decimal("500.00")
    assert len(ledger.funding_lines) == 3


def test_a_committee_secretary_counts_only_their_committees_part(world, record):
    ledger = unit_ledger(world.unit, 2025, user=world.secretary_b)

    assert [a.title for a in ledger.activities] == ["清洁家园"]  # not A's
    assert (ledger.volunteer_hours, ledger.attendances) == (Decimal("2.0"), 2)  # at B's
    assert ledger.funding["received"] == Decimal("0.20")  # money stays with its committee
    assert ledger.funding["pledged"] == Decimal(0)


def test_the_units_liaison_sees_all_its_hours_and_money(world, record):
    liaison = UserFactory(username="hospital_liaison")
    grant(liaison, "unit_liaison", world.unit)
    ledger = unit_ledger(world.unit, 2025, user=liaison)
    assert (ledger.volunteer_hours, ledger.attendances) == (Decimal("4.0"), 3)
    assert ledger.funding["received"] == Decimal("0.30")


def test_a_member_sees_no_money_in_the_ledger(world, record):
    ledger = unit_ledger(world.unit, 2025, user=world.member_user)
    assert ledger.funding_lines == [] and ledger.funding["total"] == Decimal(0)


def test_an_empty_year_is_empty(world, record):
    ledger = unit_ledger(world.unit, 2021)
    assert (ledger.agreements, ledger.seats, ledger.projects, ledger.resources,
            ledger.activities, ledger.funding_lines) == ([],) * 6
    assert ledger.volunteer_hours == Decimal(0)
    assert ledger.attendances == 0 and ledger.funding["total"] == Decimal(0)


def test_the_ledger_spends_the_same_queries_whatever_its_size(world, record):
    with CaptureQueriesContext(connection) as small:
        unit_ledger(world.unit, 2025)
    worker = MemberFactory(committee=world.a, branch=world.a_branch, employer_unit=world.unit,
                           category="in_service")
    for i in range(20):
        resource(world.unit, world.a, i, description=f"资源{i}")
        project(world.a, [world.unit], title=f"项目{i}",
                need=Need.objects.create(committee=world.a, title=f"需求{i}", kind="funds",
                                         status=NeedStatus.MET))
        more = activity(world.a, [world.unit], title=f"活动{i}")
        attend(more, worker, "1")
        sponsor(world.unit, more, "10")
    with CaptureQueriesContext(connection) as large:
        ledger = unit_ledger(world.unit, 2025)
    # agreements, seats, projects, resources, activities, hours, funding lines and totals
    assert len(small) == len(large) == 8
    assert len(ledger.needs_met) == 21
    assert len(ledger.activities) == 22 and ledger.volunteer_hours == Decimal("24.0")


# --- the unit's page ---------------------------------------------------------------------------

def test_the_page_shows_the_ledger(login, world, record):
    page = text(login(world.officer).get(world.unit.get_absolute_url(), {"year": 2025}))

    # The money is the funding received; the resources are listed with what they are worth.
    assert 'data-testid="ledger-money">¥0.30<' in page
    assert "30,000.10" in page and "30,000.30" not in page  # a row, never a sum
    assert "王建国" in page and "国庆文艺汇演" in page and "会议室周六开放" in page
    assert "Members working here gave 4.0 volunteer hours (3 attendances)." in page
    assert "义诊进社区" in page and "清洁家园" in page and "取消的活动" not in page
    assert "Received ¥0.30 · pledged ¥500.00" in page
    assert "99999" not in page and "77777" not in page
    assert export_url(world.unit) in page


def test_the_page_shows_only_what_the_user_may_see_of_the_ledger(login, world, record):
    detail = record["agreement"].get_absolute_url()
    assert detail in text(login(world.secretary_a).get(world.unit.get_absolute_url(),
                                                        {"year": 2025}))
    # Committee B's secretary sees the unit, not what it agreed with or offered to A.
    page = text(login(world.secretary_b).get(world.unit.get_absolute_url(), {"year": 2025}))
    assert world.unit.name in page
    assert detail not in page and "会议室周六开放" not in page and "30,000.10" not in page
    assert "Received ¥0.20 · pledged ¥0.00" in page  # B's sponsorship only
    # A member of A sees no money given, whatever the unit gave A.
    page = text(login(world.member_user).get(world.unit.get_absolute_url(), {"year": 2025}))
    assert "No funding recorded during the year." in page and "0.10" not in page


# --- the Excel export --------------------------------------------------------------------------

def test_the_export_is_a_workbook_of_the_units_year(login, world, record):
    response = login(world.officer).get(export_url(world.unit))

    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert "运城市第一医院-成果联享-2025.xlsx" in unquote(response["Content-Disposition"])
    assert response["Cache-Control"] == "private, no-store"

    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == [
        "概况", "共建协议", "兼职委员", "共建项目", "提供资源", "共建活动", "资助"
    ]
    rows = {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}
    summary = dict(rows["概况"][1:])
    assert summary["单位"] == "运城市第一医院" and summary["年度"] == 2025
    assert "资源金额合计（元）" not in summary  # resources are not money
    assert summary["共建活动（次）"] == 2
    assert Decimal(str(summary["志愿服务时长（小时）"])) == Decimal("4.0")
    assert summary["志愿服务人次"] == 3
    assert Decimal(str(summary["资助已到账（元）"])) == Decimal("0.30")
    assert Decimal(str(summary["资助已承诺未到账（元）"])) == Decimal("500")
    assert [r[1] for r in rows["共建活动"][1:]] == ["义诊进社区", "清洁家园"]
    assert [r[2] for r in rows["资助"][1:4]] == [0.1, 0.2, 500]
    assert rows["共建协议"][0][0] == "共建社区"
    assert [r[0] for r in rows["共建协议"][1:]] == ["学苑社区"]
    assert [r[1] for r in rows["兼职委员"][1:]] == ["王建国"]
    assert [r[1] for r in rows["共建项目"][1:]] == ["国庆文艺汇演", "法律服务进社区"]
    assert rows["提供资源"][0][4] == "折合价值（元）"
    described = [r[2] for r in rows["提供资源"][1:]]
    assert "会议室周六开放" in described and "77777" not in str(rows)
    assert len(described) == 4  # one row each, no sum of their values


def test_the_export_escapes_formulas(login, world, record):
    response = login(world.officer).get(export_url(world.unit))
    sheet = load_workbook(BytesIO(response.content))["提供资源"]
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert "'=HYPERLINK(\"http://x\")" in cells
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)


def test_the_export_needs_login(client, world):
    response = client.get(export_url(world.unit))
    assert response.status_code == 302 and "/login/" in response.url


def test_the_export_hides_a_unit_out_of_reach(login, world):
    elsewhere = UnitFactory(district=DistrictFactory(), name="外区单位")
    liaison = UserFactory(username="other_liaison")
    grant(liaison, "unit_liaison", elsewhere)
    assert login(liaison).get(export_url(world.unit)).status_code == 404
    assert login(world.secretary_a).get(export_url(elsewhere)).status_code == 404


# --- partners ranked by contribution -----------------------------------------------------------

def test_partners_are_ranked_by_projects_then_money_then_name(world):
    d = world.district
    most_projects = UnitFactory(district=d, name="甲单位")
    rich = UnitFactory(district=d, name="乙单位")
    tie_b, tie_a = UnitFactory(district=d, name="丁单位"), UnitFactory(district=d, name="丙单位")
    draft_only = UnitFactory(district=d, name="草稿单位")
    for unit in (most_projects, rich, tie_a, tie_b):
        agreement(unit, world.a)
    agreement(world.unit, world.a, status=AgreementStatus.ENDED, ended_on=date(2025, 1, 1))
    agreement(draft_only, world.a, status=AgreementStatus.DRAFT)
    project(world.a, [most_projects, rich], title="一")
    project(world.a, [most_projects], title="二")
    project(world.b, [rich, tie_a], title="B 的项目")  # another committee's: not counted
    project(world.a, [world.unit], title="三")
    project(world.a, [tie_a], title="还只是提议", status=ProjectStatus.PROPOSED)  # not yet
    # Money is sponsorship received for A's activities and projects. Two equal amounts count
    # twice (a DISTINCT sum would count them once); pledges and B's do not count.
    fair = ActivityFactory(committee=world.a)
    sponsor(rich, fair, "100")
    sponsor(rich, fair, "100")
    sponsor(world.unit, project(world.a, [], title="四"), "150")
    sponsor(most_projects, fair, "0.10")
    # What units offered on the resources list is not money, whatever became of it.
    resource(rich, world.a, "100", status=ResourceStatus.USED)
    resource(rich, world.a, "100", status=ResourceStatus.COMMITTED)
    resource(tie_b, world.a, "5000")  # only offered
    resource(tie_a, world.a, "99999", status=ResourceStatus.USED)
    sponsor(tie_b, fair, "0.05")
    sponsor(tie_b, fair, "9999", state="pledged")
    sponsor(tie_a, ActivityFactory(committee=world.b), "9999")

    with CaptureQueriesContext(connection) as queries:
        partners = list(committee_partners(world.a))

    assert len(queries) == 1
    assert [(u.name, u.n_projects, u.money) for u in partners] == [
        ("甲单位", 2, Decimal("0.10")),
        ("乙单位", 1, Decimal("200.00")),
        ("运城市第一医院", 1, Decimal("150.00")),
        ("丁单位", 0, Decimal("0.05")),
        ("丙单位", 0, Decimal(0)),
    ]
    assert all(isinstance(u.money, Decimal) for u in partners)


def test_the_agreement_list_shows_the_partners_in_order(login, world):
    first = UnitFactory(district=world.district, name="乙单位")
    agreement(first, world.a)
    agreement(world.unit, world.a)
    project(world.a, [first])

    response = login(world.secretary_a).get(reverse("units:agreement-list", args=[world.a.pk]))

    assert [u.name for u in response.context["partners"]] == ["乙单位", "运城市第一医院"]
    page = text(response)
    assert page.index("乙单位") < page.index("运城市第一医院")


def test_a_seat_ending_on_new_years_day_is_in_that_years_ledger(world):
    """A seat whose term overlaps the year only by its last day counts."""
    Seat.objects.create(
        committee=world.a, role=SeatRole.PART_TIME, unit=world.unit, holder_name="王建国",
        term_start=date(2023, 1, 1), term_end=date(2025, 1, 1),
    )
    assert len(unit_ledger(world.unit, 2025).seats) == 1
    assert len(unit_ledger(world.unit, 2026).seats) == 0
