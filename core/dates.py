"""Dates every app counts with: years typed by users (the range the portal accepts, a year read
from a URL, the context of a page's year switcher, the check forms run on a date), months typed
as ``YYYY-MM``, and the local (Asia/Shanghai) midnight that bounds a day or a month in queries."""

import calendar
import re
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

FIRST_YEAR, LAST_YEAR = 2000, 2100


def year_or_current(value, *, ahead: int | None = None) -> int:
    """A year typed in a URL (``FIRST_YEAR``..``LAST_YEAR``, or with ``ahead`` up to that many
    years past the current one); anything else means the current year."""
    current = timezone.localdate().year
    latest = LAST_YEAR if ahead is None else current + ahead
    try:
        year = int(value)
    except (TypeError, ValueError):
        return current
    return year if FIRST_YEAR <= year <= latest else current


def year_context(year: int, *, ahead: int = 0) -> dict:
    """What ``includes/_year_switch.html`` reads: the year, the one before it, and the one
    after it while that is at most ``ahead`` years past the current one (else None)."""
    latest = timezone.localdate().year + ahead
    return {
        "year": year,
        "previous_year": year - 1,
        "next_year": year + 1 if year < latest else None,
    }


def year_dates(year: int) -> tuple[date, date]:
    """The first and the last day of ``year`` (for ``date__range``)."""
    return date(year, 1, 1), date(year, 12, 31)


def year_range_error(value) -> str | None:
    """Why a date (or date and time) typed in a form is refused: outside 2000..2100 (year 1 is
    a slip of the keyboard, and breaks comparisons with other times); None when it is fine."""
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        return _("Enter a date between %(first)s and %(last)s.") % {
            "first": FIRST_YEAR, "last": LAST_YEAR}
    return None


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the month's last day (Aug 31 - 6 = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- months -------------------------------------------------------------------------------------

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


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


def local_datetime(day: date, hour: int, minute: int = 0) -> datetime:
    """``day`` at ``hour:minute`` in the current time zone (Asia/Shanghai), aware."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def local_midnight(day: date) -> datetime:
    """The start of ``day`` in the current time zone (Asia/Shanghai), as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def this_month() -> date:
    return timezone.localdate().replace(day=1)
