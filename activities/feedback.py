"""The quarterly feedback sheet (反馈): what a community sends back to the employer of the
in-service members who checked in there: each member's check-in during the quarter, and the
community's activities they attended in it with their volunteer hours."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.dates import FIRST_YEAR, LAST_YEAR
from core.xlsx import add_sheet, new_workbook, workbook_bytes
from members.models import CheckIn, CheckInStatus
from units.models import Unit

from .models import Attendance


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        if self.number == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    @classmethod
    def parse(cls, year, number) -> "Quarter":
        """The quarter asked for, or the current one when the values are missing or bad."""
        today = timezone.localdate()
        try:
            year, number = int(year), int(number)
        except (TypeError, ValueError):
            return cls(today.year, (today.month - 1) // 3 + 1)
        if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= number <= 4):
            return cls(today.year, (today.month - 1) // 3 + 1)
        return cls(year, number)


def _checkins(committee, quarter: Quarter):
    return CheckIn.objects.filter(
        committee=committee,
        status__in=[CheckInStatus.CONFIRMED, CheckInStatus.ENDED],
        started_on__lte=quarter.end,
    ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=quarter.start))


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


def feedback_rows(committee, unit, quarter: Quarter):
    """The unit's members checked in here during the quarter, each with ``activities`` (how
    many of the community's activities they attended in the quarter) and ``hours`` (their
    volunteer hours there), computed in the same query."""
    hours_field = DecimalField(max_digits=9, decimal_places=1)
    return list(
        _checkins(committee, quarter)
        .filter(member__employer_unit=unit)
        .select_related("member", "member__branch")
        .annotate(
            activities=Coalesce(
                _attended(committee, quarter, Count("pk"), IntegerField()), Value(0)
            ),
            hours=Coalesce(
                _attended(committee, quarter, Sum("hours"), hours_field),
                Value(Decimal("0.0")), output_field=hours_field,
            ),
        )
        .order_by("member__name", "pk")
    )


HEADERS = [
    "姓名", "组织关系所在", "报到社区", "报到日期", "结束日期",
    "参加活动(次)", "志愿服务时长(小时)",
]


def feedback_xlsx(committee, unit, quarter: Quarter, rows) -> bytes:
    """The sheet as a workbook. The counts and hours are text, as they have always been in
    this sheet (django-import-export, which wrote it before ``core.xlsx``, made every cell
    text)."""
    workbook = new_workbook()
    add_sheet(workbook, f"{quarter.year}年第{quarter.number}季度", HEADERS, [
        [
            checkin.member.name,
            checkin.member.membership,
            committee.name,
            checkin.started_on.isoformat() if checkin.started_on else "",
            checkin.ended_on.isoformat() if checkin.ended_on else "",
            str(checkin.activities),
            str(checkin.hours),
        ]
        for checkin in rows
    ])
    return workbook_bytes(workbook)
