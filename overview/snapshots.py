"""The district page's counted parts (the dashboard and the structure totals) kept whole in
the cache for ``DASHBOARD_SNAPSHOT_SECONDS``, so that an officer's
views after the first, and everyone's after the beat has warmed this year's page, read one
cache entry instead of counting a city's records again. The page says when its figures were
counted (``DistrictSnapshot.at``); a snapshot is never older than the setting.

The cache is an optimisation only: when it cannot be read or written (Redis down) the page
counts from the records as it would without it."""

import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import get_language

from committees.models import District

from . import dashboard, selectors
from .periods import Period, default_period

log = logging.getLogger(__name__)


@dataclass
class DistrictSnapshot:
    board: dashboard.Dashboard
    totals: selectors.DistrictTotals
    at: datetime  # when it was counted

    @property
    def counted_at(self) -> datetime:
        """When its figures were counted: the kept figures' counting, or the snapshot's own
        time when that is older (a snapshot may be older than a counting done since)."""
        kept = self.board.counted_at
        return min(kept, self.at) if kept else self.at


# Part of the key: raise it when the snapshot's dataclasses change, so that a deployment never
# reads snapshots pickled by the code before it.
VERSION = 4  # 4: matters flagged and settled at the grass roots (issue 17)


def _key(district_id: int, period: Period, language: str) -> str:
    return f"district-page:v{VERSION}:{language}:{district_id}:{period.query}"


def _in_words(value):
    """``value`` with each translatable label (a lazy string) written out in the active
    language: a snapshot is kept once per language, and reading a hundred lazy labels back
    from the cache took half the page's reading of its snapshot."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, list):
        return [_in_words(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_in_words(v) for v in value)
    if isinstance(value, dict):
        return {k: _in_words(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{
            f.name: _in_words(getattr(value, f.name)) for f in dataclasses.fields(value)
            if f.init
        })
    return value


def count_district(district, period: Period) -> DistrictSnapshot:
    return DistrictSnapshot(
        board=dashboard.district_dashboard(district, period),
        totals=selectors.district_totals(district),
        at=timezone.now(),
    )


def district_snapshot(district, period: Period) -> DistrictSnapshot:
    """The district page's figures over ``period``: from the cache when counted less than
    ``DASHBOARD_SNAPSHOT_SECONDS`` ago, else counted now and kept."""
    seconds = settings.DASHBOARD_SNAPSHOT_SECONDS
    if not seconds:
        return count_district(district, period)
    key = _key(district.pk, period, get_language())
    try:
        snapshot = cache.get(key)
    except Exception:  # the cache is down: count from the records
        log.warning("district page snapshot: cache unavailable", exc_info=True)
        return count_district(district, period)
    if snapshot is None:
        snapshot = _in_words(count_district(district, period))
        _keep(key, snapshot, seconds)
    return snapshot


def _keep(key, snapshot, seconds) -> None:
    try:
        cache.set(key, snapshot, seconds)
    except Exception:
        log.warning("district page snapshot: cache unavailable", exc_info=True)


def warm_districts() -> int:
    """Count each district's page for this year and keep it (after the beat's counting of
    the kept figures), so the officer's first view reads it. Answers how many."""
    seconds = settings.DASHBOARD_SNAPSHOT_SECONDS
    if not seconds:
        return 0
    period = default_period()
    districts = list(District.objects.order_by("pk"))
    for district in districts:
        counted = count_district(district, period)
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                _keep(_key(district.pk, period, language), _in_words(counted), seconds)
    return len(districts)
