"""What storage is asked and what it answers: run and event filters, and the records they find.

Filters are plain immutable values, so the CLI, the API and the daemon can
build them, compare them and send them between processes. Every storage
backend answers them the same way (one conformance suite checks it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import msgspec

from ..metadata import AssetKey
from ..records import EventLogEntry, EventType, Run, RunStatus

__all__ = [
    "RunsFilter",
    "RunRecord",
    "EventRecordsFilter",
    "EventLogRecord",
    "EventLogConnection",
    "timestamp_of",
]


def timestamp_of(moment: datetime | float | None) -> float | None:
    """Seconds since the epoch for a datetime or a number (naive datetimes are taken as local)."""
    if moment is None or isinstance(moment, (int, float)):
        return moment
    return moment.timestamp()


class RunsFilter(msgspec.Struct, frozen=True, kw_only=True):
    """Which runs to list; every field given must match (fields left out match all).

    ``tags`` matches runs having each tag (a list of values matches any of
    them); ``created_before``/``created_after`` and ``updated_after`` take
    datetimes or epoch seconds.
    """

    run_ids: Sequence[str] | None = None
    job_name: str | None = None
    statuses: Sequence[RunStatus] | None = None
    tags: Mapping[str, str | Sequence[str]] | None = None
    created_before: datetime | float | None = None
    created_after: datetime | float | None = None
    updated_after: datetime | float | None = None
    snapshot_id: str | None = None
    parent_run_id: str | None = None


class RunRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A run with what storage knows about it: its storage id and timestamps.

    ``heartbeat_timestamp`` is when the run's process last said it was alive
    (None until it first does); run monitoring ends runs whose heartbeat stopped.
    """

    storage_id: int
    run: Run
    create_timestamp: float
    update_timestamp: float
    start_time: float | None = None
    end_time: float | None = None
    heartbeat_timestamp: float | None = None

    @property
    def dagster_run(self) -> Run:
        """The run (Dagster's name for it)."""
        return self.run


class EventRecordsFilter(msgspec.Struct, frozen=True, kw_only=True):
    """Which events to read across runs: one event type, optionally for some assets or times.

    ``after_cursor``/``before_cursor`` are storage ids (exclusive);
    ``after_timestamp``/``before_timestamp`` are epoch seconds (exclusive).
    """

    event_type: EventType
    asset_key: AssetKey | None = None
    asset_partitions: Sequence[str] | None = None
    after_cursor: int | None = None
    before_cursor: int | None = None
    after_timestamp: float | None = None
    before_timestamp: float | None = None
    run_ids: Sequence[str] | None = None


class EventLogRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One stored event log entry and its storage id (a cursor that only grows)."""

    storage_id: int
    event_log_entry: EventLogEntry

    @property
    def run_id(self) -> str:
        return self.event_log_entry.run_id

    @property
    def timestamp(self) -> float:
        return self.event_log_entry.timestamp

    @property
    def asset_key(self) -> AssetKey | None:
        event = self.event_log_entry.event
        return event.asset_key if event is not None else None

    @property
    def partition_key(self) -> str | None:
        event = self.event_log_entry.event
        return event.partition if event is not None else None


class EventLogConnection(msgspec.Struct, frozen=True, kw_only=True):
    """A page of one run's events: the records, the cursor to read on from, and whether more wait.

    Pass ``cursor`` back as the next call's cursor to tail a running run.
    """

    records: list[EventLogRecord]
    cursor: int | None
    has_more: bool
