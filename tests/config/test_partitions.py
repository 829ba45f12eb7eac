"""Partitions definitions, partitioned config decorators and partitioned job runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from dagwright import (
    DailyPartitionsDefinition,
    DynamicPartitionsDefinition,
    HourlyPartitionsDefinition,
    InvalidDefinitionError,
    InvalidInvocationError,
    MonthlyPartitionsDefinition,
    PartitionedConfig,
    PartitionsDefinition,
    RunConfig,
    RunConfigError,
    StaticPartitionsDefinition,
    TimeWindow,
    WeeklyPartitionsDefinition,
    daily_partitioned_config,
    dynamic_partitioned_config,
    hourly_partitioned_config,
    job,
    monthly_partitioned_config,
    op,
    static_partitioned_config,
    weekly_partitioned_config,
)

# The clock Dagster's behaviour was measured at (notes/dagster_config.md section 7).
NOW = datetime(2026, 11, 25, 18, 37, tzinfo=UTC)


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --------------------------------------------------------------------------
# StaticPartitionsDefinition


def test_static_partitions_keep_their_keys_in_order() -> None:
    assert list(StaticPartitionsDefinition(["b", "a", "c"]).get_partition_keys()) == [
        "b",
        "a",
        "c",
    ]


def test_static_partitions_reject_duplicate_keys_naming_them() -> None:
    with pytest.raises(InvalidDefinitionError, match="'a'"):
        StaticPartitionsDefinition(["a", "b", "a"])


def test_static_partitions_reject_non_string_keys() -> None:
    with pytest.raises(InvalidDefinitionError):
        StaticPartitionsDefinition(["a", 1])  # type: ignore[list-item]


def test_static_partitions_has_partition_key() -> None:
    partitions = StaticPartitionsDefinition(["a", "b"])

    assert partitions.has_partition_key("a")
    assert not partitions.has_partition_key("c")


def test_static_partitions_are_a_partitions_definition() -> None:
    assert isinstance(StaticPartitionsDefinition(["a"]), PartitionsDefinition)


# --------------------------------------------------------------------------
# DynamicPartitionsDefinition


def test_dynamic_partitions_ask_their_function_for_keys() -> None:
    partitions = DynamicPartitionsDefinition(lambda current_time: ["x", "y"])

    assert list(partitions.get_partition_keys()) == ["x", "y"]


def test_dynamic_partitions_pass_current_time_to_their_function() -> None:
    partitions = DynamicPartitionsDefinition(
        lambda current_time: [] if current_time is None else [current_time.strftime("%Y")]
    )

    assert list(partitions.get_partition_keys(current_time=NOW)) == ["2026"]


def test_dynamic_partitions_compute_keys_each_time_they_are_asked() -> None:
    keys = ["a"]
    partitions = DynamicPartitionsDefinition(lambda current_time: list(keys))

    keys.append("b")

    assert list(partitions.get_partition_keys()) == ["a", "b"]
    assert partitions.has_partition_key("b")


def test_dynamic_partitions_without_a_function_are_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="partition_fn"):
        DynamicPartitionsDefinition()


# --------------------------------------------------------------------------
# Time windows: keys and formats


def test_daily_keys_are_dates() -> None:
    partitions = DailyPartitionsDefinition(start_date="2024-01-01")

    keys = partitions.get_partition_keys(current_time=_utc(2024, 1, 4))

    assert list(keys) == ["2024-01-01", "2024-01-02", "2024-01-03"]


def test_hourly_keys_include_hour_and_minute() -> None:
    partitions = HourlyPartitionsDefinition(start_date="2024-01-01-00:00")

    keys = partitions.get_partition_keys(current_time=_utc(2024, 1, 1, 3))

    assert list(keys) == ["2024-01-01-00:00", "2024-01-01-01:00", "2024-01-01-02:00"]


def test_weekly_keys_are_the_sundays_starting_each_week() -> None:
    partitions = WeeklyPartitionsDefinition(start_date="2024-01-07")

    keys = partitions.get_partition_keys(current_time=_utc(2024, 1, 22))

    assert list(keys) == ["2024-01-07", "2024-01-14"]


def test_monthly_keys_are_the_first_days_of_each_month() -> None:
    partitions = MonthlyPartitionsDefinition(start_date="2024-01-01")

    keys = partitions.get_partition_keys(current_time=_utc(2024, 4, 15))

    assert list(keys) == ["2024-01-01", "2024-02-01", "2024-03-01"]


def test_a_custom_fmt_is_used_for_keys_and_start_date() -> None:
    partitions = DailyPartitionsDefinition(start_date="20240101", fmt="%Y%m%d")

    keys = partitions.get_partition_keys(current_time=_utc(2024, 1, 3))

    assert list(keys) == ["20240101", "20240102"]


def test_start_date_may_be_a_datetime() -> None:
    partitions = DailyPartitionsDefinition(start_date=datetime(2024, 1, 1))

    assert partitions.get_partition_keys(current_time=_utc(2024, 1, 2))[0] == "2024-01-01"


# --------------------------------------------------------------------------
# Time windows: first and last partitions (Dagster's measured values)


def test_daily_first_partition_is_the_first_window_at_or_after_start_date() -> None:
    partitions = DailyPartitionsDefinition(start_date=datetime(2024, 1, 1, 5))

    assert partitions.get_partition_keys(current_time=NOW)[0] == "2024-01-02"


def test_weekly_first_partition_is_the_next_sunday_after_a_midweek_start() -> None:
    partitions = WeeklyPartitionsDefinition(start_date=datetime(2024, 1, 3))

    assert partitions.get_partition_keys(current_time=NOW)[0] == "2024-01-07"


def test_monthly_first_partition_is_the_next_month_after_a_mid_month_start() -> None:
    partitions = MonthlyPartitionsDefinition(start_date=datetime(2024, 1, 15))

    assert partitions.get_partition_keys(current_time=NOW)[0] == "2024-02-01"


def test_hourly_first_partition_is_the_next_hour_after_a_mid_hour_start() -> None:
    partitions = HourlyPartitionsDefinition(start_date=datetime(2024, 1, 1, 5, 10))

    assert partitions.get_partition_keys(current_time=NOW)[0] == "2024-01-01-06:00"


def test_daily_last_partition_is_yesterday_because_today_is_incomplete() -> None:
    partitions = DailyPartitionsDefinition(start_date="2024-01-01")

    assert partitions.get_partition_keys(current_time=NOW)[-1] == "2026-11-24"


def test_hourly_last_partition_is_the_last_complete_hour() -> None:
    partitions = HourlyPartitionsDefinition(start_date="2024-01-01-00:00")

    assert partitions.get_partition_keys(current_time=NOW)[-1] == "2026-11-25-17:00"


def test_weekly_last_partition_is_the_last_complete_week() -> None:
    partitions = WeeklyPartitionsDefinition(start_date="2024-01-07")

    assert partitions.get_partition_keys(current_time=NOW)[-1] == "2026-11-15"


def test_monthly_last_partition_is_the_last_complete_month() -> None:
    partitions = MonthlyPartitionsDefinition(start_date="2024-01-01")

    assert partitions.get_partition_keys(current_time=NOW)[-1] == "2026-10-01"


def test_a_window_that_ends_exactly_now_is_complete() -> None:
    partitions = DailyPartitionsDefinition(start_date="2024-01-01")

    assert partitions.get_partition_keys(current_time=_utc(2024, 1, 3))[-1] == "2024-01-02"


def test_there_are_no_partitions_before_the_first_window_completes() -> None:
    partitions = DailyPartitionsDefinition(start_date="2024-01-01")

    assert list(partitions.get_partition_keys(current_time=_utc(2024, 1, 1, 12))) == []


def test_daily_partitions_count_every_day_between_start_and_now() -> None:
    partitions = DailyPartitionsDefinition(start_date="2024-01-01")

    keys = partitions.get_partition_keys(current_time=NOW)

    assert len(keys) == (datetime(2026, 11, 24) - datetime(2024, 1, 1)).days + 1


def test_end_offset_one_adds_the_window_in_progress() -> None:
    partitions = DailyPartitionsDefinition(start_date="2024-01-01", end_offset=1)

    assert partitions.get_partition_keys(current_time=NOW)[-1] == "2026-11-25"


def test_end_offset_minus_one_drops_the_last_complete_window() -> None:
    partitions = DailyPartitionsDefinition(start_date="2024-01-01", end_offset=-1)

    assert partitions.get_partition_keys(current_time=NOW)[-1] == "2026-11-23"


def test_monthly_end_offset_one_adds_the_current_month() -> None:
    partitions = MonthlyPartitionsDefinition(start_date="2024-01-01", end_offset=1)

    assert partitions.get_partition_keys(current_time=NOW)[-1] == "2026-11-01"


def test_a_naive_current_time_is_read_in_the_partitions_timezone() -> None:
    partitions = DailyPartitionsDefinition(start_date="2024-01-01", timezone="Asia/Tokyo")

    keys = partitions.get_partition_keys(current_time=datetime(2024, 1, 3, 1))

    assert list(keys) == ["2024-01-01", "2024-01-02"]


def test_an_aware_current_time_is_converted_to_the_partitions_timezone() -> None:
    partitions = DailyPartitionsDefinition(start_date="2024-01-01", timezone="Asia/Tokyo")

    # 2024-01-02 16:00 UTC is 2024-01-03 01:00 in Tokyo.
    keys = partitions.get_partition_keys(current_time=_utc(2024, 1, 2, 16))

    assert list(keys) == ["2024-01-01", "2024-01-02"]


# --------------------------------------------------------------------------
# Time windows: offsets and time zones


def test_hourly_minute_offset_moves_window_starts() -> None:
    partitions = HourlyPartitionsDefinition(start_date="2024-01-01-00:00", minute_offset=30)

    keys = partitions.get_partition_keys(current_time=_utc(2024, 1, 1, 3))

    assert list(keys) == ["2024-01-01-00:30", "2024-01-01-01:30"]


def test_daily_offsets_and_timezone_give_a_tz_aware_window() -> None:
    partitions = DailyPartitionsDefinition(
        start_date="2024-01-01",
        hour_offset=2,
        minute_offset=15,
        timezone="America/Los_Angeles",
    )

    window = partitions.time_window_for_partition_key("2024-01-01")

    pacific = timezone(timedelta(hours=-8))
    assert window.start == datetime(2024, 1, 1, 2, 15, tzinfo=pacific)
    assert window.end == datetime(2024, 1, 2, 2, 15, tzinfo=pacific)
    assert window.start.isoformat() == "2024-01-01T02:15:00-08:00"


def test_the_key_of_an_offset_daily_window_is_its_date() -> None:
    partitions = DailyPartitionsDefinition(
        start_date="2024-01-01", hour_offset=2, timezone="America/Los_Angeles"
    )

    # 2024-01-03 12:00 UTC is 04:00 in Los Angeles: the window of 01-02 02:00 has ended.
    keys = partitions.get_partition_keys(current_time=_utc(2024, 1, 3, 12))

    assert list(keys) == ["2024-01-01", "2024-01-02"]


def test_a_daily_window_is_half_open_and_timezone_aware() -> None:
    window = DailyPartitionsDefinition(start_date="2024-01-01").time_window_for_partition_key(
        "2024-01-05"
    )

    assert window == TimeWindow(_utc(2024, 1, 5), _utc(2024, 1, 6))
    assert window.start.tzinfo is not None
    assert window.end.tzinfo is not None


def test_a_time_window_unpacks_into_start_and_end() -> None:
    start, end = DailyPartitionsDefinition(start_date="2024-01-01").time_window_for_partition_key(
        "2024-01-05"
    )

    assert (start, end) == (_utc(2024, 1, 5), _utc(2024, 1, 6))


def test_a_weekly_window_lasts_seven_days() -> None:
    window = WeeklyPartitionsDefinition(start_date="2024-01-07").time_window_for_partition_key(
        "2024-01-14"
    )

    assert (window.start, window.end) == (_utc(2024, 1, 14), _utc(2024, 1, 21))


def test_a_monthly_window_ends_at_the_next_month_in_its_timezone() -> None:
    partitions = MonthlyPartitionsDefinition(start_date="2024-01-01", timezone="Europe/Paris")

    window = partitions.time_window_for_partition_key("2024-02-01")

    assert window.start.isoformat() == "2024-02-01T00:00:00+01:00"
    assert window.end.isoformat() == "2024-03-01T00:00:00+01:00"


def test_a_daily_window_across_a_dst_change_is_twenty_three_hours() -> None:
    partitions = DailyPartitionsDefinition(start_date="2024-03-01", timezone="America/New_York")

    window = partitions.time_window_for_partition_key("2024-03-10")

    assert window.start.isoformat() == "2024-03-10T00:00:00-05:00"
    assert window.end.isoformat() == "2024-03-11T00:00:00-04:00"
    # Same-zone datetime subtraction is wall-clock time in Python; compare instants in UTC.
    assert window.end.astimezone(UTC) - window.start.astimezone(UTC) == timedelta(hours=23)


def test_hourly_partitions_skip_the_hour_missing_at_a_dst_change() -> None:
    partitions = HourlyPartitionsDefinition(
        start_date="2024-03-10-00:00", timezone="America/New_York"
    )

    keys = partitions.get_partition_keys(current_time=_utc(2024, 3, 10, 9))

    assert list(keys) == [
        "2024-03-10-00:00",
        "2024-03-10-01:00",
        "2024-03-10-03:00",
        "2024-03-10-04:00",
    ]


def test_an_unknown_timezone_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="Mars/Base"):
        DailyPartitionsDefinition(start_date="2024-01-01", timezone="Mars/Base")


def test_time_window_for_a_badly_formatted_key_is_an_error() -> None:
    partitions = DailyPartitionsDefinition(start_date="2024-01-01")

    with pytest.raises(InvalidInvocationError, match="nope"):
        partitions.time_window_for_partition_key("nope")


# --------------------------------------------------------------------------
# day_offset


def test_weekly_day_offset_zero_is_sunday() -> None:
    window = WeeklyPartitionsDefinition(start_date="2024-01-01").time_window_for_partition_key(
        "2024-01-07"
    )

    assert window.start.weekday() == 6  # Python's Sunday


def test_weekly_day_offset_three_starts_weeks_on_wednesday() -> None:
    partitions = WeeklyPartitionsDefinition(start_date=datetime(2024, 1, 3), day_offset=3)

    keys = partitions.get_partition_keys(current_time=NOW)

    assert keys[0] == "2024-01-03"
    assert keys[-1] == "2026-11-18"


def test_weekly_day_offset_one_starts_weeks_on_monday() -> None:
    partitions = WeeklyPartitionsDefinition(start_date="2024-01-01", day_offset=1)

    keys = partitions.get_partition_keys(current_time=_utc(2024, 1, 22))

    assert list(keys) == ["2024-01-01", "2024-01-08", "2024-01-15"]


def test_monthly_day_offset_starts_months_on_that_day() -> None:
    partitions = MonthlyPartitionsDefinition(start_date=datetime(2024, 1, 3), day_offset=5)

    keys = partitions.get_partition_keys(current_time=NOW)

    assert keys[0] == "2024-01-05"
    assert keys[-1] == "2026-10-05"


@pytest.mark.parametrize("day_offset", [-1, 7])
def test_weekly_day_offset_outside_zero_to_six_is_rejected(day_offset: int) -> None:
    with pytest.raises(InvalidDefinitionError, match="day_offset"):
        WeeklyPartitionsDefinition(start_date="2024-01-01", day_offset=day_offset)


@pytest.mark.parametrize("day_offset", [0, 29, 31])
def test_monthly_day_offset_outside_one_to_twenty_eight_is_rejected(day_offset: int) -> None:
    with pytest.raises(InvalidDefinitionError, match="day_offset"):
        MonthlyPartitionsDefinition(start_date="2024-01-01", day_offset=day_offset)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"hour_offset": 24}, "hour_offset"), ({"minute_offset": 60}, "minute_offset")],
)
def test_hour_and_minute_offsets_out_of_range_are_rejected(
    kwargs: dict[str, int], name: str
) -> None:
    with pytest.raises(InvalidDefinitionError, match=name):
        DailyPartitionsDefinition(start_date="2024-01-01", **kwargs)


# --------------------------------------------------------------------------
# start_date strings


def test_an_hourly_start_date_without_the_time_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="2024-01-01"):
        HourlyPartitionsDefinition(start_date="2024-01-01")


def test_a_start_date_not_matching_a_custom_fmt_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="%Y%m%d"):
        DailyPartitionsDefinition(start_date="2024-01-01", fmt="%Y%m%d")


def test_a_start_date_that_is_not_a_date_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="yesterday"):
        DailyPartitionsDefinition(start_date="yesterday")


# --------------------------------------------------------------------------
# has_partition_key


def test_has_partition_key_accepts_a_complete_window() -> None:
    partitions = DailyPartitionsDefinition(start_date="2024-01-01")

    assert partitions.has_partition_key("2026-11-24", current_time=NOW)


def test_has_partition_key_rejects_a_badly_formatted_key() -> None:
    partitions = DailyPartitionsDefinition(start_date="2024-01-01")

    assert not partitions.has_partition_key("2024/01/05", current_time=NOW)
    assert not partitions.has_partition_key("2024-1-5", current_time=NOW)


def test_has_partition_key_rejects_a_key_before_the_first_window() -> None:
    partitions = DailyPartitionsDefinition(start_date=datetime(2024, 1, 1, 5))

    assert not partitions.has_partition_key("2024-01-01", current_time=NOW)
    assert not partitions.has_partition_key("2023-12-31", current_time=NOW)


def test_has_partition_key_rejects_the_window_in_progress() -> None:
    partitions = DailyPartitionsDefinition(start_date="2024-01-01")

    assert not partitions.has_partition_key("2026-11-25", current_time=NOW)


def test_has_partition_key_rejects_a_future_window() -> None:
    partitions = DailyPartitionsDefinition(start_date="2024-01-01")

    assert not partitions.has_partition_key("2027-01-01", current_time=NOW)


def test_has_partition_key_rejects_a_date_that_is_not_a_window_start() -> None:
    partitions = WeeklyPartitionsDefinition(start_date="2024-01-07")

    assert not partitions.has_partition_key("2024-01-08", current_time=NOW)


def test_has_partition_key_rejects_an_impossible_date() -> None:
    partitions = DailyPartitionsDefinition(start_date="2024-01-01")

    assert not partitions.has_partition_key("2024-02-30", current_time=NOW)


# --------------------------------------------------------------------------
# Partitioned config decorators


def test_static_partitioned_config_calls_its_function_with_the_key() -> None:
    @static_partitioned_config(partition_keys=["a", "b"])
    def config(partition_key: str) -> dict[str, Any]:
        return {"ops": {"o": {"config": partition_key}}}

    assert config.get_run_config_for_partition_key("b") == {"ops": {"o": {"config": "b"}}}
    assert list(config.get_partition_keys()) == ["a", "b"]
    assert isinstance(config.partitions_def, StaticPartitionsDefinition)


def test_static_partitioned_config_rejects_duplicate_keys() -> None:
    with pytest.raises(InvalidDefinitionError, match="'a'"):

        @static_partitioned_config(partition_keys=["a", "a"])
        def config(partition_key: str) -> dict[str, Any]:
            return {}


def test_static_partitioned_config_tags_function_gets_the_key() -> None:
    @static_partitioned_config(
        partition_keys=["a"], tags_for_partition_key_fn=lambda key: {"which": key.upper()}
    )
    def config(partition_key: str) -> dict[str, Any]:
        return {}

    assert config.get_tags_for_partition_key("a") == {"which": "A"}


def test_partition_tags_follow_the_tag_rules_and_json_encode_their_values() -> None:
    @static_partitioned_config(
        partition_keys=["a"], tags_for_partition_key_fn=lambda key: {"n": 1, "key": key}
    )
    def config(partition_key: str) -> dict[str, Any]:
        return {}

    assert config.get_tags_for_partition_key("a") == {"n": "1", "key": "a"}


def test_partition_tags_with_a_reserved_key_are_rejected_naming_the_partition() -> None:
    from dagwright.errors import InvalidTagError

    @static_partitioned_config(
        partition_keys=["a"], tags_for_partition_key_fn=lambda key: {"dagwright/x": key}
    )
    def config(partition_key: str) -> dict[str, Any]:
        return {}

    with pytest.raises(InvalidTagError, match="the tags of partition 'a'"):
        config.get_tags_for_partition_key("a")


def test_a_partitioned_config_without_a_tags_function_has_no_tags() -> None:
    @static_partitioned_config(partition_keys=["a"])
    def config(partition_key: str) -> dict[str, Any]:
        return {}

    assert config.get_tags_for_partition_key("a") == {}


def test_dynamic_partitioned_config_uses_its_partition_function() -> None:
    @dynamic_partitioned_config(
        partition_fn=lambda current_time: ["p1", "p2"],
        tags_for_partition_key_fn=lambda key: {"k": key},
    )
    def config(partition_key: str) -> dict[str, Any]:
        return {"ops": {"o": {"config": partition_key}}}

    assert isinstance(config.partitions_def, DynamicPartitionsDefinition)
    assert list(config.get_partition_keys()) == ["p1", "p2"]
    assert config.get_run_config_for_partition_key("p2") == {"ops": {"o": {"config": "p2"}}}
    assert config.get_tags_for_partition_key("p1") == {"k": "p1"}


def test_daily_partitioned_config_gets_the_windows_start_and_end() -> None:
    @daily_partitioned_config(start_date="2024-01-01")
    def config(start: datetime, end: datetime) -> dict[str, Any]:
        return {"ops": {"o": {"config": [start, end]}}}

    produced = config.get_run_config_for_partition_key("2024-01-05")

    assert produced == {"ops": {"o": {"config": [_utc(2024, 1, 5), _utc(2024, 1, 6)]}}}
    assert isinstance(config.partitions_def, DailyPartitionsDefinition)


def test_daily_partitioned_config_passes_tz_aware_datetimes() -> None:
    seen: list[datetime] = []

    @daily_partitioned_config(start_date="2024-01-01", timezone="America/Los_Angeles")
    def config(start: datetime, end: datetime) -> dict[str, Any]:
        seen.extend([start, end])
        return {}

    config.get_run_config_for_partition_key("2024-01-05")

    assert [d.isoformat() for d in seen] == [
        "2024-01-05T00:00:00-08:00",
        "2024-01-06T00:00:00-08:00",
    ]


def test_daily_partitioned_config_tags_function_gets_start_and_end() -> None:
    @daily_partitioned_config(
        start_date="2024-01-01",
        tags_for_partition_fn=lambda start, end: {"span": f"{start:%d}-{end:%d}"},
    )
    def config(start: datetime, end: datetime) -> dict[str, Any]:
        return {}

    assert config.get_tags_for_partition_key("2024-01-05") == {"span": "05-06"}


def test_hourly_partitioned_config_gets_an_hour_in_its_timezone() -> None:
    @hourly_partitioned_config(start_date="2024-01-01-00:00", timezone="Europe/Paris")
    def config(start: datetime, end: datetime) -> dict[str, Any]:
        return {"window": [start.isoformat(), end.isoformat()]}

    assert config.get_run_config_for_partition_key("2024-01-01-05:00") == {
        "window": ["2024-01-01T05:00:00+01:00", "2024-01-01T06:00:00+01:00"]
    }
    assert isinstance(config.partitions_def, HourlyPartitionsDefinition)


def test_weekly_partitioned_config_respects_day_offset() -> None:
    @weekly_partitioned_config(start_date="2024-01-01", day_offset=1)
    def config(start: datetime, end: datetime) -> dict[str, Any]:
        return {"window": [start, end]}

    assert config.get_run_config_for_partition_key("2024-01-08") == {
        "window": [_utc(2024, 1, 8), _utc(2024, 1, 15)]
    }
    assert list(config.partitions_def.get_partition_keys(current_time=_utc(2024, 1, 22))) == [
        "2024-01-01",
        "2024-01-08",
        "2024-01-15",
    ]


def test_monthly_partitioned_config_respects_day_and_hour_offsets() -> None:
    @monthly_partitioned_config(start_date="2024-01-01", day_offset=15, hour_offset=3)
    def config(start: datetime, end: datetime) -> dict[str, Any]:
        return {"window": [start, end]}

    assert config.get_run_config_for_partition_key("2024-01-15") == {
        "window": [_utc(2024, 1, 15, 3), _utc(2024, 2, 15, 3)]
    }


def test_partitioned_config_decorators_check_the_start_date_format() -> None:
    with pytest.raises(InvalidDefinitionError, match="start_date"):

        @hourly_partitioned_config(start_date="2024-01-01")
        def config(start: datetime, end: datetime) -> dict[str, Any]:
            return {}


def test_partitioned_config_built_directly() -> None:
    config = PartitionedConfig(
        StaticPartitionsDefinition(["a"]),
        run_config_for_partition_key_fn=lambda key: {"ops": {"o": {"config": key}}},
        tags_for_partition_key_fn=lambda key: {"t": key},
    )

    assert config.get_run_config_for_partition_key("a") == {"ops": {"o": {"config": "a"}}}
    assert config.get_tags_for_partition_key("a") == {"t": "a"}


def test_partitioned_config_needs_a_run_config_function() -> None:
    with pytest.raises(InvalidDefinitionError, match="run_config_for_partition_key_fn"):
        PartitionedConfig(StaticPartitionsDefinition(["a"]))


def test_partitioned_config_needs_a_partitions_definition() -> None:
    with pytest.raises(InvalidDefinitionError, match="partitions_def"):
        PartitionedConfig(["a", "b"], run_config_for_partition_key_fn=lambda key: {})  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# Jobs with partitioned config


@op(config_schema={"region": str})
def load(context: Any) -> tuple[str, str]:
    return context.op_config["region"], context.partition_key


REGIONS = ["us", "eu", "asia", "africa", "oceania"]


@static_partitioned_config(
    partition_keys=REGIONS, tags_for_partition_key_fn=lambda key: {"region": key.upper()}
)
def region_config(partition_key: str) -> dict[str, Any]:
    return {"ops": {"load": {"config": {"region": partition_key + "!"}}}}


@job(config=region_config, tags={"team": "data"})
def region_job():
    load()


@op
def report_day(context: Any) -> tuple[str, Any]:
    return context.partition_key, context.op_config


@daily_partitioned_config(
    start_date="2024-01-01", tags_for_partition_fn=lambda start, end: {"day": f"{start:%d}"}
)
def day_config(start: datetime, end: datetime) -> dict[str, Any]:
    return {"ops": {"report_day": {"config": {"start": start.isoformat()}}}}


@job(config=day_config)
def day_job():
    report_day()


def test_a_job_with_partitioned_config_has_its_partitions_def() -> None:
    assert region_job.partitions_def is region_config.partitions_def


def test_partition_key_picks_the_partitions_config() -> None:
    result = region_job.execute_in_process(partition_key="eu")

    assert result.output_for_node("load") == ("eu!", "eu")


def test_a_given_run_config_replaces_the_partitions_config() -> None:
    result = region_job.execute_in_process(
        partition_key="eu", run_config={"ops": {"load": {"config": {"region": "given"}}}}
    )

    assert result.output_for_node("load") == ("given", "eu")


def test_a_given_run_config_is_not_merged_with_the_partitions_config() -> None:
    with pytest.raises(RunConfigError) as caught:
        region_job.execute_in_process(partition_key="eu", run_config={"ops": {"load": {}}})

    assert [p.path for p in caught.value.problems] == ["ops.load.config.region"]


def test_a_partitioned_job_run_has_the_partition_tag_and_the_custom_tags() -> None:
    result = region_job.execute_in_process(partition_key="asia")

    assert result.dagster_run.tags == {
        "team": "data",
        "dagwright/partition": "asia",
        "region": "ASIA",
    }


def test_partition_tags_are_added_even_when_run_config_is_given() -> None:
    result = region_job.execute_in_process(
        partition_key="eu", run_config={"ops": {"load": {"config": {"region": "given"}}}}
    )

    assert result.dagster_run.tags["dagwright/partition"] == "eu"
    assert result.dagster_run.tags["region"] == "EU"


def test_the_run_record_has_the_partition_key() -> None:
    result = region_job.execute_in_process(partition_key="us")

    assert result.dagster_run.partition_key == "us"


def test_a_partitioned_job_without_partition_key_needs_a_full_run_config() -> None:
    with pytest.raises(RunConfigError) as caught:
        region_job.execute_in_process()

    assert [p.path for p in caught.value.problems] == ["ops.load.config.region"]


def test_an_unknown_partition_key_is_an_invocation_error_with_a_suggestion() -> None:
    with pytest.raises(InvalidInvocationError, match="Did you mean 'asia'"):
        region_job.execute_in_process(partition_key="asai")


def test_an_unknown_partition_key_error_names_the_first_and_last_keys() -> None:
    with pytest.raises(InvalidInvocationError) as caught:
        region_job.execute_in_process(partition_key="zzz")

    message = str(caught.value)
    assert "'us'" in message
    assert "'oceania'" in message


def test_an_unknown_partition_key_records_no_run() -> None:
    from dagwright import Instance

    instance = Instance.ephemeral()

    with pytest.raises(InvalidInvocationError):
        region_job.execute_in_process(partition_key="zzz", instance=instance)

    assert list(instance.get_runs()) == []


def test_a_badly_formatted_daily_key_suggests_the_key_it_resembles() -> None:
    with pytest.raises(InvalidInvocationError) as caught:
        day_job.execute_in_process(partition_key="2024-1-5")

    assert "'2024-01-05'" in str(caught.value)


def test_a_daily_key_before_the_start_is_rejected_naming_the_first_key() -> None:
    with pytest.raises(InvalidInvocationError, match="'2024-01-01'"):
        day_job.execute_in_process(partition_key="2023-12-31")


def test_a_future_daily_key_is_rejected() -> None:
    with pytest.raises(InvalidInvocationError, match="2999-01-01"):
        day_job.execute_in_process(partition_key="2999-01-01")


def test_a_daily_partitioned_job_runs_with_the_windows_config() -> None:
    result = day_job.execute_in_process(partition_key="2024-01-05")

    assert result.output_for_node("report_day") == (
        "2024-01-05",
        {"start": "2024-01-05T00:00:00+00:00"},
    )


def test_a_daily_partitioned_job_run_has_the_time_window_tags() -> None:
    result = day_job.execute_in_process(partition_key="2024-01-05")

    assert result.dagster_run.tags == {"dagwright/partition": "2024-01-05", "day": "05"}


def test_a_dynamic_partitioned_job_runs_a_computed_key() -> None:
    @dynamic_partitioned_config(partition_fn=lambda current_time: ["p1", "p2"])
    def config(partition_key: str) -> dict[str, Any]:
        return {"ops": {"report_day": {"config": partition_key}}}

    @job(config=config)
    def dynamic_job():
        report_day()

    result = dynamic_job.execute_in_process(partition_key="p2")

    assert result.output_for_node("report_day") == ("p2", "p2")


def test_a_dynamic_partitioned_job_rejects_a_key_its_function_does_not_return() -> None:
    @dynamic_partitioned_config(partition_fn=lambda current_time: ["p1"])
    def config(partition_key: str) -> dict[str, Any]:
        return {}

    @job(config=config)
    def dynamic_job():
        report_day()

    with pytest.raises(InvalidInvocationError, match="'p9'"):
        dynamic_job.execute_in_process(partition_key="p9")


def test_a_partition_function_may_return_a_run_config_object() -> None:
    @static_partitioned_config(partition_keys=["a"])
    def config(partition_key: str) -> RunConfig:
        return RunConfig(ops={"load": {"config": {"region": "typed"}}})

    @job(config=config)
    def typed_job():
        load()

    assert typed_job.execute_in_process(partition_key="a").output_for_node("load") == (
        "typed",
        "a",
    )


def test_invalid_config_from_a_partition_function_is_a_run_config_error() -> None:
    @static_partitioned_config(partition_keys=["a"])
    def config(partition_key: str) -> dict[str, Any]:
        return {"ops": {"load": {"config": {"region": 5}}}}

    @job(config=config)
    def wrong_job():
        load()

    with pytest.raises(RunConfigError) as caught:
        wrong_job.execute_in_process(partition_key="a")

    assert [p.path for p in caught.value.problems] == ["ops.load.config.region"]


def test_an_exception_in_a_partition_function_is_a_run_config_error_naming_it() -> None:
    @static_partitioned_config(partition_keys=["a"])
    def config(partition_key: str) -> dict[str, Any]:
        raise ValueError("no config for you")

    @job(config=config)
    def failing_job():
        load()

    with pytest.raises(RunConfigError, match="no config for you"):
        failing_job.execute_in_process(partition_key="a")


def test_partition_key_on_an_unpartitioned_job_is_an_error() -> None:
    @op
    def plain() -> int:
        return 1

    @job
    def plain_job():
        plain()

    with pytest.raises(InvalidInvocationError, match="not partitioned"):
        plain_job.execute_in_process(partition_key="a")


# --------------------------------------------------------------------------
# @job(partitions_def=...) without partitioned config


@op
def partition_info(context: Any) -> tuple[bool, str]:
    return context.has_partition_key, context.partition_key


@job(partitions_def=StaticPartitionsDefinition(["a", "b"]))
def partitioned_plain_job():
    partition_info()


def test_a_job_with_only_partitions_def_runs_a_partition() -> None:
    result = partitioned_plain_job.execute_in_process(partition_key="b")

    assert result.output_for_node("partition_info") == (True, "b")


def test_a_job_with_only_partitions_def_gets_the_partition_tag() -> None:
    result = partitioned_plain_job.execute_in_process(partition_key="b")

    assert result.dagster_run.tags == {"dagwright/partition": "b"}


def test_a_job_with_only_partitions_def_rejects_an_unknown_key() -> None:
    with pytest.raises(InvalidInvocationError, match="'c'"):
        partitioned_plain_job.execute_in_process(partition_key="c")


def test_a_job_with_only_partitions_def_has_no_partitioned_config() -> None:
    assert partitioned_plain_job.partitioned_config is None
    assert isinstance(partitioned_plain_job.partitions_def, StaticPartitionsDefinition)


def test_a_job_with_time_partitions_def_runs_a_window_key() -> None:
    @job(partitions_def=DailyPartitionsDefinition(start_date="2024-01-01"))
    def daily_plain_job():
        partition_info()

    result = daily_plain_job.execute_in_process(partition_key="2024-02-29")

    assert result.output_for_node("partition_info") == (True, "2024-02-29")


def test_partitions_def_must_be_a_partitions_definition() -> None:
    with pytest.raises(InvalidDefinitionError, match="partitions_def"):

        @job(partitions_def=["a", "b"])  # type: ignore[arg-type]
        def bad_job():
            partition_info()
