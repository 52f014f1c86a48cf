"""Cadences of recurring obligations: the period a moment falls in, from an ISO-8601 duration.

A cadence is a duration the pack gives (``P1D``, ``P1W``, ``P15D``, ``P1M``, ``P3M``, ``P6M``,
``P1Y``) or a count per period (the catalogue's "每年不少于二次", stored in the pack as
``per_year_min: 2``, or ``{times: 2, per: P1Y}``), which divides the period into equal slots
(two a year: two half-years). Periods are aligned to the calendar in the organisation's time
zone, so every scheduler computes the same period for the same moment:

- months and years: from 1 January (``P3M`` = calendar quarters, ``P6M`` = half-years);
- days and weeks: counted from Monday 3 January 2000 (``P1W`` = Monday to Monday, ``P1D`` =
  midnight to midnight, ``P15D`` = fixed 15-day windows);
- hours and minutes that divide a day: from local midnight.

A duty is due at the end of its period (the start of the next one). A duration mixing months
with days (``P1M15D``) has no calendar period and is refused.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from xinan.policy.durations import Duration

EPOCH = date(2000, 1, 3)  # a Monday
YEAR = Duration(years=1)


def _aware(day: date, seconds: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day) + timedelta(seconds=seconds))


def divide(per: Duration, times: int) -> Duration:
    """``per`` split into ``times`` equal calendar slots (P1Y / 2 = P6M, P1W / 7 = P1D)."""
    if isinstance(times, bool) or not isinstance(times, int) or times < 1:
        raise ValueError(f"a count per period must be a positive whole number, not {times!r}")
    months = per.years * 12 + per.months
    if months and not (per.days or per.seconds):
        if months % times:
            raise ValueError(f"{per.iso()} cannot be split into {times} whole months")
        return Duration(months=months // times)
    if per.days and not (months or per.seconds):
        if per.days % times:
            raise ValueError(f"{per.iso()} cannot be split into {times} whole days")
        return Duration(days=per.days // times)
    if per.seconds and not (months or per.days):
        if per.seconds % times:
            raise ValueError(f"{per.iso()} cannot be split into {times} whole seconds")
        return Duration(seconds=per.seconds // times)
    raise ValueError(f"{per.iso()} is not a calendar period")


@dataclass(frozen=True)
class Cadence:
    every: Duration

    def __post_init__(self):
        d = self.every
        months = d.years * 12 + d.months
        kinds = sum(1 for part in (months, d.days, d.seconds) if part)
        if kinds != 1:
            raise ValueError(f"{d.iso()} is not a calendar cadence (use months/years, days/weeks, or hours)")
        if d.seconds and 86400 % d.seconds:
            raise ValueError(f"{d.iso()} does not divide a day")

    @classmethod
    def of(cls, value, per=None) -> "Cadence":
        """From what ``pack.param`` gives: a ``Duration`` or its text, a count per ``per``
        (default one year), or a mapping ``{times: n, per: P1Y}``."""
        if isinstance(value, Cadence):
            return value
        if isinstance(value, dict):
            return cls(divide(Duration.parse(value.get("per") or "P1Y"), value.get("times")))
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(divide(Duration.parse(per) if per else YEAR, value))
        return cls(Duration.parse(value))

    def iso(self) -> str:
        return self.every.iso()

    def period(self, moment: datetime) -> tuple[datetime, datetime]:
        """[start, end) of the period holding ``moment``, as aware local datetimes."""
        local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
        d = self.every
        months = d.years * 12 + d.months
        if months:
            index = (local.year - 2000) * 12 + local.month - 1
            first = index - index % months
            start = _aware(date(2000 + first // 12, first % 12 + 1, 1))
            last = first + months
            return start, _aware(date(2000 + last // 12, last % 12 + 1, 1))
        if d.days:
            offset = (local.date() - EPOCH).days
            first = EPOCH + timedelta(days=offset - offset % d.days)
            return _aware(first), _aware(first + timedelta(days=d.days))
        since_midnight = local.hour * 3600 + local.minute * 60 + local.second
        first = since_midnight - since_midnight % d.seconds
        return _aware(local.date(), first), _aware(local.date(), first + d.seconds)

    def next_period(self, moment: datetime) -> tuple[datetime, datetime]:
        return self.period(self.period(moment)[1])
