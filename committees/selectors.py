"""Reads of a committee's own records: its seats and venues; which committees a user opens."""

from decimal import Decimal

from .models import Committee, SeatRole

LARGE_VENUE_AREA = Decimal(500)  # m²: the report's "500 平方米以上" threshold


SEAT_ORDER = {SeatRole.SECRETARY: 0, SeatRole.DEPUTY: 1, SeatRole.MEMBER: 2, SeatRole.PART_TIME: 3}


def committee_seats(committee):
    seats = list(committee.seats.select_related("member", "unit"))
    seats.sort(key=lambda s: (SEAT_ORDER.get(s.role, 9), s.term_start))
    return seats


def opened_committee_ids(user, ids) -> set[int]:
    """Which of the committees ``ids`` the user may open: the rule of the committee's page
    (``Committee.objects.for_user``), asked by a page before it links to one. One query."""
    return set(Committee.objects.for_user(user).filter(pk__in=ids).values_list("pk", flat=True))


def mark_opened_committees(user, memberships) -> None:
    """Set ``opens_committee`` on each of ``memberships`` (rows with a ``committee_id``): may
    the user open that committee's page. One query."""
    opened = opened_committee_ids(user, {m.committee_id for m in memberships})
    for membership in memberships:
        membership.opens_committee = membership.committee_id in opened


def opens_committee(user, pk) -> bool:
    """Whether the user may open committee ``pk`` (a page's breadcrumb asks before linking)."""
    return Committee.objects.for_user(user).filter(pk=pk).exists()

