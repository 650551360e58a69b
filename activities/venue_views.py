"""Pages of venues over time: a venue's improvements, recording one, and the district's venue
area by quarter (``activities.venues``)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from committees.models import District, Venue
from core.dates import year_context, year_or_current
from core.pages import form_page, paginate
from core.scope import get_for_user

from . import venues
from .models import VenueImprovement
from .venue_forms import VenueImprovementForm


def _venue(user, pk):
    # The committee's side: improvements name the money that paid for them.
    return get_for_user(user, Venue, write=True, pk=pk,
                        queryset=Venue.objects.select_related("committee", "keeper", "unit"))


@login_required
@require_GET
def venue_improvements(request, pk):
    venue = _venue(request.user, pk)
    page = paginate(request, venues.venue_improvements(venue))
    lines = venues.lines_of(page.object_list)
    return render(request, "activities/venue_improvements.html", {
        "venue": venue, "committee": venue.committee, "page": page,
        "rows": [(i, lines.get(i.pk, [])) for i in page],
    })


@login_required
@require_http_methods(["GET", "POST"])
def improvement_create(request, pk):
    venue = _venue(request.user, pk)
    form = VenueImprovementForm(
        request.POST or None, instance=VenueImprovement(),
        funding_lines=venues.committee_funding_choices(venue.committee),
    )
    url = reverse("activities:venue-improvements", args=[venue.pk])
    return form_page(
        request, form,
        save=lambda f: venues.improvement_save(
            improvement=f.instance, venue=venue,
            funding_lines=f.cleaned_data["funding_lines"], user=request.user),
        title=_("Improvement to %(name)s") % {"name": venue.name},
        cancel_url=url, success_message=_("Improvement recorded."), next_url=url,
    )


@login_required
@require_GET
def district_venue_area(request, pk):
    # District officers (the district rule).
    district = get_for_user(request.user, District, pk=pk)
    year = year_or_current(request.GET.get("year"))
    return render(request, "activities/district_venue_area.html", {
        "district": district,
        "table": venues.district_area_by_quarter(district, year),
        **year_context(year),
    })
