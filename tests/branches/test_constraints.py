"""Rules the database keeps, whatever writes the row: the party-group trigger and named checks."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from branches.models import Branch, BranchKind
from committees.models import Seat, SeatRole, Venue
from members.models import Category, Member

TRIGGER = "branch_group_same_committee"


@contextmanager
def refused(constraint):
    """Expect the database to refuse the statement, naming the rule it broke."""
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        yield


# --- a party group stays in its parent's committee -----------------------------------------

def test_a_party_group_cannot_be_moved_to_another_committee(world):
    with refused(TRIGGER):
        Branch.objects.filter(pk=world.a_group.pk).update(committee=world.b)

    world.a_group.refresh_from_db()
    assert world.a_group.committee == world.a


def test_a_party_group_cannot_be_created_in_another_committee_than_its_parent(world):
    with refused(TRIGGER):
        Branch.objects.create(
            committee=world.b, parent=world.a_branch, kind=BranchKind.RESIDENTS, name="错位党小组"
        )

    assert not Branch.objects.filter(name="错位党小组").exists()


def test_a_branch_cannot_take_a_parent_from_another_committee(world):
    with refused(TRIGGER):
        Branch.objects.filter(pk=world.b_branch.pk).update(parent=world.a_branch)

    world.b_branch.refresh_from_db()
    assert world.b_branch.parent is None


def test_a_branch_cannot_move_to_another_committee_leaving_its_party_groups_behind(world):
    with refused(TRIGGER):
        Branch.objects.filter(pk=world.a_branch.pk).update(committee=world.b)

    world.a_branch.refresh_from_db()
    assert world.a_branch.committee == world.a


def test_a_branch_without_party_groups_may_move_to_another_committee(world):
    Branch.objects.filter(pk=world.a_retirees.pk).update(committee=world.b)

    world.a_retirees.refresh_from_db()
    assert world.a_retirees.committee == world.b


def test_a_party_group_may_move_to_another_branch_of_the_same_committee(world):
    Branch.objects.filter(pk=world.a_group.pk).update(parent=world.a_retirees)

    world.a_group.refresh_from_db()
    assert world.a_group.parent == world.a_retirees


# --- named check constraints -----------------------------------------------------------------

def seat(world, **fields):
    return Seat(committee=world.a, role=SeatRole.PART_TIME, term_start=date(2021, 5, 1),
                **fields)


@pytest.mark.parametrize(
    "holder",
    [
        pytest.param({}, id="nobody"),
        pytest.param({"member": "a_member", "holder_name": "王建国"}, id="member-and-name"),
        pytest.param({"holder_name": "王建国"}, id="name-without-unit"),
        pytest.param({"unit": "unit"}, id="unit-without-name"),
    ],
)
def test_the_database_refuses_a_seat_without_exactly_one_holder(world, holder):
    fields = {k: getattr(world, v) if k in ("member", "unit") else v for k, v in holder.items()}

    with refused("seat_has_one_holder"):
        seat(world, **fields).save()

    assert Seat.objects.filter(committee=world.a).count() == 1


def test_the_database_accepts_a_seat_held_by_a_unit_s_person(world):
    seat(world, holder_name="王建国", unit=world.unit).save()

    assert Seat.objects.filter(committee=world.a).count() == 2


def test_the_database_refuses_a_term_that_ends_before_it_starts(world):
    with refused("seat_term_ends_after_start"):
        seat(world, member=world.a_member, term_end=date(2020, 1, 1)).save()


@pytest.mark.parametrize(
    "membership",
    [
        pytest.param({}, id="none"),
        pytest.param({"branch": "a_branch", "outside_organisation": "市第一医院党委"}, id="both"),
    ],
)
def test_the_database_refuses_a_member_without_exactly_one_membership(world, membership):
    fields = {k: getattr(world, v) if k == "branch" else v for k, v in membership.items()}

    with refused("member_one_membership"):
        Member.objects.create(committee=world.a, name="张三", category=Category.RESIDENT,
                              **fields)

    assert not Member.objects.filter(name="张三").exists()


def test_the_database_accepts_a_membership_held_outside_the_district(world):
    Member.objects.create(committee=world.a, name="张三", category=Category.IN_SERVICE,
                          outside_organisation="市第一医院党委")

    assert Member.objects.filter(name="张三", branch=None).exists()


def test_the_database_refuses_a_unit_link_on_a_branch_of_another_kind(world):
    with refused("branch_unit_only_for_unit_kind"):
        Branch.objects.filter(pk=world.a_retirees.pk).update(unit=world.unit)


def test_the_database_refuses_a_venue_without_area(world):
    with refused("venue_area_positive"):
        Venue.objects.create(committee=world.a, name="空地", area=Decimal("0"))
