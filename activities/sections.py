"""The cards activities add to lower apps' pages (``core.sections``)."""

from core import sections
from core.dates import year_context, year_or_current
from core.scope import can_write, counts_attendance_of

from .attendance import member_activity_summary
from .evaluation import community_targets
from .funding import funding_panel
from .ledger import committee_partners, unit_ledger
from .models import Activity

RECENT_ATTENDANCES = 10  # on a member's page; the rest on "My activities"


@sections.register("member-detail", template="activities/_member_activities.html")
def member_activities_card(request, member, page):
    """Activities and hours the viewer may read (the committee's side of each activity, the
    district, the member themselves), the last few listed, all counted. A branch secretary
    counts no one's attendance: no card, rather than a misleading zero."""
    if not counts_attendance_of(request.user, member):
        return None
    return {"activities": member_activity_summary(
        member, user=request.user, limit=RECENT_ATTENDANCES)}


@sections.register("member-me", template="activities/_member_activities.html")
def my_activities_card(request, member, page):
    return {
        "activities": member_activity_summary(member, limit=RECENT_ATTENDANCES),
        "mine": True,
    }


@sections.register("unit-detail", template="activities/_unit_ledger.html")
def unit_ledger_card(request, unit, page):
    """The unit's ledger (成果联享) for ``?year=``: what the user may see of it (core.scope), so
    every agreement listed can be opened."""
    year = year_or_current(request.GET.get("year"))
    return {"ledger": unit_ledger(unit, year, user=request.user), **year_context(year)}


@sections.register("agreement-list", template="activities/_partners_card.html")
def committee_partners_card(request, committee, page):
    """The committee's co-building units ranked by what they gave."""
    return {"partners": list(committee_partners(committee))}


@sections.register("project-detail", template="activities/_project_activities.html")
def project_activities_card(request, project, page):
    """The project's activities the user may read and its funding lines (the committee's
    side's)."""
    return {
        "activities": Activity.objects.for_user(request.user).filter(project=project)
        .order_by("starts_at", "pk"),
        "funding": funding_panel(request.user, project=project),
    }


@sections.register("member-me", template="activities/_community_rating_card.html")
def my_community_rating_card(request, member, page):
    """The communities the member may rate (双向评价), when there are any."""
    targets = community_targets(member)
    if not targets:
        return None
    return {"targets": targets, "to_rate": [t for t in targets if not t.rated]}


@sections.register("unit-detail", template="activities/_unit_feedback_card.html",
                   order=40)
def unit_feedback_card(request, unit, page):
    """For the unit's liaisons (and the district): the feedback sheets of its people. The
    unit's page asked ``can_write`` already (no query)."""
    return {} if can_write(request.user, unit) else None
