"""Coverage (全覆盖: 不漏掉一个党组织、不落下一名党员): per committee and for the district, the
resident units whose party organisation is not a member organisation of the 大党委, the units
with party members but no organisation, the members living there whom it does not reach, and
the in-service residents not checked in. Definitions: docs/decisions.md, "Coverage".

Every figure is a correlated ``COUNT`` (``core.db.count_of``): the district's table is one
query whatever the number of committees, a committee's figures one query with the committee.
"""

from dataclasses import dataclass

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q

from branches.models import Branch, CommitteeMembership
from committees.models import Seat, Venue
from core.db import count_of
from members import coverage as reach
from members.models import Member
from units.models import Agreement, Resource, Unit

LIST_OUTSIDE = "outside"  # units whose organisation is not a member organisation here
LIST_NO_ORGANISATION = "no-organisation"  # units with party members and no organisation
LISTS = (LIST_OUTSIDE, LIST_NO_ORGANISATION)


def _rate(covered: int, total: int) -> int | None:
    """Percentage covered, rounded; None when there is nothing to cover."""
    return round(100 * covered / total) if total else None


# --- units -----------------------------------------------------------------------------------

def _has_organisation():
    """The unit has a party organisation: a branch in the portal, or one outside the district
    (its name typed on the unit)."""
    return Exists(Branch.objects.filter(unit=OuterRef("pk"), parent__isnull=True)) | ~Q(
        party_organisation_name=""
    )


def _has_party_members():
    """Party members reported by the unit, or members on a roster employed there."""
    return Q(party_member_count__gt=0) | Exists(Member.objects.filter(employer_unit=OuterRef("pk")))


def _member_organisation_of(committee):
    """The unit's organisation is a member organisation of ``committee`` today."""
    return Exists(CommitteeMembership.objects.filter(
        CommitteeMembership.current_q(), committee=committee, branch__unit=OuterRef("pk"),
    ))


def area_units(committee):
    """Resident units in a committee's area: linked to it by an agreement (any status), a seat,
    a venue, a resource offered, or a membership of their organisation (current or past).
    ``committee`` is a committee, or an expression naming one from a subquery."""
    def linked(model, field="unit_id"):
        return Q(pk__in=model.objects.filter(committee=committee).exclude(
            **{field: None}).values(field))
    return Unit.objects.filter(
        linked(Agreement) | linked(Seat) | linked(Venue) | linked(Resource)
        | linked(CommitteeMembership, "branch__unit_id")
    )


def units_outside(committee):
    """Units of the area with a party organisation that is not (or no longer) a member
    organisation of the committee's 大党委."""
    return area_units(committee).filter(_has_organisation()).exclude(
        _member_organisation_of(committee)
    )


def units_without_organisation(units):
    """``units`` with party members and no party organisation, with ``employed_members`` (members on
    a roster employed there)."""
    return units.filter(_has_party_members()).exclude(_has_organisation()).annotate(
        employed_members=count_of(Member.objects.filter(employer_unit=OuterRef("pk")))
    )


def unit_list(committee, name):
    """The units behind one of a committee's unit figures, by name."""
    if name == LIST_NO_ORGANISATION:
        units = units_without_organisation(area_units(committee))
    else:
        units = units_outside(committee).annotate(
            organisation=count_of(Branch.objects.filter(unit=OuterRef("pk"),
                                                        parent__isnull=True)),
        )
    return units.order_by("name", "pk")


# --- per committee ---------------------------------------------------------------------------

@dataclass
class Coverage:
    units: int  # units of the area with a party organisation
    units_in: int  # ... which is a member organisation of the 大党委 today
    units_without_organisation: int
    residents: int  # members living there
    reached: int  # ... in its branches or checked in there
    in_service: int  # in-service residents whose membership is elsewhere
    in_service_checked_in: int

    @property
    def units_outside(self):
        return self.units - self.units_in

    @property
    def not_reached(self):
        return self.residents - self.reached

    @property
    def in_service_not_checked_in(self):
        return self.in_service - self.in_service_checked_in

    @property
    def units_rate(self):
        return _rate(self.units_in, self.units)

    @property
    def reached_rate(self):
        return _rate(self.reached, self.residents)

    @property
    def in_service_rate(self):
        return _rate(self.in_service_checked_in, self.in_service)


FIELDS = [f for f in Coverage.__dataclass_fields__]


def with_coverage(committees):
    """Annotate committees with the figures of their coverage (``Coverage``'s fields, as
    ``cov_<field>``); ``coverage_of(committee)`` reads them. No query of its own."""
    here = OuterRef(OuterRef("pk"))  # the committee, seen from a unit's subquery
    area = area_units(here).filter(_has_organisation())
    residents = Member.objects.filter(committee=OuterRef("pk"))
    in_service = reach.in_service_to_check_in(residents)
    return committees.annotate(
        cov_units=count_of(area),
        cov_units_in=count_of(area.filter(_member_organisation_of(here))),
        cov_units_without_organisation=count_of(
            area_units(here).filter(_has_party_members()).exclude(_has_organisation())
        ),
        cov_residents=count_of(residents),
        cov_reached=count_of(residents.filter(reach.reached())),
        cov_in_service=count_of(in_service),
        cov_in_service_checked_in=count_of(in_service.filter(reach.checked_in_where_they_live())),
    )


def coverage_of(committee) -> Coverage:
    return Coverage(**{f: getattr(committee, f"cov_{f}") for f in FIELDS})


def district_coverage(committees, district) -> dict:
    """The district's table: ``rows`` (each committee with its ``coverage``) and ``totals``.
    Members live in one committee each, so theirs add up; a unit may be in several areas, so
    the district's unit figures count each unit once, over all its units: one query."""
    rows = list(with_coverage(committees))
    for committee in rows:
        committee.coverage = coverage_of(committee)
    def flag(condition):
        return ExpressionWrapper(condition, output_field=BooleanField())

    units = Unit.objects.filter(district=district).alias(
        organised=flag(_has_organisation()),
        member_somewhere=Exists(CommitteeMembership.objects.filter(
            CommitteeMembership.current_q(), branch__unit=OuterRef("pk"),
        )),
        with_members=flag(_has_party_members()),
    ).aggregate(
        units=Count("pk", filter=Q(organised=True)),
        units_in=Count("pk", filter=Q(organised=True, member_somewhere=True)),
        units_without_organisation=Count("pk", filter=Q(organised=False, with_members=True)),
    )
    totals = Coverage(
        **units,
        **{f: sum(getattr(c.coverage, f) for c in rows)
           for f in ("residents", "reached", "in_service", "in_service_checked_in")},
    )
    return {"rows": rows, "totals": totals}
