"""Cadence arithmetic: calendar periods for daily … yearly cadences, counts per period
("每年不少于二次", p03.9.8.2), month ends, and durations that have no calendar period."""

from datetime import datetime

import pytest
from django.utils import timezone

from xinan.obligations.cadence import Cadence, divide
from xinan.policy.durations import Duration


def at(*args):
    return timezone.make_aware(datetime(*args))


def period(cadence, moment):
    start, end = Cadence.of(cadence).period(moment)
    return timezone.localtime(start).replace(tzinfo=None), timezone.localtime(end).replace(tzinfo=None)


@pytest.mark.parametrize("cadence, moment, start, end", [
    ("P1D", at(2025, 3, 31, 23, 59), datetime(2025, 3, 31), datetime(2025, 4, 1)),
    ("P1W", at(2025, 1, 1, 12), datetime(2024, 12, 30), datetime(2025, 1, 6)),  # Monday to Monday
    ("P1W", at(2025, 1, 6), datetime(2025, 1, 6), datetime(2025, 1, 13)),
    ("P1M", at(2025, 1, 31, 18), datetime(2025, 1, 1), datetime(2025, 2, 1)),
    ("P1M", at(2024, 2, 29, 23), datetime(2024, 2, 1), datetime(2024, 3, 1)),  # leap month end
    ("P1M", at(2025, 12, 31), datetime(2025, 12, 1), datetime(2026, 1, 1)),  # year end
    ("P3M", at(2025, 5, 15), datetime(2025, 4, 1), datetime(2025, 7, 1)),  # quarters
    ("P3M", at(2025, 12, 31, 23, 59), datetime(2025, 10, 1), datetime(2026, 1, 1)),
    ("P6M", at(2025, 7, 1), datetime(2025, 7, 1), datetime(2026, 1, 1)),
    ("P1Y", at(2025, 6, 30), datetime(2025, 1, 1), datetime(2026, 1, 1)),
    ("PT1H", at(2025, 6, 30, 13, 59), datetime(2025, 6, 30, 13), datetime(2025, 6, 30, 14)),
    ("PT8H", at(2025, 6, 30, 23, 30), datetime(2025, 6, 30, 16), datetime(2025, 7, 1)),
    ("P1M", at(1999, 12, 15), datetime(1999, 12, 1), datetime(2000, 1, 1)),  # before the epoch
])
def test_calendar_periods(cadence, moment, start, end):
    assert period(cadence, moment) == (start, end)


def test_fifteen_day_windows_tile_the_calendar():
    """p04.3-a's P15D as a calendar cadence: fixed windows, each the next's start."""
    cadence = Cadence.of("P15D")
    start, end = cadence.period(at(2025, 3, 10))
    assert (end - start).days == 15
    assert cadence.next_period(at(2025, 3, 10))[0] == end
    assert cadence.period(end)[0] == end and cadence.period(end - (end - start) / 15)[1] == end


def test_two_per_year_is_half_years():
    """p03.9.8.2 每年演练不少于二次: per_year_min: 2 in the pack → two slots a year."""
    assert Cadence.of(2).every == Duration(months=6)
    assert Cadence.of({"times": 2, "per": "P1Y"}).every == Duration(months=6)
    assert Cadence.of(4, per="P1Y").every == Duration(months=3)
    assert Cadence.of({"times": 7, "per": "P1W"}).every == Duration(days=1)
    assert period(2, at(2025, 6, 30, 23)) == (datetime(2025, 1, 1), datetime(2025, 7, 1))
    assert period(2, at(2025, 7, 1, 0, 1)) == (datetime(2025, 7, 1), datetime(2026, 1, 1))


def test_refused():
    with pytest.raises(ValueError):
        Cadence.of("P1M15D")  # no calendar period
    with pytest.raises(ValueError):
        Cadence.of("PT7H")  # does not divide a day
    with pytest.raises(ValueError):
        divide(Duration(years=1), 5)  # 12 months in 5 whole months
    with pytest.raises(ValueError):
        Cadence.of(0)
    with pytest.raises(ValueError):
        Cadence.of("every day")
