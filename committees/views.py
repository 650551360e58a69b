from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.pages import delete_page, form_page
from core.scope import can_write, get_for_user

from . import services
from .forms import CommitteeForm, SeatForm, VenueForm
from .models import Committee, District, Seat, Venue


@login_required
@require_http_methods(["GET", "POST"])
def committee_create(request, district_pk):
    district = get_for_user(request.user, District, write=True, pk=district_pk)
    form = CommitteeForm(request.POST or None, instance=Committee(district=district))
    return form_page(
        request, form,
        save=lambda f: services.committee_save(committee=f.instance),
        title=_("New committee in %(district)s") % {"district": district},
        cancel_url=district.get_absolute_url(),
        success_message=_("Committee created."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def committee_update(request, pk):
    committee = get_for_user(request.user, Committee, write=True, pk=pk)
    form = CommitteeForm(request.POST or None, instance=committee)
    return form_page(
        request, form,
        save=lambda f: services.committee_save(committee=f.instance),
        title=_("Edit %(name)s") % {"name": committee.name},
        cancel_url=committee.get_absolute_url(),
        success_message=_("Committee saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def committee_delete(request, pk):
    committee = get_for_user(
        request.user, Committee, write=True, pk=pk,
        queryset=Committee.objects.select_related("district"),
    )
    if not can_write(request.user, committee.district):
        raise PermissionDenied  # committees are the district's to create and remove
    return delete_page(
        request, committee,
        delete=lambda: services.committee_delete(committee=committee),
        blockers=services.committee_delete_blockers(committee=committee),
        title=_("Delete committee %(name)s") % {"name": committee.name},
        cancel_url=committee.get_absolute_url(),
        next_url=committee.district.get_absolute_url(),
        done_message=_("Committee %(name)s deleted.") % {"name": committee.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def seat_create(request, committee_pk):
    committee = get_for_user(request.user, Committee, write=True, pk=committee_pk)
    form = SeatForm(
        request.POST or None, instance=Seat(committee=committee),
        user=request.user, committee=committee,
    )
    return form_page(
        request, form,
        save=lambda f: services.seat_save(seat=f.instance),
        title=_("New seat on %(name)s") % {"name": committee.name},
        cancel_url=committee.get_absolute_url(),
        success_message=_("Seat added."),
        next_url=committee.get_absolute_url() + "#seats",
    )


@login_required
@require_http_methods(["GET", "POST"])
def seat_update(request, pk):
    seat = get_for_user(request.user, Seat, write=True, pk=pk)
    committee = seat.committee
    form = SeatForm(request.POST or None, instance=seat, user=request.user, committee=committee)
    return form_page(
        request, form,
        save=lambda f: services.seat_save(seat=f.instance),
        title=_("Edit seat"),
        cancel_url=committee.get_absolute_url(),
        success_message=_("Seat saved."),
        next_url=committee.get_absolute_url() + "#seats",
    )


@login_required
@require_http_methods(["GET", "POST"])
def seat_delete(request, pk):
    seat = get_for_user(request.user, Seat, write=True, pk=pk)
    committee = seat.committee
    return delete_page(
        request, seat,
        delete=lambda: services.seat_delete(seat=seat),
        blockers=[],
        title=_("Remove seat: %(seat)s") % {"seat": seat},
        cancel_url=committee.get_absolute_url(),
        next_url=committee.get_absolute_url() + "#seats",
        done_message=_("Seat removed."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def venue_create(request, committee_pk):
    committee = get_for_user(request.user, Committee, write=True, pk=committee_pk)
    form = VenueForm(request.POST or None, instance=Venue(committee=committee), user=request.user)
    return form_page(
        request, form,
        save=lambda f: services.venue_save(venue=f.instance),
        title=_("New venue for %(name)s") % {"name": committee.name},
        cancel_url=committee.get_absolute_url(),
        success_message=_("Venue added."),
        next_url=committee.get_absolute_url() + "#venues",
    )


@login_required
@require_http_methods(["GET", "POST"])
def venue_update(request, pk):
    venue = get_for_user(request.user, Venue, write=True, pk=pk)
    committee = venue.committee
    form = VenueForm(request.POST or None, instance=venue, user=request.user)
    return form_page(
        request, form,
        save=lambda f: services.venue_save(venue=f.instance),
        title=_("Edit venue %(name)s") % {"name": venue.name},
        cancel_url=committee.get_absolute_url(),
        success_message=_("Venue saved."),
        next_url=committee.get_absolute_url() + "#venues",
    )


@login_required
@require_http_methods(["GET", "POST"])
def venue_delete(request, pk):
    venue = get_for_user(request.user, Venue, write=True, pk=pk)
    committee = venue.committee
    return delete_page(
        request, venue,
        delete=lambda: services.venue_delete(venue=venue),
        blockers=[],
        title=_("Delete venue %(name)s") % {"name": venue.name},
        cancel_url=committee.get_absolute_url(),
        next_url=committee.get_absolute_url() + "#venues",
        done_message=_("Venue deleted."),
    )
