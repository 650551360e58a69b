"""Reads of activities: the list's filters, the rows a page shows, the calendar of a month,
the sign-up list and the roster of one activity, a member's activities, the district's figures."""

import calendar
from collections import defaultdict
from datetime import date, timedelta
from typing import NamedTuple

import django_filters
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy

from committees.models import Committee
from core.dates import local_midnight, next_month
from core.db import count_of
from core.forms import MonthField
from members.models import Member

from .funding import committee_funding_summary
from .models import (
    Activity,
    ActivitySignup,
    ActivityStatus,
    Attendance,
    Line,
    ServiceTeam,
    SignupState,
)

PAGE_SIZE = 20


# --- the month filter ---------------------------------------------------------------------

class MonthFilter(django_filters.Filter):
    field_class = MonthField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(
            starts_at__gte=local_midnight(value), starts_at__lt=local_midnight(next_month(value))
        )


# --- the list -------------------------------------------------------------------------------

class ActivityFilter(django_filters.FilterSet):
    committee = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Committee"), queryset=Committee.objects.none(),
        empty_label=gettext_lazy("All committees"),
    )
    line = django_filters.ChoiceFilter(
        label=gettext_lazy("Line"), choices=Line.choices, empty_label=gettext_lazy("All lines")
    )
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=ActivityStatus.choices,
        empty_label=gettext_lazy("Any status"),
    )
    month = MonthFilter(label=gettext_lazy("Month"))
    outcome = django_filters.ChoiceFilter(
        label=gettext_lazy("Outcome"), method="filter_outcome",
        choices=[("missing", gettext_lazy("Over, no outcome recorded"))],
        empty_label=gettext_lazy("Any"),
    )

    class Meta:
        model = Activity
        fields = ["committee", "line", "status", "month", "outcome"]

    def filter_outcome(self, queryset, name, value):
        """``missing``: over and not cancelled, but never marked held with its outcome (the
        secretary's landing counts them)."""
        if value != "missing":
            return queryset
        return queryset.filter(ends_at__lt=timezone.now(),
                               status__in=(ActivityStatus.PLANNED, ActivityStatus.OPEN))

    def __init__(self, data=None, *, queryset, committees, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        self.filters["committee"].queryset = committees
        self.form.fields["committee"].queryset = committees


def readable_committees(user):
    return Committee.objects.for_user(user).order_by("name")


def writable_committees(user):
    return Committee.objects.for_user(user, write=True).order_by("name")


def activity_filter(user, data) -> ActivityFilter:
    """The activities ``user`` may read, filtered by ``data`` (a GET). A value that does not
    parse (a month like "2026-13") is reported on the form and ignored."""
    return ActivityFilter(
        data or None,
        queryset=Activity.objects.for_user(user),
        committees=readable_committees(user),
    )


def activity_rows(queryset):
    """Latest first, with what a card shows."""
    return queryset.select_related("committee", "venue").order_by("-starts_at", "-pk")


def add_places_left(activities) -> None:
    """Set ``places_left`` on each activity: None when places are not limited."""
    for activity in activities:
        activity.places_left = places_left(activity)


def places_left(activity: Activity) -> int | None:
    if activity.capacity is None:
        return None
    return max(activity.capacity - activity.signed_up, 0)


def can_sign_up_now(activity, now=None) -> bool:
    now = now or timezone.now()
    return activity.status == ActivityStatus.OPEN and now < activity.starts_at


# --- sign-ups and attendance of one activity ------------------------------------------------

def signup_counts(activity) -> dict:
    """``registered`` and ``waiting`` sign-ups of one activity (one query)."""
    return ActivitySignup.objects.filter(activity=activity).aggregate(
        registered=Count("pk", filter=Q(state=SignupState.REGISTERED)),
        waiting=Count("pk", filter=Q(state=SignupState.WAITING)),
    )


def signup_rows(activity):
    """The activity's sign-ups not cancelled, with the member: those with a place, then the
    waiting list, each in the order they came."""
    return (
        ActivitySignup.objects.filter(activity=activity)
        .exclude(state=SignupState.CANCELLED)
        .select_related("member")
        .annotate(queue=Case(When(state=SignupState.WAITING, then=Value(1)), default=Value(0)))
        .order_by("queue", "created_at", "pk")
    )


def number_waiting(rows, *, start: int, registered: int) -> None:
    """Set ``position`` on a page of ``signup_rows`` (``start``: the first row's number in
    the whole list): 1 for the first on the waiting list, None for a sign-up with a place."""
    for number, row in enumerate(rows, start=start):
        row.position = number - registered if row.state == SignupState.WAITING else None


def roster_members(user, activity):
    """Whom the roster offers to tick, by name: ``registered`` (signed up with a place, not
    checked in yet) and ``others`` (members of the activity's committee the user may change,
    neither signed up nor checked in)."""
    attended = Attendance.objects.filter(activity=activity).values("member_id")
    signed_up = ActivitySignup.objects.filter(
        activity=activity, state=SignupState.REGISTERED
    ).values("member_id")
    registered = (
        Member.objects.filter(pk__in=signed_up)
        .exclude(pk__in=attended)
        .only("pk", "name")
        .order_by("name", "pk")
    )
    others = (
        Member.objects.for_user(user, write=True)
        .filter(committee_id=activity.committee_id)
        .exclude(pk__in=attended)
        .exclude(pk__in=signed_up)
        .only("pk", "name")
        .order_by("name", "pk")
    )
    return registered, others


def attendance_count(activity) -> int:
    return Attendance.objects.filter(activity=activity).count()


def attendance_rows(activity):
    """The activity's attendances with the member, by name."""
    return (
        Attendance.objects.filter(activity=activity)
        .select_related("member")
        .order_by("member__name", "pk")
    )


# --- a member's activities ------------------------------------------------------------------

def _waiting_ahead():
    """Waiting sign-ups of the same activity that came before this one."""
    return Coalesce(
        Subquery(
            ActivitySignup.objects.filter(
                Q(created_at__lt=OuterRef("created_at"))
                | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk")),
                activity_id=OuterRef("activity_id"), state=SignupState.WAITING,
            )
            .order_by()
            .values("activity_id")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def member_signups(member, now) -> list[ActivitySignup]:
    """The member's sign-ups (not cancelled) to activities not over at ``now``, soonest
    first, with the activity and its committee, the waiting ``position`` (None with a place)
    and ``can_cancel`` (before the start). One query."""
    signups = list(
        ActivitySignup.objects.filter(member=member, activity__ends_at__gte=now)
        .exclude(state=SignupState.CANCELLED)
        .select_related("activity", "activity__committee")
        .annotate(ahead=_waiting_ahead())
        .order_by("activity__starts_at", "pk")
    )
    for s in signups:
        s.position = s.ahead + 1 if s.state == SignupState.WAITING else None
        s.can_cancel = now < s.activity.starts_at
    return signups


def upcoming_for_member(user, member, now, *, signed: set[int], limit: int) -> list[Activity]:
    """The next open or planned activities of the member's committee that ``user`` reads,
    soonest first, each with ``signed`` (the member has signed up: ``signed`` holds those
    activities' ids), ``can_sign_up`` and ``places_left``. One query."""
    upcoming = list(
        Activity.objects.for_user(user)
        .filter(
            committee_id=member.committee_id, starts_at__gte=now,
            status__in=[ActivityStatus.OPEN, ActivityStatus.PLANNED],
        )
        .order_by("starts_at", "pk")[:limit]
    )
    for a in upcoming:
        a.signed = a.pk in signed
        a.can_sign_up = not a.signed and can_sign_up_now(a, now)
        a.places_left = places_left(a)
    return upcoming


# --- the calendar ---------------------------------------------------------------------------

class Day(NamedTuple):
    date: date
    in_month: bool
    activities: list


def calendar_month(committee, year: int, month: int, user) -> list[list[Day]]:
    """The weeks (Monday first) of a month's grid for one committee, each day with the
    activities starting on it in local time, earliest first. One query, however many."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first_shown, last_shown = weeks[0][0], weeks[-1][-1]
    by_day = defaultdict(list)
    activities = (
        Activity.objects.for_user(user)
        .filter(
            committee=committee,
            starts_at__gte=local_midnight(first_shown),
            starts_at__lt=local_midnight(last_shown + timedelta(days=1)),
        )
        .select_related("venue")
        .order_by("starts_at", "pk")
    )
    for activity in activities:
        by_day[timezone.localtime(activity.starts_at).date()].append(activity)
    return [
        [Day(day, day.month == month, by_day.get(day, [])) for day in week] for week in weeks
    ]


def days_with_activities(weeks: list[list[Day]]) -> list[Day]:
    """The days of the month that have activities: the calendar as a list, for phones."""
    return [day for week in weeks for day in week if day.in_month and day.activities]


# --- the district's figures -----------------------------------------------------------------

def cobuilding_counts_of_committee(year: int) -> dict:
    """The co-building card's counts as correlated subqueries of a committee's row
    (``OuterRef("pk")``): this year's activities (cancelled ones left out) and the teams."""
    return {
        "n_activities": count_of(
            Activity.objects.filter(committee=OuterRef("pk"), starts_at__year=year)
            .exclude(status=ActivityStatus.CANCELLED)
        ),
        "n_teams": count_of(ServiceTeam.objects.filter(committee=OuterRef("pk"))),
    }


def committee_cobuilding(committee, *, with_money: bool, counts=None, funding=None) -> dict:
    """The committee page's co-building card: this year's activities (cancelled ones left out)
    and the committee's teams (one query, none when ``counts`` were read with the committee:
    ``cobuilding_counts_of_committee``), the next five activities (one), and for the
    committee's side this year's funding by source (one, none when read with the committee:
    ``funding``, from ``activities.funding.funding_totals_of``)."""
    now = timezone.now()
    year = timezone.localdate().year
    if counts is None:
        counts = Committee.objects.filter(pk=committee.pk).values(
            **cobuilding_counts_of_committee(year)).get()
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
        "funding": (None if not with_money else funding if funding is not None
                    else committee_funding_summary(committee, year)),
    }
