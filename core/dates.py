"""Dates shared by the apps: months typed as ``YYYY-MM`` and the local (Asia/Shanghai)
midnight that bounds a day or a month in queries."""

import re
from datetime import date, datetime, time, timedelta

from django.utils import timezone

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


def local_midnight(day: date) -> datetime:
    """The start of ``day`` in the current time zone (Asia/Shanghai), as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def this_month() -> date:
    return timezone.localdate().replace(day=1)
