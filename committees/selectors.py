"""Reads of a committee's own records: its seats and venues."""

from decimal import Decimal

from .models import SeatRole

LARGE_VENUE_AREA = Decimal(500)  # m²: the report's "500 平方米以上" threshold


def committee_seats(committee):
    order = {SeatRole.SECRETARY: 0, SeatRole.DEPUTY: 1, SeatRole.MEMBER: 2, SeatRole.PART_TIME: 3}
    seats = list(committee.seats.select_related("member", "unit"))
    seats.sort(key=lambda s: (order.get(s.role, 9), s.term_start))
    return seats


def committee_venues(committee):
    venues = list(committee.venues.select_related("unit"))
    return venues, sum((v.area for v in venues), Decimal(0))
