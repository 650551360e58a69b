"""Reads of activities: the list's filters, the rows a page shows, the calendar of a month."""

import calendar
from collections import defaultdict
from datetime import date, timedelta
from typing import NamedTuple

import django_filters
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from committees.models import Committee
from core.dates import local_midnight, next_month
from core.forms import MonthField

from .models import Activity, ActivityStatus, Attendance, Funding, Line, ServiceTeam

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

    class Meta:
        model = Activity
        fields = ["committee", "line", "status", "month"]

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

class DistrictActivityTotals(NamedTuple):
    year: int
    held: int  # activities held this year
    upcoming: int  # planned or open, not yet started
    attendances: int  # person-times this year
    volunteers: int  # distinct members who attended this year
    hours: object  # Decimal: volunteer hours this year
    teams: int
    funding_received: object  # Decimal: received this year, every source


def district_activity_totals(district, year: int | None = None) -> DistrictActivityTotals:
    """Co-building figures of a district for its dashboard, counted from the records (four
    queries, whatever the district's size)."""
    year = year or timezone.localdate().year
    start = local_midnight(date(year, 1, 1))
    end = local_midnight(date(year + 1, 1, 1))
    activities = Activity.objects.filter(committee__district=district).aggregate(
        held=Count("pk", filter=Q(status=ActivityStatus.HELD, starts_at__gte=start,
                                  starts_at__lt=end)),
        upcoming=Count("pk", filter=Q(status__in=[ActivityStatus.PLANNED, ActivityStatus.OPEN],
                                      starts_at__gte=timezone.now())),
    )
    attended = Attendance.objects.filter(
        activity__committee__district=district,
        activity__starts_at__gte=start, activity__starts_at__lt=end,
    ).aggregate(n=Count("pk"), people=Count("member", distinct=True), hours=Sum("hours"))
    received = Funding.objects.filter(
        committee__district=district, state="received",
        date__gte=date(year, 1, 1), date__lt=date(year + 1, 1, 1),
    ).aggregate(total=Sum("amount"))["total"]
    return DistrictActivityTotals(
        year=year,
        held=activities["held"],
        upcoming=activities["upcoming"],
        attendances=attended["n"],
        volunteers=attended["people"],
        hours=attended["hours"] or 0,
        teams=ServiceTeam.objects.filter(committee__district=district).count(),
        funding_received=received or 0,
    )
