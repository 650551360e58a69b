"""The feedback sheet (反馈), quarterly or yearly: what a community sends back to the employer
of the in-service members who checked in there: each member's check-in during the period, the
community's activities they attended in it with their volunteer hours, and the community's
rating of their service for the period's year with its remark (``ServiceRating``).

The committee's side reads it for each employer unit (``feedback_views.feedback_sheet``); the
unit's liaison reads their own people's sheets from every community
(``feedback_views.unit_feedback``)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from committees.models import Committee
from core.dates import FIRST_YEAR, LAST_YEAR
from core.xlsx import add_sheet, new_workbook, workbook_bytes
from members.models import CheckIn, CheckInStatus, Rating
from units.models import Unit

from .models import Attendance, ServiceRating

YEAR = 0  # ``Quarter.number`` of a yearly sheet


@dataclass(frozen=True)
class Quarter:
    """The sheet's period: a quarter (``number`` 1 to 4) or the whole year (``YEAR``)."""

    year: int
    number: int

    @property
    def is_year(self) -> bool:
        return self.number == YEAR

    @property
    def start(self) -> date:
        return date(self.year, 1, 1) if self.is_year else date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        if self.number in (YEAR, 4):
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    @property
    def code(self) -> str:
        """In file names: ``2026Q2``, or ``2026`` for the year."""
        return str(self.year) if self.is_year else f"{self.year}Q{self.number}"

    @property
    def sheet_title(self) -> str:
        return f"{self.year}年" if self.is_year else f"{self.year}年第{self.number}季度"

    @classmethod
    def parse(cls, year, number) -> "Quarter":
        """The period asked for, or the current quarter when the values are missing or bad."""
        today = timezone.localdate()
        try:
            year, number = int(year), int(number)
        except (TypeError, ValueError):
            return cls(today.year, (today.month - 1) // 3 + 1)
        if not (FIRST_YEAR <= year <= LAST_YEAR and 0 <= number <= 4):
            return cls(today.year, (today.month - 1) // 3 + 1)
        return cls(year, number)


def served_q(quarter: Quarter, via: str = "") -> Q:
    """Check-ins (reached through ``via``) confirmed, or since ended, that were in force on
    some day of the period."""
    return Q(**{
        f"{via}status__in": [CheckInStatus.CONFIRMED, CheckInStatus.ENDED],
        f"{via}started_on__lte": quarter.end,
    }) & (Q(**{f"{via}ended_on__isnull": True}) | Q(**{f"{via}ended_on__gte": quarter.start}))


def served_in(checkin, quarter: Quarter) -> bool:
    """``served_q`` for one loaded check-in."""
    return (
        checkin.status in (CheckInStatus.CONFIRMED, CheckInStatus.ENDED)
        and checkin.started_on is not None and checkin.started_on <= quarter.end
        and (checkin.ended_on is None or checkin.ended_on >= quarter.start)
    )


def _checkins(committee, quarter: Quarter):
    return CheckIn.objects.filter(served_q(quarter), committee=committee)


def feedback_units(committee, quarter: Quarter):
    """Resident units employing members who were checked in here during the quarter."""
    employers = _checkins(committee, quarter).values("member__employer_unit")
    return Unit.objects.filter(pk__in=employers).order_by("name")


def _attended(committee, quarter: Quarter, aggregate, output_field):
    """Per row, in SQL: ``aggregate`` over the member's attendances at the committee's
    activities that started in the quarter (local dates)."""
    rows = (
        Attendance.objects.filter(
            member_id=OuterRef("member_id"),
            activity__committee=committee,
            activity__starts_at__date__gte=quarter.start,
            activity__starts_at__date__lte=quarter.end,
        )
        .order_by()
        .values("member_id")
        .annotate(value=aggregate)
        .values("value")
    )
    return Subquery(rows, output_field=output_field)


def _year_rating(field: str, year: int):
    """Per check-in row, in SQL: ``field`` of the community's rating of its year."""
    return Subquery(
        ServiceRating.objects.filter(checkin_id=OuterRef("pk"), year=year).values(field)[:1]
    )


def with_record(checkins, committee, quarter: Quarter):
    """``checkins`` (of ``committee``) with each member's record for the period, computed in
    the same query from the attendance records, never typed: ``activities`` (how many of the
    community's activities they attended) and ``hours`` (their volunteer hours there); and the
    community's ``rating`` and ``remark`` of the period's year (None when not rated)."""
    hours_field = DecimalField(max_digits=9, decimal_places=1)
    return checkins.annotate(
        activities=Coalesce(_attended(committee, quarter, Count("pk"), IntegerField()), Value(0)),
        hours=Coalesce(
            _attended(committee, quarter, Sum("hours"), hours_field),
            Value(Decimal("0.0")), output_field=hours_field,
        ),
        rating=_year_rating("rating", quarter.year),
        remark=_year_rating("remark", quarter.year),
    )


def labelled(rows):
    """``rows`` (a list) with each one's ``rating_label`` (empty when not rated)."""
    labels = dict(Rating.choices)
    for row in rows:
        row.rating_label = str(labels.get(row.rating, ""))
    return rows


def feedback_rows(committee, unit, quarter: Quarter):
    """The unit's members checked in here during the period, each with their record
    (``with_record``: activities, hours, the year's rating and remark). One query."""
    return labelled(list(
        with_record(
            _checkins(committee, quarter).filter(member__employer_unit=unit)
            .select_related("member", "member__branch"),
            committee, quarter,
        ).order_by("member__name", "pk")
    ))


def unit_sheets(unit, quarter: Quarter):
    """The committees where the unit's members were checked in during the period, each with
    ``people`` (how many): one feedback sheet each, for the unit's liaison. One query."""
    return (
        Committee.objects.filter(
            served_q(quarter, via="checkins__"), checkins__member__employer_unit=unit
        )
        .annotate(people=Count("checkins__member", distinct=True))
        .order_by("name", "pk")
    )


def unit_sheet_committee(unit, quarter: Quarter, pk):
    """One committee of ``unit_sheets``, or None."""
    return unit_sheets(unit, quarter).filter(pk=pk).first()


HEADERS = [
    "姓名", "组织关系所在", "报到社区", "报到日期", "结束日期",
    "参加活动(次)", "志愿服务时长(小时)", "年度评价", "评语",
]


def feedback_xlsx(committee, unit, quarter: Quarter, rows) -> bytes:
    """The sheet as a workbook. The counts and hours are text, as they have always been in
    this sheet (django-import-export, which wrote it before ``core.xlsx``, made every cell
    text)."""
    workbook = new_workbook()
    add_sheet(workbook, quarter.sheet_title, HEADERS, [
        [
            checkin.member.name,
            checkin.member.membership,
            committee.name,
            checkin.started_on.isoformat() if checkin.started_on else "",
            checkin.ended_on.isoformat() if checkin.ended_on else "",
            str(checkin.activities),
            str(checkin.hours),
            checkin.rating_label,
            checkin.remark or "",
        ]
        for checkin in rows
    ])
    return workbook_bytes(workbook)
