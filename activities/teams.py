"""Volunteer service teams (志愿服务队) of a committee: saving one, and the hours it served.

A team's hours are the volunteer hours its members recorded (``Attendance.hours``) at the
activities the team served (``Activity.teams``); an attendance at an activity the team did not
serve is the member's own and does not count for the team. Sums are ``Decimal`` and are taken
in SQL, in subqueries where a join would repeat rows.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

import django_filters
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    DecimalField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees.models import Committee
from members.models import Member
from members.selectors import committee_members

from .models import Attendance, ServiceTeam, TeamKind

HOURS = DecimalField(max_digits=9, decimal_places=1)
NO_HOURS = Decimal("0.0")
PAGE_SIZE = 25


# --- writes --------------------------------------------------------------------------------

@transaction.atomic
def team_save(
    *, team: ServiceTeam, user, committee=None, members: Iterable[Member] | None = None
) -> ServiceTeam:
    """Create a team of ``committee`` or save an existing one, and set its members when
    ``members`` is given. Every member, and the leader, must belong to the team's committee;
    the leader is made a member when they are not one. A refusal writes nothing."""
    if team.pk is None:
        if committee is None:
            raise ValueError("A new team needs its committee.")
        team.committee = committee
    team.name = (team.name or "").strip()
    chosen = None if members is None else {m.pk for m in members}
    wanted = set(chosen or ())
    if team.leader_id is not None:
        wanted.add(team.leader_id)
    allowed = set(
        committee_members(team.committee_id).filter(pk__in=wanted).values_list("pk", flat=True)
    )
    errors = {}
    if team.leader_id is not None and team.leader_id not in allowed:
        errors["leader"] = _("The leader must be a member of this committee.")
    if chosen and chosen - allowed:
        errors["members"] = _("Choose members of this committee only.")
    if errors:
        raise ValidationError(errors)
    team.full_clean()
    team.save()
    if chosen is not None:
        team.members.set(wanted)
    elif team.leader_id is not None:
        team.members.add(team.leader_id)
    return team


# --- reads ---------------------------------------------------------------------------------

def _served(team) -> Q:
    """Attendances that count for ``team`` (a team, or ``OuterRef("pk")`` in a subquery)."""
    return Q(activity__teams=team, member__service_teams=team)


def team_hours(team: ServiceTeam) -> Decimal:
    """The team's volunteer hours: what its members recorded at the activities it served."""
    return Attendance.objects.filter(_served(team)).aggregate(
        total=Coalesce(Sum("hours"), Value(NO_HOURS), output_field=HOURS)
    )["total"]


def hours_subquery():
    """The hours of the team of the outer query (for ``.annotate`` on teams): a subquery, so
    that joins with the team's members cannot repeat them."""
    total = (
        Attendance.objects.filter(_served(OuterRef("pk")))
        .order_by()
        .annotate(total=Func(F("hours"), function="SUM", output_field=HOURS))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=HOURS), Value(NO_HOURS), output_field=HOURS)


class MemberHours(NamedTuple):
    name: str
    hours: Decimal
    count: int


def team_member_hours(team: ServiceTeam) -> list[MemberHours]:
    """Each member of the team with the hours and the number of attendances they gave at the
    activities the team served, most hours first. One query."""
    attended = Attendance.objects.filter(member=OuterRef("pk"), activity__teams=team).order_by()
    hours = attended.annotate(
        total=Func(F("hours"), function="SUM", output_field=HOURS)
    ).values("total")
    count = attended.annotate(
        n=Func(F("pk"), function="COUNT", output_field=IntegerField())
    ).values("n")
    rows = (
        Member.objects.filter(service_teams=team)
        .annotate(
            served_hours=Coalesce(Subquery(hours, output_field=HOURS), Value(NO_HOURS),
                                  output_field=HOURS),
            served_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
        )
        .order_by("-served_hours", "name", "pk")
        .values_list("name", "served_hours", "served_count")
    )
    return [MemberHours(*row) for row in rows]


def team_activities(team: ServiceTeam):
    """The activities the team served, the latest first."""
    return team.activities.select_related("committee").order_by("-starts_at", "-pk")


class TeamFilter(django_filters.FilterSet):
    committee = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Committee"), queryset=Committee.objects.none(),
        empty_label=gettext_lazy("All committees"),
    )
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Kind"), choices=TeamKind.choices,
        empty_label=gettext_lazy("All kinds"),
    )

    class Meta:
        model = ServiceTeam
        fields = ["committee", "kind"]

    def __init__(self, data=None, *, queryset, committees, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        self.filters["committee"].queryset = committees
        self.form.fields["committee"].queryset = committees


def team_filter(user, data) -> TeamFilter:
    """The teams ``user`` may read, filtered by ``data`` (a GET: committee, kind)."""
    return TeamFilter(
        data or None,
        queryset=ServiceTeam.objects.for_user(user),
        committees=Committee.objects.for_user(user).order_by("name"),
    )


def team_rows(queryset):
    """What a team card shows (committee and leader names, member count, hours), in one
    query. Counts and hours come from subqueries, so neither repeats the other's rows; only
    the leader's name is read of their record."""
    members = (
        ServiceTeam.members.through.objects.filter(serviceteam_id=OuterRef("pk"))
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
        .values("n")
    )
    return (
        queryset.select_related("committee", "leader")
        .only("pk", "name", "kind", "committee__name", "leader__name")
        .annotate(
            member_count=Coalesce(Subquery(members, output_field=IntegerField()), Value(0)),
            hours=hours_subquery(),
        )
        .order_by("committee__name", "name", "pk")
    )
