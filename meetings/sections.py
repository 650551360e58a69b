"""The cards meetings add to lower apps' pages (``core.sections``)."""

from core import sections

from .services import branch_meetings


@sections.register("branch-detail", template="meetings/_meeting_branch_card.html")
def branch_meetings_card(request, branch, page):
    """The branch's and its party groups' meetings; a branch secretary (or the committee's
    side) plans them and opens its compliance calendar (``branch_compliance``: the same
    rule)."""
    return {
        "meetings": branch_meetings(request.user, branch),
        "can_add_meeting": page["can_edit"],
    }
