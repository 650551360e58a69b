"""Compliance calendars: a committee's, a branch's, and the district's table of committees."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from branches.models import Branch
from committees.models import Committee, District
from core.dates import year_context, year_or_current
from core.scope import get_for_user, reads_committee_compliance

from . import compliance


def _year(request) -> int:
    """``?year=`` when it is a sensible year (up to next year), else this year."""
    return year_or_current(request.GET.get("year"), ahead=1)


def _years(year):
    return {**year_context(year), "months": [date(year, m, 1) for m in range(1, 13)]}


@login_required
@require_GET
def committee_compliance(request, pk):
    # The committee's side and its branch secretaries; members and liaisons: 404.
    committee = get_for_user(
        request.user, Committee, pk=pk, queryset=Committee.objects.select_related("district")
    )
    if not reads_committee_compliance(request.user, committee):
        raise Http404("No Committee matches the given query.")
    year = _year(request)
    own, branches, member_orgs = compliance.committee_grids(committee, year=year)
    # a branch's own calendar opens for those who may change the branch (branch_compliance)
    opens = set(Branch.objects.for_user(request.user, write=True).filter(
        pk__in=[b.pk for b, _rows in branches + member_orgs]).values_list("pk", flat=True))
    return render(request, "meetings/compliance_committee.html", {
        "committee": committee, "rows": own, "branches": branches,
        "member_orgs": member_orgs, "opens": opens, **_years(year),
    })


@login_required
@require_GET
def branch_compliance(request, pk):
    # The branch's secretary and the committee's side.
    branch = get_for_user(
        request.user, Branch, pk=pk,
        queryset=Branch.objects.for_user(request.user, write=True).select_related(
            "committee__district"
        ),
    )
    if branch.parent_id:
        # A party group's meetings count for its branch: show the branch's calendar.
        url = reverse("meetings:branch-compliance", args=[branch.parent_id])
        return redirect(f"{url}?year={_year(request)}")
    year = _year(request)
    return render(request, "meetings/compliance_branch.html", {
        "branch": branch, "committee": branch.committee,
        "rows": compliance.compliance_grid(branch=branch, year=year), **_years(year),
    })


@login_required
@require_GET
def district_compliance(request, pk):
    # District officers only (the district rule).
    district = get_for_user(request.user, District, pk=pk)
    year = _year(request)
    return render(request, "meetings/compliance_district.html", {
        "district": district,
        "table": compliance.district_compliance(district, year),
        **_years(year),
    })
