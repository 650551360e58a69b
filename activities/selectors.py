"""Reads of activities: the list's filters, the rows a page shows, the calendar of a month."""

import calendar
import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

import django_filters
from django import forms
from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from committees.models import Committee

from .funding import committee_funding_summary
from .models import Activity, ActivityStatus, Attendance, Funding, Line, ServiceTeam

PAGE_SIZE = 20
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


# --- months ---------------------------------------------------------------------------------

def parse_month(value) -> date | None:
    """The first day of a ``YYYY-MM`` month, or None for anything else."""
    match = MONTH_RE.match((value or "").strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1900 <= year <= 2999 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_month(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def local_midnight(day: date) -> datetime:
    """The start of ``day`` in the current time zone (Asia/Shanghai), as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def this_month() -> date:
    return timezone.localdate().replace(day=1)


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        first = parse_month(value)
        if first is None:
            raise forms.ValidationError(
                gettext_lazy("Enter a month as year and month, e.g. 2026-03."), code="invalid"
            )
        return first


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


def committee_cobuilding(committee, *, with_money: bool) -> dict:
    """The committee page's co-building card: this year's activities (cancelled ones left out)
    and the committee's teams (one query), the next five activities (one), and for the
    committee's side this year's funding by source (one)."""
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


def _count(queryset):
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )
