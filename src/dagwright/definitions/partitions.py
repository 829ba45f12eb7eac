"""Partitions: the named slices of data a job or asset runs for, one run per key.

* :class:`StaticPartitionsDefinition`: a fixed list of keys (regions, customers).
* :class:`DynamicPartitionsDefinition`: keys a function computes when asked.
* Time windows: :class:`DailyPartitionsDefinition`, ``Hourly``, ``Weekly``,
  ``Monthly``; one key per complete window since ``start_date`` (the window
  still in progress is not a partition unless ``end_offset`` says so).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from ..errors import InvalidDefinitionError, InvalidInvocationError, did_you_mean

__all__ = [
    "PartitionsDefinition",
    "PartitionKeyRange",
    "StaticPartitionsDefinition",
    "DynamicPartitionsDefinition",
    "TimeWindow",
    "TimeWindowPartitionsDefinition",
    "DailyPartitionsDefinition",
    "HourlyPartitionsDefinition",
    "WeeklyPartitionsDefinition",
    "MonthlyPartitionsDefinition",
]


class PartitionKeyRange(NamedTuple):
    """The partition keys from ``start`` to ``end``, both included (a run of one partition:
    ``start == end``)."""

    start: str
    end: str


class PartitionsDefinition:
    """A set of partition keys; a run of a partitioned job targets one of them."""

    def get_partition_keys(self, current_time: datetime | None = None) -> Sequence[str]:
        """Every partition key, in order."""
        raise TypeError(f"{type(self).__name__} must define get_partition_keys()")

    def has_partition_key(self, key: str, current_time: datetime | None = None) -> bool:
        return key in self.get_partition_keys(current_time)

    def check_partition_key(self, key: str, where: str) -> str:
        """Return ``key`` if it is one of the partitions, else raise naming nearby keys."""
        if isinstance(key, str) and self.has_partition_key(key):
            return key
        keys = list(self.get_partition_keys())
        sample = ", ".join(repr(k) for k in keys[:3])
        if len(keys) > 3:
            sample += f", ... {keys[-1]!r}"
        raise InvalidInvocationError(
            f"partition key {key!r} is not one of its {len(keys)} partitions."
            f"{did_you_mean(str(key), keys)}",
            where=where,
            fix=f"use one of: {sample or '(there are no partitions yet)'}.",
        )


class StaticPartitionsDefinition(PartitionsDefinition):
    """A fixed list of partition keys (regions, customers)."""

    def __init__(self, partition_keys: Sequence[str]) -> None:
        keys = list(partition_keys)
        for key in keys:
            if not isinstance(key, str) or not key:
                raise InvalidDefinitionError(
                    f"partition keys must be non-empty strings, got {key!r}.",
                    where="StaticPartitionsDefinition",
                )
        duplicates = sorted({k for i, k in enumerate(keys) if k in keys[:i]})
        if duplicates:
            raise InvalidDefinitionError(
                f"partition keys must be unique; listed more than once: {duplicates}.",
                where="StaticPartitionsDefinition",
            )
        self._keys = tuple(keys)
        self._key_set = frozenset(keys)

    def get_partition_keys(self, current_time: datetime | None = None) -> Sequence[str]:
        return self._keys

    def has_partition_key(self, key: str, current_time: datetime | None = None) -> bool:
        return key in self._key_set

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StaticPartitionsDefinition) and self._keys == other._keys

    def __hash__(self) -> int:
        return hash(self._keys)

    def __repr__(self) -> str:
        return f"StaticPartitionsDefinition({list(self._keys)!r})"


class DynamicPartitionsDefinition(PartitionsDefinition):
    """Partition keys computed by ``partition_fn(current_time)`` whenever they are asked for."""

    def __init__(
        self,
        partition_fn: Callable[[datetime | None], Sequence[str]] | None = None,
        name: str | None = None,
    ) -> None:
        if partition_fn is None:
            raise InvalidDefinitionError(
                "it needs a partition_fn returning the current keys.",
                where="DynamicPartitionsDefinition",
                fix="pass partition_fn=lambda current_time: [...].",
            )
        self.partition_fn = partition_fn
        self.name = name

    def get_partition_keys(self, current_time: datetime | None = None) -> Sequence[str]:
        return list(self.partition_fn(current_time))


# --------------------------------------------------------------------------
# Time windows


class TimeWindow:
    """The half-open interval ``[start, end)`` a time partition covers (tz-aware)."""

    __slots__ = ("end", "start")

    def __init__(self, start: datetime, end: datetime) -> None:
        self.start = start
        self.end = end

    def __iter__(self) -> Any:
        return iter((self.start, self.end))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TimeWindow) and (self.start, self.end) == (other.start, other.end)

    def __hash__(self) -> int:
        return hash((self.start, self.end))

    def __repr__(self) -> str:
        return f"TimeWindow({self.start.isoformat()}, {self.end.isoformat()})"


def _zone(name: str | None) -> Any:
    if not name or name.upper() == "UTC":
        return UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidDefinitionError(
            f"'{name}' is not a time zone.",
            where="partitions definition",
            fix="use an IANA name such as 'UTC', 'Europe/Paris' or 'America/New_York'.",
        ) from None


class TimeWindowPartitionsDefinition(PartitionsDefinition):
    """One partition per ``cadence`` window (hourly, daily, weekly, monthly) since ``start``.

    ``minute_offset``/``hour_offset``/``day_offset`` move where windows begin
    (``day_offset`` is the weekday, 0 = Sunday, for weekly, and the day of the
    month for monthly); keys are window starts formatted with ``fmt`` in
    ``timezone``.
    """

    _CADENCES = ("hourly", "daily", "weekly", "monthly")

    def __init__(
        self,
        start: datetime | str,
        cadence: str,
        timezone: str | None = None,
        fmt: str | None = None,
        minute_offset: int = 0,
        hour_offset: int = 0,
        day_offset: int | None = None,
        end_offset: int = 0,
    ) -> None:
        if cadence not in self._CADENCES:
            raise InvalidDefinitionError(
                f"cadence must be one of {', '.join(self._CADENCES)}, got {cadence!r}.",
                where="TimeWindowPartitionsDefinition",
            )
        self.cadence = cadence
        self.timezone = timezone or "UTC"
        self._tz = _zone(timezone)
        self.fmt = fmt or ("%Y-%m-%d-%H:%M" if cadence == "hourly" else "%Y-%m-%d")
        self.minute_offset = minute_offset
        self.hour_offset = hour_offset if cadence != "hourly" else 0
        default_day = {"weekly": 0, "monthly": 1}.get(cadence, 0)
        self.day_offset = default_day if day_offset is None else day_offset
        self.end_offset = end_offset
        self._check_offsets()
        self.start = self._parse_start(start)
        self._first = self._ceil(self.start)

    # -- boundaries --------------------------------------------------------

    def _check_offsets(self) -> None:
        where = f"{self.cadence} partitions"
        if not 0 <= self.minute_offset < 60 or not 0 <= self.hour_offset < 24:
            raise InvalidDefinitionError(
                "minute_offset must be 0-59 and hour_offset 0-23.", where=where
            )
        if self.cadence == "weekly" and not 0 <= self.day_offset <= 6:
            raise InvalidDefinitionError("day_offset must be 0 (Sunday) to 6.", where=where)
        if self.cadence == "monthly" and not 1 <= self.day_offset <= 28:
            raise InvalidDefinitionError(
                "day_offset must be 1 to 28 (every month has those days).", where=where
            )

    def _parse_start(self, start: datetime | str) -> datetime:
        if isinstance(start, str):
            try:
                parsed = datetime.strptime(start, self.fmt)
            except ValueError:
                raise InvalidDefinitionError(
                    f"start_date {start!r} does not match the key format {self.fmt!r}.",
                    where=f"{self.cadence} partitions",
                    fix=f"write it as {datetime(2024, 1, 1).strftime(self.fmt)!r}, or pass a "
                    "datetime.",
                ) from None
            start = parsed
        if start.tzinfo is None:
            start = start.replace(tzinfo=self._tz)
        return start.astimezone(self._tz)

    def _local(self, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
        return datetime(year, month, day, hour, minute, tzinfo=self._tz)

    def _floor(self, moment: datetime) -> datetime:
        """The start of the window holding ``moment``."""
        local = moment.astimezone(self._tz)
        if self.cadence == "hourly":
            candidate = local.replace(minute=self.minute_offset, second=0, microsecond=0)
            return candidate if candidate <= local else candidate - timedelta(hours=1)
        candidate = self._local(
            local.year, local.month, local.day, self.hour_offset, self.minute_offset
        )
        if self.cadence == "daily":
            return candidate if candidate <= local else self._shift(candidate, -1)
        if self.cadence == "weekly":
            weekday = (candidate.weekday() + 1) % 7  # 0 = Sunday
            candidate = self._shift_days(candidate, -((weekday - self.day_offset) % 7))
            return candidate if candidate <= local else self._shift(candidate, -1)
        candidate = self._local(
            local.year, local.month, self.day_offset, self.hour_offset, self.minute_offset
        )
        return candidate if candidate <= local else self._shift(candidate, -1)

    def _ceil(self, moment: datetime) -> datetime:
        floor = self._floor(moment)
        return floor if floor == moment else self._shift(floor, 1)

    def _shift_days(self, start: datetime, days: int) -> datetime:
        naive = start.replace(tzinfo=None) + timedelta(days=days)
        return naive.replace(tzinfo=self._tz)

    def _shift(self, start: datetime, windows: int) -> datetime:
        """The window start ``windows`` windows after (or before) ``start``."""
        if self.cadence == "hourly":
            utc = start.astimezone(UTC) + timedelta(hours=windows)
            return utc.astimezone(self._tz)
        if self.cadence == "daily":
            return self._shift_days(start, windows)
        if self.cadence == "weekly":
            return self._shift_days(start, 7 * windows)
        months = start.year * 12 + (start.month - 1) + windows
        year, month = divmod(months, 12)
        day = min(self.day_offset, calendar.monthrange(year, month + 1)[1])
        return self._local(year, month + 1, day, self.hour_offset, self.minute_offset)

    def _last(self, current_time: datetime | None) -> datetime:
        now = current_time or datetime.now(UTC)
        if now.tzinfo is None:
            now = now.replace(tzinfo=self._tz)
        # The window in progress is not complete; end_offset adds (or drops) windows.
        return self._shift(self._floor(now), self.end_offset - 1)

    # -- keys ------------------------------------------------------------

    def get_partition_keys(self, current_time: datetime | None = None) -> Sequence[str]:
        last = self._last(current_time)
        keys = []
        window = self._first
        while window <= last:
            keys.append(window.strftime(self.fmt))
            window = self._shift(window, 1)
        return keys

    def _start_of_key(self, key: str) -> datetime | None:
        try:
            parsed = datetime.strptime(key, self.fmt).replace(tzinfo=self._tz)
        except (ValueError, TypeError):
            return None
        # A key is its window's start, formatted (a date-only key drops the hour offset).
        start = self._ceil(parsed)
        return start if start.strftime(self.fmt) == key else None

    def has_partition_key(self, key: str, current_time: datetime | None = None) -> bool:
        start = self._start_of_key(key)
        return start is not None and self._first <= start <= self._last(current_time)

    def check_partition_key(self, key: str, where: str) -> str:
        """Return ``key`` if it is a partition; else say which key was meant, or the range."""
        if isinstance(key, str) and self.has_partition_key(key):
            return key
        keys = self.get_partition_keys()
        first, last = (keys[0], keys[-1]) if keys else (None, None)
        meant = self._lenient_key(key)
        if meant is not None and meant != key and self.has_partition_key(meant):
            hint = f" Did you mean '{meant}'?"
        elif meant is not None:
            hint = " It is outside the partitions (only complete windows are partitions)."
        else:
            hint = f" Keys are formatted {self.fmt!r}."
        raise InvalidInvocationError(
            f"partition key {key!r} is not one of its {len(keys)} {self.cadence} partitions.{hint}",
            where=where,
            fix=f"use a key from {first!r} to {last!r}." if keys else "wait for a window to end.",
        )

    def _lenient_key(self, key: str) -> str | None:
        """The key ``key`` most likely means (``2024-1-5`` -> ``2024-01-05``), if it parses."""
        try:
            parsed = datetime.strptime(key, self.fmt).replace(tzinfo=self._tz)
        except (ValueError, TypeError):
            return None
        return self._floor(parsed).strftime(self.fmt)

    def time_window_for_partition_key(self, key: str) -> TimeWindow:
        """The window ``[start, end)`` of partition ``key``."""
        start = self._start_of_key(key)
        if start is None:
            raise InvalidInvocationError(
                f"{key!r} is not a {self.cadence} partition key.",
                where=f"{self.cadence} partitions",
                fix=f"keys look like {self._first.strftime(self.fmt)!r}.",
            )
        return TimeWindow(start, self._shift(start, 1))

    def _identity(self) -> tuple[Any, ...]:
        return (
            self.cadence,
            self.timezone,
            self.fmt,
            self.minute_offset,
            self.hour_offset,
            self.day_offset,
            self.end_offset,
            self.start,
        )

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TimeWindowPartitionsDefinition)
            and self._identity() == other._identity()
        )

    def __hash__(self) -> int:
        return hash(self._identity())

    def get_partition_keys_in_time_window(
        self, time_window: TimeWindow, current_time: datetime | None = None
    ) -> list[str]:
        """The keys of the partitions whose windows overlap ``time_window``, in order."""
        last = self._last(current_time)
        window = max(self._floor(time_window.start), self._first)
        keys = []
        while window < time_window.end and window <= last:
            keys.append(window.strftime(self.fmt))
            window = self._shift(window, 1)
        return keys

    def shift_window(self, time_window: TimeWindow, start_by: int, end_by: int) -> TimeWindow:
        """``time_window`` with its start moved ``start_by`` windows of this definition and its
        end ``end_by`` (negative: earlier)."""
        return TimeWindow(
            self._shift(self._floor(time_window.start), start_by),
            self._shift(self._floor(time_window.end), end_by),
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(start={self.start.strftime(self.fmt)!r}, "
            f"timezone={self.timezone!r})"
        )


class HourlyPartitionsDefinition(TimeWindowPartitionsDefinition):
    """One partition per hour since ``start_date`` (keys ``2024-01-01-05:00``)."""

    def __init__(
        self,
        start_date: datetime | str,
        minute_offset: int = 0,
        timezone: str | None = None,
        fmt: str | None = None,
        end_offset: int = 0,
    ) -> None:
        super().__init__(
            start_date,
            "hourly",
            timezone,
            fmt,
            minute_offset=minute_offset,
            end_offset=end_offset,
        )


class DailyPartitionsDefinition(TimeWindowPartitionsDefinition):
    """One partition per day since ``start_date`` (keys ``2024-01-05``)."""

    def __init__(
        self,
        start_date: datetime | str,
        minute_offset: int = 0,
        hour_offset: int = 0,
        timezone: str | None = None,
        fmt: str | None = None,
        end_offset: int = 0,
    ) -> None:
        super().__init__(
            start_date,
            "daily",
            timezone,
            fmt,
            minute_offset=minute_offset,
            hour_offset=hour_offset,
            end_offset=end_offset,
        )


class WeeklyPartitionsDefinition(TimeWindowPartitionsDefinition):
    """One partition per week since ``start_date``; weeks start on ``day_offset`` (0 = Sunday)."""

    def __init__(
        self,
        start_date: datetime | str,
        minute_offset: int = 0,
        hour_offset: int = 0,
        day_offset: int = 0,
        timezone: str | None = None,
        fmt: str | None = None,
        end_offset: int = 0,
    ) -> None:
        super().__init__(
            start_date,
            "weekly",
            timezone,
            fmt,
            minute_offset=minute_offset,
            hour_offset=hour_offset,
            day_offset=day_offset,
            end_offset=end_offset,
        )


class MonthlyPartitionsDefinition(TimeWindowPartitionsDefinition):
    """One partition per month since ``start_date``; months start on day ``day_offset``."""

    def __init__(
        self,
        start_date: datetime | str,
        minute_offset: int = 0,
        hour_offset: int = 0,
        day_offset: int = 1,
        timezone: str | None = None,
        fmt: str | None = None,
        end_offset: int = 0,
    ) -> None:
        super().__init__(
            start_date,
            "monthly",
            timezone,
            fmt,
            minute_offset=minute_offset,
            hour_offset=hour_offset,
            day_offset=day_offset,
            end_offset=end_offset,
        )
