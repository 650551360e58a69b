"""Whom a community reaches (全覆盖, 不落下一名党员), read from each member's own row.

A member lives in ``Member.committee``. They are *reached* there when their membership is in
one of the branches that committee works with (``Branch.objects.of_committee``: its residents'
and retired cadres' branches, and the units' organisations that are its member organisations
today), or when they have checked in (报到, confirmed) there. The rules are written against the
member's row (``OuterRef("committee")``), so one expression serves a committee's roster and the
district's counts of every committee at once; each part is an ``Exists``, so negating it is
safe for members with no branch.
"""

from django.db.models import Exists, OuterRef

from branches.models import OWN_KINDS, Branch, CommitteeMembership

from .models import Category, CheckIn, CheckInStatus

GAP_NOT_REACHED = "not_reached"
GAP_IN_SERVICE = "in_service"


def in_branches_where_they_live():
    """Membership in one of the branches of the committee where the member lives
    (``Branch.objects.of_committee`` of that committee, from the member's side)."""
    own = Branch.objects.filter(
        pk=OuterRef("branch"), committee=OuterRef("committee"),
        kind__in=OWN_KINDS, parent__isnull=True,
    )
    member_organisation = CommitteeMembership.objects.filter(
        CommitteeMembership.current_q(), committee=OuterRef("committee"),
        branch=OuterRef("branch"),
    )
    return Exists(own) | Exists(member_organisation)


def checked_in_where_they_live():
    """A confirmed check-in (报到) at the committee where the member lives."""
    return Exists(CheckIn.objects.filter(
        member=OuterRef("pk"), committee=OuterRef("committee"), status=CheckInStatus.CONFIRMED,
    ))


def reached():
    return in_branches_where_they_live() | checked_in_where_they_live()


def in_service_to_check_in(members):
    """In-service members whose membership is not in their community's branches: the ones who
    should check in there (a member of its branches cannot, and is reached already)."""
    return members.filter(category=Category.IN_SERVICE).exclude(in_branches_where_they_live())


def gap(members, name):
    """``members`` (living in one committee, or several) left in a coverage gap: ``not_reached``
    (neither in their community's branches nor checked in there) or ``in_service`` (in-service,
    not checked in where they live)."""
    if name == GAP_NOT_REACHED:
        return members.exclude(reached())
    if name == GAP_IN_SERVICE:
        return in_service_to_check_in(members).exclude(checked_in_where_they_live())
    raise ValueError(name)
