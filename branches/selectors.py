"""Reads about branches that a page asks before it links somewhere."""

from committees.selectors import opens_committee

from .models import BranchKind


def opens_keeping_committee(user, branch) -> bool:
    """Whether ``user`` may open the committee that keeps ``branch``'s record (a page's
    breadcrumb asks before linking to it). Whoever reads a committee's own branch reads the
    committee (``core.scope``): no query. A unit's party organisation (and its groups) is read
    also with every committee it is a member organisation of, which need not be its keeper."""
    if branch.kind != BranchKind.UNIT:
        return True
    return opens_committee(user, branch.committee_id)
