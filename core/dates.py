"""Dates every app counts with."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the month's last day (Aug 31 - 6 = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
