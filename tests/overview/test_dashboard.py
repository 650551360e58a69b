"""The district dashboard on the district page: each figure counted by hand over a small
world, the period on the Asia/Shanghai calendar, bad input, scope, sorting, Excel, queries."""

import html
import io
import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from openpyxl import load_workbook

from activities.models import Attendance, Funding
from branches.models import Branch, BranchKind, CommitteeMembership
from members.models import CheckIn, CheckInStatus
from overview import figures
from overview.models import FigureCount
from overview.periods import read_period
from tests.committees.data import add_committees
from tests.factories import (
    ActivityFactory,
    CommitteeFactory,
    MatterFactory,
    MeetingFactory,
    MemberFactory,
    ServiceTeamFactory,
)
from tests.overview.test_district_detail import DISTRICT_PAGE_QUERIES
from units.models import Agreement

SHANGHAI = ZoneInfo("Asia/Shanghai")
Q1_2026 = {"period": "quarter", "year": "2026", "quarter": "1"}


def local(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def get(client, district, params=None):
    return client.get(reverse("overview:district-detail", kwargs={"pk": district.pk}),
                      params or {})


def page_text(response):
    return html.unescape(response.content.decode())


def stat(response, testid):
    found = re.search(rf'data-testid="{testid}">(.*?)<', page_text(response), re.S)
    return found[1].strip()


def label_of(response, testid):
    """The words of the card whose figure is ``testid``."""
    found = re.search(rf'data-testid="{testid}">.*?</div>(.*?)</div>', page_text(response), re.S)
    return " ".join(strip_tags(found[1]).split())


def comparison(response):
    """[(committee pk, [cell texts])] in the order the table shows them."""
    table = re.search(r'data-testid="comparison">(.*?)</table>', page_text(response), re.S)[1]
    rows = re.findall(r'<tr data-committee="(\d+)">(.*?)</tr>', table, re.S)
    return [(int(pk), [" ".join(strip_tags(c).split())
                       for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body, re.S)])
            for pk, body in rows]


def chart_json(response, chart_id):
    found = re.search(rf'<script id="chart-data-{chart_id}" type="application/json">(.*?)'
                      r"</script>", response.content.decode(), re.S)
    return json.loads(found[1])


@pytest.fixture
def records(world):
    """A small district, counted by hand in each test."""
    a, b = world.a, world.b
    unit_org = Branch.objects.create(committee=a, kind=BranchKind.UNIT, unit=world.unit,
                                     name="运城市第一医院党支部")
    CommitteeMembership.objects.create(committee=b, branch=unit_org, joined_on=date(2020, 1, 1))
    worker = MemberFactory(committee=a, branch=world.a_branch, category="in_service")
    nurse = MemberFactory(committee=b, branch=world.b_branch, category="in_service")
    waiting = MemberFactory(committee=b, branch=world.b_branch, category="small_business")
    MemberFactory(committee=a, branch=world.a_retirees, category="retired_cadre")
    CheckIn.objects.create(member=worker, committee=a, status=CheckInStatus.CONFIRMED,
                           started_on=date(2026, 2, 10))
    CheckIn.objects.create(member=nurse, committee=b, status=CheckInStatus.CONFIRMED,
                           started_on=date(2026, 3, 31))
    CheckIn.objects.create(member=waiting, committee=b, status=CheckInStatus.PENDING)

    # March 31st, 23:30 in Yuncheng is still March (15:30 UTC), and Q1.
    late = ActivityFactory(committee=a, line="party_building", status="held",
                           starts_at=local(2026, 3, 31, 23, 30),
                           ends_at=local(2026, 3, 31, 23, 59))
    ActivityFactory(committee=a, line="public_welfare", status="held",
                    starts_at=local(2026, 1, 15, 9), ends_at=local(2026, 1, 15, 11))
    planned = ActivityFactory(committee=b, line="public_welfare", status="planned",
                              starts_at=local(2026, 2, 20, 9), ends_at=local(2026, 2, 20, 11))
    ActivityFactory(committee=a, line="service", status="cancelled",
                    starts_at=local(2026, 2, 1, 9), ends_at=local(2026, 2, 1, 11))
    april = ActivityFactory(committee=b, line="service", status="held",
                            starts_at=local(2026, 4, 1, 0, 30), ends_at=local(2026, 4, 1, 2))
    Attendance.objects.create(activity=late, member=worker, method="qr", hours=Decimal("2.5"))
    Attendance.objects.create(activity=late, member=world.a_member, method="qr",
                              hours=Decimal("1"))
    Attendance.objects.create(activity=april, member=nurse, method="qr", hours=Decimal("4"))

    def line(activity, source, amount, on, state="received"):
        Funding.objects.create(committee=activity.committee, activity=activity, source=source,
                               amount=Decimal(amount), state=state, date=on,
                               donor="" if source == "unit" else "某某",
                               unit=world.unit if source == "unit" else None)

    line(late, "unit", "1000", date(2026, 2, 1))
    line(planned, "community", "500.50", date(2026, 3, 31))
    line(late, "unit", "999", date(2026, 2, 1), state="pledged")
    line(april, "community", "7000", date(2026, 4, 1))

    team = ServiceTeamFactory(committee=a)
    team.members.add(worker, world.a_member)
    ServiceTeamFactory(committee=b).members.add(worker)

    MatterFactory(committee=a, due_on=date(2020, 1, 1))  # open and overdue
    MatterFactory(committee=a, status="in_progress")  # open
    MatterFactory(committee=a, status="resolved", raised_on=date(2026, 1, 10),
                  resolved_on=date(2026, 1, 20))  # 10 days
    MatterFactory(committee=b, status="resolved", raised_on=date(2026, 2, 1),
                  resolved_on=date(2026, 3, 3))  # 30 days
    MatterFactory(committee=b, status="resolved", raised_on=date(2025, 1, 1),
                  resolved_on=date(2025, 6, 1))  # resolved before the period

    today = timezone.localdate()
    agreement = dict(unit=world.unit, starts_on=date(2025, 1, 1), status="in_force",
                     committee_commits="场地", unit_commits="志愿者")
    Agreement.objects.create(committee=a, ends_on=today + timedelta(days=400), **agreement)
    Agreement.objects.create(committee=b, ends_on=today + timedelta(days=10), **agreement)
    Agreement.objects.create(committee=b, ends_on=today - timedelta(days=1), **agreement)
    return {"late": late, "worker": worker}


@pytest.fixture
def officer(client, world):
    client.force_login(world.officer)
    return client


def test_it_counts_members_by_category_and_branches_by_kind(officer, world, records):
    response = get(officer, world.district, Q1_2026)

    assert response.status_code == 200
    assert stat(response, "fig-members") == "6"
    # small business, retired cadre, in-service, resident, other (Category's order)
    assert re.findall(r'data-testid="fig-category">(\d+)<', page_text(response)) == [
        "1", "1", "2", "2", "0"]
    # residents (A, B and the branch of B's seat holder), retirees (A), the unit's
    # organisation once though two committees have it; the party group is not a branch
    assert stat(response, "fig-branches") == "5"
    assert re.findall(r'data-testid="fig-kind">(\d+)<', page_text(response)) == ["3", "1", "1"]


def test_it_counts_in_service_members_who_served_and_their_hours(officer, world, records):
    response = get(officer, world.district, Q1_2026)

    assert stat(response, "fig-checked-in") == "2"  # the pending one is not
    # the worker served 2.5 hours in March; the nurse served in April, outside Q1; the
    # world's member served but is not checked in
    assert "1 served in the period, 2.5 hours" in label_of(response, "fig-checked-in")


def test_it_counts_teams_activities_money_matters_and_agreements(officer, world, records):
    response = get(officer, world.district, Q1_2026)

    assert stat(response, "fig-teams") == "2"
    assert "2 members" in label_of(response, "fig-teams")  # the worker counted once
    assert stat(response, "fig-activities") == "3"  # not the cancelled one, not April's
    assert stat(response, "fig-money") == "¥1,500.50"  # received in Q1 only
    assert stat(response, "fig-matters") == "2"
    assert label_of(response, "fig-matters") == (
        "matters open, 1 overdue; 2 resolved in the period, median 20 days")
    assert stat(response, "fig-agreements") == "2"
    assert "1 ending within 30 days" in label_of(response, "fig-agreements")


def test_the_charts_carry_the_period_s_figures_by_month(officer, world, records):
    response = get(officer, world.district, Q1_2026)

    activities = chart_json(response, "activities")
    assert activities["categories"] == ["2026-01", "2026-02", "2026-03"]
    by_line = {s["name"]: s["data"] for s in activities["series"]}
    assert by_line == {
        "Joint party building": [0, 0, 1],  # 23:30 on March 31st is March
        "Joint public welfare": [1, 1, 0],
        "Joint services": [0, 0, 0],
        "Shared results": [0, 0, 0],
    }
    money = chart_json(response, "money")
    assert dict(zip(money["categories"], money["series"][0]["data"], strict=True)) == {
        "Government / higher department": 0, "Raised by the community": 500.5,
        "Resident unit sponsorship": 1000, "Volunteer donations": 0, "Social support": 0}
    assert chart_json(response, "checkins")["series"][0]["data"] == [0, 1, 1]
    matters = chart_json(response, "matters")
    assert dict(zip(matters["categories"], matters["series"][0]["data"], strict=True)) == {
        "Open": 1, "Deliberated": 0, "In progress": 1, "Resolved": 3, "Escalated": 0}
    # each chart has its table for screen readers and print
    assert page_text(response).count("The figures as a table") == 5
    assert "<script>" not in response.content.decode()  # no inline script (CSP)
    assert "js/dashboard.js" in response.content.decode()


def test_the_period_s_edges_are_local_days(officer, world, records):
    march = get(officer, world.district, {"period": "month", "year": "2026", "month": "3"})
    april = get(officer, world.district, {"period": "month", "year": "2026", "month": "4"})
    second = get(officer, world.district, Q1_2026 | {"quarter": "2"})
    custom = get(officer, world.district, {"period": "custom", "start": "2026-03-31",
                                           "end": "2026-04-01"})

    assert stat(march, "fig-activities") == "1"
    assert stat(april, "fig-activities") == "1"
    assert stat(second, "fig-activities") == "1"
    assert stat(custom, "fig-activities") == "2"
    assert stat(custom, "fig-money") == "¥7,500.50"
    # the existing co-building cards follow the period too
    assert stat(april, "held") == "1" and stat(april, "funding") == "¥7,000"


def test_it_defaults_to_this_year_and_says_when_it_was_computed(officer, world):
    response = get(officer, world.district)

    year = timezone.localdate().year
    assert f"Dashboard: {year}" in page_text(response)
    assert chart_json(response, "activities")["categories"][0] == f"{year}-01"
    assert len(chart_json(response, "activities")["categories"]) == 12
    # the time its kept figures were counted (overview/figures.py), not the time of the view
    counted = timezone.localtime(FigureCount.objects.order_by("counted_at")[0].counted_at)
    assert stat(response, "computed-at") == (
        f"Figures as of {counted:%Y-%m-%d %H:%M}, counted from the records every few minutes.")


@pytest.mark.parametrize("params, message", [
    ({"period": "week"}, "Choose a month, a quarter, a year or a custom range."),
    ({"period": "month", "year": "2026", "month": "13"}, "Month must be a whole number"),
    ({"period": "quarter", "year": "x", "quarter": "1"}, "Year must be a whole number"),
    ({"period": "year", "year": "1"}, "Year must be a whole number from 2000 to 2100."),
    ({"period": "custom", "start": "2026-04-01", "end": "2026-03-01"},
     "The first day must not be after the last day."),
    ({"period": "custom", "start": "2026-02-30", "end": "2026-03-01"},
     "Enter the first day as YYYY-MM-DD."),
    ({"period": "custom", "start": "2010-01-01", "end": "2026-03-01"},
     "A custom range may span at most five years."),
])
def test_bad_period_input_is_refused_with_a_message(officer, world, params, message):
    response = get(officer, world.district, params)

    assert response.status_code == 400
    assert message in stat(response, "period-errors") or message in page_text(response)
    assert "Showing this year instead." in page_text(response)


def test_read_period_names_its_days():
    period, errors = read_period({"period": "quarter", "year": "2026", "quarter": "1"})
    assert not errors
    assert (period.first, period.last) == (date(2026, 1, 1), date(2026, 3, 31))
    assert period.end == datetime(2026, 4, 1, tzinfo=SHANGHAI)
    feb, _ = read_period({"period": "month", "year": "2028", "month": "2"})
    assert feb.last == date(2028, 2, 29)


@pytest.mark.parametrize("user", ["secretary_a", "secretary_b", "branch_secretary",
                                  "member_user"])
def test_only_the_district_officer_sees_it(client, world, user):
    client.force_login(getattr(world, user))

    assert get(client, world.district, Q1_2026).status_code == 404
    export = reverse("overview:district-dashboard-export", kwargs={"pk": world.district.pk})
    assert client.get(export, Q1_2026).status_code == 404


def test_each_row_links_to_the_records_behind_it(officer, world, records):
    page = page_text(get(officer, world.district, Q1_2026))
    a = world.a.pk

    for target in (f"/committees/{a}/members/", f"/committees/{a}/in-service/",
                   f"/activities/?committee={a}", f"/committees/{a}/funding/",
                   f"/committees/{a}/compliance/?year=2026", f"/committees/{a}/matters/",
                   f"/committees/{a}/matters/?overdue=on"):
        assert f'href="{target}' in page, target


def test_the_comparison_shows_each_committee_s_figures(officer, world, records):
    rows = dict(comparison(get(officer, world.district, Q1_2026)))

    # name, members, checked in, activities, hours, money, compliance, open, overdue, flagged
    assert rows[world.a.pk][:6] == ["学苑社区", "3", "1", "2", "3.5", "1,000.00"]
    assert rows[world.a.pk][7:] == ["2", "1", "0"]
    assert rows[world.b.pk][:6] == ["御沁园社区", "3", "1", "1", "0", "500.50"]
    assert rows[world.b.pk][7:] == ["0", "0", "0"]


COLUMNS = ["name", "members", "checked_in", "activities", "hours", "money", "compliance",
           "open_matters", "overdue_matters", "flagged_matters"]


def sort_value(cell: str):
    if cell == "—":  # no period due yet: below every rate
        return -1
    try:
        return Decimal(cell.replace(",", "").rstrip("%"))
    except ArithmeticError:
        return cell


@pytest.mark.parametrize("column", COLUMNS)
def test_it_sorts_the_comparison_by_each_column_both_ways(officer, world, records, column):
    CommitteeFactory(district=world.district, name="安邑社区")  # nothing at all
    MeetingFactory(committee=world.a, starts_at=local(2026, 1, 20, 15), status="held")
    index = COLUMNS.index(column)

    def values(sort):
        rows = comparison(get(officer, world.district, Q1_2026 | {"sort": sort}))
        return [sort_value(cells[index]) for _pk, cells in rows]

    up, down = values(column), values(f"-{column}")

    assert len(up) == 3
    assert up == sorted(up)
    assert down == sorted(down, reverse=True)
    if column != "name":
        assert up != down or len(set(up)) == 1


def test_an_unknown_sort_column_falls_back_to_names(officer, world, records):
    response = get(officer, world.district, Q1_2026 | {"sort": "id_number; drop"})

    assert response.status_code == 200
    assert [pk for pk, _ in comparison(response)] == [world.a.pk, world.b.pk]


def test_the_excel_export_holds_the_comparison_and_figures(officer, world, records):
    export = reverse("overview:district-dashboard-export", kwargs={"pk": world.district.pk})
    response = officer.get(export, Q1_2026 | {"sort": "-money"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    committees = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert committees[0][:3] == ("Committee", "Members", "Checked in")
    assert [row[0] for row in committees[1:]] == ["学苑社区", "御沁园社区"]  # by money, largest
    assert committees[1][1:6] == (3, 1, 2, 3.5, 1000.0)
    figures = {(row[0], row[1]): row[2]
               for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert ("Period", "Q1 2026") in figures
    assert figures[("Activities by line", "Joint party building")] == 1
    assert figures[("Money by source (¥)", "Raised by the community")] == 500.5
    assert figures[("Branches by kind", BranchKind.UNIT.label)] == 1
    text = " ".join(str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)
                    for v in row if v is not None)
    assert not re.search(r"\d{17}[\dXx]", text)  # no ID numbers
    assert officer.get(export, {"period": "week"}).status_code == 400


def test_compliance_follows_the_period_s_year(officer, world):
    MeetingFactory(committee=world.a, starts_at=local(2025, 1, 20, 15), status="held")

    response = get(officer, world.district, {"period": "year", "year": "2025"})

    assert "monthly meetings 1 of 24 held" in label_of(response, "fig-compliance")
    compliance = chart_json(response, "compliance")
    assert compliance["categories"] == ["学苑社区", "御沁园社区"]
    shares = compliance["series"][0]["data"]
    assert shares[0] > shares[1] == 0
    rows = dict(comparison(response))
    assert rows[world.a.pk][6] == f"{int(shares[0])}%"


def test_the_number_of_queries_does_not_grow_with_the_district(
    officer, world, records, django_assert_num_queries
):
    figures.count_all()  # as Celery beat does
    with django_assert_num_queries(DISTRICT_PAGE_QUERIES):
        small = get(officer, world.district, Q1_2026 | {"sort": "-compliance"})

    for committee in add_committees(world.district, 28, unit=world.unit, groups=2, members=4):
        ActivityFactory(committee=committee, status="held", starts_at=local(2026, 2, 1, 9),
                        ends_at=local(2026, 2, 1, 11))
        MatterFactory(committee=committee)
    figures.count_all()
    with django_assert_num_queries(DISTRICT_PAGE_QUERIES):
        large = get(officer, world.district, Q1_2026 | {"sort": "-compliance"})

    assert len(comparison(small)) == 2
    assert len(comparison(large)) == 30
    assert stat(large, "fig-activities") == "31"


def test_a_committee_name_with_markup_reads_as_text_in_the_comparison(officer, world):
    world.b.name = '御沁园<script>alert("x")</script>&社区'
    world.b.save()
    body = get(officer, world.district, Q1_2026).content.decode()
    assert "<script>alert" not in body
    assert "御沁园&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;社区" in body
