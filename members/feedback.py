"""The quarterly feedback sheet (反馈): what a community sends back to the employer of the
in-service members who checked in there. Activities and hours join it with the activities
issue; for now it lists each member's check-in during the quarter."""

from dataclasses import dataclass
from datetime import date, timedelta

import tablib
from django.db.models import Q
from django.utils import timezone
from import_export.formats.base_formats import XLSX

from units.models import Unit

from .exports import escape_cell
from .models import CheckIn, CheckInStatus
from .records import FIRST_YEAR, LAST_YEAR


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


def feedback_rows(committee, unit, quarter: Quarter):
    return list(
        _checkins(committee, quarter)
        .filter(member__employer_unit=unit)
        .select_related("member", "member__branch")
        .order_by("member__name", "pk")
    )


HEADERS = ["姓名", "组织关系所在", "报到社区", "报到日期", "结束日期"]


def feedback_xlsx(committee, unit, quarter: Quarter, rows) -> bytes:
    dataset = tablib.Dataset(headers=HEADERS, title=f"{quarter.year}年第{quarter.number}季度")
    for checkin in rows:
        dataset.append([
            escape_cell(checkin.member.name),
            escape_cell(checkin.member.membership),
            escape_cell(committee.name),
            checkin.started_on.isoformat() if checkin.started_on else "",
            checkin.ended_on.isoformat() if checkin.ended_on else "",
        ])
    return XLSX().export_data(dataset)
