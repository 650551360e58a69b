"""Adding, editing and removing a committee's seats."""

import html
from datetime import date

import pytest
from django.urls import reverse

from committees.models import Seat, SeatRole
from members.models import Member
from tests.factories import MemberFactory, UnitFactory


def text(response):
    return html.unescape(response.content.decode())


def create_url(committee):
    return reverse("committees:seat-create", kwargs={"committee_pk": committee.pk})


def update_url(seat):
    return reverse("committees:seat-update", kwargs={"pk": seat.pk})


def delete_url(seat):
    return reverse("committees:seat-delete", kwargs={"pk": seat.pk})


def seats_url(committee):
    return reverse("overview:committee-detail", kwargs={"pk": committee.pk}) + "#seats"


def unit_person(world, **overrides):
    return {"role": SeatRole.PART_TIME, "member": "", "holder_name": "王建国",
            "unit": world.unit.pk, "title": "党委书记", "term_start": "2021-05-01",
            "term_end": "", "commitment": "每月到社区报到一次", **overrides}


def roster_member(member, **overrides):
    return {"role": SeatRole.DEPUTY, "member": member.pk, "holder_name": "", "unit": "",
            "title": "", "term_start": "2021-05-01", "term_end": "2026-04-30",
            "commitment": "", **overrides}


def field_errors(response, field):
    return list(response.context["form"].errors.get(field, []))


# --- create, edit, delete ----------------------------------------------------------------------

def test_the_secretary_gives_a_seat_to_a_member_on_the_roster(client, world):
    other = MemberFactory(committee=world.a, branch=world.a_retirees, name="周国庆")
    client.force_login(world.secretary_a)

    response = client.post(create_url(world.a), roster_member(other))

    assert response.status_code == 302
    assert response.url == seats_url(world.a)
    seat = Seat.objects.get(member=other)
    assert (seat.committee, seat.role, seat.term_end) == (world.a, "deputy", date(2026, 4, 30))
    assert "Seat added." in text(client.get(response.url))


def test_the_secretary_gives_a_seat_to_a_person_from_a_resident_unit(client, world):
    client.force_login(world.secretary_a)

    response = client.post(create_url(world.a), unit_person(world))

    assert response.status_code == 302
    seat = Seat.objects.get(holder_name="王建国")
    assert (seat.committee, seat.member, seat.unit) == (world.a, None, world.unit)
    page = text(client.get(response.url))
    assert "王建国" in page and "每月到社区报到一次" in page


def test_the_secretary_edits_a_seat(client, world):
    client.force_login(world.secretary_a)

    response = client.post(
        update_url(world.a_seat),
        roster_member(world.a_member, role=SeatRole.SECRETARY, term_end="2026-04-30"),
    )

    assert response.status_code == 302
    assert response.url == seats_url(world.a)
    world.a_seat.refresh_from_db()
    assert world.a_seat.role == SeatRole.SECRETARY
    assert world.a_seat.term_end == date(2026, 4, 30)


def test_the_secretary_removes_a_seat_after_confirming(client, world):
    client.force_login(world.secretary_a)

    confirm = client.get(delete_url(world.a_seat))
    response = client.post(delete_url(world.a_seat))

    assert "This cannot be undone." in text(confirm)
    assert response.status_code == 302
    assert response.url == seats_url(world.a)
    assert not Seat.objects.filter(pk=world.a_seat.pk).exists()
    assert Member.objects.filter(pk=world.a_member.pk).exists()


def test_another_committee_s_secretary_cannot_touch_the_seat(client, world):
    client.force_login(world.secretary_b)

    edit = client.post(update_url(world.a_seat), roster_member(world.a_member, role="secretary"))
    delete = client.post(delete_url(world.a_seat))

    assert (edit.status_code, delete.status_code) == (404, 404)
    world.a_seat.refresh_from_db()
    assert world.a_seat.role == SeatRole.MEMBER


def test_a_member_cannot_add_a_seat(client, world):
    client.force_login(world.member_user)

    response = client.post(create_url(world.a), unit_person(world))

    assert response.status_code == 403
    assert not Seat.objects.filter(holder_name="王建国").exists()


# --- one holder ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        pytest.param({"member": "", "holder_name": "", "unit": ""}, "member",
                     "Choose a member, or enter the name of a unit's person.", id="nobody"),
        pytest.param({"holder_name": "王建国"}, "holder_name",
                     "Leave the name empty when the seat is held by a member on the roster.",
                     id="member-and-name"),
        pytest.param({"holder_name": "王建国", "unit": "UNIT"}, "holder_name",
                     "Leave the name empty when the seat is held by a member on the roster.",
                     id="member-and-unit-person"),
        pytest.param({"member": "", "holder_name": "王建国", "unit": ""}, "unit",
                     "resident unit", id="name-without-unit"),
    ],
)
def test_a_seat_needs_exactly_one_holder(client, world, change, field, message):
    data = roster_member(world.a_member)
    data.update({k: world.unit.pk if v == "UNIT" else v for k, v in change.items()})
    client.force_login(world.secretary_a)

    response = client.post(create_url(world.a), data)

    assert response.status_code == 400
    assert any(message in e for e in field_errors(response, field))
    assert message in text(response)
    assert Seat.objects.filter(committee=world.a).count() == 1


def test_a_unit_alone_with_a_member_is_fine(client, world):
    """The member's workplace may be recorded; the holder is still the member."""
    other = MemberFactory(committee=world.a, branch=world.a_retirees)
    client.force_login(world.secretary_a)

    response = client.post(create_url(world.a), roster_member(other, unit=world.unit.pk))

    assert response.status_code == 302
    assert Seat.objects.get(member=other).unit == world.unit


def test_it_refuses_a_term_that_ends_before_it_starts(client, world):
    client.force_login(world.secretary_a)

    response = client.post(
        create_url(world.a), unit_person(world, term_start="2024-05-01", term_end="2021-04-30")
    )

    assert response.status_code == 400
    assert "The term cannot end before it starts." in text(response)
    assert not Seat.objects.filter(holder_name="王建国").exists()


def test_a_term_may_end_on_the_day_it_starts(client, world):
    client.force_login(world.secretary_a)

    response = client.post(
        create_url(world.a), unit_person(world, term_start="2024-05-01", term_end="2024-05-01")
    )

    assert response.status_code == 302


def test_editing_cannot_make_the_term_end_before_it_starts(client, world):
    client.force_login(world.secretary_a)

    response = client.post(
        update_url(world.a_seat), roster_member(world.a_member, term_end="2020-01-01")
    )

    assert response.status_code == 400
    assert "The term cannot end before it starts." in text(response)
    world.a_seat.refresh_from_db()
    assert world.a_seat.term_end is None


# --- whom the seat can go to -------------------------------------------------------------------

def test_the_member_choices_are_the_committee_s_own_roster(client, world):
    MemberFactory(committee=world.a, branch=world.a_retirees, name="周国庆")
    MemberFactory(committee=world.b, branch=world.b_branch, name="孙志刚")
    client.force_login(world.secretary_a)

    form = client.get(create_url(world.a)).context["form"]

    names = {m.name for m in form.fields["member"].queryset}
    assert names == {world.a_member.name, "周国庆"}


def test_it_refuses_a_member_of_another_committee(client, world):
    b_member = MemberFactory(committee=world.b, branch=world.b_branch, name="孙志刚")
    client.force_login(world.officer)  # the officer may read both rosters

    response = client.post(create_url(world.a), roster_member(b_member))

    assert response.status_code == 400
    assert any("Select a valid choice" in e for e in field_errors(response, "member"))
    assert not Seat.objects.filter(member=b_member).exists()


def test_it_refuses_a_unit_of_another_district(client, world):
    elsewhere = UnitFactory(name="外区单位")
    client.force_login(world.secretary_a)

    response = client.post(create_url(world.a), unit_person(world, unit=elsewhere.pk))

    assert response.status_code == 400
    assert any("Select a valid choice" in e for e in field_errors(response, "unit"))
    assert not Seat.objects.filter(holder_name="王建国").exists()
