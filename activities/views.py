"""Pages of activities: the list, a committee's calendar, creating and editing one, the
activity's page, cancelling it, recording its outcome with photos, and the photos."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from committees.models import Committee
from core.dates import next_month, parse_month, previous_month, this_month
from core.pages import confirm_page, delete_page, form_page, paginate
from core.scope import can_write, get_for_user

from . import attendance, funding, selectors, services
from .forms import ActivityForm, OutcomeForm
from .models import Activity, ActivityPhoto, ActivityStatus


def _activity(user, pk, *, write=False):
    return get_for_user(
        user, Activity, write=write, pk=pk,
        queryset=Activity.objects.select_related("committee__district", "project", "venue"),
    )


# --- lists ----------------------------------------------------------------------------------

@login_required
def activity_list(request):
    activity_filter = selectors.activity_filter(request.user, request.GET)
    page = paginate(
        request, selectors.activity_rows(activity_filter.qs), per_page=selectors.PAGE_SIZE
    )
    page.object_list = list(page.object_list)
    selectors.add_places_left(page.object_list)
    # The committee chosen (kept when another filter, say the month, does not parse).
    chosen = getattr(activity_filter.form, "cleaned_data", {}).get("committee")
    if chosen is None:
        readable = list(selectors.readable_committees(request.user)[:2])
        chosen = readable[0] if len(readable) == 1 else None
    writable = list(selectors.writable_committees(request.user))
    return render(
        request,
        "activities/activity_list.html",
        {
            "filter": activity_filter,
            "page": page,
            "filtered": any(request.GET.get(name) for name in activity_filter.filters),
            "writable": writable,
            "add_to": writable[0] if len(writable) == 1 else None,
            "calendar_committee": chosen,
        },
    )


@login_required
def activity_calendar(request, pk):
    committee = get_for_user(request.user, Committee, pk=pk)
    first = parse_month(request.GET.get("month")) or this_month()
    weeks = selectors.calendar_month(committee, first.year, first.month, request.user)
    return render(
        request,
        "activities/activity_calendar.html",
        {
            "committee": committee,
            "month": first,
            "weeks": weeks,
            "days": selectors.days_with_activities(weeks),
            "previous": previous_month(first).strftime("%Y-%m"),
            "next": next_month(first).strftime("%Y-%m"),
            "today": timezone.localdate(),
            "can_add": can_write(request.user, committee),
        },
    )


# --- one activity ---------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request, pk):
    committee = get_for_user(request.user, Committee, write=True, pk=pk)
    form = ActivityForm(
        request.POST or None, instance=Activity(committee=committee), committee=committee
    )
    return form_page(
        request, form,
        save=lambda f: services.activity_save(
            activity=f.instance, user=request.user, committee=committee,
            branches=f.cleaned_data["branches"], units=f.cleaned_data["units"],
            teams=f.cleaned_data["teams"],
        ),
        title=_("New activity of %(name)s") % {"name": committee.name},
        cancel_url=reverse("activities:activity-list") + f"?committee={committee.pk}",
        success_message=_("Activity saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_update(request, pk):
    activity = _activity(request.user, pk, write=True)
    form = ActivityForm(request.POST or None, instance=activity, committee=activity.committee)
    return form_page(
        request, form,
        save=lambda f: services.activity_save(
            activity=f.instance, user=request.user,
            branches=f.cleaned_data["branches"], units=f.cleaned_data["units"],
            teams=f.cleaned_data["teams"],
        ),
        title=_("Edit the activity “%(title)s”") % {"title": activity.title},
        cancel_url=activity.get_absolute_url(),
        success_message=_("Activity saved."),
    )


@login_required
def activity_detail(request, pk):
    activity = _activity(request.user, pk)
    can_edit = can_write(request.user, activity)
    return render(
        request,
        "activities/activity_detail.html",
        {
            "committee": activity.committee,
            "activity": activity,
            "can_edit": can_edit,
            "can_cancel": can_edit and activity.status not in services.FINAL,
            "can_record": can_edit and activity.status != ActivityStatus.CANCELLED,
            "places_left": selectors.places_left(activity),
            "branches": activity.branches.order_by("name"),
            "units": activity.units.order_by("name"),
            "teams": activity.teams.order_by("name"),
            "photos": activity.photos.all(),
            "funding": funding.funding_panel(request.user, activity=activity),
            "people": attendance.people_panel(request.user, activity),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_cancel(request, pk):
    activity = _activity(request.user, pk, write=True)
    return confirm_page(
        request,
        action=lambda: services.activity_cancel(activity=activity, user=request.user),
        title=_("Cancel the activity"), cancel_url=activity.get_absolute_url(),
        next_url=activity.get_absolute_url(), done_message=_("Activity cancelled."),
        template="activities/activity_cancel.html", obj=activity,
        context={
            "committee": activity.committee,
            "activity": activity,
            "can_cancel": activity.status not in services.FINAL,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_outcome(request, pk):
    activity = _activity(request.user, pk, write=True)
    form = OutcomeForm(
        request.POST or None, request.FILES or None, initial={"outcome": activity.outcome}
    )
    return form_page(
        request, form,
        save=lambda f: services.activity_record_outcome(
            activity=activity, user=request.user,
            outcome=f.cleaned_data["outcome"], uploads=f.cleaned_data["photos"],
            caption=f.cleaned_data["caption"],
        ),
        title=_("Record the outcome"), cancel_url=activity.get_absolute_url(),
        success_message=_("Outcome saved."), next_url=activity.get_absolute_url(),
        template="activities/activity_outcome.html",
        context={
            "committee": activity.committee,
            "activity": activity,
            "photos": activity.photos.all(),
            "started": activity.starts_at <= timezone.now(),
        },
    )


# --- photos ---------------------------------------------------------------------------------

@login_required
def photo_file(request, pk, photo_pk):
    photo = get_for_user(request.user, ActivityPhoto, pk=photo_pk, activity_id=pk)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404("The photo's file is missing.") from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def photo_delete(request, pk, photo_pk):
    photo = get_for_user(
        request.user, ActivityPhoto, write=True, pk=photo_pk, activity_id=pk,
        queryset=ActivityPhoto.objects.select_related("activity"),
    )
    outcome_url = reverse("activities:activity-outcome", args=[pk])
    return delete_page(
        request, photo,
        delete=lambda: services.photo_delete(photo=photo, user=request.user),
        blockers=[],
        title=_("Delete a photo of “%(title)s”") % {"title": photo.activity.title},
        cancel_url=outcome_url,
        next_url=outcome_url,
        done_message=_("Photo deleted."),
    )
