"""The pages that gather every app: a user's landing page, the district and a committee."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.funding import funding_of_committee, funding_totals_of
from activities.ledger import committee_partners_and_expiring
from activities.selectors import cobuilding_counts_of_committee, committee_cobuilding
from branches.models import Branch
from committees.models import Committee, District
from committees.selectors import LARGE_VENUE_AREA
from committees.terms import term_badge
from core.pages import paginate
from core.scope import (
    can_write,
    get_for_user,
    reads_committee_roster,
    scope_of,
    writes_committee,
    writes_district,
)
from meetings.matters import matter_counts_of_committee
from meetings.selectors import committee_meetings_card
from members.models import SignUp
from members.selectors import member_of
from notices.selectors import waiting_card

from . import landing, selectors
from .dashboard_views import dashboard_context
from .periods import month_period, quarter_period, read_period, year_period


@login_required
def home(request):
    """Each user's landing page: the district officer's is the district's dashboard, a unit's
    liaison's their unit; a secretary, a branch secretary and a member see what waits for them
    here (``overview.landing``)."""
    scope = scope_of(request.user)
    districts = list(District.objects.for_user(request.user)[:1])
    if districts:
        return redirect(districts[0].get_absolute_url())
    if scope.unit_ids and not (scope.committee_ids or scope.branch_ids):
        # A unit's liaison works on their unit's page (agreements, resources, ledger).
        return redirect("units:unit-detail", pk=min(scope.unit_ids))
    committees = list(
        Committee.objects.filter(pk__in=scope.committee_ids).order_by("name")[:landing.MAX_PLACES]
    )
    branches = list(
        Branch.objects.filter(pk__in=scope.branch_ids).select_related("committee")
        .order_by("committee__name", "name")[:landing.MAX_PLACES]
    )
    # The scope read the account's member record already: none, no second look.
    member = (member_of(request.user, "committee", "branch", "party_group")
              if scope.member_id is not None or scope.superuser else None)
    if not (committees or branches or member):
        if SignUp.objects.filter(user=request.user).exists():
            return redirect("members:me")  # the state of their sign-up
        return render(request, "overview/home.html", {})
    period, errors = read_period(request.GET)
    return render(
        request,
        "overview/landing.html",
        {
            "period": period,
            "period_errors": errors,
            "period_choices": _period_choices(period),
            "committees": [landing.committee_landing(request.user, c, period)
                           for c in committees],
            "branches": [landing.branch_landing(request.user, b) for b in branches],
            "mine": landing.member_landing(request.user, member) if member else None,
        },
        status=400 if errors else 200,
    )


def _period_choices(current) -> list[dict]:
    """This month, this quarter, this year: the landing's quick choice of period."""
    today = timezone.localdate()
    choices = [
        (_("This month"), month_period(today.year, today.month)),
        (_("This quarter"), quarter_period(today.year, (today.month - 1) // 3 + 1)),
        (_("This year"), year_period(today.year)),
    ]
    return [{"label": label, "query": p.query, "current": p == current}
            for label, p in choices]


@login_required
def district_detail(request, pk):
    """The district's dashboard over a period, its structure and co-building totals; each
    committee is a row of the comparison, its structure on ``district_committees``."""
    district = get_for_user(request.user, District, pk=pk)
    board, status = dashboard_context(request, district)
    return render(
        request,
        "overview/district_detail.html",
        {
            "district": district,
            "totals": board["snapshot"].totals,
            "large_venue_area": LARGE_VENUE_AREA,
            "can_edit": can_write(request.user, district),
            **board,
        },
        status=status,
    )


@login_required
def district_committees(request, pk):
    """The district's committees, 25 a page, each with its structure counted now (branches by
    kind, groups, seats, venues, members)."""
    district = get_for_user(request.user, District, pk=pk)
    committees = selectors.with_counts(
        Committee.objects.for_user(request.user).filter(district=district).order_by("name"))
    return render(request, "overview/district_committees.html", {
        "district": district,
        "page": paginate(request, committees, per_page=25),
        "can_edit": can_write(request.user, district),
    })


@login_required
def committee_detail(request, pk):
    """A committee's page: its figures, cards from co-building and meetings, its organisation
    tree, seats, venues and co-building units. The committee is read with every count the page
    shows (one row of correlated counts), so the page spends the same queries at any size."""
    today = timezone.localdate()
    scope = scope_of(request.user)
    # Money is the committee's side's to see: its sums are read only for those who may be.
    maybe_side = scope.superuser or bool(scope.district_ids) or pk in scope.committee_ids
    committee = get_for_user(
        request.user, Committee, pk=pk,
        queryset=Committee.objects.select_related("district").annotate(
            **selectors.member_counts_of_committee(),
            **cobuilding_counts_of_committee(today.year),
            **matter_counts_of_committee(today),
            **(funding_of_committee(today.year) if maybe_side else {}),
        ),
    )
    lists = selectors.committee_lists(committee)
    can_edit = writes_committee(request.user, committee)
    partners, expiring = committee_partners_and_expiring(committee, expiring=can_edit)
    meetings_matters = committee_meetings_card(
        request.user, committee, months_missed=can_edit,
        matter_counts={name: getattr(committee, f"matters_{name}")
                       for name in ("total", "open", "overdue", "resolved")})
    return render(
        request,
        "overview/committee_detail.html",
        {
            "committee": committee,
            "term": term_badge(committee.term_end),
            "kinds": selectors.committee_structure(committee),
            "seats": lists["seats"],
            "figures": selectors.committee_member_figures(committee),
            "in_service": lists["in_service"],
            "notices_waiting": waiting_card(request.user, committee=committee)["receipts"],
            "venues": lists["venues"],
            "venue_area": lists["venue_area"],
            "can_edit": can_edit,
            "reads_roster": can_edit or reads_committee_roster(request.user, committee),
            "can_delete": writes_district(request.user, committee.district_id),
            "expiring": expiring,
            # flagged to the committee's side, who hold the monthly meeting
            "months_missed": meetings_matters["months_missed"],
            "partners": partners,
            "cobuilding": committee_cobuilding(
                committee, with_money=can_edit,
                counts={"n_activities": committee.n_activities, "n_teams": committee.n_teams},
                funding=funding_totals_of(committee) if can_edit else None),
            "meetings_matters": meetings_matters,
        },
    )
