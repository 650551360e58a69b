"""Bulk data for the pages' query-count tests: many committees, each with the full shape."""

from datetime import date
from decimal import Decimal

from branches.models import Branch, BranchKind, CommitteeMembership
from committees.models import Committee, Seat, SeatRole, Venue
from members.models import Category, Member


def fill_committee(committee, *, unit, groups=2, members=4, venue_area=Decimal("150")):
    """Give ``committee`` one branch of each kind, party groups, members, seats and venues.

    Members are spread over the groups; one holds membership outside the district. Every
    member holds a seat, and a person from ``unit`` holds a part-time seat.
    """
    top = Branch.objects.bulk_create([
        Branch(committee=committee, kind=kind, name=f"{committee.name}·{kind}")
        for kind in (BranchKind.RESIDENTS, BranchKind.RETIREES)
    ])
    # The unit's party organisation exists once; each committee has it as a member.
    unit_org = Branch.objects.filter(unit=unit, parent__isnull=True).first() or (
        Branch.objects.create(committee=committee, kind=BranchKind.UNIT, unit=unit,
                              name=f"{unit.name}党支部")
    )
    CommitteeMembership.objects.create(committee=committee, branch=unit_org,
                                       joined_on=date(2020, 1, 1))
    residents = top[0]
    group_rows = Branch.objects.bulk_create([
        Branch(committee=committee, kind=residents.kind, parent=residents,
               name=f"{committee.name}第{i + 1}党小组")
        for i in range(groups)
    ])
    roster = Member.objects.bulk_create([
        Member(committee=committee, name=f"{committee.name}党员{i + 1}",
               category=Category.RESIDENT, branch=residents, party_group=group_rows[i % groups])
        for i in range(members - 1)
    ] + [
        Member(committee=committee, name=f"{committee.name}在职党员",
               category=Category.IN_SERVICE, outside_organisation="市第一医院党委"),
    ])
    for branch, leader in zip(top + group_rows, roster, strict=False):
        branch.secretary = leader
    Branch.objects.bulk_update(top + group_rows, ["secretary"])
    Seat.objects.bulk_create([
        Seat(committee=committee, role=SeatRole.MEMBER, member=m, term_start=date(2021, 5, 1))
        for m in roster
    ] + [
        Seat(committee=committee, role=SeatRole.PART_TIME, holder_name="王建国", unit=unit,
             title="党委书记", term_start=date(2021, 5, 1)),
    ])
    Venue.objects.bulk_create([
        Venue(committee=committee, name=f"{committee.name}党员活动室", area=venue_area),
        Venue(committee=committee, name=f"{committee.name}共建活动中心", area=venue_area,
              unit=unit),
    ])
    return committee


def add_committees(district, n, *, unit, **fill):
    committees = Committee.objects.bulk_create([
        Committee(district=district, name=f"测试社区{i:02d}", street="东城街道")
        for i in range(n)
    ])
    for committee in committees:
        fill_committee(committee, unit=unit, **fill)
    return committees
