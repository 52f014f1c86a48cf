"""ISO-8601 durations as the pack stores them: parsed, normalised, calendar-aware."""

from datetime import datetime

import pytest
from django.utils import timezone

from xinan.policy.durations import Duration, IsoDuration


@pytest.mark.parametrize("text,expected", [
    ("P15D", Duration(days=15)), ("P1W", Duration(days=7)), ("P1M", Duration(months=1)),
    ("P6M", Duration(months=6)), ("P1Y", Duration(years=1)), ("PT1H", Duration(seconds=3600)),
    ("PT15M", Duration(seconds=900)), ("PT24H", Duration(seconds=86400)), ("p3m", Duration(months=3)),
    ("P1DT2H", Duration(days=1, seconds=7200)),
])
def test_parse(text, expected):
    assert Duration.parse(text) == expected


@pytest.mark.parametrize("bad", ["", "P", "PT", "15D", "P1.5D", "P-1D", "P1H", "一个月", "P1DT", 15, None, "P999Y"])
def test_refused(bad):
    with pytest.raises(ValueError):
        Duration.parse(bad)


def test_canonical_text():
    assert IsoDuration("p15d") == "P15D"
    assert IsoDuration("P2W") == "P2W" and IsoDuration("P14D") == "P2W" and IsoDuration("P15D") == "P15D"
    assert IsoDuration("PT90M") == "PT1H30M"
    with pytest.raises(ValueError):
        IsoDuration("fifteen days")


def test_calendar_months_and_days():
    """一个月 before 31 March is 28/29 February (the day is clamped), not 30 days."""
    tz = timezone.get_current_timezone()
    moment = datetime(2025, 3, 31, 12, 0, tzinfo=tz)
    assert Duration.parse("P1M").before(moment) == datetime(2025, 2, 28, 12, 0, tzinfo=tz)
    assert Duration.parse("P15D").before(moment) == datetime(2025, 3, 16, 12, 0, tzinfo=tz)
    assert Duration.parse("P1Y").after(datetime(2024, 2, 29, tzinfo=tz)) == datetime(2025, 2, 28, tzinfo=tz)
    assert Duration.parse("PT1H").after(moment) == datetime(2025, 3, 31, 13, 0, tzinfo=tz)


def test_chinese_label():
    assert Duration.parse("P15D").label() == "15天"
    assert Duration.parse("P1M").label() == "1个月"
    assert Duration.parse("PT1H").label() == "1小时"
