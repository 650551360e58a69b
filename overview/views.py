"""The pages that gather every app: a user's landing page, the district and a committee."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from activities.ledger import committee_partners
from activities.selectors import committee_cobuilding, district_activity_totals
from branches.models import Branch
from committees.models import Committee, District
from committees.selectors import LARGE_VENUE_AREA, committee_seats, committee_venues
from committees.terms import term_badge
from core.pages import paginate
from core.scope import can_write, get_for_user, scope_of
from meetings.selectors import committee_meetings_card
from members.models import SignUp
from notices.selectors import waiting_card
from units.agreements import expiring_agreements

from . import selectors
from .dashboard_views import dashboard_context


@login_required
def home(request):
    """Send each user to the place they work; list the places when there are several."""
    scope = scope_of(request.user)
    districts = list(District.objects.for_user(request.user))
    committees = list(Committee.objects.for_user(request.user).order_by("name")[:50])
    branches = list(
        Branch.objects.filter(pk__in=scope.branch_ids).select_related("committee")
    )
    places = (
        [d.get_absolute_url() for d in districts]
        + [c.get_absolute_url() for c in committees]
        + [b.get_absolute_url() for b in branches]
    )
    if scope.member_id and not (scope.district_ids or scope.committee_ids or scope.branch_ids
                                or scope.unit_ids):
        return redirect("members:me")  # a member's home is their own page
    if scope.unit_ids and not (scope.district_ids or scope.committee_ids or scope.branch_ids):
        # A unit's liaison works on their unit's page (agreements, resources, ledger).
        return redirect("units:unit-detail", pk=min(scope.unit_ids))
    if len(places) == 1:
        return redirect(places[0])
    if districts:
        return redirect(districts[0].get_absolute_url())
    if not places and SignUp.objects.filter(user=request.user).exists():
        return redirect("members:me")  # the state of their sign-up
    return render(
        request,
        "overview/home.html",
        {"committees": committees, "branches": branches},
    )


@login_required
def district_detail(request, pk):
    district = get_for_user(request.user, District, pk=pk)
    committees = selectors.with_counts(
        Committee.objects.for_user(request.user).filter(district=district).order_by("name")
    )
    board, status = dashboard_context(request, district)
    period = board["period"]
    return render(
        request,
        "overview/district_detail.html",
        {
            "district": district,
            "page": paginate(request, committees, per_page=25),
            "totals": selectors.district_totals(district),
            "cobuilding": district_activity_totals(district, first=period.first,
                                                   last=period.last),
            "large_venue_area": LARGE_VENUE_AREA,
            "can_edit": can_write(request.user, district),
            **board,
        },
        status=status,
    )


@login_required
def committee_detail(request, pk):
    committee = get_for_user(
        request.user, Committee, pk=pk, queryset=Committee.objects.select_related("district")
    )
    venues, venue_area = committee_venues(committee)
    can_edit = can_write(request.user, committee)
    return render(
        request,
        "overview/committee_detail.html",
        {
            "committee": committee,
            "term": term_badge(committee.term_end),
            "kinds": selectors.committee_structure(committee),
            "seats": committee_seats(committee),
            "figures": selectors.committee_member_figures(committee),
            "in_service": selectors.committee_in_service(committee),
            "notices_waiting": waiting_card(request.user, committee=committee)["receipts"],
            "venues": venues,
            "venue_area": venue_area,
            "can_edit": can_edit,
            "can_delete": can_write(request.user, committee.district),
            "expiring": list(expiring_agreements(committee)) if can_edit else [],
            "partners": list(committee_partners(committee)),
            "cobuilding": committee_cobuilding(committee, with_money=can_edit),
            "meetings_matters": committee_meetings_card(request.user, committee),
        },
    )
