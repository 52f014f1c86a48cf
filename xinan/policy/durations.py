"""ISO-8601 durations (``P15D``, ``P1M``, ``PT1H``, ``P1Y``) as the pack and its parameters hold them.

Storage: a duration parameter is stored as its canonical ISO-8601 text (``P1M``, ``PT24H``), so an
organisation reads and writes what the regulation says. It is validated on entry
(``IsoDuration``, the parameter kind; a bad value is refused before it is saved) and parsed when
used. Years and months are calendar units: "一个月" from 31 January is 28/29 February, not 30 days;
weeks and days are calendar days in local time; hours, minutes and seconds are exact. Checks turn a
duration into one cut-off moment (``as_of - duration``) and compare a column with it, so a query
never does date arithmetic per row.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

_PATTERN = re.compile(
    r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)
MAX_YEARS = 100


@dataclass(frozen=True)
class Duration:
    years: int = 0
    months: int = 0
    days: int = 0
    seconds: int = 0

    @classmethod
    def parse(cls, text) -> "Duration":
        if isinstance(text, Duration):
            return text
        if not isinstance(text, str):
            raise ValueError(f"not an ISO-8601 duration: {text!r}")
        raw = text.strip().upper()
        match = _PATTERN.match(raw)
        if not match or raw in ("P", "PT") or raw.endswith("T"):
            raise ValueError(f"not an ISO-8601 duration: {text!r}")
        n = {k: int(v or 0) for k, v in match.groupdict().items()}
        duration = cls(years=n["years"], months=n["months"], days=n["weeks"] * 7 + n["days"],
                       seconds=n["hours"] * 3600 + n["minutes"] * 60 + n["seconds"])
        if duration.approx_days() > MAX_YEARS * 366:
            raise ValueError(f"duration too long: {text!r}")
        return duration

    def iso(self) -> str:
        if self.days and self.days % 7 == 0 and not (self.years or self.months or self.seconds):
            return f"P{self.days // 7}W"  # as the regulation writes it (P1W, not P7D)
        date_part = "".join(f"{v}{u}" for v, u in ((self.years, "Y"), (self.months, "M"), (self.days, "D")) if v)
        h, rest = divmod(self.seconds, 3600)
        m, s = divmod(rest, 60)
        time_part = "".join(f"{v}{u}" for v, u in ((h, "H"), (m, "M"), (s, "S")) if v)
        if not date_part and not time_part:
            return "PT0S"
        return "P" + date_part + (("T" + time_part) if time_part else "")

    def __str__(self):
        return self.iso()

    def approx_days(self) -> float:
        return self.years * 365.25 + self.months * 30.44 + self.days + self.seconds / 86400

    def _shift(self, moment: datetime, sign: int) -> datetime:
        if moment.tzinfo is not None:  # calendar units count in the organisation's local time
            from django.utils import timezone

            moment = timezone.localtime(moment)
        months = moment.month - 1 + sign * (self.years * 12 + self.months)
        year, month = moment.year + months // 12, months % 12 + 1
        day = min(moment.day, calendar.monthrange(year, month)[1])
        shifted = moment.replace(year=year, month=month, day=day)
        return shifted + sign * timedelta(days=self.days, seconds=self.seconds)

    def before(self, moment: datetime) -> datetime:
        """``moment`` minus this duration (calendar-aware)."""
        return self._shift(moment, -1)

    def after(self, moment: datetime) -> datetime:
        return self._shift(moment, +1)

    def label(self) -> str:
        """Chinese reading for messages: 15天, 1个月, 1小时."""
        parts = []
        h, rest = divmod(self.seconds, 3600)
        m, s = divmod(rest, 60)
        for value, unit in ((self.years, "年"), (self.months, "个月"), (self.days, "天"), (h, "小时"), (m, "分钟"), (s, "秒")):
            if value:
                parts.append(f"{value}{unit}")
        return "".join(parts) or "0"


class IsoDuration(str):
    """Parameter kind for durations: validates and normalises the text (``p15d`` → ``P15D``)."""

    def __new__(cls, raw):
        return super().__new__(cls, Duration.parse(raw).iso())


def is_duration(value) -> bool:
    try:
        Duration.parse(value)
    except ValueError:
        return False
    return True
