"""Working-hours arithmetic for the SLA's follow-up rules: business hours on working days in
the SLA's time zone, correct across daylight-saving changes, closed on public holidays (a
country's, optionally a subdivision's, from the `holidays` library) and on extra closed days.

Two implementations of the same clock:
- scalar functions (`working_hours_between`, `add_working_hours`) that walk day by day with
  `zoneinfo`; easy to read and to check by hand;
- vectorised functions (`working_hours_between_many`, `add_working_hours_many`) for millions
  of rows: each working day's opening and closing instant is computed once in UTC, and every
  instant is mapped onto a continuous "working clock" with `numpy.searchsorted`.
Tests check that both agree on a grid of cases.

Instants are UTC. Naive datetimes (what the extracts hold) are taken as UTC; the scalar
functions return naive UTC for naive input and aware UTC for aware input. A working hour is
an hour of real time inside business hours, so a day whose business hours span a clock change
is an hour shorter or longer, as the people working it experience it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
UTC = dt.timezone.utc
US_PER_SECOND = 1_000_000
US_PER_HOUR = 3_600 * US_PER_SECOND
NAT = np.iinfo(np.int64).min  # numpy's NaT as int64
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=256)
def public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[dt.date]:
    """The public holidays of a country (or one of its subdivisions) in a year, local dates.

    Raises ValueError for a country or subdivision the `holidays` library does not know.
    """
    import holidays  # only calendars with holidays need it

    try:
        return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))
    except NotImplementedError:
        raise ValueError(f"unknown country {country!r}: use an ISO 3166 code such as 'US' or 'DE'") from None


def check_holidays(country: str, subdivision: str | None) -> None:
    """Raise ValueError naming what is wrong when the holiday calendar cannot be built."""
    public_holidays(country, subdivision, 2000)


@dataclass(frozen=True)
class WorkingCalendar:
    """Business hours [opens, closes) local time on working days (Monday = 0) in a time zone,
    except on the public holidays of `holidays_country` (and `holidays_subdivision`) and on
    `closed_days` (local dates)."""

    timezone: str = "UTC"
    opens: dt.time = dt.time(9)
    closes: dt.time = dt.time(17)
    working_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    holidays_country: str | None = None
    holidays_subdivision: str | None = None
    closed_days: frozenset[dt.date] = frozenset()

    def __post_init__(self) -> None:
        if self.closes <= self.opens:
            raise ValueError(f"business hours must close after they open ({self.opens} .. {self.closes})")
        if not self.working_days or any(day not in range(7) for day in self.working_days):
            raise ValueError(f"working days must be weekday numbers 0-6, got {self.working_days!r}")
        ZoneInfo(self.timezone)  # raises for an unknown zone
        if self.holidays_subdivision is not None and self.holidays_country is None:
            raise ValueError("a holiday subdivision needs its country")
        if self.holidays_country is not None:
            check_holidays(self.holidays_country, self.holidays_subdivision)
        object.__setattr__(self, "closed_days", frozenset(self.closed_days))

    @classmethod
    def from_follow_up(cls, follow_up) -> "WorkingCalendar":
        """From a config `FollowUp` (working days named "Mon".."Sun")."""
        return cls(
            timezone=follow_up.timezone,
            opens=follow_up.business_start,
            closes=follow_up.business_end,
            working_days=tuple(sorted(WEEKDAY_NAMES.index(day) for day in follow_up.working_days)),
            holidays_country=follow_up.holidays_country,
            holidays_subdivision=follow_up.holidays_subdivision,
            closed_days=frozenset(follow_up.extra_closed_days),
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_closed(self, day: dt.date) -> bool:
        """A working weekday the business is closed: a public holiday or an extra closed day."""
        if day in self.closed_days:
            return True
        return self.holidays_country is not None and day in public_holidays(
            self.holidays_country, self.holidays_subdivision, day.year)

    def business_day(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """Opening and closing instants (aware UTC) of a local date, or None on a day off."""
        if day.weekday() not in self.working_days or self.is_closed(day):
            return None
        zone = self.zone
        opens = dt.datetime.combine(day, self.opens, tzinfo=zone).astimezone(UTC)
        closes = dt.datetime.combine(day, self.closes, tzinfo=zone).astimezone(UTC)
        return opens, closes


def _as_utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _like(result: dt.datetime, template: dt.datetime) -> dt.datetime:
    return result.replace(tzinfo=None) if template.tzinfo is None else result


# --- Scalar -------------------------------------------------------------------------------


def working_hours_between(start: dt.datetime, end: dt.datetime, calendar: WorkingCalendar) -> float:
    """Working hours from `start` to `end` (negative when end is before start)."""
    begin, finish = _as_utc(start), _as_utc(end)
    if finish < begin:
        return -working_hours_between(end, start, calendar)
    zone = calendar.zone
    day = begin.astimezone(zone).date() - dt.timedelta(days=1)
    last = finish.astimezone(zone).date() + dt.timedelta(days=1)
    total = dt.timedelta()
    while day <= last:
        hours = calendar.business_day(day)
        if hours is not None:
            overlap = min(hours[1], finish) - max(hours[0], begin)
            if overlap > dt.timedelta():
                total += overlap
        day += dt.timedelta(days=1)
    return total.total_seconds() / 3_600


def add_working_hours(start: dt.datetime, hours: float, calendar: WorkingCalendar) -> dt.datetime:
    """The earliest instant at which `hours` working hours have passed since `start`.

    A deadline that falls exactly at closing time is that closing time, not the next opening.
    """
    if hours < 0:
        raise ValueError(f"hours must not be negative, got {hours}")
    begin = _as_utc(start)
    if hours == 0:
        return start
    remaining = dt.timedelta(hours=hours)
    day = begin.astimezone(calendar.zone).date() - dt.timedelta(days=1)
    while True:
        span = calendar.business_day(day)
        if span is not None and span[1] > begin:
            segment_start = max(span[0], begin)
            available = span[1] - segment_start
            if remaining <= available:
                return _like(segment_start + remaining, start)
            remaining -= available
        day += dt.timedelta(days=1)


def last_instant_within(start: dt.datetime, hours: float, calendar: WorkingCalendar) -> dt.datetime:
    """The last instant at which no more than `hours` working hours have passed since `start`.

    It is the deadline (`add_working_hours`), except that a deadline at closing time or outside
    business hours moves to the next opening: no working time passes until then, so a lead still
    untouched at 17:00 with a deadline of 17:00 is late only once the next day's hours begin.
    """
    deadline = _as_utc(add_working_hours(start, hours, calendar))
    day = deadline.astimezone(calendar.zone).date() - dt.timedelta(days=1)
    while True:
        span = calendar.business_day(day)
        if span is not None and span[1] > deadline:
            return _like(max(span[0], deadline), start)
        day += dt.timedelta(days=1)


# --- Vectorised ---------------------------------------------------------------------------


def to_epoch_us(values) -> np.ndarray:
    """Instants (datetime64 array, pandas Series, list of naive UTC datetimes) as int64 µs; NaT stays NAT."""
    array = np.asarray(values)
    if array.dtype.kind == "M":
        return array.astype("datetime64[us]").astype(np.int64)
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
    return np.array(
        [NAT if v is None or v != v else int((_as_utc(v) - EPOCH) / dt.timedelta(microseconds=1)) for v in array.ravel()],
        dtype=np.int64,
    ).reshape(array.shape)


@dataclass(frozen=True)
class _Clock:
    opens: np.ndarray  # µs UTC of each working day's opening, ascending
    lengths: np.ndarray  # µs of business time that day
    before: np.ndarray  # working µs before each day's opening, counted from the first day


@lru_cache(maxsize=64)
def _clock(calendar: WorkingCalendar, first_day: dt.date, last_day: dt.date) -> _Clock:
    opens, lengths = [], []
    day = first_day
    while day <= last_day:
        span = calendar.business_day(day)
        if span is not None:
            opens.append((span[0] - EPOCH) // dt.timedelta(microseconds=1))
            lengths.append((span[1] - span[0]) // dt.timedelta(microseconds=1))
        day += dt.timedelta(days=1)
    opens_array = np.array(opens, dtype=np.int64)
    lengths_array = np.array(lengths, dtype=np.int64)
    before = np.concatenate([[0], np.cumsum(lengths_array)[:-1]]).astype(np.int64)
    return _Clock(opens_array, lengths_array, before)


def _local_day(epoch_us: int) -> dt.date:
    return (EPOCH + dt.timedelta(microseconds=int(epoch_us))).date()


def _clock_covering(calendar: WorkingCalendar, low_us: int, high_us: int) -> _Clock:
    # One day of margin either side absorbs any UTC offset; whole months keep the cache small.
    first = _local_day(low_us) - dt.timedelta(days=2)
    last = _local_day(high_us) + dt.timedelta(days=2)
    first = first.replace(day=1)
    last = (last.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    clock = _clock(calendar, first, last)
    if clock.opens.size == 0:
        # no working day in the span: widen until there is one on each side
        return _clock(calendar, first - dt.timedelta(days=14), last + dt.timedelta(days=14))
    return clock


def _working_us(clock: _Clock, instants: np.ndarray) -> np.ndarray:
    """Working µs elapsed on the clock up to each instant."""
    day = np.searchsorted(clock.opens, instants, side="right") - 1
    safe = np.maximum(day, 0)
    inside = np.clip(instants - clock.opens[safe], 0, clock.lengths[safe])
    return np.where(day < 0, 0, clock.before[safe] + inside)


def working_hours_between_many(starts, ends, calendar: WorkingCalendar) -> np.ndarray:
    """Working hours from each start to the matching end; NaN where either is missing."""
    start_us, end_us = np.broadcast_arrays(to_epoch_us(starts), to_epoch_us(ends))
    valid = (start_us != NAT) & (end_us != NAT)
    result = np.full(start_us.shape, np.nan)
    if not valid.any():
        return result
    low = int(min(start_us[valid].min(), end_us[valid].min()))
    high = int(max(start_us[valid].max(), end_us[valid].max()))
    clock = _clock_covering(calendar, low, high)
    worked = _working_us(clock, end_us[valid]) - _working_us(clock, start_us[valid])
    result[valid] = worked / US_PER_HOUR
    return result


def add_working_hours_many(starts, hours, calendar: WorkingCalendar) -> np.ndarray:
    """Deadlines (datetime64[us], UTC) `hours` working hours after each start; NaT where start is missing."""
    start_us = to_epoch_us(starts)
    hours_array = np.broadcast_to(np.asarray(hours, dtype=float), start_us.shape)
    if (hours_array < 0).any():
        raise ValueError("hours must not be negative")
    valid = start_us != NAT
    result = np.full(start_us.shape, NAT, dtype=np.int64)
    if valid.any():
        begin = start_us[valid]
        needed = np.round(hours_array[valid] * US_PER_HOUR).astype(np.int64)
        # Enough calendar days to hold the longest span of working time asked for.
        shortest_day_hours = (dt.datetime.combine(dt.date.min, calendar.closes)
                              - dt.datetime.combine(dt.date.min, calendar.opens)).total_seconds() / 3_600
        days_needed = math.ceil(float(hours_array[valid].max()) / max(shortest_day_hours - 1, 0.5))
        span_days = days_needed * 7 // len(calendar.working_days) + 14
        while True:
            clock = _clock_covering(calendar, int(begin.min()), int(begin.max()) + span_days * 24 * US_PER_HOUR)
            target = _working_us(clock, begin) + needed
            ends = clock.before + clock.lengths
            # Holidays and closed days can push a deadline past the span: widen until it fits.
            if ends.size and target.max() <= ends[-1]:
                break
            span_days *= 2
        day = np.searchsorted(ends, target, side="left")  # earliest day whose close reaches the target
        day = np.minimum(day, len(ends) - 1)
        deadline = clock.opens[day] + (target - clock.before[day])
        result[valid] = np.where(needed == 0, begin, np.maximum(deadline, begin))
    return result.astype("datetime64[us]")


def last_instant_within_many(starts, hours, calendar: WorkingCalendar) -> np.ndarray:
    """`last_instant_within` for each start (datetime64[us], UTC); NaT where start is missing."""
    deadline_us = add_working_hours_many(starts, hours, calendar).astype(np.int64)
    valid = deadline_us != NAT
    result = np.full(deadline_us.shape, NAT, dtype=np.int64)
    if valid.any():
        deadlines = deadline_us[valid]
        margin_days = 14
        while True:
            clock = _clock_covering(calendar, int(deadlines.min()), int(deadlines.max()) + margin_days * 24 * US_PER_HOUR)
            closes = clock.opens + clock.lengths
            day = np.searchsorted(closes, deadlines, side="right")  # first day closing after the deadline
            # Holidays and closed days can put the next opening past the span: widen until it holds it.
            if (day < len(closes)).all():
                break
            margin_days *= 2
        result[valid] = np.maximum(clock.opens[day], deadlines)
    return result.astype("datetime64[us]")
