"""Adding, editing and deleting a committee's venues."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from committees.models import Venue
from tests.factories import UnitFactory


def text(response):
    return html.unescape(response.content.decode())


def create_url(committee):
    return reverse("committees:venue-create", kwargs={"committee_pk": committee.pk})


def update_url(venue):
    return reverse("committees:venue-update", kwargs={"pk": venue.pk})


def delete_url(venue):
    return reverse("committees:venue-delete", kwargs={"pk": venue.pk})


def venues_url(committee):
    return reverse("overview:committee-detail", kwargs={"pk": committee.pk}) + "#venues"


def venue_data(**overrides):
    return {"name": "新时代文明实践站", "address": "学苑路8号", "area": "180.5", "unit": "",
            **overrides}


def test_the_secretary_adds_a_venue_the_community_provides(client, world):
    client.force_login(world.secretary_a)

    response = client.post(create_url(world.a), venue_data())

    assert response.status_code == 302
    assert response.url == venues_url(world.a)
    venue = Venue.objects.get(name="新时代文明实践站")
    assert (venue.committee, venue.area, venue.unit) == (world.a, Decimal("180.5"), None)
    page = text(client.get(response.url))
    assert "Venue added." in page
    assert "481 m² in all" in page  # 300 + 180.5, rounded for display


def test_the_secretary_adds_a_venue_a_unit_provides(client, world):
    client.force_login(world.secretary_a)

    response = client.post(create_url(world.a), venue_data(unit=world.unit.pk))

    assert response.status_code == 302
    assert Venue.objects.get(name="新时代文明实践站").unit == world.unit
    assert f"provided by {world.unit.name}" in text(client.get(response.url))


def test_the_secretary_edits_a_venue(client, world):
    client.force_login(world.secretary_a)

    response = client.post(
        update_url(world.a_venue), venue_data(name="学苑党群服务中心", area="420")
    )

    assert response.status_code == 302
    assert response.url == venues_url(world.a)
    world.a_venue.refresh_from_db()
    assert (world.a_venue.name, world.a_venue.area) == ("学苑党群服务中心", Decimal("420"))
    assert world.a_venue.committee == world.a


def test_the_secretary_deletes_a_venue_after_confirming(client, world):
    client.force_login(world.secretary_a)

    confirm = client.get(delete_url(world.a_venue))
    response = client.post(delete_url(world.a_venue))

    assert "Delete 学苑党员活动室? This cannot be undone." in text(confirm)
    assert response.status_code == 302
    assert response.url == venues_url(world.a)
    assert not Venue.objects.filter(pk=world.a_venue.pk).exists()
    assert "No venues recorded." in text(client.get(response.url))


def test_another_committee_s_secretary_cannot_touch_the_venue(client, world):
    client.force_login(world.secretary_b)

    edit = client.post(update_url(world.a_venue), venue_data(area="1"))
    delete = client.post(delete_url(world.a_venue))

    assert (edit.status_code, delete.status_code) == (404, 404)
    world.a_venue.refresh_from_db()
    assert world.a_venue.area == Decimal("300")


def test_a_member_cannot_change_a_venue(client, world):
    client.force_login(world.member_user)

    edit = client.post(update_url(world.a_venue), venue_data(area="1"))
    delete = client.post(delete_url(world.a_venue))

    assert (edit.status_code, delete.status_code) == (403, 403)
    world.a_venue.refresh_from_db()
    assert world.a_venue.area == Decimal("300")


@pytest.mark.parametrize(
    ("area", "message"),
    [
        ("0", "greater than or equal to"),
        ("-20", "greater than or equal to"),
        ("一百", "Enter a number."),
        ("", "This field is required."),
    ],
)
def test_it_refuses_an_area_that_is_not_a_positive_number(client, world, area, message):
    client.force_login(world.secretary_a)

    response = client.post(create_url(world.a), venue_data(area=area))

    assert response.status_code == 400
    errors = response.context["form"].errors["area"]
    assert any(message in e for e in errors)
    assert errors[0] in text(response)
    assert not Venue.objects.filter(name="新时代文明实践站").exists()


def test_editing_cannot_set_the_area_to_zero(client, world):
    client.force_login(world.secretary_a)

    response = client.post(update_url(world.a_venue), venue_data(area="0"))

    assert response.status_code == 400
    world.a_venue.refresh_from_db()
    assert world.a_venue.area == Decimal("300")


def test_it_refuses_a_unit_of_another_district(client, world):
    elsewhere = UnitFactory(name="外区单位")
    client.force_login(world.secretary_a)

    response = client.post(create_url(world.a), venue_data(unit=elsewhere.pk))

    assert response.status_code == 400
    assert any("Select a valid choice" in e for e in response.context["form"].errors["unit"])
    assert not Venue.objects.filter(name="新时代文明实践站").exists()
