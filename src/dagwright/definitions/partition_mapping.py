"""Partition mappings: which partitions of an upstream asset a downstream partition reads.

A partitioned asset reading a partitioned upstream (``AssetIn(partition_mapping=...)``
or ``AssetDep(..., partition_mapping=...)``) reads, for the partition its run
targets, the upstream partitions its mapping names:

* :class:`IdentityPartitionMapping`: the partition of the same key (the default
  between two non-time partitionings, and between equal ones).
* :class:`TimeWindowPartitionMapping`: the upstream partitions overlapping the
  downstream partition's time window, moved by ``start_offset``/``end_offset``
  downstream windows (the default between two time partitionings: a daily asset
  reads the 24 hours of its day).
* :class:`AllPartitionMapping`: every upstream partition (the default when the
  downstream asset is not partitioned).
* :class:`LastPartitionMapping`: the latest upstream partition.
* :class:`StaticPartitionMapping`: an explicit upstream -> downstream key map.
* :class:`SpecificPartitionsPartitionMapping`: always the partitions listed.

A mapping is asked for keys with :meth:`PartitionMapping.get_upstream_partition_keys`;
subclass it and define that method for a mapping of your own.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from ..errors import InvalidDefinitionError, PartitionMappingError
from .partitions import PartitionsDefinition, TimeWindow, TimeWindowPartitionsDefinition

__all__ = [
    "PartitionMapping",
    "IdentityPartitionMapping",
    "AllPartitionMapping",
    "LastPartitionMapping",
    "TimeWindowPartitionMapping",
    "StaticPartitionMapping",
    "SpecificPartitionsPartitionMapping",
    "infer_partition_mapping",
]


class PartitionMapping:
    """How the partitions of a downstream asset map to those of an upstream asset it reads."""

    def get_upstream_partition_keys(
        self,
        downstream_partition_key: str | None,
        downstream_partitions_def: PartitionsDefinition | None,
        upstream_partitions_def: PartitionsDefinition,
        current_time: datetime | None = None,
    ) -> list[str]:
        """The upstream partition keys that ``downstream_partition_key`` reads (``None``: the
        downstream asset is not partitioned). Raises PartitionMappingError for keys the
        upstream does not have."""
        return self._upstream_keys(
            _Asked(
                downstream_partition_key,
                downstream_partitions_def,
                upstream_partitions_def,
                current_time,
            )
        )

    def _upstream_keys(self, asked: _Asked) -> list[str]:
        raise TypeError(f"{type(self).__name__} must define get_upstream_partition_keys()")

    def check_partitions_defs(
        self,
        downstream_partitions_def: PartitionsDefinition | None,
        upstream_partitions_def: PartitionsDefinition,
        where: str,
    ) -> None:
        """Raise InvalidDefinitionError if this mapping cannot map between the two (checked
        when a job of the assets is built)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({fields})"


class _Asked:
    """One question to a mapping: the downstream key (None: unpartitioned) and both sides."""

    __slots__ = ("downstream", "key", "now", "upstream")

    def __init__(
        self,
        key: str | None,
        downstream: PartitionsDefinition | None,
        upstream: PartitionsDefinition,
        now: datetime | None,
    ) -> None:
        self.key = key
        self.downstream = downstream
        self.upstream = upstream
        self.now = now

    def every_key(self) -> list[str]:
        return list(self.upstream.get_partition_keys(self.now))

    def existing(self, keys: Sequence[str], mapping: PartitionMapping) -> list[str]:
        """``keys``, if the upstream has them all; else PartitionMappingError."""
        missing = [k for k in keys if not self.upstream.has_partition_key(k, self.now)]
        if missing:
            raise PartitionMappingError(mapping=repr(mapping), missing=missing)
        return list(keys)


class IdentityPartitionMapping(PartitionMapping):
    """The downstream partition reads the upstream partition of the same key."""

    def _upstream_keys(self, asked: _Asked) -> list[str]:
        return asked.every_key() if asked.key is None else asked.existing([asked.key], self)


class AllPartitionMapping(PartitionMapping):
    """Every downstream partition reads every upstream partition."""

    def _upstream_keys(self, asked: _Asked) -> list[str]:
        return asked.every_key()


class LastPartitionMapping(PartitionMapping):
    """Every downstream partition reads the latest upstream partition."""

    def _upstream_keys(self, asked: _Asked) -> list[str]:
        return asked.every_key()[-1:]


class SpecificPartitionsPartitionMapping(PartitionMapping):
    """Every downstream partition reads the upstream partitions listed."""

    def __init__(self, partition_keys: Sequence[str]) -> None:
        self.partition_keys = list(partition_keys)

    def _upstream_keys(self, asked: _Asked) -> list[str]:
        return asked.existing(self.partition_keys, self)


class StaticPartitionMapping(PartitionMapping):
    """An explicit map from each upstream key to the downstream key (or keys) that read it."""

    def __init__(
        self,
        downstream_partition_keys_by_upstream_partition_key: Mapping[str, str | Collection[str]],
    ) -> None:
        self.downstream_partition_keys_by_upstream_partition_key = {
            upstream: frozenset([down] if isinstance(down, str) else down)
            for upstream, down in downstream_partition_keys_by_upstream_partition_key.items()
        }

    def _upstream_keys(self, asked: _Asked) -> list[str]:
        by_upstream = self.downstream_partition_keys_by_upstream_partition_key
        found = [
            upstream
            for upstream, downstream in by_upstream.items()
            if asked.key is None or asked.key in downstream
        ]
        return asked.existing(found, self)


class TimeWindowPartitionMapping(PartitionMapping):
    """The upstream partitions overlapping the downstream partition's time window.

    ``start_offset`` and ``end_offset`` move the window's start and end by that
    many downstream windows: ``start_offset=-1, end_offset=-1`` reads the
    previous window, ``start_offset=-1`` the previous and the current one.
    Upstream partitions that do not exist (before the upstream's start, or not
    complete yet) are an error unless ``allow_nonexistent_upstream_partitions``,
    which leaves them out.
    """

    def __init__(
        self,
        start_offset: int = 0,
        end_offset: int = 0,
        allow_nonexistent_upstream_partitions: bool = False,
    ) -> None:
        if start_offset > end_offset:
            raise InvalidDefinitionError(
                f"start_offset ({start_offset}) is after end_offset ({end_offset}), so the "
                "window it maps to is empty.",
                where="TimeWindowPartitionMapping",
                fix="give start_offset <= end_offset.",
            )
        self.start_offset = start_offset
        self.end_offset = end_offset
        self.allow_nonexistent_upstream_partitions = allow_nonexistent_upstream_partitions

    def check_partitions_defs(
        self,
        downstream_partitions_def: PartitionsDefinition | None,
        upstream_partitions_def: PartitionsDefinition,
        where: str,
    ) -> None:
        sides = (("upstream", upstream_partitions_def), ("downstream", downstream_partitions_def))
        for side, found in sides:
            if not isinstance(found, TimeWindowPartitionsDefinition):
                raise InvalidDefinitionError(
                    f"a TimeWindowPartitionMapping maps time windows, but the {side} asset's "
                    f"partitions are {type(found).__name__ if found is not None else 'none'}.",
                    where=where,
                    fix="partition both assets by time (DailyPartitionsDefinition, ...), or "
                    "use another mapping (IdentityPartitionMapping, AllPartitionMapping, ...).",
                )

    def _upstream_keys(self, asked: _Asked) -> list[str]:
        upstream, downstream = asked.upstream, asked.downstream
        if asked.key is None:
            return asked.every_key()
        assert isinstance(upstream, TimeWindowPartitionsDefinition)
        assert isinstance(downstream, TimeWindowPartitionsDefinition)
        own = downstream.time_window_for_partition_key(asked.key)
        window = downstream.shift_window(own, self.start_offset, self.end_offset)
        keys = upstream.get_partition_keys_in_time_window(window, asked.now)
        if not self.allow_nonexistent_upstream_partitions:
            covered = _span(upstream, keys)
            if covered is None or covered.start > window.start or covered.end < window.end:
                raise PartitionMappingError(
                    mapping=repr(self),
                    missing=[f"{window.start.isoformat()} to {window.end.isoformat()}"],
                    allow_flag="allow_nonexistent_upstream_partitions=True",
                )
        return keys


def _span(partitions_def: TimeWindowPartitionsDefinition, keys: Sequence[str]) -> TimeWindow | None:
    if not keys:
        return None
    first = partitions_def.time_window_for_partition_key(keys[0])
    last = partitions_def.time_window_for_partition_key(keys[-1])
    return TimeWindow(first.start, last.end)


def infer_partition_mapping(
    given: PartitionMapping | None,
    downstream_partitions_def: PartitionsDefinition | None,
    upstream_partitions_def: PartitionsDefinition,
) -> PartitionMapping:
    """The mapping a downstream asset reads a partitioned upstream with: ``given``, else the
    default for the two partitionings (see the module docstring)."""
    if given is not None:
        return given
    if downstream_partitions_def is None:
        return AllPartitionMapping()
    both_time = isinstance(upstream_partitions_def, TimeWindowPartitionsDefinition) and isinstance(
        downstream_partitions_def, TimeWindowPartitionsDefinition
    )
    return TimeWindowPartitionMapping() if both_time else IdentityPartitionMapping()
