"""Partitioned config: a job's run config computed from the partition a run targets.

``@job(config=my_partitioned_config)`` makes a partitioned job; running it
with ``partition_key="2024-01-05"`` uses the config the partition's
function returns (unless the launch gives run config of its own, which
then replaces it). The decorators build one from a function::

    @daily_partitioned_config(start_date="2024-01-01")
    def my_config(start, end):
        return {"ops": {"load": {"config": {"day": start.strftime("%Y-%m-%d")}}}}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from ..errors import InvalidDefinitionError
from .partitions import (
    DailyPartitionsDefinition,
    DynamicPartitionsDefinition,
    HourlyPartitionsDefinition,
    MonthlyPartitionsDefinition,
    PartitionsDefinition,
    StaticPartitionsDefinition,
    TimeWindowPartitionsDefinition,
    WeeklyPartitionsDefinition,
)
from .tags import normalize_tags

__all__ = [
    "PartitionedConfig",
    "static_partitioned_config",
    "dynamic_partitioned_config",
    "hourly_partitioned_config",
    "daily_partitioned_config",
    "weekly_partitioned_config",
    "monthly_partitioned_config",
]


class PartitionedConfig:
    """A partitions definition and how to turn one of its keys into run config (and tags)."""

    def __init__(
        self,
        partitions_def: PartitionsDefinition,
        run_config_for_partition_key_fn: Callable[[str], Any] | None = None,
        tags_for_partition_key_fn: Callable[[str], Mapping[str, str]] | None = None,
    ) -> None:
        if not isinstance(partitions_def, PartitionsDefinition):
            raise InvalidDefinitionError(
                f"partitions_def must be a partitions definition, got "
                f"{type(partitions_def).__name__}.",
                where="PartitionedConfig",
            )
        if run_config_for_partition_key_fn is None:
            raise InvalidDefinitionError(
                "it needs run_config_for_partition_key_fn, the function from a partition key to "
                "run config.",
                where="PartitionedConfig",
            )
        self.partitions_def = partitions_def
        self.run_config_for_partition_key_fn = run_config_for_partition_key_fn
        self.tags_for_partition_key_fn = tags_for_partition_key_fn

    def run_config_for_partition_key(self, partition_key: str) -> Any:
        """The run config for ``partition_key`` (a dict or a RunConfig)."""
        return self.run_config_for_partition_key_fn(partition_key)

    def tags_for_partition_key(self, partition_key: str) -> dict[str, str]:
        """Extra run tags for ``partition_key`` (checked and encoded like any tags)."""
        if self.tags_for_partition_key_fn is None:
            return {}
        tags = self.tags_for_partition_key_fn(partition_key)
        return dict(normalize_tags(tags, f"the tags of partition {partition_key!r}"))

    def get_partition_keys(self, current_time: datetime | None = None) -> Sequence[str]:
        return self.partitions_def.get_partition_keys(current_time)

    # Dagster's spellings
    get_run_config_for_partition_key = run_config_for_partition_key
    get_tags_for_partition_key = tags_for_partition_key

    def __repr__(self) -> str:
        return f"PartitionedConfig({self.partitions_def!r})"


def static_partitioned_config(
    partition_keys: Sequence[str],
    tags_for_partition_key_fn: Callable[[str], Mapping[str, str]] | None = None,
) -> Callable[[Callable[[str], Any]], PartitionedConfig]:
    """Decorate ``fn(partition_key) -> run config`` over a fixed list of keys."""

    def wrap(fn: Callable[[str], Any]) -> PartitionedConfig:
        return PartitionedConfig(
            StaticPartitionsDefinition(partition_keys), fn, tags_for_partition_key_fn
        )

    return wrap


def dynamic_partitioned_config(
    partition_fn: Callable[[datetime | None], Sequence[str]],
    tags_for_partition_key_fn: Callable[[str], Mapping[str, str]] | None = None,
) -> Callable[[Callable[[str], Any]], PartitionedConfig]:
    """Decorate ``fn(partition_key) -> run config`` over keys ``partition_fn`` computes."""

    def wrap(fn: Callable[[str], Any]) -> PartitionedConfig:
        return PartitionedConfig(
            DynamicPartitionsDefinition(partition_fn), fn, tags_for_partition_key_fn
        )

    return wrap


def _time_window_config(
    partitions_def: TimeWindowPartitionsDefinition,
    tags_for_partition_fn: Callable[[datetime, datetime], Mapping[str, str]] | None,
) -> Callable[[Callable[[datetime, datetime], Any]], PartitionedConfig]:
    def wrap(fn: Callable[[datetime, datetime], Any]) -> PartitionedConfig:
        def run_config(key: str) -> Any:
            window = partitions_def.time_window_for_partition_key(key)
            return fn(window.start, window.end)

        tags = None
        if tags_for_partition_fn is not None:
            tag_fn = tags_for_partition_fn

            def tags(key: str) -> Mapping[str, str]:
                window = partitions_def.time_window_for_partition_key(key)
                return tag_fn(window.start, window.end)

        return PartitionedConfig(partitions_def, run_config, tags)

    return wrap


def hourly_partitioned_config(
    start_date: datetime | str,
    minute_offset: int = 0,
    timezone: str | None = None,
    fmt: str | None = None,
    end_offset: int = 0,
    tags_for_partition_fn: Callable[[datetime, datetime], Mapping[str, str]] | None = None,
) -> Callable[[Callable[[datetime, datetime], Any]], PartitionedConfig]:
    """Decorate ``fn(start, end) -> run config`` over hourly partitions."""
    definition = HourlyPartitionsDefinition(start_date, minute_offset, timezone, fmt, end_offset)
    return _time_window_config(definition, tags_for_partition_fn)


def daily_partitioned_config(
    start_date: datetime | str,
    minute_offset: int = 0,
    hour_offset: int = 0,
    timezone: str | None = None,
    fmt: str | None = None,
    end_offset: int = 0,
    tags_for_partition_fn: Callable[[datetime, datetime], Mapping[str, str]] | None = None,
) -> Callable[[Callable[[datetime, datetime], Any]], PartitionedConfig]:
    """Decorate ``fn(start, end) -> run config`` over daily partitions."""
    definition = DailyPartitionsDefinition(
        start_date, minute_offset, hour_offset, timezone, fmt, end_offset
    )
    return _time_window_config(definition, tags_for_partition_fn)


def weekly_partitioned_config(
    start_date: datetime | str,
    minute_offset: int = 0,
    hour_offset: int = 0,
    day_offset: int = 0,
    timezone: str | None = None,
    fmt: str | None = None,
    end_offset: int = 0,
    tags_for_partition_fn: Callable[[datetime, datetime], Mapping[str, str]] | None = None,
) -> Callable[[Callable[[datetime, datetime], Any]], PartitionedConfig]:
    """Decorate ``fn(start, end) -> run config`` over weekly partitions."""
    definition = WeeklyPartitionsDefinition(
        start_date, minute_offset, hour_offset, day_offset, timezone, fmt, end_offset
    )
    return _time_window_config(definition, tags_for_partition_fn)


def monthly_partitioned_config(
    start_date: datetime | str,
    minute_offset: int = 0,
    hour_offset: int = 0,
    day_offset: int = 1,
    timezone: str | None = None,
    fmt: str | None = None,
    end_offset: int = 0,
    tags_for_partition_fn: Callable[[datetime, datetime], Mapping[str, str]] | None = None,
) -> Callable[[Callable[[datetime, datetime], Any]], PartitionedConfig]:
    """Decorate ``fn(start, end) -> run config`` over monthly partitions."""
    definition = MonthlyPartitionsDefinition(
        start_date, minute_offset, hour_offset, day_offset, timezone, fmt, end_offset
    )
    return _time_window_config(definition, tags_for_partition_fn)
