"""Pages of sign-up and attendance: signing up and cancelling, the sign-up list, the rotating
QR code and the member's scan, the staff roster, editing hours, and the member's activities."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from core.pages import decision, form_page, local_url, paginate
from core.qr import qr_checkin_page, qr_screen_page
from core.scope import get_for_user
from members.selectors import own_member

from . import attendance, selectors
from .attendance_forms import ActivityAttendanceForm, RosterForm
from .models import (
    Activity,
    ActivitySignup,
    ActivityStatus,
    Attendance,
    AttendanceMethod,
    SignupState,
)

SIGNUP_PAGE_SIZE = 50
ROSTER_PAGE_SIZE = 50
UPCOMING_LIMIT = 20
RECENT_ATTENDANCES = 20


def _activity(user, pk, *, write=False):
    return get_for_user(
        user, Activity, write=write, pk=pk,
        queryset=Activity.objects.select_related("committee", "committee__district"),
    )


def _next(request, default):
    """Where to go back to: a POSTed ``next`` on this site, else ``default``."""
    return local_url(request, request.POST.get("next"), default)


# --- sign-up ------------------------------------------------------------------------------

@login_required
@require_POST
def signup(request, pk):
    member = own_member(request.user, "committee")
    activity = _activity(request.user, pk)

    def decide():
        created = attendance.signup(activity=activity, member=member)
        if created.state == SignupState.REGISTERED:
            messages.success(
                request, _("You are signed up for “%(title)s”.") % {"title": activity.title}
            )
        else:
            messages.info(
                request,
                _("The activity is full: you are number %(n)s on the waiting list. You move "
                  "up by yourself when a place frees.")
                % {"n": attendance.waiting_position(created)},
            )

    return decision(request, decide, next_url=_next(request, activity.get_absolute_url()))


@login_required
@require_POST
def signup_cancel(request, pk):
    """The member cancels their own sign-up; the committee's side cancels one from the list
    (``signup`` names it)."""
    active = ActivitySignup.objects.exclude(state=SignupState.CANCELLED).select_related("member")
    signup_pk = request.POST.get("signup", "")
    if signup_pk:
        activity = _activity(request.user, pk, write=True)
        target = active.filter(activity=activity, pk=signup_pk).first() if (
            signup_pk.isdigit()
        ) else None
        next_url = reverse("activities:signup-list", args=[activity.pk])
    else:
        member = own_member(request.user, "committee")
        activity = _activity(request.user, pk)
        target = active.filter(activity=activity, member=member).first()
        next_url = _next(request, activity.get_absolute_url())
    if target is None:
        messages.error(request, _("There is no sign-up to cancel."))
        return redirect(next_url)

    def decide():
        attendance.signup_cancel(signup=target, user=request.user)
        if signup_pk:
            messages.success(
                request, _("The sign-up of %(name)s is cancelled.") % {"name": target.member.name}
            )
        else:
            messages.success(request, _("Your sign-up is cancelled."))

    return decision(request, decide, next_url=next_url)


@login_required
def signup_list(request, pk):
    activity = _activity(request.user, pk, write=True)
    counts = selectors.signup_counts(activity)
    page = paginate(request, selectors.signup_rows(activity), per_page=SIGNUP_PAGE_SIZE)
    rows = list(page.object_list)
    selectors.number_waiting(rows, start=page.start_index(), registered=counts["registered"])
    return render(
        request,
        "activities/signup_list.html",
        {
            "activity": activity,
            "committee": activity.committee,
            "page": page,
            "rows": rows,
            "counts": counts,
            "places_left": selectors.places_left(activity),
            "can_cancel": timezone.now() < activity.starts_at,
        },
    )


# --- QR attendance ------------------------------------------------------------------------

@login_required
def activity_qr(request, pk):
    """The code staff show on a screen: a new one every QR_REFRESH seconds (meta refresh)."""
    activity = _activity(request.user, pk, write=True)
    return qr_screen_page(
        request, salt=attendance.ACTIVITY_QR_SALT, obj=activity,
        checkin_url_name="activities:qr-checkin",
        refusal=attendance.activity_qr_refusal(activity),
        context={
            "activity": activity,
            "committee": activity.committee,
            "title": activity.title,
            "starts_at": activity.starts_at,
            "ends_at": activity.ends_at,
            "subtitle": activity.committee.name,
            "count": selectors.attendance_count(activity),
            "back_url": activity.get_absolute_url(),
            "back_label": _("Back to the activity"),
        },
    )


def _activity_checkin_texts(activity, record) -> dict:
    texts = {"title": activity.title, "starts_at": activity.starts_at,
             "ends_at": activity.ends_at}
    if record is not None:
        values = {
            "h": record.hours,
            "t": date_format(timezone.localtime(record.checked_in_at), "H:i"),
        }
        texts.update(
            done_message=_("Checked in: %(h)s volunteer hours.") % values,
            already_message=_("Already checked in (at %(t)s, %(h)s volunteer hours).") % values,
            next_url=reverse("activities:my-activities"),
            next_label=_("My activities"),
        )
    return texts


@login_required
@require_http_methods(["GET", "POST"])
def activity_qr_checkin(request, token):
    """Where the QR code leads (sign in first if needed): one tap checks the member in. The
    token names the activity, so a volunteer from another community of the district may check
    in without reading the activity by scope."""
    activity, member = attendance.scanned(token, request.user)
    return qr_checkin_page(
        request, obj=activity,
        member_of=lambda user: member,
        recorded=lambda member: Attendance.objects.filter(
            activity=activity, member=member).first(),
        refusal=lambda: attendance.activity_qr_refusal(activity),
        check_in=lambda member: attendance.check_in(
            activity=activity, member=member, method=AttendanceMethod.QR, user=request.user
        ),
        texts=lambda record: _activity_checkin_texts(activity, record),
    )


# --- the staff roster ---------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def attendance_roster(request, pk):
    activity = _activity(request.user, pk, write=True)
    registered, others = selectors.roster_members(request.user, activity)
    late = attendance.is_late(activity)
    form = RosterForm(request.POST or None, registered=registered, others=others, late=late,
                      committee_id=activity.committee_id)
    return form_page(
        request, form,
        save=lambda f: attendance.roster_check_in(
            activity=activity, members=f.members(), user=request.user,
            hours=f.cleaned_data["hours"], reason=f.cleaned_data.get("reason", ""),
        ),
        title=_("Attendance roster"), cancel_url=activity.get_absolute_url(),
        success_message=lambda created: ngettext(
            "%(n)s attendance recorded.", "%(n)s attendances recorded.", created
        ) % {"n": created},
        next_url=request.path,
        template="activities/attendance_roster.html",
        context={
            "activity": activity,
            "committee": activity.committee,
            "has_registered": registered.exists(),
            "late": late,
            "can_check_in": activity.status != ActivityStatus.CANCELLED,
            "default_hours": activity.default_hours,
            "counts": attendance.activity_counts(activity),
            "page": paginate(request, selectors.attendance_rows(activity),
                             per_page=ROSTER_PAGE_SIZE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance_update(request, pk):
    record = get_for_user(
        request.user, Attendance, write=True, pk=pk,
        queryset=Attendance.objects.select_related("activity__committee", "member"),
    )
    roster_url = reverse("activities:attendance-roster", args=[record.activity_id])
    form = ActivityAttendanceForm(request.POST or None, attendance=record)
    return form_page(
        request, form,
        save=lambda f: attendance.attendance_update(
            attendance=record, user=request.user, hours=f.cleaned_data["hours"],
            reason=f.cleaned_data.get("reason"),
        ),
        title=_("Volunteer hours"), cancel_url=roster_url,
        success_message=_("Hours of %(name)s saved.") % {"name": record.member.name},
        next_url=roster_url,
        template="activities/attendance_form.html",
        context={
            "record": record,
            "activity": record.activity,
            "committee": record.activity.committee,
        },
    )


# --- the member's activities --------------------------------------------------------------

@login_required
def my_activities(request):
    member = own_member(request.user, "committee")
    now = timezone.now()
    signups = selectors.member_signups(member, now)
    upcoming = selectors.upcoming_for_member(
        request.user, member, now, signed={s.activity_id for s in signups},
        limit=UPCOMING_LIMIT,
    )
    year = timezone.localdate(now).year
    this_year = attendance.member_activity_summary(
        member, start=date(year, 1, 1), end=date(year, 12, 31), limit=0
    )
    overall = attendance.member_activity_summary(member, limit=RECENT_ATTENDANCES)
    return render(
        request,
        "activities/my_activities.html",
        {
            "member": member,
            "upcoming": upcoming,
            "signups": signups,
            "overall": overall,
            "this_year": this_year,
            "year": year,
            "more_attendances": overall["count"] > len(overall["attendances"]),
        },
    )
