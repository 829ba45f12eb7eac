"""The storage interface every backend implements, and the rules they share.

A backend keeps runs, their tags, their event logs, the asset index that
follows from materialization events, job snapshots and a key/value table.
It knows nothing of how runs are executed: the instance hands it records
and asks it questions (``queries.py``). The rules that turn events into run
status and asset history live here, once, so the in-memory, SQLite and
PostgreSQL backends cannot disagree.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence

from ..metadata import AssetKey
from ..records import EventLogEntry, EventType, Run, RunStatus
from .queries import EventLogConnection, EventLogRecord, EventRecordsFilter, RunRecord, RunsFilter

__all__ = ["Storage", "RunUpdate", "run_updates", "ASSET_EVENT_TYPES", "IN_PROGRESS_STATUSES"]

# The run status each run-level event moves the run to.
_STATUS_AFTER: dict[str, RunStatus] = {
    EventType.RUN_ENQUEUED: RunStatus.QUEUED,
    EventType.RUN_STARTING: RunStatus.STARTING,
    EventType.RUN_START: RunStatus.STARTED,
    EventType.RUN_SUCCESS: RunStatus.SUCCESS,
    EventType.RUN_FAILURE: RunStatus.FAILURE,
    EventType.RUN_CANCELING: RunStatus.CANCELING,
    EventType.RUN_CANCELED: RunStatus.CANCELED,
}
_ENDING = frozenset({EventType.RUN_SUCCESS, EventType.RUN_FAILURE, EventType.RUN_CANCELED})

IN_PROGRESS_STATUSES = (RunStatus.STARTING, RunStatus.STARTED, RunStatus.CANCELING)
"""The statuses of a run whose process is working on it (and should be sending heartbeats)."""

ASSET_EVENT_TYPES = frozenset(
    {EventType.ASSET_MATERIALIZATION.value, EventType.ASSET_OBSERVATION.value}
)
"""Events that carry an asset key and feed the asset index."""


class RunUpdate:
    """What a batch of events changes on one run record: status and start/end times."""

    __slots__ = ("end_time", "start_time", "status", "update_timestamp")

    def __init__(self) -> None:
        self.status: RunStatus | None = None
        self.start_time: float | None = None
        self.end_time: float | None = None
        self.update_timestamp = 0.0


def run_updates(entries: Iterable[EventLogEntry]) -> dict[str, RunUpdate]:
    """The run record changes a batch of events implies, per run id (only runs that change)."""
    updates: dict[str, RunUpdate] = {}
    for entry in entries:
        event = entry.event
        if event is None:
            continue
        status = _STATUS_AFTER.get(event.event_type_value)
        if status is None:
            continue
        update = updates.get(entry.run_id)
        if update is None:
            update = updates[entry.run_id] = RunUpdate()
        update.status = status
        update.update_timestamp = max(entry.timestamp, time.time())
        if event.event_type_value == EventType.RUN_START:
            update.start_time = entry.timestamp
        elif event.event_type_value in _ENDING:
            update.end_time = entry.timestamp
    return updates


class Storage(ABC):
    """Runs, event logs, assets, snapshots and key/values of one instance."""

    # -- runs ------------------------------------------------------------

    @abstractmethod
    def add_run(self, run: Run) -> Run:
        """Record a new run (its id must be new; the instance checks)."""

    @abstractmethod
    def get_run_records(
        self,
        filters: RunsFilter | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        ascending: bool = False,
    ) -> list[RunRecord]:
        """Runs matching ``filters``, newest first (or oldest first), after the run ``cursor``."""

    @abstractmethod
    def get_runs_count(self, filters: RunsFilter | None = None) -> int:
        """How many runs match ``filters``."""

    @abstractmethod
    def add_run_tags(self, run_id: str, tags: Mapping[str, str]) -> None:
        """Add tags to a run (a tag it already has takes the new value)."""

    @abstractmethod
    def delete_run(self, run_id: str) -> None:
        """Remove a run, its tags and its event log."""

    # -- heartbeats ------------------------------------------------------

    @abstractmethod
    def record_heartbeat(self, run_id: str, timestamp: float) -> None:
        """Note that the run's process was alive at ``timestamp`` (one cheap update).

        The record's ``update_timestamp`` does not move: a heartbeat is not a change.
        """

    @abstractmethod
    def get_stale_runs(self, cutoff: float) -> list[RunRecord]:
        """Runs in progress (STARTING, STARTED, CANCELING) with no sign of life since ``cutoff``.

        A run's last sign of life is its last heartbeat, or, for a run that never
        sent one, the last update of its record. Oldest runs first.
        """

    @abstractmethod
    def store_events_if_run_unchanged(
        self, seen: RunRecord, entries: Sequence[EventLogEntry]
    ) -> bool:
        """Store ``entries`` like :meth:`store_events`, if the run is still as ``seen`` shows it.

        "Still" means the same status and no heartbeat after ``seen``'s, checked
        in the transaction that writes the entries, so a run that ended or beat
        in the meantime is left alone. Returns whether the entries were stored.
        """

    # -- snapshots -------------------------------------------------------

    @abstractmethod
    def add_snapshot(self, snapshot_id: str, body: bytes) -> None:
        """Keep a job snapshot (JSON) under its id; adding an id twice keeps the first."""

    @abstractmethod
    def get_snapshot(self, snapshot_id: str) -> bytes | None:
        """The JSON of a job snapshot, if stored."""

    # -- events ----------------------------------------------------------

    @abstractmethod
    def store_events(self, entries: Sequence[EventLogEntry]) -> None:
        """Append entries in one transaction, with the run status changes they cause."""

    @abstractmethod
    def get_records_for_run(
        self,
        run_id: str,
        cursor: int | None = None,
        of_type: frozenset[str] | None = None,
        limit: int | None = None,
    ) -> EventLogConnection:
        """A run's events after storage id ``cursor``, in order, optionally of some types."""

    @abstractmethod
    def get_event_records(
        self, event_filter: EventRecordsFilter, limit: int | None = None, ascending: bool = False
    ) -> list[EventLogRecord]:
        """Events across runs matching ``event_filter``, newest first unless ``ascending``."""

    # -- assets ----------------------------------------------------------

    @abstractmethod
    def get_asset_keys(self) -> list[AssetKey]:
        """Every asset key with a materialization or observation since it was last wiped."""

    @abstractmethod
    def get_materialized_partitions(self, asset_key: AssetKey) -> set[str]:
        """The partitions of an asset that have a materialization since it was last wiped."""

    @abstractmethod
    def wipe_assets(self, asset_keys: Sequence[AssetKey]) -> None:
        """Forget the history of some assets (the runs' event logs keep their events)."""

    # -- key/value -------------------------------------------------------

    @abstractmethod
    def kv_get(self, keys: Iterable[str]) -> dict[str, str]:
        """The stored values of those keys that have one."""

    @abstractmethod
    def kv_set(self, pairs: Mapping[str, str]) -> None:
        """Set some keys' values."""

    def dispose(self) -> None:  # noqa: B027 - only some backends hold connections
        """Release connections and files (the storage can no longer be used)."""
