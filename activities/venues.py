"""Venues over time (阵地建设): improvements to a venue (a renovation, a new room, equipment)
with their day, the area they added and the funding lines that paid for them; the area of
each committee's venues over a year's quarters, and the district's share of committees with
500 m² or more.

A venue's ``area`` is its area today. Recording an improvement changes it by the improvement's
``area_change``, under a lock of the venue's row; the area on an earlier day is today's less
the changes dated after that day. No day of a venue's history may have an area of zero or
less: such an improvement is refused. Money is counted from the funding lines only: an
improvement names the lines that paid for it (of its committee, each line paying for one
improvement at most) and never holds an amount of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Committee, Venue
from committees.selectors import LARGE_VENUE_AREA
from core.dates import year_range_error
from core.db import lock_row

from .models import Funding, VenueImprovement, VenueImprovementFunding

AREA = DecimalField(max_digits=10, decimal_places=1)
ZERO = Decimal("0")


# --- writes ----------------------------------------------------------------------------------

def _lowest_area_after(venue: Venue, on: date, change: Decimal) -> Decimal:
    """The smallest area the venue would have on ``on`` or any later day of its history once
    ``change`` is dated ``on`` (its area today is ``venue.area``)."""
    later = list(
        VenueImprovement.objects.filter(venue=venue, on__gt=on)
        .order_by("on").values_list("on", "area_change")
    )
    # today's area, walked back: the area just before each later change, then on ``on``
    area = venue.area + change
    lowest = area
    for _day, delta in reversed(later):
        area -= delta
        lowest = min(lowest, area)
    return lowest


@transaction.atomic
def improvement_save(*, improvement: VenueImprovement, venue: Venue,
                     funding_lines=(), user) -> VenueImprovement:
    """Record an improvement to ``venue``: its area changes by ``area_change`` (the venue's
    row locked), the funding lines (of the venue's committee, paying for no other
    improvement) are linked to it. Refused, with nothing written, when the venue's area would
    be zero or less on any day from the improvement's on, or the day is in the future."""
    venue = lock_row(venue)
    improvement.venue, improvement.committee_id = venue, venue.committee_id
    improvement.created_by = user
    errors = {}
    change = improvement.area_change if improvement.area_change is not None else ZERO
    if improvement.on and improvement.on > timezone.localdate():
        errors["on"] = _("Record an improvement once it is done: the date cannot be ahead.")
    elif error := year_range_error(improvement.on):
        errors["on"] = error
    elif (lowest := _lowest_area_after(venue, improvement.on, change)) <= 0:
        errors["area_change"] = _(
            "%(venue)s would have %(area)s m² left: a venue's area must stay more than zero. "
            "Delete the venue instead when it is given up."
        ) % {"venue": venue.name, "area": lowest}
    lines = list(funding_lines)
    # The lines locked (in one order) until the improvement is written: two improvements, of
    # two venues, naming one line at once get the message below, not a database error.
    list(Funding.objects.select_for_update().filter(pk__in=sorted(line.pk for line in lines))
         .order_by("pk").values_list("pk"))
    if any(line.committee_id != venue.committee_id for line in lines):
        errors["funding_lines"] = _("Choose funding lines of %(name)s.") % {
            "name": venue.committee.name}
    elif taken := list(VenueImprovementFunding.objects.filter(funding__in=lines)
                       .select_related("improvement")):
        errors["funding_lines"] = _(
            "A funding line pays for one improvement only: %(lines)s already paid for another."
        ) % {"lines": "、".join(str(p.funding_id) for p in taken)}
    if errors:
        raise ValidationError(errors)
    improvement.area_change = change
    improvement.full_clean()
    improvement.save()
    VenueImprovementFunding.objects.bulk_create(
        [VenueImprovementFunding(improvement=improvement, funding=line) for line in lines]
    )
    if change:
        venue.area += change
        venue.full_clean()
        venue.save(update_fields=["area"])
    return improvement


def committee_funding_choices(committee):
    """The funding lines an improvement of ``committee``'s venue may name: its own, not yet
    paying for an improvement, the latest first (with the activity or project they fund)."""
    return (
        Funding.objects.filter(committee=committee, improvement_payment__isnull=True)
        .select_related("unit", "activity", "project")
        .order_by("-date", "-pk")
    )


# --- reads -----------------------------------------------------------------------------------

def venue_improvements(venue):
    """A venue's improvements, the latest first, each with its funding lines (``lines``) and
    their total (``paid``): for a paginated list, a fixed number of queries a page."""
    return (
        VenueImprovement.objects.filter(venue=venue)
        .annotate(paid=Coalesce(
            Subquery(VenueImprovementFunding.objects.filter(improvement_id=OuterRef("pk"))
                     .order_by().values("improvement_id").annotate(s=Sum("funding__amount"))
                     .values("s")),
            Value(Decimal("0.00")), output_field=DecimalField(max_digits=14, decimal_places=2),
        ))
        .order_by("-on", "-pk")
    )


def lines_of(improvements) -> dict[int, list[Funding]]:
    """{improvement id: its funding lines (with their unit)} for a page of improvements."""
    out: dict[int, list[Funding]] = {}
    for payment in (VenueImprovementFunding.objects
                    .filter(improvement__in=[i.pk for i in improvements])
                    .select_related("funding__unit").order_by("funding__date", "funding_id")):
        out.setdefault(payment.improvement_id, []).append(payment.funding)
    return out


@dataclass
class Column:
    label: str  # "Q1", or the year before's end
    end: date
    due: bool  # the day has come: its area is known
    large: int | None = None  # committees with 500 m² or more that day (None: not yet)
    share: int | None = None  # their percent of the district's committees


@dataclass
class AreaCell:
    area: Decimal | None  # None: the day has not come
    large: bool


@dataclass
class CommitteeAreas:
    committee: Committee
    cells: list[AreaCell]


@dataclass
class AreaTable:
    year: int
    columns: list[Column]
    rows: list[CommitteeAreas]
    threshold: Decimal = LARGE_VENUE_AREA


def district_area_by_quarter(district, year: int, today: date | None = None) -> AreaTable:
    """Each committee's venue area at the end of the year before and of each quarter of
    ``year``, from today's areas less the improvements' changes dated after each end; and the
    share of committees with 500 m² or more. Two queries, whatever the district's size."""
    today = today or timezone.localdate()
    ends = [date(year - 1, 12, 31), date(year, 3, 31), date(year, 6, 30), date(year, 9, 30),
            date(year, 12, 31)]
    columns = [Column(label=_("End of %(year)s") % {"year": year - 1}, end=ends[0],
                      due=ends[0] <= today)]
    columns += [Column(label=f"Q{n}", end=end, due=end <= today)
                for n, end in enumerate(ends[1:], start=1)]
    committees = list(
        Committee.objects.filter(district=district).annotate(area_now=Coalesce(
            Subquery(Venue.objects.filter(committee_id=OuterRef("pk")).order_by()
                     .values("committee_id").annotate(s=Sum("area")).values("s")),
            Value(ZERO), output_field=AREA,
        )).order_by("name")
    )
    later: dict[int, list[tuple[date, Decimal]]] = {}
    for committee_id, on, change in (
        VenueImprovement.objects.filter(committee__district=district, on__gt=ends[0])
        .exclude(area_change=0).order_by().values_list("committee_id", "on")
        .annotate(change=Sum("area_change"))
    ):
        later.setdefault(committee_id, []).append((on, change))
    rows = []
    for committee in committees:
        changes = later.get(committee.pk, [])
        cells = []
        for col in columns:
            area = (committee.area_now - sum((c for on, c in changes if on > col.end), ZERO)
                    if col.due else None)
            cells.append(AreaCell(area=area, large=area is not None and area >= LARGE_VENUE_AREA))
        rows.append(CommitteeAreas(committee=committee, cells=cells))
    for i, col in enumerate(columns):
        if col.due:
            col.large = sum(1 for r in rows if r.cells[i].large)
            col.share = round(100 * col.large / len(rows)) if rows else 0
    return AreaTable(year=year, columns=columns, rows=rows)
