"""The quarterly feedback sheet to employer units."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from activities.feedback import Quarter
from members.models import CheckIn, CheckInStatus
from tests.factories import MemberFactory, UnitFactory


@pytest.fixture
def hospital_members(world):
    unit = world.unit
    inside = MemberFactory(committee=world.a, branch=world.a_branch, name="周晓明",
                           employer_unit=unit, category="in_service")
    ended_before = MemberFactory(committee=world.a, branch=world.a_branch, name="吴丽娟",
                                 employer_unit=unit, category="in_service")
    other_unit = MemberFactory(committee=world.a, branch=world.a_branch, name="孙国庆",
                               employer_unit=UnitFactory(district=world.district, name="税务局"),
                               category="in_service")
    CheckIn.objects.create(member=inside, committee=world.a, status=CheckInStatus.CONFIRMED,
                           started_on=date(2025, 2, 1))
    CheckIn.objects.create(member=ended_before, committee=world.a, status=CheckInStatus.ENDED,
                           started_on=date(2024, 1, 1), ended_on=date(2026, 3, 31),
                           end_reason="moved_away")
    CheckIn.objects.create(member=other_unit, committee=world.a, status=CheckInStatus.CONFIRMED,
                           started_on=date(2025, 2, 1))
    return inside, ended_before, other_unit


def url(world, **params):
    return reverse("activities:feedback-sheet", kwargs={"pk": world.a.pk}), params


@pytest.mark.parametrize(
    ("year", "number", "start", "end"),
    [(2026, 1, "2026-01-01", "2026-03-31"), (2024, 1, "2024-01-01", "2024-03-31"),
     (2026, 4, "2026-10-01", "2026-12-31"), (2026, 2, "2026-04-01", "2026-06-30")],
)
def test_quarters_have_the_right_edges(year, number, start, end):
    q = Quarter(year, number)
    assert (q.start.isoformat(), q.end.isoformat()) == (start, end)


def test_a_bad_quarter_falls_back_to_the_current_one():
    assert Quarter.parse("x", "9") == Quarter.parse(None, None)


def test_the_sheet_lists_the_units_members_checked_in_during_the_quarter(
    client, world, hospital_members
):
    inside, ended_before, other_unit = hospital_members
    client.force_login(world.secretary_a)
    path, params = url(world, year=2026, quarter=2, unit=world.unit.pk)
    page = client.get(path, params).content.decode()
    assert inside.name in page
    assert ended_before.name not in page  # ended before the quarter began
    assert other_unit.name not in page  # another employer
    q1 = client.get(path, {**params, "quarter": 1}).content.decode()
    assert ended_before.name in q1  # still checked in on the quarter's last day


def test_it_exports_the_sheet_to_excel(client, world, hospital_members):
    client.force_login(world.secretary_a)
    path, params = url(world, year=2026, quarter=2, unit=world.unit.pk, format="xlsx")
    response = client.get(path, params)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and rows[1][0] == "周晓明" and len(rows) == 2


def test_only_the_committee_sees_its_sheet(client, world, hospital_members):
    path, params = url(world, year=2026, quarter=2, unit=world.unit.pk)
    client.force_login(world.secretary_b)
    assert client.get(path, params).status_code == 404
    client.force_login(world.member_user)
    assert client.get(path, params).status_code == 403


# --- activities and volunteer hours of the quarter ------------------------------------------

def _attended(world, member, when, hours, committee=None):
    from activities.models import Attendance
    from tests.factories import ActivityFactory

    activity = ActivityFactory(committee=committee or world.a, status="held", starts_at=when,
                               ends_at=when + timedelta(hours=2))
    Attendance.objects.create(activity=activity, member=member, method="roster",
                              hours=Decimal(hours))


@pytest.fixture
def served(world, hospital_members):
    inside, _ended_before, _other = hospital_members
    tz = timezone.get_current_timezone()
    _attended(world, inside, datetime(2026, 4, 1, 0, 30, tzinfo=tz), "2.5")  # Q2 locally
    _attended(world, inside, datetime(2026, 6, 30, 20, 0, tzinfo=tz), "1.0")
    _attended(world, inside, datetime(2026, 3, 31, 20, 0, tzinfo=tz), "4.0")  # Q1
    _attended(world, inside, datetime(2026, 5, 5, 9, 0, tzinfo=tz), "3.0", committee=world.b)
    return inside


def test_the_sheet_counts_the_quarters_activities_and_hours_here(client, world, served):
    client.force_login(world.secretary_a)
    path, params = url(world, year=2026, quarter=2, unit=world.unit.pk)
    rows = client.get(path, params).context["rows"]
    assert [(r.member.name, r.activities, r.hours) for r in rows] == [
        ("周晓明", 2, Decimal("3.5"))
    ]
    page = client.get(path, params).content.decode()
    assert "<td class=\"text-end\">2</td><td class=\"text-end\">3.5</td>" in page


def test_a_member_who_attended_nothing_shows_zero(client, world, hospital_members):
    client.force_login(world.secretary_a)
    path, params = url(world, year=2026, quarter=2, unit=world.unit.pk)
    rows = client.get(path, params).context["rows"]
    assert [(r.activities, r.hours) for r in rows] == [(0, Decimal("0"))]


def test_the_excel_sheet_has_the_activities_and_hours(client, world, served):
    client.force_login(world.secretary_a)
    path, params = url(world, year=2026, quarter=2, unit=world.unit.pk, format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(path, params).content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][5:7] == ("参加活动(次)", "志愿服务时长(小时)")
    # the export writes every cell as text (formula escaping, see settings)
    assert rows[1][0] == "周晓明" and rows[1][5:7] == ("2", "3.5")


def test_the_sheet_spends_the_same_queries_for_more_members(
    client, world, served, django_assert_num_queries
):
    from tests.conftest import session_queries

    client.force_login(world.secretary_a)
    path, params = url(world, year=2026, quarter=2, unit=world.unit.pk)
    # user, scope (2), committee, can_write, units, rows (with activities and hours)
    expected = 5 + session_queries()
    with django_assert_num_queries(expected):
        client.get(path, params)
    for i in range(5):
        member = MemberFactory(committee=world.a, branch=world.a_branch, name=f"在职党员{i}",
                               employer_unit=world.unit, category="in_service")
        CheckIn.objects.create(member=member, committee=world.a, status=CheckInStatus.CONFIRMED,
                               started_on=date(2025, 2, 1))
        _attended(world, member, datetime(2026, 5, 1, 9, tzinfo=timezone.get_current_timezone()),
                  "2.0")
    with django_assert_num_queries(expected):
        response = client.get(path, params)
    assert len(response.context["rows"]) == 6
