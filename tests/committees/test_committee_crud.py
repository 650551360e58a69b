"""Creating, editing and deleting a committee."""

import html

from django.urls import reverse

from committees.models import Committee, Seat, Venue
from members.models import Category
from tests.factories import (
    BranchFactory,
    CommitteeFactory,
    MemberFactory,
    SeatFactory,
    VenueFactory,
    grant,
)
from units.models import Unit


def text(response):
    return html.unescape(response.content.decode())


def create_url(district):
    return reverse("committees:committee-create", kwargs={"district_pk": district.pk})


def update_url(committee):
    return reverse("committees:committee-update", kwargs={"pk": committee.pk})


def delete_url(committee):
    return reverse("committees:committee-delete", kwargs={"pk": committee.pk})


def form_data(**overrides):
    return {"name": "康馨社区", "street": "中城街道", "address": "康馨路12号",
            "established": "2019-07-01", **overrides}


# --- create ----------------------------------------------------------------------------------

def test_the_district_officer_creates_a_committee(client, world):
    client.force_login(world.officer)

    response = client.post(create_url(world.district), form_data())

    committee = Committee.objects.get(name="康馨社区")
    assert response.status_code == 302
    assert response.url == reverse("overview:committee-detail", kwargs={"pk": committee.pk})
    assert committee.district == world.district
    assert (committee.street, committee.address) == ("中城街道", "康馨路12号")
    assert str(committee.established) == "2019-07-01"
    assert "Committee created." in text(client.get(response.url))


def test_it_refuses_a_second_committee_of_the_same_name_in_the_district(client, world):
    client.force_login(world.officer)

    response = client.post(create_url(world.district), form_data(name=world.a.name))

    assert response.status_code == 400
    assert "This district already has a committee of that name." in text(response)
    assert Committee.objects.filter(name=world.a.name).count() == 1


def test_the_problem_is_stated_once(client, world):
    client.force_login(world.officer)

    response = client.post(create_url(world.district), form_data(name=world.a.name))

    assert text(response).count("This district already has a committee of that name.") == 1


def test_the_same_name_is_fine_in_another_district(client, world):
    other = CommitteeFactory(name="康馨社区")  # another district
    client.force_login(world.officer)

    response = client.post(create_url(world.district), form_data())

    assert response.status_code == 302
    assert Committee.objects.filter(name="康馨社区").count() == 2
    assert Committee.objects.get(name="康馨社区", district=world.district) != other


def test_it_refuses_a_committee_without_a_name(client, world):
    client.force_login(world.officer)

    response = client.post(create_url(world.district), form_data(name=""))

    assert response.status_code == 400
    assert "This field is required." in text(response)
    assert Committee.objects.count() == 2


def test_a_secretary_cannot_create_a_committee(client, world):
    client.force_login(world.secretary_a)

    response = client.post(create_url(world.district), form_data())

    assert response.status_code == 404
    assert not Committee.objects.filter(name="康馨社区").exists()


# --- update ----------------------------------------------------------------------------------

def test_the_secretary_edits_their_committee(client, world):
    client.force_login(world.secretary_a)

    response = client.post(update_url(world.a), form_data(name="学苑新村社区"))

    assert response.status_code == 302
    assert response.url == reverse("overview:committee-detail", kwargs={"pk": world.a.pk})
    world.a.refresh_from_db()
    assert world.a.name == "学苑新村社区"
    assert world.a.district == world.district
    assert "Committee saved." in text(client.get(response.url))


def test_renaming_to_a_neighbour_s_name_is_refused(client, world):
    client.force_login(world.secretary_a)

    response = client.post(update_url(world.a), form_data(name=world.b.name))

    assert response.status_code == 400
    assert "This district already has a committee of that name." in text(response)
    world.a.refresh_from_db()
    assert world.a.name == "学苑社区"


def test_another_committee_s_secretary_cannot_edit_it_nor_learn_it_exists(client, world):
    client.force_login(world.secretary_b)

    response = client.post(update_url(world.a), form_data(name="被改名"))

    assert response.status_code == 404
    world.a.refresh_from_db()
    assert world.a.name == "学苑社区"


def test_a_member_cannot_edit_their_committee(client, world):
    client.force_login(world.member_user)

    response = client.post(update_url(world.a), form_data(name="被改名"))

    assert response.status_code == 403
    world.a.refresh_from_db()
    assert world.a.name == "学苑社区"


# --- delete ----------------------------------------------------------------------------------

def test_delete_asks_for_confirmation_first(client, world):
    empty = CommitteeFactory(district=world.district, name="空社区")
    client.force_login(world.officer)

    response = client.get(delete_url(empty))

    assert response.status_code == 200
    assert "Delete 空社区? This cannot be undone." in text(response)
    assert "Yes, delete" in text(response)
    assert Committee.objects.filter(pk=empty.pk).exists()


def test_it_refuses_to_delete_a_committee_that_still_has_branches_and_members(client, world):
    client.force_login(world.officer)

    confirm = client.get(delete_url(world.a))
    response = client.post(delete_url(world.a))

    for page in (confirm, response):
        assert "学苑社区 cannot be deleted yet, because:" in text(page)
        assert "it still has 3 branches and party groups" in text(page)
        assert "it still manages 1 member" in text(page)
        assert "Yes, delete" not in text(page)
    assert response.status_code == 409
    assert Committee.objects.filter(pk=world.a.pk).exists()
    assert Seat.objects.filter(pk=world.a_seat.pk).exists()
    assert Venue.objects.filter(pk=world.a_venue.pk).exists()


def test_it_refuses_to_delete_a_committee_with_only_a_branch_left(client, world):
    c = CommitteeFactory(district=world.district, name="半空社区")
    BranchFactory(committee=c)
    client.force_login(world.officer)

    response = client.post(delete_url(c))

    assert response.status_code == 409
    assert "it still has 1 branch or party group" in text(response)
    assert "members" not in text(response).split("because:")[1].split("</ul>")[0]
    assert Committee.objects.filter(pk=c.pk).exists()


def test_it_refuses_to_delete_a_committee_that_still_manages_members_held_elsewhere(
    client, world
):
    c = CommitteeFactory(district=world.district, name="半空社区")
    MemberFactory(committee=c, branch=None, outside_organisation="市第一医院党委",
                  category=Category.IN_SERVICE)
    client.force_login(world.officer)

    response = client.post(delete_url(c))

    assert response.status_code == 409
    assert "it still manages 1 member<" in text(response)
    assert Committee.objects.filter(pk=c.pk).exists()


def test_deleting_an_empty_committee_takes_its_seats_and_venues_with_it(client, world):
    c = CommitteeFactory(district=world.district, name="空社区")
    seat = SeatFactory(committee=c, member=None, holder_name="王建国", unit=world.unit)
    venue = VenueFactory(committee=c)
    client.force_login(world.officer)

    response = client.post(delete_url(c))

    assert response.status_code == 302
    assert response.url == reverse("overview:district-detail", kwargs={"pk": world.district.pk})
    assert not Committee.objects.filter(pk=c.pk).exists()
    assert not Seat.objects.filter(pk=seat.pk).exists()
    assert not Venue.objects.filter(pk=venue.pk).exists()
    assert Unit.objects.filter(pk=world.unit.pk).exists()  # the unit stays
    assert "Committee 空社区 deleted." in text(client.get(response.url))


def test_a_committee_s_secretary_cannot_delete_it(client, world):
    c = CommitteeFactory(district=world.district, name="空社区")
    grant(world.secretary_a, "committee_secretary", c)
    client.force_login(world.secretary_a)

    response = client.post(delete_url(c))

    assert response.status_code == 403
    assert Committee.objects.filter(pk=c.pk).exists()
