"""The quarterly feedback sheet to employer units."""

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from members.feedback import Quarter
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
                           started_on=date(2024, 1, 1), ended_on=date(2026, 3, 31))
    CheckIn.objects.create(member=other_unit, committee=world.a, status=CheckInStatus.CONFIRMED,
                           started_on=date(2025, 2, 1))
    return inside, ended_before, other_unit


def url(world, **params):
    return reverse("members:feedback-sheet", kwargs={"pk": world.a.pk}), params


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
