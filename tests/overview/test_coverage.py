"""Coverage (全覆盖): each committee's and the district's gaps and rates, the lists behind them,
the roster's gap filter, the scope and the number of queries."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Branch, BranchKind, CommitteeMembership
from committees.models import Committee, Seat, SeatRole, Venue
from members import coverage as reach
from members.models import Category, CheckIn, CheckInStatus, Member
from overview import coverage
from tests.committees.data import add_committees
from tests.conftest import session_queries
from tests.factories import BranchFactory, MemberFactory, UnitFactory
from units.models import Agreement, Resource

IN_SERVICE = Category.IN_SERVICE

# Besides the session (unless Redis caches it) and the bell: the user, the officer's scope (2),
# the district, its committees with their figures, the district's unit figures.
DISTRICT_QUERIES = 5 + session_queries()
# ... the user, the scope (2), the committee with its figures, the list's count and page.
COMMITTEE_QUERIES = 5 + session_queries()


def _org(unit, committee):
    return Branch.objects.create(committee=committee, kind=BranchKind.UNIT, unit=unit,
                                 name=f"{unit.name}党支部")


def _member_of(org, committee, **dates):
    return CommitteeMembership.objects.create(
        committee=committee, branch=org, joined_on=date(2020, 1, 1), **dates
    )


@pytest.fixture
def data(world):
    """Units and members around committee A (and B), counted by hand in each test."""
    a, b, d = world.a, world.b, world.district
    yesterday = timezone.localdate() - timedelta(days=1)
    # Units of A's area (and one of B's).
    member_unit = UnitFactory(district=d, name="甲单位")  # its organisation: member of A and B
    org = _org(member_unit, a)
    _member_of(org, a)
    _member_of(org, b)
    left_unit = UnitFactory(district=d, name="乙单位")  # its organisation left A yesterday
    left_org = _org(left_unit, a)
    _member_of(left_org, a, left_on=yesterday)
    outside = UnitFactory(district=d, name="丙单位", party_organisation_name="市直机关党委")
    Agreement.objects.create(unit=outside, committee=a, starts_on=date(2025, 1, 1),
                             ends_on=date(2027, 12, 31), committee_commits="场地",
                             unit_commits="志愿者")  # a draft counts
    reported = UnitFactory(district=d, name="丁单位", party_member_count=5)
    Venue.objects.create(committee=a, name="丁单位活动室", area=80, unit=reported)
    employer = UnitFactory(district=d, name="戊单位")
    Seat.objects.create(committee=a, role=SeatRole.PART_TIME, unit=employer,
                        holder_name="王建国", term_start=date(2021, 5, 1))
    no_members = UnitFactory(district=d, name="己单位")
    Resource.objects.create(unit=no_members, committee=a, kind="volunteers", description="志愿者")
    UnitFactory(district=d, name="庚单位", party_organisation_name="省直机关党委")  # no link
    # Members living in A (the world's member is in A's residents' branch).
    MemberFactory(committee=a, branch=world.a_retirees, name="离退休")
    MemberFactory(committee=a, branch=org, category=IN_SERVICE, name="在单位组织")
    checked = MemberFactory(committee=a, branch=left_org, category=IN_SERVICE, name="已报到")
    pending = MemberFactory(committee=a, branch=None, outside_organisation="市委",
                            category=IN_SERVICE, name="待确认")
    elsewhere = MemberFactory(committee=a, branch=None, outside_organisation="市委",
                              category=IN_SERVICE, name="报到在别处")
    MemberFactory(committee=a, branch=world.b_branch, name="在乙社区支部")
    MemberFactory(committee=a, branch=world.a_branch, employer_unit=employer, name="戊单位职工")
    CheckIn.objects.create(member=checked, committee=a, status=CheckInStatus.CONFIRMED)
    CheckIn.objects.create(member=pending, committee=a, status=CheckInStatus.PENDING)
    CheckIn.objects.create(member=elsewhere, committee=b, status=CheckInStatus.CONFIRMED)
    return world


def figures(committee):
    return coverage.coverage_of(coverage.with_coverage(Committee.objects.filter(pk=committee.pk))
                                .get())


def test_a_committees_unit_figures_count_the_units_of_its_area(data):
    cov = figures(data.a)

    # With an organisation: 甲 (a member), 乙 (left yesterday), 丙 (outside the district).
    assert (cov.units, cov.units_in, cov.units_outside, cov.units_rate) == (3, 1, 2, 33)
    # Party members and no organisation: 丁 (reported), 戊 (an employee on the roster); 己
    # has neither, the world's unit and 庚 are not in A's area.
    assert cov.units_without_organisation == 2


def test_a_committees_member_figures_count_whom_it_reaches(data):
    cov = figures(data.a)

    # 8 live in A; reached: the world's member, 离退休, 在单位组织 (a member organisation),
    # 已报到 (checked in), 戊单位职工. Not: 待确认 (pending), 报到在别处 (at B), 在乙社区支部.
    assert (cov.residents, cov.reached, cov.not_reached, cov.reached_rate) == (8, 5, 3, 62)
    # In-service with membership elsewhere: 已报到, 待确认, 报到在别处 (在单位组织 is in A's
    # member organisation, so not expected to check in); one checked in.
    assert (cov.in_service, cov.in_service_checked_in, cov.in_service_not_checked_in) == (
        3, 1, 2
    )
    assert cov.in_service_rate == 33


def test_another_committee_has_its_own_figures(data):
    cov = figures(data.b)

    # B: 甲's organisation is its member; B's seat holder lives there in B's own branch; a
    # check-in at B by someone living in A is not B's resident.
    assert (cov.units, cov.units_in, cov.units_without_organisation) == (1, 1, 0)
    assert (cov.residents, cov.reached, cov.in_service) == (1, 1, 0)
    assert cov.in_service_rate is None


def test_the_reach_matches_the_branches_a_committee_works_with(data):
    branches = Branch.objects.of_committee(data.a)
    by_rule = {
        m.pk for m in Member.objects.filter(committee=data.a)
        if m.branch_id in {b.pk for b in branches}
        or m.checkins.filter(committee=data.a, status=CheckInStatus.CONFIRMED).exists()
    }
    reached = set(Member.objects.filter(committee=data.a).filter(reach.reached())
                  .values_list("pk", flat=True))
    assert reached == by_rule


def url(name, obj, **query):
    path = reverse(f"overview:{name}", kwargs={"pk": obj.pk})
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def stat_ids(response):
    return dict(re.findall(r'data-testid="([a-z-]+)">([^<]*)<', response.content.decode()))


def test_the_district_page_shows_each_committee_and_the_districts_totals(client, data):
    client.force_login(data.officer)

    response = client.get(url("district-coverage", data.district))

    assert response.status_code == 200
    page = response.content.decode()
    row_a = re.search(rf'<tr data-committee="{data.a.pk}">(.*?)</tr>', page, re.S)[1]
    assert dict(re.findall(r'data-testid="([a-z-]+)">([^<]*)<', row_a)) == {
        "units": "1 / 3", "units-outside": "2", "units-without-organisation": "2",
        "reached": "5 / 8", "not-reached": "3", "in-service": "1 / 3",
        "in-service-not-checked-in": "2",
    }
    roster = reverse("members:committee-roster", kwargs={"pk": data.a.pk})
    assert f'href="{roster}?gap=not_reached"' in page
    assert f'href="{url("committee-coverage", data.a)}?list=outside"' in page
    ids = stat_ids(response)
    # District: units with an organisation 甲 乙 丙 庚, a member organisation somewhere: 甲;
    # members add up over A (8) and B (1).
    assert ids["total-units"] == "1 / 4"
    assert ids["total-reached"] == "6 / 9"
    assert ids["total-in-service"] == "1 / 3"
    assert "2 units with party members and no organisation" in page


def test_the_committee_page_lists_the_units_behind_each_figure(client, data):
    client.force_login(data.secretary_a)

    outside = client.get(url("committee-coverage", data.a))
    no_org = client.get(url("committee-coverage", data.a, list="no-organisation"))

    assert outside.status_code == 200
    assert stat_ids(outside)["units"] == "1 / 3"
    listed = re.findall(r"<strong>(.*?)</strong>", outside.content.decode())
    assert listed == ["丙单位", "乙单位"]  # by name (Unicode order)
    assert "Party organisation outside the district: 市直机关党委" in outside.content.decode()
    listed = re.findall(r"<strong>(.*?)</strong>", no_org.content.decode())
    assert sorted(listed) == ["丁单位", "戊单位"]
    assert "5 party members reported, 0 on a roster employed there" in no_org.content.decode()


@pytest.mark.parametrize(("gap", "names"), [
    ("not_reached", {"待确认", "报到在别处", "在乙社区支部"}),
    ("in_service", {"待确认", "报到在别处"}),
])
def test_the_roster_filters_each_gap(client, data, gap, names):
    client.force_login(data.secretary_a)

    response = client.get(reverse("members:committee-roster", kwargs={"pk": data.a.pk}),
                          {"gap": gap})

    assert set(re.findall(r"<strong>(.*?)</strong>", response.content.decode())) == names


def test_the_roster_masks_the_members_of_a_gap(client, data):
    Member.objects.filter(name="待确认").update(mobile="13912345678")
    client.force_login(data.secretary_a)

    response = client.get(reverse("members:committee-roster", kwargs={"pk": data.a.pk}),
                          {"gap": "in_service"})

    assert "13912345678" not in response.content.decode()
    assert "5678" in response.content.decode()


def test_a_branch_roster_has_no_gap_filter(client, data):
    client.force_login(data.secretary_a)

    response = client.get(reverse("members:branch-roster", kwargs={"pk": data.a_branch.pk}),
                          {"gap": "not_reached"})

    assert response.status_code == 200
    assert 'name="gap"' not in response.content.decode()
    assert "郑优芳" in response.content.decode()  # the filter is ignored, not applied


def test_the_secretary_of_another_committee_does_not_see_it(client, data):
    client.force_login(data.secretary_b)

    assert client.get(url("committee-coverage", data.a)).status_code == 404
    assert client.get(url("district-coverage", data.district)).status_code == 404


@pytest.mark.parametrize("persona", ["member_user", "branch_secretary"])
def test_a_member_or_branch_secretary_does_not_see_it(client, data, persona):
    client.force_login(getattr(data, persona))

    assert client.get(url("committee-coverage", data.a)).status_code == 404


def test_the_district_page_spends_the_same_queries_at_any_size(
    client, data, django_assert_num_queries
):
    client.force_login(data.officer)
    with django_assert_num_queries(DISTRICT_QUERIES):
        client.get(url("district-coverage", data.district))

    add_committees(data.district, 20, unit=data.unit, groups=2, members=5)
    with django_assert_num_queries(DISTRICT_QUERIES):
        response = client.get(url("district-coverage", data.district))

    assert response.content.decode().count("<tr data-committee=") == 22


def test_the_committee_page_spends_the_same_queries_at_any_size(
    client, data, django_assert_num_queries
):
    client.force_login(data.secretary_a)
    with django_assert_num_queries(COMMITTEE_QUERIES):
        client.get(url("committee-coverage", data.a))

    for i in range(30):
        unit = UnitFactory(district=data.district, party_organisation_name=f"党委{i}")
        Resource.objects.create(unit=unit, committee=data.a, kind="volunteers", description="人")
    BranchFactory.create_batch(3, committee=data.a)
    with django_assert_num_queries(COMMITTEE_QUERIES):
        response = client.get(url("committee-coverage", data.a))

    assert stat_ids(response)["units"] == "1 / 33"
    assert response.content.decode().count('class="list-group-item') == 25
