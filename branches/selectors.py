"""Reads about branches: what a page asks before it links somewhere, and which units'
organisations may join a committee."""

from committees.selectors import opens_committee

from .models import Branch, BranchKind, CommitteeMembership


def opens_keeping_committee(user, branch) -> bool:
    """Whether ``user`` may open the committee that keeps ``branch``'s record (a page's
    breadcrumb asks before linking to it). Whoever reads a committee's own branch reads the
    committee (``core.scope``): no query. A unit's party organisation (and its groups) is read
    also with every committee it is a member organisation of, which need not be its keeper."""
    if branch.kind != BranchKind.UNIT:
        return True
    return opens_committee(user, branch.committee_id)


def joinable_organisations(committee):
    """The district's units' party organisations (top-level, registered once for the
    district) that are not member organisations of ``committee`` today."""
    current = CommitteeMembership.objects.filter(
        CommitteeMembership.current_q(), committee=committee
    ).values("branch_id")
    return Branch.objects.filter(
        kind=BranchKind.UNIT, parent__isnull=True, committee__district_id=committee.district_id
    ).exclude(pk__in=current)
