"""SQL storage: the storage interface on SQLAlchemy Core, for SQLite files and PostgreSQL.

Each method is one short transaction. A batch of events is one transaction
that also moves the run's status and the asset index, so readers never see
an event without its effect. Records are stored as their JSON form next to
the typed columns queries use.
"""

from __future__ import annotations

import contextlib
import functools
import os
import time
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import msgspec

from ...errors import StorageError
from ...metadata import AssetKey
from ...records import EventLogEntry, EventType, Run, RunStatus
from ..base import ASSET_EVENT_TYPES, IN_PROGRESS_STATUSES, Storage, run_updates
from ..queries import (
    EventLogConnection,
    EventLogRecord,
    EventRecordsFilter,
    RunRecord,
    RunsFilter,
    timestamp_of,
)
from . import schema as t
from .engine import WRITE

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

__all__ = ["SqlStorage", "translate_errors", "storage_error"]

_MATERIALIZATION = EventType.ASSET_MATERIALIZATION.value


def _encode_fallback(value: Any) -> Any:
    # Run config may hold values JSON has no form for; keep what they print as.
    return repr(value)


_encoder = msgspec.json.Encoder(enc_hook=_encode_fallback)
_run_decoder = msgspec.json.Decoder(Run)


class SqlStorage(Storage):
    """Storage in a SQL database reached through ``engine``; ``target`` names it in errors."""

    def __init__(self, engine: Engine, target: str) -> None:
        self._engine = engine
        self.target = target
        self.dialect = engine.dialect.name
        # A forked child (a worker process) must not use its parent's connections.
        forget = weakref.WeakMethod(self._forget_inherited_connections)
        os.register_at_fork(after_in_child=lambda: (method := forget()) and method())

    def _forget_inherited_connections(self) -> None:
        self._engine.dispose(close=False)

    # -- connections -----------------------------------------------------

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        connect = self._engine.connect
        with self._translate(), connect().execution_options(**{WRITE: True}) as c, c.begin():
            yield c

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        with self._translate(), self._engine.connect() as connection, connection.begin():
            yield connection

    def _translate(self) -> contextlib.AbstractContextManager[None]:
        return translate_errors(self.target)

    def dispose(self) -> None:
        self._engine.dispose()

    # -- runs ------------------------------------------------------------

    def add_run(self, run: Run) -> Run:
        now = time.time()
        with self._write() as c:
            c.execute(
                t.runs.insert().values(
                    run_id=run.run_id,
                    job_name=run.job_name,
                    status=run.status.value,
                    snapshot_id=run.snapshot_id,
                    partition=run.partition_key,
                    parent_run_id=run.parent_run_id,
                    root_run_id=run.root_run_id,
                    body=_encoder.encode(run).decode(),
                    create_timestamp=now,
                    update_timestamp=now,
                )
            )
            if run.tags:
                c.execute(
                    t.run_tags.insert(),
                    [{"run_id": run.run_id, "key": k, "value": v} for k, v in run.tags.items()],
                )
        return run

    def get_run_records(
        self,
        filters: RunsFilter | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        ascending: bool = False,
    ) -> list[RunRecord]:
        import sqlalchemy as sa

        r = t.runs
        query = _where_runs(_select_run_records(), filters)
        if cursor is not None:
            at = sa.select(r.c.id).where(r.c.run_id == cursor).scalar_subquery()
            query = query.where(r.c.id > at if ascending else r.c.id < at)
        query = query.order_by(r.c.id.asc() if ascending else r.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with self._read() as c:
            rows = c.execute(query).all()
        return [_run_record(row) for row in rows]

    def get_runs_count(self, filters: RunsFilter | None = None) -> int:
        import sqlalchemy as sa

        only_tag = _only_one_tag(filters)
        if only_tag is not None:
            # A run has one row per tag key: counting the tag rows is an index-only scan.
            key, values = only_tag
            query = (
                sa.select(sa.func.count())
                .select_from(t.run_tags)
                .where(t.run_tags.c.key == key, t.run_tags.c.value.in_(values))
            )
        else:
            query = _where_runs(sa.select(sa.func.count()).select_from(t.runs), filters)
        with self._read() as c:
            return int(c.execute(query).scalar() or 0)

    def add_run_tags(self, run_id: str, tags: Mapping[str, str]) -> None:
        import sqlalchemy as sa

        if not tags:
            return
        with self._write() as c:
            row = c.execute(
                sa.select(t.runs.c.body, t.runs.c.status).where(t.runs.c.run_id == run_id)
            ).first()
            if row is None:
                return
            run = _run_from(row.body, row.status)
            run = msgspec.structs.replace(run, tags={**run.tags, **tags})
            c.execute(
                t.run_tags.delete().where(
                    t.run_tags.c.run_id == run_id, t.run_tags.c.key.in_(list(tags))
                )
            )
            c.execute(
                t.run_tags.insert(),
                [{"run_id": run_id, "key": k, "value": v} for k, v in tags.items()],
            )
            c.execute(
                t.runs.update()
                .where(t.runs.c.run_id == run_id)
                .values(body=_encoder.encode(run).decode(), update_timestamp=time.time())
            )

    def delete_run(self, run_id: str) -> None:
        import sqlalchemy as sa

        e = t.event_logs
        with self._write() as c:
            touched = c.execute(
                sa.select(e.c.asset_key)
                .where(e.c.run_id == run_id, e.c.asset_key.is_not(None))
                .distinct()
            ).scalars()
            keys = list(touched)
            for table in (t.event_logs, t.run_tags, t.runs):
                c.execute(table.delete().where(table.c.run_id == run_id))
            for key in keys:
                _refresh_asset_key(c, key)

    # -- heartbeats ------------------------------------------------------

    def record_heartbeat(self, run_id: str, timestamp: float) -> None:
        with self._write() as c:
            c.execute(
                t.runs.update()
                .where(t.runs.c.run_id == run_id)
                .values(heartbeat_timestamp=timestamp)
            )

    def get_stale_runs(self, cutoff: float) -> list[RunRecord]:
        import sqlalchemy as sa

        r = t.runs
        beat = r.c.heartbeat_timestamp
        query = (
            _select_run_records()
            .where(
                r.c.status.in_([s.value for s in IN_PROGRESS_STATUSES]),
                sa.or_(beat < cutoff, sa.and_(beat.is_(None), r.c.update_timestamp < cutoff)),
            )
            .order_by(r.c.id)
        )
        with self._read() as c:
            return [_run_record(row) for row in c.execute(query)]

    def store_events_if_run_unchanged(
        self, seen: RunRecord, entries: Sequence[EventLogEntry]
    ) -> bool:
        import sqlalchemy as sa

        r = t.runs
        with self._write() as c:
            # The row lock (PostgreSQL; SQLite's write lock is already held) keeps the run's
            # own writes out until this transaction ends.
            now = c.execute(
                sa.select(r.c.status, r.c.heartbeat_timestamp)
                .where(r.c.run_id == seen.run.run_id)
                .with_for_update()
            ).first()
            if now is None or now.status != seen.run.status.value:
                return False
            beat, seen_beat = now.heartbeat_timestamp, seen.heartbeat_timestamp
            if beat is not None and (seen_beat is None or beat > seen_beat):
                return False
            _insert_events(c, entries)
        return True

    # -- snapshots -------------------------------------------------------

    def add_snapshot(self, snapshot_id: str, body: bytes) -> None:
        import sqlalchemy as sa

        with self._write() as c:
            exists = c.execute(
                sa.select(t.snapshots.c.snapshot_id).where(t.snapshots.c.snapshot_id == snapshot_id)
            ).first()
            if exists is None:
                c.execute(
                    t.snapshots.insert().values(
                        snapshot_id=snapshot_id, body=body, create_timestamp=time.time()
                    )
                )

    def get_snapshot(self, snapshot_id: str) -> bytes | None:
        import sqlalchemy as sa

        with self._read() as c:
            body = c.execute(
                sa.select(t.snapshots.c.body).where(t.snapshots.c.snapshot_id == snapshot_id)
            ).scalar()
        return bytes(body) if body is not None else None

    # -- events ----------------------------------------------------------

    def store_events(self, entries: Sequence[EventLogEntry]) -> None:
        if not entries:
            return
        with self._write() as c:
            _insert_events(c, entries)

    def get_records_for_run(
        self,
        run_id: str,
        cursor: int | None = None,
        of_type: frozenset[str] | None = None,
        limit: int | None = None,
    ) -> EventLogConnection:
        import sqlalchemy as sa

        e = t.event_logs
        query = sa.select(e.c.id, e.c.body).where(e.c.run_id == run_id)
        if cursor is not None:
            query = query.where(e.c.id > cursor)
        if of_type is not None:
            query = query.where(e.c.event_type.in_(sorted(of_type)))
        query = query.order_by(e.c.id)
        if limit is not None:
            query = query.limit(limit + 1)
        with self._read() as c:
            rows = c.execute(query).all()
        has_more = limit is not None and len(rows) > limit
        records = [_event_record(row) for row in (rows[:limit] if has_more else rows)]
        next_cursor = records[-1].storage_id if records else cursor
        return EventLogConnection(records=records, cursor=next_cursor, has_more=has_more)

    def get_event_records(
        self, event_filter: EventRecordsFilter, limit: int | None = None, ascending: bool = False
    ) -> list[EventLogRecord]:
        import sqlalchemy as sa

        e = t.event_logs
        f = event_filter
        query = sa.select(e.c.id, e.c.body).where(e.c.event_type == f.event_type.value)
        if f.asset_key is not None:
            key = f.asset_key.to_string()
            query = query.where(e.c.asset_key == key, e.c.id > _wiped_after(key))
        if f.asset_partitions is not None:
            query = query.where(e.c.partition.in_(list(f.asset_partitions)))
        if f.after_cursor is not None:
            query = query.where(e.c.id > f.after_cursor)
        if f.before_cursor is not None:
            query = query.where(e.c.id < f.before_cursor)
        if f.after_timestamp is not None:
            query = query.where(e.c.timestamp > f.after_timestamp)
        if f.before_timestamp is not None:
            query = query.where(e.c.timestamp < f.before_timestamp)
        if f.run_ids is not None:
            query = query.where(e.c.run_id.in_(list(f.run_ids)))
        query = query.order_by(e.c.id.asc() if ascending else e.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with self._read() as c:
            return [_event_record(row) for row in c.execute(query)]

    # -- assets ----------------------------------------------------------

    def get_asset_keys(self) -> list[AssetKey]:
        import sqlalchemy as sa

        a = t.asset_keys
        with self._read() as c:
            keys = c.execute(
                sa.select(a.c.asset_key).where(a.c.last_event_id > a.c.wiped_after_id)
            ).scalars()
            return sorted(AssetKey(msgspec.json.decode(k)) for k in keys)

    def get_materialized_partitions(self, asset_key: AssetKey) -> set[str]:
        import sqlalchemy as sa

        e = t.event_logs
        key = asset_key.to_string()
        query = (
            sa.select(e.c.partition)
            .where(
                e.c.asset_key == key,
                e.c.event_type == _MATERIALIZATION,
                e.c.partition.is_not(None),
                e.c.id > _wiped_after(key),
            )
            .distinct()
        )
        with self._read() as c:
            return set(c.execute(query).scalars())

    def wipe_assets(self, asset_keys: Sequence[AssetKey]) -> None:
        import sqlalchemy as sa

        last = sa.select(sa.func.coalesce(sa.func.max(t.event_logs.c.id), 0)).scalar_subquery()
        with self._write() as c:
            c.execute(
                t.asset_keys.update()
                .where(t.asset_keys.c.asset_key.in_([k.to_string() for k in asset_keys]))
                .values(wiped_after_id=last, wipe_timestamp=time.time())
            )

    # -- key/value -------------------------------------------------------

    def kv_get(self, keys: Iterable[str]) -> dict[str, str]:
        import sqlalchemy as sa

        wanted = list(keys)
        with self._read() as c:
            rows = c.execute(sa.select(t.kvs.c.key, t.kvs.c.value).where(t.kvs.c.key.in_(wanted)))
            return {row.key: row.value for row in rows}

    def kv_set(self, pairs: Mapping[str, str]) -> None:
        if not pairs:
            return
        with self._write() as c:
            c.execute(t.kvs.delete().where(t.kvs.c.key.in_(list(pairs))))
            c.execute(t.kvs.insert(), [{"key": k, "value": v} for k, v in pairs.items()])


def _insert_events(c: Connection, entries: Sequence[EventLogEntry]) -> None:
    """Append entries and move their runs' records, in the caller's transaction."""
    plain: list[dict[str, Any]] = []
    for entry in entries:
        event = entry.event
        row = {
            "run_id": entry.run_id,
            "event_type": event.event_type_value if event is not None else None,
            "step_key": entry.step_key,
            "asset_key": None,
            "partition": None,
            "timestamp": entry.timestamp,
            "body": entry.to_json().decode(),
        }
        if event is not None and event.event_type_value in ASSET_EVENT_TYPES:
            if plain:  # keep storage ids in the order of the entries
                c.execute(t.event_logs.insert(), plain)
                plain = []
            _store_asset_event(c, row, event.asset_key, event.partition)
        else:
            plain.append(row)
    if plain:
        c.execute(t.event_logs.insert(), plain)
    for run_id, update in run_updates(entries).items():
        values: dict[str, Any] = {"update_timestamp": update.update_timestamp}
        if update.status is not None:
            values["status"] = update.status.value
        if update.start_time is not None:
            values["start_time"] = update.start_time
        if update.end_time is not None:
            values["end_time"] = update.end_time
        c.execute(t.runs.update().where(t.runs.c.run_id == run_id).values(**values))


def _select_run_records() -> Any:
    import sqlalchemy as sa

    r = t.runs
    return sa.select(
        r.c.id,
        r.c.status,
        r.c.body,
        r.c.create_timestamp,
        r.c.update_timestamp,
        r.c.start_time,
        r.c.end_time,
        r.c.heartbeat_timestamp,
    )


def _run_record(row: Any) -> RunRecord:
    return RunRecord(
        storage_id=row.id,
        run=_run_from(row.body, row.status),
        create_timestamp=row.create_timestamp,
        update_timestamp=row.update_timestamp,
        start_time=row.start_time,
        end_time=row.end_time,
        heartbeat_timestamp=row.heartbeat_timestamp,
    )


def _run_from(body: str, status: str) -> Run:
    run = _run_decoder.decode(body)
    return run if run.status == status else run.with_status(RunStatus(status))


def _event_record(row: Any) -> EventLogRecord:
    return EventLogRecord(storage_id=row.id, event_log_entry=EventLogEntry.from_json(row.body))


def _only_one_tag(f: RunsFilter | None) -> tuple[str, list[str]] | None:
    """(key, values) when the filter asks for one tag and nothing else."""
    if f is None or not f.tags or len(f.tags) != 1:
        return None
    if any(
        value is not None for name, value in msgspec.structs.asdict(f).items() if name != "tags"
    ):
        return None
    ((key, wanted),) = f.tags.items()
    return key, [wanted] if isinstance(wanted, str) else list(wanted)


def _where_runs(query: Any, f: RunsFilter | None) -> Any:
    import sqlalchemy as sa

    if f is None:
        return query
    r = t.runs
    if f.run_ids is not None:
        query = query.where(r.c.run_id.in_(list(f.run_ids)))
    if f.job_name is not None:
        query = query.where(r.c.job_name == f.job_name)
    if f.statuses is not None:
        query = query.where(r.c.status.in_([RunStatus(s).value for s in f.statuses]))
    if f.snapshot_id is not None:
        query = query.where(r.c.snapshot_id == f.snapshot_id)
    if f.parent_run_id is not None:
        query = query.where(r.c.parent_run_id == f.parent_run_id)
    for key, wanted in (f.tags or {}).items():
        values = [wanted] if isinstance(wanted, str) else list(wanted)
        tagged = sa.select(t.run_tags.c.run_id).where(
            t.run_tags.c.key == key, t.run_tags.c.value.in_(values)
        )
        query = query.where(r.c.run_id.in_(tagged))
    before = timestamp_of(f.created_before)
    after = timestamp_of(f.created_after)
    updated = timestamp_of(f.updated_after)
    if before is not None:
        query = query.where(r.c.create_timestamp < before)
    if after is not None:
        query = query.where(r.c.create_timestamp > after)
    if updated is not None:
        query = query.where(r.c.update_timestamp > updated)
    return query


def _wiped_after(key: str) -> Any:
    import sqlalchemy as sa

    a = t.asset_keys
    wiped = sa.select(a.c.wiped_after_id).where(a.c.asset_key == key).scalar_subquery()
    return sa.func.coalesce(wiped, 0)


def _store_asset_event(
    c: Connection, row: dict[str, Any], asset_key: AssetKey | None, partition: str | None
) -> None:
    """Insert one asset event and point the asset index at it (insert-or-update)."""
    key = asset_key.to_string() if asset_key is not None else None
    statements = _asset_statements(c.dialect.name)
    insert_event, update_index, update_index_materialized, insert_index = statements
    event_id = c.execute(insert_event, {**row, "asset_key": key, "partition": partition}).scalar()
    if key is None:
        return
    values: dict[str, Any] = {"key": key, "last_event_id": event_id, "last_run_id": row["run_id"]}
    if row["event_type"] == _MATERIALIZATION:
        values["last_materialization_timestamp"] = row["timestamp"]
        updated = c.execute(update_index_materialized, values)
    else:
        updated = c.execute(update_index, values)
    if updated.rowcount == 0:  # its first event: insert (or update, if another writer just did)
        values.setdefault("last_materialization_timestamp", None)
        c.execute(insert_index, values)


@functools.cache
def _asset_statements(dialect: str) -> tuple[Any, Any, Any, Any]:
    """The statements that record an asset event, built once per database kind (with bound
    parameters) rather than for every event: an asset job records one per asset. The index row
    of a new asset is an upsert, so two writers recording its first event at once both land."""
    import sqlalchemy as sa

    a = t.asset_keys
    insert_event = t.event_logs.insert().returning(t.event_logs.c.id)
    index: dict[str, Any] = {
        "last_event_id": sa.bindparam("last_event_id"),
        "last_run_id": sa.bindparam("last_run_id"),
    }
    where = a.c.asset_key == sa.bindparam("key")
    update_index = a.update().where(where).values(**index)
    update_index_materialized = (
        a.update()
        .where(where)
        .values(
            **index,
            last_materialization_timestamp=sa.bindparam("last_materialization_timestamp"),
        )
    )
    row = {
        "asset_key": sa.bindparam("key"),
        "last_materialization_timestamp": sa.bindparam("last_materialization_timestamp"),
        **index,
    }
    from sqlalchemy.dialects import postgresql, sqlite

    dialect_insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    insert = dialect_insert(a).values(**row)
    insert_index = insert.on_conflict_do_update(
        index_elements=[a.c.asset_key],
        set_={
            "last_event_id": insert.excluded.last_event_id,
            "last_run_id": insert.excluded.last_run_id,
            "last_materialization_timestamp": sa.func.coalesce(
                insert.excluded.last_materialization_timestamp, a.c.last_materialization_timestamp
            ),
        },
    )
    return insert_event, update_index, update_index_materialized, insert_index


def _refresh_asset_key(c: Connection, key: str) -> None:
    """Point an asset's index row at its newest remaining event (after a run was deleted)."""
    import sqlalchemy as sa

    e = t.event_logs
    newest = c.execute(
        sa.select(e.c.id, e.c.run_id).where(e.c.asset_key == key).order_by(e.c.id.desc()).limit(1)
    ).first()
    a = t.asset_keys
    if newest is None:
        c.execute(a.delete().where(a.c.asset_key == key))
    else:
        c.execute(
            a.update()
            .where(a.c.asset_key == key)
            .values(last_event_id=newest.id, last_run_id=newest.run_id)
        )


@contextlib.contextmanager
def translate_errors(target: str) -> Iterator[None]:
    """Raise database errors inside the block as StorageErrors naming ``target``."""
    import sqlalchemy as sa

    try:
        yield
    except sa.exc.DBAPIError as error:
        raise storage_error(target, error) from error


def storage_error(target: str, error: Exception) -> StorageError:
    """A database error, told as the StorageError the user can act on."""
    original = getattr(error, "orig", None) or error
    reason = str(original).strip().splitlines()[0] if str(original).strip() else repr(original)
    lowered = reason.lower()
    if "file is not a database" in lowered or "malformed" in lowered:
        return StorageError(
            target=target,
            problem=f"is not a dagwright database or is damaged (SQLite says: {reason}).",
            fix="move the file away (dagwright makes a new one), or point DAGWRIGHT_HOME "
            "at the folder of the right database.",
        )
    if "readonly" in lowered or "read-only" in lowered or "permission" in lowered:
        return StorageError(
            target=target,
            problem=f"cannot be written ({reason}).",
            fix="give this user write access to the file and its folder, "
            "or point DAGWRIGHT_HOME at a folder you can write.",
        )
    if "unable to open" in lowered:
        return StorageError(
            target=target,
            problem=f"cannot be opened ({reason}).",
            fix="check the path exists and this user may read and write it.",
        )
    if "database" in lowered and "does not exist" in lowered:
        return StorageError(
            target=target,
            problem=f"names a database the server does not have ({reason}).",
            fix="create it first (e.g. `createdb -h HOST -U USER NAME`), or correct the "
            "database name in storage.postgres (dagwright.yaml).",
        )
    if any(word in lowered for word in ("connection", "could not", "timeout", "resolve host")):
        return StorageError(
            target=target,
            problem=f"cannot be reached ({reason}).",
            fix="check the server is running and the host, port, user, password and "
            "database in storage.postgres (dagwright.yaml) are right.",
        )
    return StorageError(
        target=target,
        problem=f"failed: {reason}.",
        fix="see the database's message above; if the database was changed by hand, "
        "restore it or point the instance at a new one.",
    )
