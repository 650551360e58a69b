"""Venues over time (阵地建设): improvements with their day, area change and the funding lines
that paid for them; a venue's keeper; the district's venue area by quarter and its share of
committees with 500 m² or more."""

import html
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities import venues
from activities.models import VenueImprovement, VenueImprovementFunding
from committees.models import Venue
from tests.conftest import session_queries
from tests.factories import (
    ActivityFactory,
    CommitteeFactory,
    FundingFactory,
    MemberFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db


def text(response):
    return html.unescape(response.content.decode())


def line(committee, amount="20000.00", **extra):
    return FundingFactory(activity=ActivityFactory(committee=committee),
                          amount=Decimal(amount), **extra)


def improve(venue, *, on=date(2026, 3, 1), change="0", lines=(), kind="renovation", user=None):
    return venues.improvement_save(
        improvement=VenueImprovement(on=on, kind=kind, area_change=Decimal(change),
                                     description="装修"),
        venue=venue, funding_lines=lines, user=user)


def area(venue):
    return Venue.objects.get(pk=venue.pk).area


# --- the service -------------------------------------------------------------------------------

def test_a_new_room_adds_its_area_and_names_the_lines_that_paid(world):
    paid = [line(world.a), line(world.a, "6000.00")]

    improvement = improve(world.a_venue, change="80", kind="new_room", lines=paid,
                          user=world.secretary_a)

    assert area(world.a_venue) == Decimal("380.0")
    assert set(improvement.funding_lines.all()) == set(paid)
    assert (improvement.committee, improvement.created_by) == (world.a, world.secretary_a)


def test_giving_up_a_room_shrinks_the_area(world):
    improve(world.a_venue, change="-100")
    assert area(world.a_venue) == Decimal("200.0")


def test_a_change_that_leaves_no_area_is_refused_and_nothing_is_written(world):
    paid = line(world.a)
    with pytest.raises(ValidationError) as refused:
        improve(world.a_venue, change="-300", lines=[paid])
    assert "学苑党员活动室 would have 0.0 m² left" in str(refused.value)
    assert area(world.a_venue) == Decimal("300.0")
    assert not VenueImprovement.objects.exists()
    assert not VenueImprovementFunding.objects.exists()


def test_a_back_dated_change_may_not_take_a_later_day_to_zero(world):
    improve(world.a_venue, on=date(2026, 3, 1), change="-250")  # 300 → 50 in March
    # in January, a change of -100 would leave March's venue at -50 m²
    with pytest.raises(ValidationError, match="would have -50.0 m² left"):
        improve(world.a_venue, on=date(2026, 1, 1), change="-100")
    assert area(world.a_venue) == Decimal("50.0")


def test_an_improvement_ahead_of_today_is_refused(world):
    with pytest.raises(ValidationError, match="date cannot be ahead"):
        improve(world.a_venue, on=timezone.localdate() + timedelta(days=1))


def test_another_committees_funding_line_is_refused(world):
    with pytest.raises(ValidationError, match="Choose funding lines of 学苑社区"):
        improve(world.a_venue, lines=[line(world.b)])


def test_a_funding_line_pays_for_one_improvement_only(world):
    paid = line(world.a)
    improve(world.a_venue, lines=[paid])
    with pytest.raises(ValidationError, match="pays for one improvement only"):
        improve(world.a_venue, lines=[paid])
    assert VenueImprovement.objects.count() == 1


# --- pages -------------------------------------------------------------------------------------

def improvements_url(venue):
    return reverse("activities:venue-improvements", args=[venue.pk])


def create_url(venue):
    return reverse("activities:improvement-create", args=[venue.pk])


def test_the_secretary_records_a_renovation_paid_by_the_units(login, world):
    unit_line = line(world.a, source="unit", unit=world.unit)
    other = line(world.b)
    client = login(world.secretary_a)
    form = text(client.get(create_url(world.a_venue)))
    assert world.unit.name in form and "¥20,000.00" in form
    assert f'value="{other.pk}"' not in form  # another committee's lines are not offered

    response = client.post(create_url(world.a_venue), {
        "on": "2026-03-01", "kind": "renovation", "area_change": "0",
        "description": "装修办公场所", "funding_lines": [unit_line.pk]})

    assert response.status_code == 302 and response.url == improvements_url(world.a_venue)
    page = " ".join(text(client.get(response.url)).split())
    assert "Improvement recorded." in page and "装修办公场所" in page
    assert f"Paid ¥20,000.00 by: {world.unit.name} ¥20,000.00" in page
    assert "area unchanged" in page


def test_a_change_leaving_no_area_is_refused_on_the_form(login, world):
    response = login(world.secretary_a).post(create_url(world.a_venue), {
        "on": "2026-03-01", "kind": "new_room", "area_change": "-400", "description": "退还用房"})
    assert response.status_code == 400
    assert "would have -100.0 m² left: a venue's area must stay more than zero" in text(response)
    assert area(world.a_venue) == Decimal("300.0")


def test_an_empty_description_is_refused_by_name(login, world):
    response = login(world.secretary_a).post(create_url(world.a_venue), {
        "on": "2026-03-01", "kind": "renovation", "area_change": "0", "description": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["description"]


def test_the_improvements_page_says_when_there_are_none(login, world):
    page = text(login(world.secretary_a).get(improvements_url(world.a_venue)))
    assert "No improvements recorded." in page and "300.0 m²" in page


def test_another_committees_secretary_sees_nothing(login, world):
    client = login(world.secretary_b)
    assert client.get(improvements_url(world.a_venue)).status_code == 404
    assert client.post(create_url(world.a_venue), {
        "on": "2026-03-01", "kind": "renovation", "area_change": "10", "description": "x",
    }).status_code == 404
    assert area(world.a_venue) == Decimal("300.0")


def test_the_improvements_list_pages_and_its_queries_do_not_grow(
        login, world, django_assert_num_queries):
    client = login(world.secretary_a)
    for n in (2, 30):
        VenueImprovement.objects.all().delete()
        for i in range(n):
            improve(world.a_venue, on=date(2025, 1 + i % 12, 1 + i % 27),
                    lines=[line(world.a, source="unit", unit=world.unit)])
        # session, user, scope (roles, member), venue (with writable), count, page, its lines
        with django_assert_num_queries(session_queries() + 6):
            response = client.get(improvements_url(world.a_venue))
        assert len(response.context["page"].object_list) == min(n, 25)


# --- the keeper --------------------------------------------------------------------------------

def test_the_secretary_sets_a_keeper_shown_on_the_committee_page(login, world):
    client = login(world.secretary_a)
    response = client.post(reverse("committees:venue-update", args=[world.a_venue.pk]), {
        "name": world.a_venue.name, "address": "", "area": "300", "unit": "",
        "keeper": world.a_member.pk})
    assert response.status_code == 302
    assert Venue.objects.get(pk=world.a_venue.pk).keeper == world.a_member
    page = text(client.get(reverse("overview:committee-detail", args=[world.a.pk])))
    assert f"kept by {world.a_member.name}" in page


def test_once_improved_a_venues_area_changes_only_by_another_improvement(login, world):
    improve(world.a_venue, change="80", kind="new_room")  # 300 → 380 m²
    response = login(world.secretary_a).post(
        reverse("committees:venue-update", args=[world.a_venue.pk]), {
            "name": "党群服务中心", "address": "", "area": "300", "unit": "", "keeper": ""})
    assert response.status_code == 302
    venue = Venue.objects.get(pk=world.a_venue.pk)
    assert (venue.name, venue.area) == ("党群服务中心", Decimal("380.0"))


def test_a_keeper_from_another_committee_is_refused(login, world):
    outsider = MemberFactory(committee=world.b, branch=world.b_branch)
    response = login(world.secretary_a).post(
        reverse("committees:venue-update", args=[world.a_venue.pk]), {
            "name": world.a_venue.name, "address": "", "area": "300", "unit": "",
            "keeper": outsider.pk})
    assert response.status_code == 400
    assert response.context["form"].errors["keeper"]
    assert Venue.objects.get(pk=world.a_venue.pk).keeper is None


# --- the district's area over time -------------------------------------------------------------

def table(world, year=2025, today=date(2025, 8, 15)):
    return venues.district_area_by_quarter(world.district, year, today=today)


def areas(result, committee):
    row = next(r for r in result.rows if r.committee == committee)
    return [c.area for c in row.cells]


def test_the_area_at_each_quarters_end_comes_from_the_dated_changes(world):
    improve(world.a_venue, on=date(2025, 2, 10), change="150", kind="new_room")  # 300 → 450
    improve(world.a_venue, on=date(2025, 5, 20), change="100", kind="new_room")  # → 550
    improve(world.a_venue, on=date(2025, 5, 21), change="0")  # a renovation: no change

    result = table(world)

    assert [c.label for c in result.columns] == ["End of 2024", "Q1", "Q2", "Q3", "Q4"]
    assert areas(result, world.a) == [Decimal("300"), Decimal("450"), Decimal("550"), None, None]
    assert areas(result, world.b) == [Decimal("600")] * 3 + [None, None]  # B: one venue
    # two committees; the share of those with 500 m² or more grows when A's room is built
    assert [(c.large, c.share) for c in result.columns] == [
        (1, 50), (1, 50), (2, 100), (None, None), (None, None)]


def test_the_year_before_is_read_back_from_today(world):
    improve(world.a_venue, on=date(2025, 2, 10), change="150")
    # the end of 2025 and 2026's quarters: the venue has 450 m² since February 2025
    result = table(world, year=2026, today=date(2026, 12, 31))
    assert areas(result, world.a) == [Decimal("450")] * 5


def test_the_district_page_shows_areas_and_the_share(login, world):
    improve(world.a_venue, on=date(2025, 2, 10), change="250", kind="new_room")
    page = text(login(world.officer).get(
        reverse("activities:district-venue-area", args=[world.district.pk]) + "?year=2025"))
    assert "Venue area in 盐湖区, 2025" in page
    assert "学苑社区" in page and "550" in page
    assert "Committees with 500 m² or more" in page
    assert "1 · 50%" in page


def test_a_committee_secretary_cannot_open_the_district_page(login, world):
    response = login(world.secretary_a).get(
        reverse("activities:district-venue-area", args=[world.district.pk]))
    assert response.status_code == 404


def test_the_district_page_spends_the_same_queries_at_any_size(
        login, world, django_assert_num_queries):
    client = login(world.officer)
    url = reverse("activities:district-venue-area", args=[world.district.pk]) + "?year=2025"
    for n in (0, 12):
        for i in range(n):
            committee = CommitteeFactory(district=world.district)
            venue = VenueFactory(committee=committee, area=Decimal("400"))
            improve(venue, on=date(2025, 1 + i % 12, 3), change="50")
        # session, user, scope (roles, member), district, committees with areas, changes
        with django_assert_num_queries(session_queries() + 5):
            response = client.get(url)
        assert response.status_code == 200
