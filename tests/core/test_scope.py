"""The scope rule, model by model and persona by persona (core/scope.py).

Each test compares what ``for_user`` returns, model by model, with the rows a plain filter
says the persona should reach: the rule and its expectation are written two different ways,
and a failure shows which model differs.
"""

from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from branches.models import Branch, BranchKind, CommitteeMembership
from committees.models import Committee, District, Seat, Venue
from core.scope import (
    can_write,
    get_for_user,
    reads_committee,
    reads_committee_compliance,
    reads_committee_matters,
    reads_every_member,
    role_holders,
    scope_of,
    writes_committee,
    writes_district,
)
from members.models import Member
from tests.factories import (
    BranchFactory,
    CommitteeFactory,
    DistrictFactory,
    MemberFactory,
    SeatFactory,
    UnitFactory,
    UserFactory,
    VenueFactory,
    grant,
)
from units.models import Unit

STRUCTURE = [Committee, Branch, Seat, Venue]  # what reading a committee opens
SCOPED = [District, *STRUCTURE, Member, Unit]


def reach(user, models=SCOPED, *, write=False):
    """{model name: the pks ``for_user`` lets the user read (or, with ``write``, change)}."""
    return {
        m.__name__: set(m.objects.for_user(user, write=write).values_list("pk", flat=True))
        for m in models
    }


def expect(models=SCOPED, **sets):
    """{model name: pks}, empty for every model not given."""
    return {m.__name__: set(sets.get(m.__name__, ())) for m in models}


def rows(model, **lookup):
    return set(model.objects.filter(**lookup).values_list("pk", flat=True))


def of_committees(*committees, models=STRUCTURE):
    """{model name: the rows belonging to these committees}."""
    return {
        m.__name__: {c.pk for c in committees} if m is Committee
        else rows(m, committee__in=committees)
        for m in models
    }


def of_district(district):
    return {
        "District": {district.pk},
        "Committee": rows(Committee, district=district),
        "Branch": rows(Branch, committee__district=district),
        "Seat": rows(Seat, committee__district=district),
        "Venue": rows(Venue, committee__district=district),
        "Member": rows(Member, committee__district=district),
        "Unit": rows(Unit, district=district),
    }


@pytest.fixture
def more(world):
    """The world plus district E (with a full committee), another member and unit, a liaison."""
    e = DistrictFactory(name="永济市")
    e_committee = CommitteeFactory(district=e, name="永济社区")
    SeatFactory(committee=e_committee)  # brings a branch and a member of E
    VenueFactory(committee=e_committee)
    UnitFactory(district=e, name="永济单位")
    a_other = MemberFactory(committee=world.a, branch=world.a_retirees, name="周国庆")
    school = UnitFactory(district=world.district, name="盐湖区第二中学")
    org = BranchFactory(
        committee=world.a, kind=BranchKind.UNIT, unit=world.unit, name="运城市第一医院党委"
    )
    CommitteeMembership.objects.create(committee=world.a, branch=org, joined_on=date(2020, 1, 1))
    liaison = UserFactory(username="liaison")
    grant(liaison, "unit_liaison", world.unit)
    return SimpleNamespace(
        e=e, e_committee=e_committee, a_other=a_other, school=school, liaison=liaison
    )


# --- nobody and everybody --------------------------------------------------------------------

def test_an_anonymous_visitor_reaches_nothing(world, more):
    assert reach(AnonymousUser()) == expect()
    assert reach(None) == expect()


def test_a_deactivated_officer_reaches_nothing(world):
    world.officer.is_active = False

    assert reach(world.officer) == expect()


def test_a_superuser_reads_and_writes_everything(world, more):
    admin = UserFactory(username="admin", is_superuser=True)
    everything = {m.__name__: rows(m) for m in SCOPED}

    assert reach(admin) == everything
    assert reach(admin, write=True) == everything
    assert len(everything["District"]) == 2


# --- the district officer --------------------------------------------------------------------

def test_the_district_officer_reads_and_writes_all_of_their_district_and_nothing_else(
    world, more
):
    d = of_district(world.district)

    assert all(d.values())  # the world has rows of every model in D
    assert reach(world.officer) == d
    assert reach(world.officer, write=True) == d


def test_a_district_officer_reaches_nothing_of_another_district(world, more):
    e = of_district(more.e)

    assert all(e.values())
    assert all(reach(world.officer)[name].isdisjoint(pks) for name, pks in e.items())


# --- committee secretaries -------------------------------------------------------------------

def test_a_committee_secretary_reads_and_writes_their_committee_only(world, more):
    models = [*STRUCTURE, Member]
    a = of_committees(world.a, models=models)

    assert reach(world.secretary_a, models) == a
    assert reach(world.secretary_a, models, write=True) == a


def test_the_secretary_of_b_sees_nothing_of_a(world, more):
    models = [*STRUCTURE, Member]
    seen = reach(world.secretary_b, models)

    assert seen == of_committees(world.b, models=models)
    assert all(seen[n].isdisjoint(pks) for n, pks in of_committees(world.a, models=models).items())


def test_committee_secretaries_read_the_district_s_units_but_change_none(world, more):
    units = rows(Unit, district=world.district)

    assert reach(world.secretary_a, [District, Unit]) == expect([District, Unit], Unit=units)
    assert reach(world.secretary_a, [District, Unit], write=True) == expect([District, Unit])


# --- the branch secretary --------------------------------------------------------------------

def test_the_branch_secretary_writes_only_their_branch_its_groups_and_their_members(world, more):
    in_branch = MemberFactory(committee=world.a, branch=world.a_branch, name="李卫红")

    assert reach(world.branch_secretary, write=True) == expect(
        Branch={world.a_branch.pk, world.a_group.pk},
        Member={world.a_member.pk, in_branch.pk},  # in the group, in the branch
    )


def test_the_branch_secretary_reads_the_structure_but_only_their_branch_s_members(world, more):
    in_branch = MemberFactory(committee=world.a, branch=world.a_branch, name="李卫红")
    seen = reach(world.branch_secretary)

    assert {n: seen[n] for n in ("Committee", "Branch", "Seat", "Venue")} == of_committees(world.a)
    assert seen["Member"] == {world.a_member.pk, in_branch.pk}
    assert more.a_other.pk not in seen["Member"]  # a member of A's retirees' branch
    assert seen["District"] == set()


# --- the member ------------------------------------------------------------------------------

def test_a_member_reads_their_committee_s_structure_and_their_own_record(world, more):
    seen = reach(world.member_user)

    assert {n: seen[n] for n in ("Committee", "Branch", "Seat", "Venue")} == of_committees(world.a)
    assert seen["Member"] == {world.a_member.pk}  # not a fellow member's
    assert seen["District"] == set()


def test_a_member_writes_nothing(world, more):
    assert reach(world.member_user, write=True) == expect()


# --- the unit liaison ------------------------------------------------------------------------

def test_a_unit_liaison_changes_their_unit_only(world, more):
    assert reach(more.liaison, write=True) == expect(Unit={world.unit.pk})


def test_a_unit_liaison_reads_the_committees_their_unit_s_organisation_is_a_member_of(
    world, more
):
    seen = reach(more.liaison)

    assert {n: seen[n] for n in ("Committee", "Branch", "Seat", "Venue")} == of_committees(world.a)
    assert seen["Unit"] == rows(Unit, district=world.district)
    assert seen["Member"] == set()
    assert seen["District"] == set()


def test_a_liaison_of_an_unlinked_unit_reaches_only_that_unit(world, more):
    loner = UserFactory(username="loner")
    grant(loner, "unit_liaison", more.school)

    assert reach(loner) == expect(Unit={more.school.pk})
    assert reach(loner, write=True) == expect(Unit={more.school.pk})


# --- several roles ---------------------------------------------------------------------------

def test_a_user_with_two_roles_gets_the_union_of_both(world, more):
    both = UserFactory(username="both")
    grant(both, "committee_secretary", world.b)
    grant(both, "branch_secretary", world.a_retirees)
    b = of_committees(world.b, models=[*STRUCTURE, Member])

    seen, changed = reach(both), reach(both, write=True)

    assert seen["Committee"] == {world.a.pk, world.b.pk}
    assert seen["Branch"] == b["Branch"] | rows(Branch, committee=world.a)
    assert seen["Member"] == b["Member"] | {more.a_other.pk}
    assert changed["Committee"] == {world.b.pk}
    assert changed["Branch"] == b["Branch"] | {world.a_retirees.pk}
    assert changed["Venue"] == b["Venue"]


def test_a_secretary_who_is_also_a_member_elsewhere_reads_both_committees(world, more):
    MemberFactory(committee=world.a, branch=world.a_retirees, user=world.secretary_b)

    seen = reach(world.secretary_b)

    assert seen["Committee"] == {world.a.pk, world.b.pk}
    assert reach(world.secretary_b, write=True)["Committee"] == {world.b.pk}
    assert seen["Member"].isdisjoint({world.a_member.pk, more.a_other.pk})


# --- get_for_user, can_write ---------------------------------------------------------------

def test_get_for_user_hides_what_is_out_of_scope(world, more):
    cases = [
        (world.secretary_b, world.a), (world.secretary_b, world.a_seat),
        (world.secretary_b, world.a_member), (world.branch_secretary, world.b_branch),
        (world.member_user, world.b), (world.member_user, more.a_other),
        (world.officer, more.e_committee), (AnonymousUser(), world.a),
    ]
    for user, obj in cases:
        for write in (False, True):
            with pytest.raises(Http404):
                get_for_user(user, type(obj), write=write, pk=obj.pk)


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("member_user", "a"),
        ("member_user", "a_branch"),
        ("member_user", "a_venue"),
        ("member_user", "a_member"),  # their own record
        ("branch_secretary", "a"),
        ("branch_secretary", "a_retirees"),
        ("branch_secretary", "a_seat"),
        ("secretary_a", "unit"),  # the district's units are read by all who work there
    ],
)
def test_get_for_user_refuses_writes_to_what_is_only_readable(world, persona, target):
    user, obj = getattr(world, persona), getattr(world, target)

    assert get_for_user(user, type(obj), pk=obj.pk) == obj
    with pytest.raises(PermissionDenied):
        get_for_user(user, type(obj), write=True, pk=obj.pk)


def test_get_for_user_hands_over_what_may_be_changed(world, more):
    admin = UserFactory(username="admin", is_superuser=True)

    assert get_for_user(world.branch_secretary, Branch, write=True, pk=world.a_group.pk) == (
        world.a_group
    )
    assert get_for_user(world.secretary_a, Seat, write=True, pk=world.a_seat.pk) == world.a_seat
    assert get_for_user(more.liaison, Unit, write=True, pk=world.unit.pk) == world.unit
    assert get_for_user(admin, Committee, write=True, pk=more.e_committee.pk) == more.e_committee


def test_can_write_agrees_with_the_rule(world, more):
    assert can_write(world.branch_secretary, world.a_branch)
    assert can_write(world.branch_secretary, world.a_group)
    assert not can_write(world.branch_secretary, world.a_retirees)
    assert not can_write(world.member_user, world.a_branch)
    assert can_write(world.secretary_a, world.a)
    assert not can_write(world.secretary_a, world.b)
    assert not can_write(world.branch_secretary, world.a)


def test_reads_committee_agrees_with_the_rule_without_a_query(
    world, more, django_assert_num_queries
):
    admin = get_user_model().objects.create_superuser("root", password="x")  # noqa: S106
    users = [AnonymousUser(), admin, world.officer, world.secretary_a, world.secretary_b,
             world.branch_secretary, world.member_user, more.liaison]
    committees = list(Committee.objects.all())
    for user in users:
        readable = set(Committee.objects.for_user(user).values_list("pk", flat=True))
        with django_assert_num_queries(0):
            answers = {c.pk for c in committees if reads_committee(user, c)}
        assert answers == readable, user


# --- who is the committee's side, both ways round --------------------------------------------

def test_role_holders_finds_the_users_scope_of_gives_a_reach(world, more):
    staff = UserFactory(username="staff_a")
    grant(staff, "committee_staff", world.a)
    gone = UserFactory(username="gone", is_active=False)
    grant(gone, "committee_secretary", world.a)
    by_committee = role_holders("committee", [world.a.pk, world.b.pk, more.e_committee.pk])
    assert dict(by_committee) == {
        world.a.pk: {world.secretary_a.pk, staff.pk}, world.b.pk: {world.secretary_b.pk},
    }
    assert dict(role_holders("district", [world.district.pk])) == {
        world.district.pk: {world.officer.pk}
    }
    assert dict(role_holders("branch", [world.a_branch.pk, world.a_group.pk])) == {
        world.a_branch.pk: {world.branch_secretary.pk}
    }
    assert dict(role_holders("unit", [world.unit.pk])) == {world.unit.pk: {more.liaison.pk}}
    for committee, users in by_committee.items():  # the same rule read both ways
        assert all(committee in scope_of(u).committee_ids
                   for u in get_user_model().objects.filter(pk__in=users))


@pytest.mark.parametrize("persona, reads_a", [
    ("officer", True), ("secretary_a", True), ("branch_secretary", True), ("group", True),
    ("secretary_b", False), ("member_user", False), ("liaison", False),
])
def test_the_committees_side_and_its_branch_secretaries_read_its_matters_and_compliance(
    world, more, persona, reads_a
):
    if persona == "group":
        user = UserFactory(username="group_secretary")
        grant(user, "branch_secretary", world.a_group)
    elif persona == "liaison":
        user = more.liaison
    else:
        user = getattr(world, persona)
    assert reads_committee_compliance(user, world.a) is reads_a
    assert reads_committee_matters(user, world.a) is reads_a
    # the same answer as "changes the committee or keeps one of its branches"
    keeps = can_write(user, world.a) or Branch.objects.for_user(user, write=True).filter(
        committee=world.a).exists()
    assert keeps is reads_a


@pytest.mark.parametrize("persona", ["officer", "secretary_a", "secretary_b", "branch_secretary",
                                     "member"])
def test_may_write_a_committee_or_district_reads_the_same_from_the_scope(world, more, persona):
    user = world.member_user if persona == "member" else getattr(world, persona)
    for committee in Committee.objects.all():
        assert writes_committee(user, committee) == can_write(user, committee), committee
    for district in District.objects.all():
        assert writes_district(user, district.pk) == can_write(user, district), district


# --- what other modules take from reading a committee -----------------------------------------

def test_whoever_reads_a_committee_reads_every_branch_its_roster_filter_offers(world, more):
    """``members.selectors.committee_branches`` applies no rule of its own (the roster has read
    the committee): for every role, what it offers is inside what ``for_user`` lets them
    read."""
    from members.selectors import committee_branches

    b_org = BranchFactory(
        committee=world.b, kind=BranchKind.UNIT, unit=more.school, name="盐湖区第二中学党支部"
    )
    CommitteeMembership.objects.create(committee=world.a, branch=b_org, joined_on=date(2021, 1, 1))
    BranchFactory(committee=world.b, kind=BranchKind.UNIT, unit=more.school, parent=b_org,
                  name="第二中学第一党小组")
    people = [world.officer, world.secretary_a, world.secretary_b, world.branch_secretary,
              world.member_user, more.liaison]
    checked = 0
    for user in people:
        readable = set(Branch.objects.for_user(user).values_list("pk", flat=True))
        for committee in Committee.objects.for_user(user):
            offered = set(committee_branches(committee).values_list("pk", flat=True))
            assert offered <= readable, (user.username, committee.name, offered - readable)
            checked += 1
    assert checked >= len(people)
    # the offer is the committee's own branches, its member organisations and their groups
    assert {b.name for b in committee_branches(world.a)} == {
        "学苑社区居民党支部", "学苑居民第一党小组", "学苑社区离退休干部党支部",
        "运城市第一医院党委", "盐湖区第二中学党支部", "第二中学第一党小组",
    }


def test_who_reads_every_member_of_a_committee_is_who_the_member_rule_lets_read_them_all(
    world, more
):
    """``reads_every_member`` lets the roster leave the rule out of its query: it must be true
    exactly for those whom ``for_user`` lets read every member the committee keeps."""
    MemberFactory(committee=world.a, branch=None, outside_organisation="运城市第一医院党委")
    MemberFactory(committee=world.b, branch=world.b_branch)
    people = [world.officer, world.secretary_a, world.secretary_b, world.branch_secretary,
              world.member_user, more.liaison, UserFactory(username="admin", is_superuser=True)]
    answers = {}
    for user in people:
        readable = set(Member.objects.for_user(user).values_list("pk", flat=True))
        for committee in Committee.objects.all():
            kept = rows(Member, committee=committee)
            answer = reads_every_member(user, committee)
            assert answer == (kept <= readable), (user.username, committee.name)
            answers[user.username, committee.name] = answer
    assert answers["officer", "学苑社区"] and answers["secretary_a", "学苑社区"]
    assert not answers["secretary_a", "御沁园社区"]
    assert not answers["officer", "永济社区"]
    assert not answers["branch_secretary", "学苑社区"]
    assert not answers["member", "学苑社区"] and not answers["liaison", "学苑社区"]


def test_a_unit_organisation_s_secretary_reads_the_committees_it_is_a_member_of_today(world):
    """The scope's one statement brings each membership's end date (through a UNION, where
    SQLite gives dates as text): a committee left is no longer read."""
    org = BranchFactory(committee=world.a, kind=BranchKind.UNIT, unit=world.unit,
                        name="运城市第一医院党委")
    CommitteeMembership.objects.create(committee=world.a, branch=org, joined_on=date(2020, 1, 1))
    CommitteeMembership.objects.create(committee=world.b, branch=org, joined_on=date(2020, 1, 1),
                                       left_on=date(2021, 1, 1))
    secretary = UserFactory(username="org_secretary")
    grant(secretary, "branch_secretary", org)

    scope = scope_of(secretary)

    assert scope.branch_ids == {org.pk}
    assert scope.read_committee_ids == {world.a.pk}
    assert reads_committee(secretary, world.a) and not reads_committee(secretary, world.b)
