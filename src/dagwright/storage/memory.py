"""In-memory storage: everything kept in this process (the ephemeral instance).

It answers the same questions as the SQL backends, with the same rules
(``base.py``), so tests and ``execute_in_process`` see what a persistent
instance would show; it is simply gone when the process ends.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterable, Mapping, Sequence

import msgspec

from ..metadata import AssetKey
from ..records import EventLogEntry, EventType, Run
from .base import ASSET_EVENT_TYPES, IN_PROGRESS_STATUSES, Storage, run_updates
from .queries import (
    EventLogConnection,
    EventLogRecord,
    EventRecordsFilter,
    RunRecord,
    RunsFilter,
    timestamp_of,
)

__all__ = ["InMemoryStorage"]


class InMemoryStorage(Storage):
    """Runs and event logs in dicts and lists; safe to use from several threads of one process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._runs: dict[str, RunRecord] = {}
        self._logs: dict[str, list[EventLogRecord]] = {}
        self._asset_events: list[EventLogRecord] = []
        self._wiped_after: dict[AssetKey, int] = {}
        self._snapshots: dict[str, bytes] = {}
        self._kv: dict[str, str] = {}
        self._last_event_id = 0

    # -- runs ------------------------------------------------------------

    def add_run(self, run: Run) -> Run:
        now = time.time()
        with self._lock:
            self._runs[run.run_id] = RunRecord(
                storage_id=next(self._ids), run=run, create_timestamp=now, update_timestamp=now
            )
            self._logs.setdefault(run.run_id, [])
        return run

    def get_run_records(
        self,
        filters: RunsFilter | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        ascending: bool = False,
    ) -> list[RunRecord]:
        with self._lock:
            records = list(self._runs.values())
        if not ascending:
            records.reverse()
        if cursor is not None:
            at = next((i for i, r in enumerate(records) if r.run.run_id == cursor), None)
            records = records[at + 1 :] if at is not None else []
        matching = (r for r in records if filters is None or _run_matches(r, filters))
        return list(itertools.islice(matching, limit))

    def get_runs_count(self, filters: RunsFilter | None = None) -> int:
        return len(self.get_run_records(filters))

    def add_run_tags(self, run_id: str, tags: Mapping[str, str]) -> None:
        with self._lock:
            record = self._runs.get(run_id)
            if record is not None:
                run = msgspec.structs.replace(record.run, tags={**record.run.tags, **tags})
                self._runs[run_id] = msgspec.structs.replace(
                    record, run=run, update_timestamp=time.time()
                )

    def delete_run(self, run_id: str) -> None:
        with self._lock:
            self._runs.pop(run_id, None)
            self._logs.pop(run_id, None)
            self._asset_events = [r for r in self._asset_events if r.run_id != run_id]

    # -- heartbeats ------------------------------------------------------

    def record_heartbeat(self, run_id: str, timestamp: float) -> None:
        with self._lock:
            record = self._runs.get(run_id)
            if record is not None:
                self._runs[run_id] = msgspec.structs.replace(record, heartbeat_timestamp=timestamp)

    def get_stale_runs(self, cutoff: float) -> list[RunRecord]:
        with self._lock:
            records = list(self._runs.values())
        return [
            r
            for r in records
            if r.run.status in IN_PROGRESS_STATUSES and _last_sign_of_life(r) < cutoff
        ]

    def store_events_if_run_unchanged(
        self, seen: RunRecord, entries: Sequence[EventLogEntry]
    ) -> bool:
        with self._lock:
            current = self._runs.get(seen.run.run_id)
            if current is None or current.run.status != seen.run.status:
                return False
            if _beat_since(current.heartbeat_timestamp, seen.heartbeat_timestamp):
                return False
            self._store(entries)
        return True

    # -- snapshots -------------------------------------------------------

    def add_snapshot(self, snapshot_id: str, body: bytes) -> None:
        with self._lock:
            self._snapshots.setdefault(snapshot_id, body)

    def get_snapshot(self, snapshot_id: str) -> bytes | None:
        return self._snapshots.get(snapshot_id)

    # -- events ----------------------------------------------------------

    def store_events(self, entries: Sequence[EventLogEntry]) -> None:
        with self._lock:
            self._store(entries)

    def _store(self, entries: Sequence[EventLogEntry]) -> None:
        """Append entries and move their runs' records (the caller holds the lock)."""
        for entry in entries:
            self._last_event_id += 1
            record = EventLogRecord(storage_id=self._last_event_id, event_log_entry=entry)
            self._logs.setdefault(entry.run_id, []).append(record)
            event = entry.event
            if event is not None and event.event_type_value in ASSET_EVENT_TYPES:
                self._asset_events.append(record)
        for run_id, update in run_updates(entries).items():
            current = self._runs.get(run_id)
            if current is None:
                continue
            self._runs[run_id] = msgspec.structs.replace(
                current,
                run=current.run.with_status(update.status) if update.status else current.run,
                update_timestamp=update.update_timestamp,
                start_time=update.start_time or current.start_time,
                end_time=update.end_time or current.end_time,
            )

    def get_records_for_run(
        self,
        run_id: str,
        cursor: int | None = None,
        of_type: frozenset[str] | None = None,
        limit: int | None = None,
    ) -> EventLogConnection:
        with self._lock:
            records = list(self._logs.get(run_id, ()))
        after = cursor or 0
        found = [
            r
            for r in records
            if r.storage_id > after and (of_type is None or _type_of(r.event_log_entry) in of_type)
        ]
        page = found if limit is None else found[:limit]
        next_cursor = page[-1].storage_id if page else cursor
        return EventLogConnection(records=page, cursor=next_cursor, has_more=len(found) > len(page))

    def get_event_records(
        self, event_filter: EventRecordsFilter, limit: int | None = None, ascending: bool = False
    ) -> list[EventLogRecord]:
        with self._lock:
            if event_filter.event_type.value in ASSET_EVENT_TYPES:
                pool = list(self._asset_events)
            else:
                pool = sorted(
                    (r for log in self._logs.values() for r in log), key=lambda r: r.storage_id
                )
            wiped = dict(self._wiped_after)
        if not ascending:
            pool.reverse()
        matching = (r for r in pool if _event_matches(r, event_filter, wiped))
        return list(itertools.islice(matching, limit))

    # -- assets ----------------------------------------------------------

    def get_asset_keys(self) -> list[AssetKey]:
        with self._lock:
            keys = {
                r.asset_key: r.storage_id
                for r in self._asset_events
                if r.asset_key is not None and r.storage_id > self._wiped_after.get(r.asset_key, 0)
            }
        return sorted(keys)

    def get_materialized_partitions(self, asset_key: AssetKey) -> set[str]:
        found = self.get_event_records(
            EventRecordsFilter(event_type=EventType.ASSET_MATERIALIZATION, asset_key=asset_key)
        )
        return {r.partition_key for r in found if r.partition_key is not None}

    def wipe_assets(self, asset_keys: Sequence[AssetKey]) -> None:
        with self._lock:
            for key in asset_keys:
                self._wiped_after[key] = self._last_event_id

    # -- key/value -------------------------------------------------------

    def kv_get(self, keys: Iterable[str]) -> dict[str, str]:
        with self._lock:
            return {k: self._kv[k] for k in keys if k in self._kv}

    def kv_set(self, pairs: Mapping[str, str]) -> None:
        with self._lock:
            self._kv.update(pairs)


def _last_sign_of_life(record: RunRecord) -> float:
    beat = record.heartbeat_timestamp
    return beat if beat is not None else record.update_timestamp


def _beat_since(current: float | None, seen: float | None) -> bool:
    """Whether a heartbeat came after the one ``seen`` (None: no heartbeat)."""
    return current is not None and (seen is None or current > seen)


def _type_of(entry: EventLogEntry) -> str | None:
    return entry.event.event_type_value if entry.event is not None else None


def _run_matches(record: RunRecord, f: RunsFilter) -> bool:
    run = record.run
    if f.run_ids is not None and run.run_id not in f.run_ids:
        return False
    if f.job_name is not None and run.job_name != f.job_name:
        return False
    if f.statuses is not None and run.status not in f.statuses:
        return False
    if f.snapshot_id is not None and run.snapshot_id != f.snapshot_id:
        return False
    if f.parent_run_id is not None and run.parent_run_id != f.parent_run_id:
        return False
    for key, wanted in (f.tags or {}).items():
        values = [wanted] if isinstance(wanted, str) else list(wanted)
        if run.tags.get(key) not in values:
            return False
    before = timestamp_of(f.created_before)
    after = timestamp_of(f.created_after)
    updated = timestamp_of(f.updated_after)
    if before is not None and not record.create_timestamp < before:
        return False
    if after is not None and not record.create_timestamp > after:
        return False
    return updated is None or record.update_timestamp > updated


def _event_matches(
    record: EventLogRecord, f: EventRecordsFilter, wiped: dict[AssetKey, int]
) -> bool:
    entry = record.event_log_entry
    if _type_of(entry) != f.event_type.value:
        return False
    sid = record.storage_id
    if f.after_cursor is not None and sid <= f.after_cursor:
        return False
    if f.before_cursor is not None and sid >= f.before_cursor:
        return False
    if f.after_timestamp is not None and entry.timestamp <= f.after_timestamp:
        return False
    if f.before_timestamp is not None and entry.timestamp >= f.before_timestamp:
        return False
    if f.run_ids is not None and entry.run_id not in f.run_ids:
        return False
    if f.asset_key is not None and (
        record.asset_key != f.asset_key or sid <= wiped.get(f.asset_key, 0)
    ):
        return False
    return f.asset_partitions is None or record.partition_key in f.asset_partitions
