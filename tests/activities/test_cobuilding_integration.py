"""Funding and teams on the pages that show them: the activity page, the project page and the
committee page. Money is shown to the committee's side only."""

import html
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import ActivityStatus
from tests.factories import ActivityFactory, FundingFactory, ServiceTeamFactory, UnitFactory
from tests.overview.test_committee_detail import COMMITTEE_PAGE_QUERIES
from units.models import Agreement, Project


def text(response):
    return html.unescape(response.content.decode())


@pytest.fixture
def fair(world):
    """An activity of committee A with two received lines (0.10 + 0.20) and a pledge."""
    activity = ActivityFactory(committee=world.a, title="邻里文化节")
    FundingFactory(activity=activity, amount=Decimal("0.10"))
    FundingFactory(activity=activity, amount=Decimal("0.20"))
    FundingFactory(activity=activity, source="unit", unit=world.unit, state="pledged",
                   amount=Decimal("4321.00"))
    return activity


# --- the activity page ---------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["officer", "secretary_a"])
def test_the_committees_side_sees_the_money_on_the_activity_page(login, world, fair, persona):
    response = login(getattr(world, persona)).get(fair.get_absolute_url())
    page = text(response)
    assert response.status_code == 200
    assert 'data-testid="funding-panel"' in page
    assert "¥0.30" in page and "¥4,321.00" in page
    assert reverse("activities:activity-funding-create", args=[fair.pk]) in page


@pytest.mark.parametrize("persona", ["branch_secretary", "member_user"])
def test_branch_secretaries_and_members_never_see_money_on_the_activity_page(
    login, world, fair, persona
):
    response = login(getattr(world, persona)).get(fair.get_absolute_url())
    page = text(response)
    assert response.status_code == 200 and "邻里文化节" in page
    assert 'data-testid="funding-panel"' not in page
    assert "¥" not in page and "4,321" not in page and "0.30" not in page
    assert reverse("activities:activity-funding-create", args=[fair.pk]) not in page


# --- the project page ----------------------------------------------------------------------

@pytest.fixture
def project(world):
    project = Project.objects.create(committee=world.a, title="清洁家园", owner="社区党委")
    ActivityFactory(committee=world.a, project=project, title="清洁家园第一期")
    ActivityFactory(committee=world.a, title="别的活动")
    FundingFactory(activity=None, project=project, committee=world.a, amount=Decimal("88.80"))
    return project


def test_the_project_page_shows_its_activities_and_funding_to_the_committees_side(
    login, world, project
):
    page = text(login(world.secretary_a).get(project.get_absolute_url()))
    assert "清洁家园第一期" in page and "别的活动" not in page
    assert 'data-testid="funding-panel"' in page and "¥88.80" in page
    assert reverse("activities:project-funding-create", args=[project.pk]) in page


@pytest.mark.parametrize("persona", ["branch_secretary", "member_user"])
def test_the_project_page_shows_no_money_to_others(login, world, project, persona):
    page = text(login(getattr(world, persona)).get(project.get_absolute_url()))
    assert "清洁家园第一期" in page
    assert 'data-testid="funding-panel"' not in page and "88.80" not in page


# --- the committee page --------------------------------------------------------------------

def committee_url(committee):
    return reverse("overview:committee-detail", args=[committee.pk])


@pytest.fixture
def busy(world):
    """Committee A's year: six upcoming activities, one cancelled, one held last week, a team,
    and funding; and something of committee B's."""
    now = timezone.now()
    for n in range(6):
        ActivityFactory(committee=world.a, title=f"即将开始{n}",
                        starts_at=now + timedelta(days=n + 1),
                        ends_at=now + timedelta(days=n + 1, hours=2))
    ActivityFactory(committee=world.a, title="取消了", status=ActivityStatus.CANCELLED,
                    starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=3))
    held = ActivityFactory(committee=world.a, title="上周的活动", status=ActivityStatus.HELD,
                           starts_at=now - timedelta(days=7),
                           ends_at=now - timedelta(days=7) + timedelta(hours=2))
    FundingFactory(activity=held, amount=Decimal("0.10"))
    FundingFactory(activity=held, amount=Decimal("0.20"))
    ServiceTeamFactory(committee=world.a)
    ActivityFactory(committee=world.b, title="御沁园的活动")
    return held


def test_the_committee_page_has_a_co_building_card(login, world, busy):
    response = login(world.secretary_a).get(committee_url(world.a))
    page = text(response)
    card = response.context["cobuilding"]
    year = timezone.localdate().year
    # activities of the year (cancelled left out): those within this year of the six, and
    # last week's
    expected = sum(1 for d in range(1, 7)
                   if (timezone.localtime() + timedelta(days=d)).year == year)
    if (timezone.localtime() - timedelta(days=7)).year == year:
        expected += 1
    assert card["activities"] == expected
    assert card["teams"] == 1
    assert [a.title for a in card["upcoming"]] == [f"即将开始{n}" for n in range(5)]
    assert "即将开始4" in page and "即将开始5" not in page and "取消了" not in page
    assert "御沁园的活动" not in page
    assert card["funding"]["received"] == Decimal("0.30")
    assert 'data-testid="cobuilding-funding"' in page and "¥0.30" in page
    for link in (
        f"{reverse('activities:activity-list')}?committee={world.a.pk}",
        reverse("activities:activity-calendar", args=[world.a.pk]),
        reverse("activities:activity-create", args=[world.a.pk]),
        f"{reverse('activities:team-list')}?committee={world.a.pk}",
        reverse("activities:committee-funding", args=[world.a.pk]),
    ):
        assert link in page, link


@pytest.mark.parametrize("persona", ["branch_secretary", "member_user"])
def test_others_see_the_card_without_money(login, world, busy, persona):
    response = login(getattr(world, persona)).get(committee_url(world.a))
    page = text(response)
    assert 'data-testid="cobuilding"' in page and "即将开始0" in page
    assert response.context["cobuilding"]["funding"] is None
    assert 'data-testid="cobuilding-funding"' not in page and "0.30" not in page
    assert reverse("activities:committee-funding", args=[world.a.pk]) not in page
    assert reverse("activities:activity-create", args=[world.a.pk]) not in page


def test_the_committee_page_spends_the_same_queries_with_more_activities(
    login, world, django_assert_num_queries
):
    client = login(world.officer)

    def grow(n):
        for i in range(n):
            activity = ActivityFactory(committee=world.a)
            FundingFactory(activity=activity, amount=Decimal(i + 1))
            team = ServiceTeamFactory(committee=world.a)
            activity.teams.add(team)

    grow(3)
    with django_assert_num_queries(COMMITTEE_PAGE_QUERIES):
        small = client.get(committee_url(world.a))
    grow(30)
    with django_assert_num_queries(COMMITTEE_PAGE_QUERIES):
        large = client.get(committee_url(world.a))
    assert small.context["cobuilding"]["teams"] == 3
    assert large.context["cobuilding"]["teams"] == 33
    assert len(large.context["cobuilding"]["upcoming"]) == 5


def test_a_units_received_sponsorship_ranks_it_among_the_partners(login, world, fair):
    other = UnitFactory(district=world.district, name="甲单位")
    for unit in (world.unit, other):
        Agreement.objects.create(
            unit=unit, committee=world.a, starts_on=timezone.localdate() - timedelta(days=30),
            ends_on=timezone.localdate() + timedelta(days=300), status="in_force",
            signed_on=timezone.localdate() - timedelta(days=30), committee_commits="场地",
            unit_commits="资金",
        )
    # The hospital's 4,321 is only pledged: it does not count yet; once received, it ranks
    # the hospital first (before 甲单位 by name otherwise).
    page = text(login(world.secretary_a).get(committee_url(world.a)))
    assert page.index("甲单位") < page.index("运城市第一医院")
    fair.funding_lines.filter(state="pledged").update(state="received")
    page = text(login(world.secretary_a).get(committee_url(world.a)))
    assert page.index("运城市第一医院") < page.index("甲单位")
    assert "¥4,321.00 received" in page
