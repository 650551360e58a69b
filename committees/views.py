from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F, Func, IntegerField, OuterRef, Subquery
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from activities.funding import committee_funding_summary
from activities.models import Activity, ActivityStatus, ServiceTeam
from activities.selectors import district_activity_totals
from committees.terms import term_badge
from core.pages import delete_page, form_page, paginate
from core.scope import can_write, get_for_user, reads_committee_matters
from meetings import matters
from meetings.models import Meeting, MeetingKind, MeetingStatus
from units.agreements import expiring_agreements
from units.ledger import committee_partners

from . import selectors, services
from .forms import CommitteeForm, SeatForm, VenueForm
from .models import Committee, District, Seat, Venue


@login_required
def district_detail(request, pk):
    district = get_for_user(request.user, District, pk=pk)
    committees = selectors.with_counts(
        Committee.objects.for_user(request.user).filter(district=district).order_by("name")
    )
    return render(
        request,
        "committees/district_detail.html",
        {
            "district": district,
            "page": paginate(request, committees, per_page=25),
            "totals": selectors.district_totals(district),
            "cobuilding": district_activity_totals(district),
            "large_venue_area": selectors.LARGE_VENUE_AREA,
            "can_edit": can_write(request.user, district),
        },
    )


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
def committee_detail(request, pk):
    committee = get_for_user(
        request.user, Committee, pk=pk, queryset=Committee.objects.select_related("district")
    )
    venues, venue_area = selectors.committee_venues(committee)
    can_edit = can_write(request.user, committee)
    return render(
        request,
        "committees/committee_detail.html",
        {
            "committee": committee,
            "term": term_badge(committee.term_end),
            "kinds": selectors.committee_structure(committee),
            "seats": selectors.committee_seats(committee),
            "figures": selectors.committee_member_figures(committee),
            "venues": venues,
            "venue_area": venue_area,
            "can_edit": can_edit,
            "can_delete": can_write(request.user, committee.district),
            "expiring": list(expiring_agreements(committee)) if can_edit else [],
            "partners": list(committee_partners(committee)),
            "cobuilding": _cobuilding(committee, with_money=can_edit),
            "meetings_matters": _meetings_and_matters(request.user, committee),
        },
    )


def _count(queryset):
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def _cobuilding(committee, *, with_money: bool) -> dict:
    """The co-building card: this year's activities (cancelled ones left out) and the
    committee's teams (one query), the next five activities (one), and for the committee's
    side this year's funding by source (one)."""
    now = timezone.now()
    year = timezone.localdate().year
    counts = Committee.objects.filter(pk=committee.pk).values(
        n_activities=_count(
            Activity.objects.filter(committee=OuterRef("pk"), starts_at__year=year)
            .exclude(status=ActivityStatus.CANCELLED)
        ),
        n_teams=_count(ServiceTeam.objects.filter(committee=OuterRef("pk"))),
    ).get()
    upcoming = list(
        Activity.objects.filter(
            committee=committee, starts_at__gte=now,
            status__in=[ActivityStatus.PLANNED, ActivityStatus.OPEN],
        ).order_by("starts_at", "pk")[:5]
    )
    return {
        "year": year,
        "activities": counts["n_activities"],
        "teams": counts["n_teams"],
        "upcoming": upcoming,
        "funding": committee_funding_summary(committee, year) if with_money else None,
    }


def _meetings_and_matters(user, committee) -> dict:
    """The meetings and matters card: the last monthly meeting and the next one planned, of
    those the user may read (two queries); for those who read all the committee's matters,
    their figures and the next five still to be done (three queries; one more to find out
    for a branch secretary)."""
    now = timezone.now()
    monthly = Meeting.objects.for_user(user).filter(
        committee=committee, branch__isnull=True, kind=MeetingKind.MONTHLY
    ).only("pk", "kind", "title", "starts_at", "status")
    reads_matters = reads_committee_matters(user, committee)
    return {
        "last_monthly": monthly.filter(starts_at__lt=now).order_by("-starts_at", "-pk").first(),
        "next_monthly": monthly.filter(
            starts_at__gte=now, status=MeetingStatus.PLANNED
        ).order_by("starts_at", "pk").first(),
        "matters": matters.committee_matter_stats(committee) if reads_matters else None,
    }


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
