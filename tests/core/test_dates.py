"""core.dates: a year read from a URL, the year switcher's context, the range check of forms."""

from datetime import date, datetime

import pytest

from core import dates
from core.dates import year_context, year_or_current, year_range_error


@pytest.fixture(autouse=True)
def today_in_2026(monkeypatch):
    monkeypatch.setattr(dates.timezone, "localdate", lambda *args: date(2026, 5, 20))


@pytest.mark.parametrize(
    ("value", "year"),
    [("2024", 2024), (2000, 2000), ("2100", 2100), ("1999", 2026), ("2101", 2026),
     ("", 2026), (None, 2026), ("20x4", 2026), ("2024.5", 2026)],
)
def test_a_year_outside_2000_to_2100_or_not_a_year_means_this_year(value, year):
    assert year_or_current(value) == year


@pytest.mark.parametrize(("value", "year"), [("2027", 2027), ("2028", 2026), ("1999", 2026)])
def test_ahead_caps_the_year_that_many_years_past_this_one(value, year):
    assert year_or_current(value, ahead=1) == year


def test_the_switcher_stops_at_this_year():
    assert year_context(2025) == {"year": 2025, "previous_year": 2024, "next_year": 2026}
    assert year_context(2026) == {"year": 2026, "previous_year": 2025, "next_year": None}


def test_the_switcher_goes_ahead_when_asked():
    assert year_context(2026, ahead=1)["next_year"] == 2027
    assert year_context(2027, ahead=1)["next_year"] is None


def test_a_date_outside_2000_to_2100_is_refused_with_a_message():
    assert year_range_error(None) is None
    assert year_range_error(date(2000, 1, 1)) is None
    assert year_range_error(datetime(2100, 12, 31, 23, 59)) is None
    assert "2000" in year_range_error(date(1, 1, 1))
    assert year_range_error(date(2101, 1, 1)) is not None
