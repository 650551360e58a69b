"""A committee's in-service members (在职党员) and their groups (在职党员小组).

The in-service members of a committee are derived, never typed: the members with a confirmed
check-in (报到) there. A committee may split them into groups (by building, grid or team),
each with a leader (组长) chosen among them. A group is not a branch: no secretary, no term, no
三会一课, no appraisal, and it is never counted with the branches or in compliance. Deleting a
group leaves its check-ins in no group.
"""

from collections.abc import Iterable

import django_filters
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import CheckIn, CheckInStatus, InServiceGroup, Member

PAGE_SIZE = 25
CONFIRMED = Q(status=CheckInStatus.CONFIRMED)


# --- reads ---------------------------------------------------------------------------------

def checked_in_members(committee):
    """The members with a confirmed check-in to the committee (a group's possible leaders)."""
    return Member.objects.filter(
        pk__in=CheckIn.objects.filter(CONFIRMED, committee=committee).values("member_id")
    ).order_by("name", "pk")


class InServiceFilter(django_filters.FilterSet):
    group = django_filters.ModelChoiceFilter(
        label=gettext_lazy("In-service member group"), queryset=InServiceGroup.objects.none(),
        empty_label=gettext_lazy("All groups"), null_label=gettext_lazy("Not in a group"),
    )

    class Meta:
        model = CheckIn
        fields = ["group"]

    def __init__(self, data=None, *, queryset, groups, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        self.filters["group"].queryset = groups
        self.form.fields["group"].queryset = groups


def in_service_filter(user, committee, data, groups) -> InServiceFilter:
    """The committee's confirmed check-ins that ``user`` may change, filtered by group."""
    return InServiceFilter(
        data or None,
        queryset=CheckIn.objects.for_user(user, write=True).filter(CONFIRMED, committee=committee),
        groups=groups,
    )


def in_service_rows(queryset):
    """What a row of the in-service list shows (the member, their membership, the group)."""
    return queryset.select_related("member", "member__branch", "group").order_by(
        "member__name", "pk"
    )


def group_rows(queryset):
    """Each group with its leader and its members (confirmed check-ins) counted: one query."""
    return (
        queryset.select_related("leader")
        .annotate(member_count=Count("checkins", filter=Q(checkins__status="confirmed")))
        .order_by("name", "pk")
    )


def in_service_totals(committee) -> dict:
    """The committee's in-service members, and how many are in no group: one query."""
    return CheckIn.objects.filter(CONFIRMED, committee=committee).aggregate(
        total=Count("pk"), ungrouped=Count("pk", filter=Q(group__isnull=True))
    )


# --- writes --------------------------------------------------------------------------------

@transaction.atomic
def group_save(*, group: InServiceGroup, committee=None) -> InServiceGroup:
    """Create a group of ``committee`` or save an existing one. Its leader must have a
    confirmed check-in to the group's committee. A refusal writes nothing."""
    if group.pk is None:
        if committee is None:
            raise ValueError("A new group needs its committee.")
        group.committee = committee
    group.name = (group.name or "").strip()
    if group.leader_id is not None and not checked_in_members(group.committee_id).filter(
        pk=group.leader_id
    ).exists():
        raise ValidationError(
            {"leader": _("The leader must be an in-service member checked in to this "
                         "community.")}
        )
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def group_delete(*, group: InServiceGroup) -> None:
    """Delete the group; its check-ins stay confirmed, in no group."""
    group.delete()


@transaction.atomic
def checkins_place(*, committee, checkins: Iterable[CheckIn], group: InServiceGroup | None
                   ) -> int:
    """Put the committee's confirmed ``checkins`` in ``group`` (None: in no group). Each row
    is saved (not bulk-updated) so the audit log keeps who moved whom. Returns how many."""
    if group is not None and group.committee_id != committee.pk:
        raise ValidationError({"group": _("Choose a group of this community.")})
    wanted = [c.pk for c in checkins]
    rows = list(
        CheckIn.objects.select_for_update()
        .filter(CONFIRMED, committee=committee, pk__in=wanted)
        .order_by("pk")
    )
    if len(rows) != len(set(wanted)):
        raise ValidationError(
            _("Only members checked in to this community can be placed in its groups.")
        )
    for checkin in rows:
        checkin.group = group
        checkin.save(update_fields=["group"])
    return len(rows)
