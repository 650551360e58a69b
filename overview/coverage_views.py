"""Coverage pages (全覆盖): the district's table of committees, and one committee's gaps."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from committees.models import Committee, District
from core.pages import paginate
from core.scope import get_for_user

from . import coverage


@login_required
def district_coverage(request, pk):
    district = get_for_user(request.user, District, pk=pk)
    committees = Committee.objects.for_user(request.user).filter(district=district)
    return render(
        request,
        "overview/coverage_district.html",
        {"district": district, **coverage.district_coverage(committees.order_by("name"), district)},
    )


@login_required
def committee_coverage(request, pk):
    # The committee's side only (its secretary, the district): the gaps are its work list.
    committee = get_for_user(
        request.user, Committee, pk=pk,
        queryset=coverage.with_coverage(
            Committee.objects.for_user(request.user, write=True).select_related("district")
        ),
    )
    shown = request.GET.get("list")
    shown = shown if shown in coverage.LISTS else coverage.LIST_OUTSIDE
    return render(
        request,
        "overview/coverage_committee.html",
        {
            "committee": committee,
            "coverage": coverage.coverage_of(committee),
            "shown": shown,
            "page": paginate(request, coverage.unit_list(committee, shown)),
        },
    )
