"""The period a dashboard counts over: a month, a quarter, a year or a range of days, read from
the query string (``?period=quarter&year=2026&quarter=1``), on the Asia/Shanghai calendar.

Bad input never reaches a query: ``read_period`` answers the default period (this year) with
the reasons it refused, for the page to say them."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core.dates import FIRST_YEAR, LAST_YEAR, add_months, local_midnight, next_month

KINDS = {
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Quarter"),
    "year": gettext_lazy("Year"),
    "custom": gettext_lazy("Custom range"),
}
MAX_CUSTOM_DAYS = 366 * 5


@dataclass(frozen=True)
class Period:
    kind: str
    first: date  # the first day, included
    last: date  # the last day, included

    @property
    def start(self) -> datetime:
        """The first moment of the period, local midnight, aware (for ``__gte``)."""
        return local_midnight(self.first)

    @property
    def end(self) -> datetime:
        """The first moment after the period (for ``__lt``)."""
        return local_midnight(self.last + timedelta(days=1))

    @property
    def year(self) -> int:
        """The year the period ends in (compliance is counted by year)."""
        return self.last.year

    @property
    def quarter(self) -> int:
        return (self.first.month - 1) // 3 + 1

    def months(self) -> list[date]:
        """The first day of each month the period touches, in order."""
        month, months = self.first.replace(day=1), []
        while month <= self.last:
            months.append(month)
            month = next_month(month)
        return months

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("%(year)s-%(month)02d") % {"year": self.first.year, "month": self.first.month}
        if self.kind == "quarter":
            return _("Q%(quarter)s %(year)s") % {"quarter": self.quarter, "year": self.first.year}
        if self.kind == "year":
            return pgettext("period", "%(year)s") % {"year": self.first.year}
        return f"{self.first.isoformat()} – {self.last.isoformat()}"

    def params(self) -> dict:
        """The query-string parameters that name this period."""
        if self.kind == "month":
            return {"period": "month", "year": self.first.year, "month": self.first.month}
        if self.kind == "quarter":
            return {"period": "quarter", "year": self.first.year, "quarter": self.quarter}
        if self.kind == "year":
            return {"period": "year", "year": self.first.year}
        return {"period": "custom", "start": self.first.isoformat(),
                "end": self.last.isoformat()}

    @property
    def query(self) -> str:
        return urlencode(self.params())


def month_period(year: int, month: int) -> Period:
    first = date(year, month, 1)
    return Period("month", first, next_month(first) - timedelta(days=1))


def quarter_period(year: int, quarter: int) -> Period:
    first = date(year, 3 * quarter - 2, 1)
    return Period("quarter", first, add_months(first, 3) - timedelta(days=1))


def year_period(year: int) -> Period:
    return Period("year", date(year, 1, 1), date(year, 12, 31))


def default_period() -> Period:
    """This year, on the local calendar."""
    return year_period(timezone.localdate().year)


def _int(data, name: str, low: int, high: int, default: int, errors: list) -> int:
    value = (data.get(name) or "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        errors.append(_("%(field)s must be a whole number from %(low)s to %(high)s.") % {
            "field": {"year": _("Year"), "month": _("Month"), "quarter": _("Quarter")}[name],
            "low": low, "high": high})
        return default
    return number


def _day(data, name: str, errors: list) -> date | None:
    value = (data.get(name) or "").strip()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        errors.append(_("Enter the first day as YYYY-MM-DD.") if name == "start"
                      else _("Enter the last day as YYYY-MM-DD."))
        return None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        errors.append(_("Enter a date between %(first)s and %(last)s.") % {
            "first": FIRST_YEAR, "last": LAST_YEAR})
        return None
    return day


def read_period(data) -> tuple[Period, list[str]]:
    """The period a GET asks for, and the reasons it was refused (then the period is this
    year). No ``period`` parameter: this year."""
    today = timezone.localdate()
    kind = (data.get("period") or "year").strip()
    errors: list[str] = []
    if kind not in KINDS:
        return default_period(), [_("Choose a month, a quarter, a year or a custom range.")]
    year = _int(data, "year", FIRST_YEAR, LAST_YEAR, today.year, errors)
    if kind == "month":
        period = month_period(year, _int(data, "month", 1, 12, today.month, errors))
    elif kind == "quarter":
        period = quarter_period(year, _int(data, "quarter", 1, 4, (today.month - 1) // 3 + 1,
                                           errors))
    elif kind == "year":
        period = year_period(year)
    else:
        first, last = _day(data, "start", errors), _day(data, "end", errors)
        if first and last and first > last:
            errors.append(_("The first day must not be after the last day."))
        elif first and last and (last - first).days > MAX_CUSTOM_DAYS:
            errors.append(_("A custom range may span at most five years."))
        period = Period("custom", first, last) if not errors else None
    if errors:
        return default_period(), errors
    return period, []
