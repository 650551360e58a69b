"""Reads that gather several apps: the district's figures and a committee's structure, members
and cards from co-building and meetings."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from branches.models import OWN_KINDS, Branch, BranchKind, CommitteeMembership
from committees.models import Committee, Seat, SeatRole, Venue
from committees.selectors import LARGE_VENUE_AREA, SEAT_ORDER
from core.db import count_of
from members.models import CheckIn, CheckInStatus, InServiceGroup, Member
from units.models import Unit


def _count(queryset):
    """``queryset``'s rows of each committee (``core.db.count_of``)."""
    return count_of(queryset.filter(committee=OuterRef("pk")))


def with_counts(committees):
    """Annotate committees with their structure counts (constant number of queries)."""
    top = Branch.objects.filter(parent__isnull=True)
    area = Coalesce(
        Subquery(
            Venue.objects.filter(committee=OuterRef("pk"))
            .order_by()
            .values("committee")
            .annotate(total=Sum("area"))
            .values("total"),
            output_field=DecimalField(max_digits=10, decimal_places=1),
        ),
        Decimal(0),
        output_field=DecimalField(max_digits=10, decimal_places=1),
    )
    return committees.annotate(
        n_residents=_count(top.filter(kind=BranchKind.RESIDENTS)),
        n_retirees=_count(top.filter(kind=BranchKind.RETIREES)),
        # A unit's party organisation is counted where it is a member organisation today.
        n_unit_orgs=_count(CommitteeMembership.objects.filter(CommitteeMembership.current_q())),
        n_in_service=_count(InServiceGroup.objects.all()),
        n_checked_in=_count(CheckIn.objects.filter(status=CheckInStatus.CONFIRMED)),
        n_groups=_count(Branch.objects.filter(parent__isnull=False)),
        n_seats=_count(Seat.objects.all()),
        n_part_time=_count(Seat.objects.filter(role=SeatRole.PART_TIME)),
        n_venues=_count(Venue.objects.all()),
        venue_area=area,
        n_members=_count(Member.objects.all()),
    )


@dataclass
class DistrictTotals:
    committees: int
    branches: int  # 党支部 only: each unit's party organisation once; no party or in-service group
    groups: int
    in_service_groups: int
    seats: int
    part_time_seats: int
    venues: int
    venue_area: Decimal
    large_venue_committees: int

    @property
    def large_venue_share(self) -> int:
        """Percentage of committees with 500 m² or more of venues."""
        if not self.committees:
            return 0
        return round(100 * self.large_venue_committees / self.committees)


def district_totals(district) -> DistrictTotals:
    """The district's structure: committees, branches, groups, seats and venues (small
    tables; its members and check-ins are the dashboard's kept figures)."""
    committees = Committee.objects.filter(district=district)
    branches = Branch.objects.filter(committee__district=district).aggregate(
        top=Count("pk", filter=Q(parent__isnull=True)),
        groups=Count("pk", filter=Q(parent__isnull=False)),
    )
    seats = Seat.objects.filter(committee__district=district).aggregate(
        all=Count("pk"), part_time=Count("pk", filter=Q(role=SeatRole.PART_TIME))
    )
    venues = Venue.objects.filter(committee__district=district).aggregate(
        n=Count("pk"), area=Sum("area")
    )
    per_committee_area = (
        Venue.objects.filter(committee__district=district)
        .values("committee")
        .annotate(total=Sum("area"))
        .filter(total__gte=LARGE_VENUE_AREA)
    )
    return DistrictTotals(
        committees=committees.count(),
        branches=branches["top"],
        groups=branches["groups"],
        in_service_groups=InServiceGroup.objects.filter(committee__district=district).count(),
        seats=seats["all"],
        part_time_seats=seats["part_time"],
        venues=venues["n"],
        venue_area=venues["area"] or Decimal(0),
        large_venue_committees=per_committee_area.count(),
    )


@dataclass
class KindNode:
    kind: str
    label: str
    branches: list = field(default_factory=list)


def committee_structure(committee) -> list[KindNode]:
    """The committee's branches by kind, each with its party groups: its residents' and retired
    cadres' branches, and the units' party organisations that are its member organisations
    today (kept by whichever committee registered them). Each branch carries ``member_count``
    (membership), ``child_groups`` (each with its ``member_count``) and, for a unit's
    organisation, ``member_since``. Two queries."""
    memberships = CommitteeMembership.objects.filter(
        CommitteeMembership.current_q(), committee=committee
    )
    since = Subquery(
        memberships.filter(branch_id=OuterRef("pk")).order_by("joined_on").values("joined_on")[:1]
    )
    works_with = Branch.objects.of_committee(committee).values("pk")
    branches = list(
        Branch.objects.filter(Q(pk__in=works_with) | Q(parent_id__in=works_with))
        .select_related("secretary", "unit")
        .annotate(
            member_count=count_of(Member.objects.filter(branch_id=OuterRef("pk"))),
            group_count=count_of(Member.objects.filter(party_group_id=OuterRef("pk"))),
            member_since=since,
        )
        .order_by("name")
    )
    by_parent: dict[int, list] = {}
    for branch in branches:
        branch.child_groups = []
        if branch.parent_id:
            branch.member_count = branch.group_count
            by_parent.setdefault(branch.parent_id, []).append(branch)
    nodes = {kind: KindNode(kind=kind, label=label) for kind, label in BranchKind.choices}
    for branch in branches:
        if branch.parent_id is None:
            branch.child_groups = by_parent.get(branch.pk, [])
            nodes[branch.kind].branches.append(branch)
    return list(nodes.values())


def member_counts_of_committee() -> dict:
    """The committee page's member figures as correlated subqueries of a committee's row
    (``OuterRef("pk")``), read with the committee in the same query: members managed here
    (where they live), members whose membership is held in its own branches, members of its
    member organisations, and in-service members checked in here (and of those, in no
    group): different counts (a person may be in more than one)."""
    orgs = CommitteeMembership.objects.filter(
        CommitteeMembership.current_q(), committee=OuterRef(OuterRef("pk"))
    ).values("branch_id")
    checked_in = CheckIn.objects.filter(committee=OuterRef("pk"), status=CheckInStatus.CONFIRMED)
    return {
        "n_managed": count_of(Member.objects.filter(committee=OuterRef("pk"))),
        "n_membership": count_of(Member.objects.filter(
            branch__committee=OuterRef("pk"), branch__kind__in=OWN_KINDS)),
        "n_in_member_organisations": count_of(Member.objects.filter(branch_id__in=orgs)),
        "n_checked_in": count_of(checked_in),
        "n_in_no_group": count_of(checked_in.filter(group__isnull=True)),
    }


def committee_member_figures(committee) -> dict:
    """The member figures of a committee read with ``member_counts_of_committee``."""
    return {
        "managed": committee.n_managed,
        "membership": committee.n_membership,
        "in_member_organisations": committee.n_in_member_organisations,
        "checked_in": committee.n_checked_in,
    }


# One row shape for a seat, a venue and an in-service group (``committee_lists``): what the
# committee's page shows of each, the holder, the leader and the unit by name.
_ROW = ("kind", "pk", "unit_id", "unit_name", "name", "text", "commitment", "role", "member_id",
        "member_name", "term_start", "term_end", "area", "n")


def committee_lists(committee) -> dict:
    """The committee page's lists in one query (a union, the units' and members' names joined
    in): its seats (``committees.selectors.committee_seats``' order), its venues by name and
    their total area, and its in-service groups by name, each with its confirmed members
    (``member_count``; the totals come with the committee: ``member_counts_of_committee``).
    The seats carry their ``member`` and ``unit`` with the name only, the venues their
    ``unit`` and ``keeper``, the groups their ``leader``."""
    def null(field):  # typed, for PostgreSQL's union of two untyped NULLs is text
        return Cast(Value(None), output_field=field)

    text, day, number = TextField(), DateField(), IntegerField()
    area = DecimalField(max_digits=8, decimal_places=1)
    seats = committee.seats.order_by().annotate(
        kind=Value("seat"), unit_name=F("unit__name"), name=F("holder_name"), text=F("title"),
        member_name=F("member__name"), area=null(area), n=null(number),
    ).values_list(*_ROW)
    venues = committee.venues.order_by().annotate(
        kind=Value("venue"), unit_name=F("unit__name"), text=F("address"),
        commitment=null(text), role=null(text), member_id=F("keeper_id"),
        member_name=F("keeper__name"),
        term_start=null(day), term_end=null(day), n=null(number),
    ).values_list(*_ROW)
    groups = InServiceGroup.objects.filter(committee=committee).order_by().annotate(
        kind=Value("group"), unit_id=null(number), unit_name=null(text), text=F("description"),
        commitment=null(text), role=null(text), member_id=F("leader_id"),
        member_name=F("leader__name"), term_start=null(day), term_end=null(day),
        area=null(area),
        n=count_of(CheckIn.objects.filter(group_id=OuterRef("pk"),
                                          status=CheckInStatus.CONFIRMED)),
    ).values_list(*_ROW)
    found = {"seat": [], "venue": [], "group": []}
    for row in seats.union(venues, groups, all=True):
        r = dict(zip(_ROW, row, strict=True))
        unit = Unit(pk=r["unit_id"], name=r["unit_name"]) if r["unit_id"] else None
        member = Member(pk=r["member_id"], name=r["member_name"]) if r["member_id"] else None
        if r["kind"] == "seat":
            item = Seat(pk=r["pk"], committee=committee, role=r["role"], holder_name=r["name"],
                        title=r["text"], commitment=r["commitment"], term_start=r["term_start"],
                        term_end=r["term_end"], unit=unit, member=member)
        elif r["kind"] == "venue":
            item = Venue(pk=r["pk"], committee=committee, name=r["name"], address=r["text"],
                         area=r["area"], unit=unit, keeper=member)
        else:
            item = InServiceGroup(pk=r["pk"], committee=committee, name=r["name"],
                                  description=r["text"], leader=member)
            item.member_count = r["n"]
        found[r["kind"]].append(item)
    venues = sorted(found["venue"], key=lambda v: (v.name, v.pk))
    return {
        "seats": sorted(found["seat"],
                        key=lambda s: (SEAT_ORDER.get(s.role, 9), s.term_start, s.pk)),
        "venues": venues,
        "venue_area": sum((v.area for v in venues), Decimal(0)),
        "in_service": {"groups": sorted(found["group"], key=lambda g: (g.name, g.pk)),
                       "checked_in": committee.n_checked_in,
                       "in_no_group": committee.n_in_no_group},
    }
