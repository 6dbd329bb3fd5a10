"""Contracted response times, counted in an account's office hours.

Office time is counted on the office's wall clock: a working day is always `closes - opens`
long, even on the days the clocks change, because the changes happen outside office hours.
Everything is computed on naive local wall times and converted back to UTC at the end.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime
import functools
import math
import zoneinfo

import holidays

DEFAULT_ACCOUNT_RESPONSE_HOURS = 16  # account-level cases (no device)

_SATURDAY = 5


@functools.cache
def _weekday_holidays(country: str, year: int) -> tuple[datetime.date, ...]:
    """The country's public holidays in `year` that fall on Monday to Friday, sorted.

    Weekend holidays are left out because weekends are closed anyway, which lets the
    working-day arithmetic below count "weekdays minus holidays" without double counting.
    """
    try:
        calendar = holidays.country_holidays(country, years=year)
    except NotImplementedError:
        # The spec: a country the package does not know simply has no holidays.
        return ()
    return tuple(sorted(day for day in calendar if day.weekday() < _SATURDAY))


def _holidays_after(country: str, first: datetime.date, last: datetime.date) -> int:
    """How many weekday holidays fall in (first, last]."""
    count = 0
    for year in range(first.year, last.year + 1):
        days = _weekday_holidays(country, year)
        count += bisect.bisect_right(days, last) - bisect.bisect_right(days, first)
    return count


def _add_weekdays(day: datetime.date, count: int) -> datetime.date:
    """The weekday `count` weekdays after `day` (a weekday), ignoring holidays."""
    weeks, rest = divmod(count, 5)
    if day.weekday() + rest >= _SATURDAY:
        rest += 2  # step over the weekend in between
    return day + datetime.timedelta(days=7 * weeks + rest)


def _weekdays_after(first: datetime.date, last: datetime.date) -> int:
    """How many weekdays fall in (first, last]."""
    weeks, rest = divmod((last - first).days, 7)
    partial = sum(
        (first + datetime.timedelta(days=offset)).weekday() < _SATURDAY
        for offset in range(1, rest + 1)
    )
    return 5 * weeks + partial


def _aware(moment: datetime.datetime) -> datetime.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        # A naive time would silently be read as the server's zone, not the account's.
        raise ValueError(f"expected a timezone-aware datetime, got {moment!r}")
    return moment


@dataclasses.dataclass(frozen=True)
class OfficeHours:
    """Monday to Friday, `opens` to `closes` local time, less the country's public holidays.

    `country` is ISO 3166-1 alpha-2 and uses the `holidays` package's default (public)
    categories for the whole country, so holidays that only some subdivisions keep (such as
    England's late-summer bank holiday under "GB") are working days.
    """

    timezone: str
    country: str
    opens: datetime.time = datetime.time(8, 0)
    closes: datetime.time = datetime.time(17, 0)

    def __post_init__(self) -> None:
        # Fail when the account is configured, not on the first case created.
        zoneinfo.ZoneInfo(self.timezone)
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("opens and closes are local wall times and take no tzinfo")
        if not self.opens < self.closes:
            raise ValueError(f"opens ({self.opens}) must be before closes ({self.closes})")

    @property
    def _zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)  # ZoneInfo keeps its own cache

    @property
    def _country(self) -> str:
        # The package only knows upper-case codes and raises for "se".
        return self.country.strip().upper()

    @property
    def _day_length(self) -> datetime.timedelta:
        return self._at(datetime.date.min, self.closes) - self._at(datetime.date.min, self.opens)

    @staticmethod
    def _at(day: datetime.date, time: datetime.time) -> datetime.datetime:
        return datetime.datetime.combine(day, time)

    def _to_local(self, moment: datetime.datetime) -> datetime.datetime:
        return _aware(moment).astimezone(self._zone).replace(tzinfo=None)

    def _to_utc(self, wall: datetime.datetime) -> datetime.datetime:
        return wall.replace(tzinfo=self._zone).astimezone(datetime.UTC)

    def is_working_day(self, day: datetime.date) -> bool:
        if isinstance(day, datetime.datetime):
            # A datetime never equals a holiday's date, so it would pass every holiday.
            raise TypeError("is_working_day takes a date; use is_open for a moment")
        if day.weekday() >= _SATURDAY:
            return False
        days = _weekday_holidays(self._country, day.year)
        index = bisect.bisect_left(days, day)
        return index == len(days) or days[index] != day

    def is_open(self, moment: datetime.datetime) -> bool:
        wall = self._to_local(moment)
        return self.is_working_day(wall.date()) and self.opens <= wall.time() < self.closes

    def _working_day_on_or_after(self, day: datetime.date) -> datetime.date:
        # Runs of closed days are short (a weekend plus a few holidays), so stepping is fine.
        while not self.is_working_day(day):
            day += datetime.timedelta(days=1)
        return day

    def _add_working_days(self, day: datetime.date, count: int) -> datetime.date:
        """The working day `count` working days after `day` (a working day)."""
        while count:
            target = _add_weekdays(day, count)
            # Each holiday jumped over is owed as one more working day past the target.
            count = _holidays_after(self._country, day, target)
            day = target
        return day

    def _next_open(self, wall: datetime.datetime) -> datetime.datetime:
        """The first local moment at or after `wall` when the office is open."""
        day = wall.date()
        if self.is_working_day(day):
            if wall.time() < self.opens:
                return self._at(day, self.opens)
            if wall.time() < self.closes:
                return wall
        # Exactly at closing counts as after hours.
        next_day = self._working_day_on_or_after(day + datetime.timedelta(days=1))
        return self._at(next_day, self.opens)

    def add(self, start: datetime.datetime, hours: float) -> datetime.datetime:
        """start + `hours` of office time, in UTC.

        Counting starts at the first open moment at or after `start`. When the hours run out
        exactly at closing time the result is that closing time, not the next opening.
        """
        if not math.isfinite(hours) or hours < 0:
            raise ValueError(f"hours must be a finite number >= 0, got {hours!r}")
        current = self._next_open(self._to_local(start))
        remaining = datetime.timedelta(hours=hours)
        left_today = self._at(current.date(), self.closes) - current
        if remaining <= left_today:
            return self._to_utc(current + remaining)
        full_days, rest = divmod(remaining - left_today, self._day_length)
        if not rest:
            day = self._add_working_days(current.date(), full_days)
            return self._to_utc(self._at(day, self.closes))
        day = self._add_working_days(current.date(), full_days + 1)
        return self._to_utc(self._at(day, self.opens) + rest)

    def between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
        """Office time elapsed from start to end (zero if end <= start)."""
        if _aware(end) <= _aware(start):
            return datetime.timedelta(0)
        # Moving either end forward to the next open moment crosses no office time.
        first = self._next_open(self._to_local(start))
        last = self._next_open(self._to_local(end))
        if last <= first:
            return datetime.timedelta(0)
        if first.date() == last.date():
            return last - first
        whole_days = (
            _weekdays_after(first.date(), last.date())
            - _holidays_after(self._country, first.date(), last.date())
            - 1  # the last day, a working day, is counted separately below
        )
        return (
            (self._at(first.date(), self.closes) - first)
            + whole_days * self._day_length
            + (last - self._at(last.date(), self.opens))
        )
