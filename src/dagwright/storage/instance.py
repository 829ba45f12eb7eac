"""The instance: where runs, their events and asset history are recorded, and read back from.

``Instance.ephemeral()`` keeps everything in this process (the default of
``execute_in_process``). ``Instance.get()`` is the persistent instance of
``$DAGWRIGHT_HOME`` (default ``~/.dagwright``), configured by its
``dagwright.yaml``: a SQLite file by default, or a PostgreSQL database.
Every process that opens the same home (CLI, webserver, daemon, run
workers) sees the same runs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..metadata import AssetKey, CoercibleToAssetKey
from ..records import EventLogEntry, EventType, JobSnapshot, Run
from .base import Storage
from .memory import InMemoryStorage
from .queries import EventLogConnection, EventLogRecord, EventRecordsFilter, RunRecord, RunsFilter

if TYPE_CHECKING:
    from ..records.step_stats import OpStepSummary, RunStepStats
    from .compute_logs import LocalComputeLogManager
    from .lineage import AssetLineage
    from .settings import InstanceSettings
    from .staleness import AssetStaleness, StaleCause

__all__ = ["Instance"]


_EPHEMERAL_ROOT: list[str] = []

# The events a run's step statistics are read from.
_STEP_STAT_EVENTS = (
    EventType.STEP_START,
    EventType.STEP_RESTARTED,
    EventType.STEP_SUCCESS,
    EventType.STEP_FAILURE,
    EventType.STEP_SKIPPED,
    EventType.ASSET_MATERIALIZATION,
)


def _ephemeral_root() -> str:
    """One temporary folder per process for ephemeral instances' files, removed at exit."""
    import atexit
    import shutil
    import tempfile

    if not _EPHEMERAL_ROOT:
        root = tempfile.mkdtemp(prefix="dagwright-storage-")
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        _EPHEMERAL_ROOT.append(root)
    return _EPHEMERAL_ROOT[0]


EventTypes = EventType | str | Iterable[EventType | str]


class Instance:
    """Records runs, event logs and asset history; the run status follows from the run events.

    Build one with :meth:`ephemeral`, :meth:`get`, :meth:`from_home` or
    :meth:`local_temp`. Close it with :meth:`dispose` (or use it as a
    context manager) to release database connections.
    """

    def __init__(
        self,
        storage: Storage,
        *,
        settings: InstanceSettings | None = None,
    ) -> None:
        self._storage = storage
        self._settings = settings
        self._storage_directory: str | None = None
        self._compute_logs: LocalComputeLogManager | None = None
        self._stored_snapshots: set[str] = set()

    # -- making instances ------------------------------------------------

    @classmethod
    def ephemeral(cls) -> Instance:
        """An instance that keeps everything in memory, for tests and ``execute_in_process``."""
        return cls(InMemoryStorage())

    @classmethod
    def get(cls) -> Instance:
        """The persistent instance of ``$DAGWRIGHT_HOME`` (default ``~/.dagwright``)."""
        from .settings import default_home

        return cls.from_home(default_home())

    @classmethod
    def from_home(cls, home: str | os.PathLike[str]) -> Instance:
        """The persistent instance whose home folder is ``home`` (settings: its dagwright.yaml)."""
        from .settings import load_settings

        home = os.path.abspath(os.fspath(home))
        return cls.from_settings(load_settings(home))

    @classmethod
    def from_settings(cls, settings: InstanceSettings) -> Instance:
        """The persistent instance these settings describe (its database is made if new)."""
        from ._open import open_storage

        return cls(open_storage(settings), settings=settings)

    @classmethod
    def local_temp(cls, dir: str | os.PathLike[str] | None = None) -> Instance:
        """A persistent (SQLite) instance in a new temporary home, removed when the process exits.

        With ``dir``, that folder is the home and is kept.
        """
        if dir is not None:
            return cls.from_home(dir)
        import tempfile

        return cls.from_home(tempfile.mkdtemp(prefix="home-", dir=_ephemeral_root()))

    def __enter__(self) -> Instance:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.dispose()

    def dispose(self) -> None:
        """Release the database connections this instance holds."""
        self._storage.dispose()

    # -- what it is ------------------------------------------------------

    @property
    def is_ephemeral(self) -> bool:
        """Whether runs are kept only in this process."""
        return isinstance(self._storage, InMemoryStorage)

    @property
    def is_persistent(self) -> bool:
        """Whether runs are kept in a database other processes can read."""
        return not self.is_ephemeral

    @property
    def settings(self) -> InstanceSettings | None:
        """The settings of a persistent instance (None for an ephemeral one)."""
        return self._settings

    @property
    def root_directory(self) -> str | None:
        """The home folder of a persistent instance."""
        return self._settings.home if self._settings is not None else None

    @property
    def storage(self) -> Storage:
        """The storage backend (for tools; user code reads through the instance's methods)."""
        return self._storage

    def storage_directory(self) -> str:
        """The folder where file-based IO managers keep outputs by default.

        A persistent instance uses its ``local_artifact_storage`` folder
        (default ``<home>/storage``); an ephemeral one a fresh
        temporary folder, made on first use and removed when the process exits.
        """
        if self._storage_directory is None:
            if self._settings is not None:
                self._storage_directory = self._settings.local_artifact_dir
            else:
                import tempfile

                self._storage_directory = tempfile.mkdtemp(dir=_ephemeral_root())
        return self._storage_directory

    @property
    def compute_log_manager(self) -> LocalComputeLogManager | None:
        """Where steps' stdout/stderr are captured (persistent instances only)."""
        if self._compute_logs is None and self._settings is not None:
            from .compute_logs import LocalComputeLogManager

            self._compute_logs = LocalComputeLogManager(self._settings.compute_logs_dir)
        return self._compute_logs

    def info(self) -> dict[str, Any]:
        """What the instance is, for ``dagwright instance info`` (secrets masked)."""
        if self._settings is None:
            return {"home": None, "storage": {"in_memory": {}}}
        return self._settings.display()

    @classmethod
    def migrate(cls, home: str | os.PathLike[str] | None = None) -> str | None:
        """Upgrade the database of ``home`` (default ``$DAGWRIGHT_HOME``) to this schema.

        Returns the schema revision it was at (None for a new database). This is
        what ``dagwright instance migrate`` runs after upgrading dagwright.
        """
        from ._open import upgrade_storage
        from .settings import default_home, load_settings

        folder = os.path.abspath(os.fspath(home)) if home is not None else default_home()
        return upgrade_storage(load_settings(folder))

    # -- runs ------------------------------------------------------------

    def add_run(self, run: Run) -> Run:
        """Record a new run."""
        return self._storage.add_run(run)

    def get_run_by_id(self, run_id: str) -> Run | None:
        """The run with this id, or None."""
        record = self.get_run_record_by_id(run_id)
        return record.run if record is not None else None

    def get_run_record_by_id(self, run_id: str) -> RunRecord | None:
        """The run record (run plus timestamps) with this id, or None."""
        found = self._storage.get_run_records(RunsFilter(run_ids=[run_id]), limit=1)
        return found[0] if found else None

    def has_run(self, run_id: str) -> bool:
        """Whether the instance has a run with this id."""
        return self.get_run_record_by_id(run_id) is not None

    def get_runs(
        self,
        filters: RunsFilter | None = None,
        cursor: str | None = None,
        limit: int | None = None,
        ascending: bool = False,
    ) -> list[Run]:
        """Runs matching ``filters``, newest first; ``cursor`` is the last run id of a page."""
        return [r.run for r in self._storage.get_run_records(filters, limit, cursor, ascending)]

    def get_run_records(
        self,
        filters: RunsFilter | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        ascending: bool = False,
    ) -> list[RunRecord]:
        """Run records (runs with storage ids and timestamps) matching ``filters``."""
        return self._storage.get_run_records(filters, limit, cursor, ascending)

    def get_run_ids(
        self, filters: RunsFilter | None = None, cursor: str | None = None, limit: int | None = None
    ) -> list[str]:
        """Ids of the runs matching ``filters``, newest first."""
        return [r.run.run_id for r in self._storage.get_run_records(filters, limit, cursor)]

    def get_runs_count(self, filters: RunsFilter | None = None) -> int:
        """How many runs match ``filters``."""
        return self._storage.get_runs_count(filters)

    def add_run_tags(self, run_id: str, new_tags: Mapping[str, str]) -> None:
        """Add tags to a recorded run (existing keys take the new values)."""
        from ..definitions.tags import normalize_tags

        self._storage.add_run_tags(
            run_id, normalize_tags(new_tags, f"the tags added to run {run_id}")
        )

    def cancel_run(self, run_id: str, reason: str | None = None) -> bool:
        """Ask a run to stop: a run not started yet is CANCELED at once; a running one moves to
        CANCELING and its process interrupts its steps and ends it CANCELED.

        Returns False when the run is unknown or already finished or canceling.
        """
        import time

        from ..records import Event, RunStatus

        run = self.get_run_by_id(run_id)
        if run is None:
            return False
        if run.status in (RunStatus.QUEUED, RunStatus.NOT_STARTED):
            kind, message = EventType.RUN_CANCELED, "Canceled before it started."
        elif run.status in (RunStatus.STARTING, RunStatus.STARTED):
            kind, message = EventType.RUN_CANCELING, "Sending run termination request."
        else:
            return False
        if reason:
            message = f"{message} Reason: {reason}"
        event = Event(event_type_value=kind.value, job_name=run.job_name, message=message)
        entry = EventLogEntry(
            run_id=run_id,
            timestamp=time.time(),
            level=30,
            user_message=message,
            job_name=run.job_name,
            event=event,
        )
        self._storage.store_events([entry])
        return True

    def delete_run(self, run_id: str) -> None:
        """Remove a run, its tags, its event log and its captured logs."""
        self._storage.delete_run(run_id)
        if self.compute_log_manager is not None:
            self.compute_log_manager.delete_run(run_id)

    # -- run monitoring --------------------------------------------------

    def record_heartbeat(self, run_id: str, timestamp: float | None = None) -> None:
        """Note that the process of a run in progress is alive (at ``timestamp``, default now).

        A run's process does this every two seconds (see :meth:`check_runs`).
        """
        import time

        self._storage.record_heartbeat(run_id, time.time() if timestamp is None else timestamp)

    def check_runs(self, now: float | None = None, timeout: float | None = None) -> list[str]:
        """Mark the runs whose process died, and return their ids.

        A run in progress whose process sent no heartbeat for longer than
        ``timeout`` seconds (default ``run_monitoring.heartbeat_timeout_seconds``,
        10) gets an engine event saying so and ends: FAILURE with reason
        ``RUN_WORKER_DIED``, or CANCELED if it was being canceled. A run still
        STARTING that never sent one fails after ``start_timeout_seconds``
        (reason ``START_TIMEOUT``). ``now`` is the time to judge at (default:
        the current time). The daemon and ``dagwright run monitor`` call this
        every ``poll_interval_seconds``; with ``run_monitoring.enabled: false``
        it does nothing, and an ephemeral instance's runs live and die with
        its process, so it has none to check.
        """
        if self.is_ephemeral:
            return []
        if timeout is not None and not (
            isinstance(timeout, int | float) and not isinstance(timeout, bool) and timeout > 0
        ):
            from ..errors import InvalidInvocationError

            raise InvalidInvocationError(
                f"timeout={timeout!r} is not a number of seconds a heartbeat may be late by.",
                where="Instance.check_runs",
                fix="pass a positive number of seconds, or leave timeout out to use "
                "run_monitoring.heartbeat_timeout_seconds.",
            )
        from .run_monitoring import check_runs
        from .settings import RunMonitoringSettings

        settings = self._settings.run_monitoring if self._settings else RunMonitoringSettings()
        return check_runs(self._storage, settings, now, timeout)

    # -- snapshots -------------------------------------------------------

    def add_snapshot(self, snapshot_id: str, body: bytes) -> None:
        """Keep a job snapshot's JSON under its id (once)."""
        if snapshot_id not in self._stored_snapshots:
            self._storage.add_snapshot(snapshot_id, body)
            self._stored_snapshots.add(snapshot_id)

    def add_job_snapshot(self, snapshot: JobSnapshot) -> str:
        """Keep a job's snapshot; returns its id (what run records name in ``snapshot_id``)."""
        from ..records.snapshots import snapshot_id, snapshot_to_json

        found = snapshot_id(snapshot)
        self.add_snapshot(found, snapshot_to_json(snapshot))
        return found

    def has_snapshot(self, snapshot_id: str) -> bool:
        """Whether a job snapshot with this id is stored."""
        if snapshot_id in self._stored_snapshots:
            return True
        if self._storage.get_snapshot(snapshot_id) is None:
            return False
        self._stored_snapshots.add(snapshot_id)
        return True

    def get_snapshot(self, snapshot_id: str) -> bytes | None:
        """The JSON of a stored job snapshot, if any."""
        return self._storage.get_snapshot(snapshot_id)

    def get_job_snapshot(self, snapshot_id: str) -> JobSnapshot | None:
        """The stored snapshot of a job's structure (as it was when a run was made)."""
        from ..records.snapshots import snapshot_from_json

        body = self._storage.get_snapshot(snapshot_id)
        return snapshot_from_json(body) if body is not None else None

    # -- events ----------------------------------------------------------

    def store_events(self, entries: Sequence[EventLogEntry]) -> None:
        """Append entries to their runs' event logs in one transaction, moving run status."""
        self._storage.store_events(entries)

    def all_logs(self, run_id: str, of_type: EventTypes | None = None) -> list[EventLogEntry]:
        """Every entry of a run's event log, in order (optionally only events of some types)."""
        return self.get_logs_for_run(run_id, of_type=of_type)

    def get_logs_for_run(
        self,
        run_id: str,
        cursor: int | None = None,
        of_type: EventTypes | None = None,
        limit: int | None = None,
    ) -> list[EventLogEntry]:
        """A run's entries after storage id ``cursor``, in order."""
        found = self.get_records_for_run(run_id, cursor, of_type, limit)
        return [r.event_log_entry for r in found.records]

    def get_run_step_stats(
        self, run_id: str, step_keys: Sequence[str] | None = None
    ) -> list[RunStepStats]:
        """Each step of a run (or those of ``step_keys``): status, start and end, attempts,
        materializations, read from its event log in one pass."""
        from .step_stats import step_stats_of

        stats = step_stats_of(run_id, self.get_logs_for_run(run_id, of_type=_STEP_STAT_EVENTS))
        if step_keys is None:
            return stats
        wanted = set(step_keys)
        return [s for s in stats if s.step_key in wanted]

    def get_run_step_summary(self, run_id: str) -> list[OpStepSummary]:
        """One row per op of a run, the steps of a mapped op aggregated (what a run page or
        the command line lists by default, however many mapping keys there were)."""
        from .step_stats import summarize_steps

        return summarize_steps(self.get_run_step_stats(run_id))

    def get_records_for_run(
        self,
        run_id: str,
        cursor: int | None = None,
        of_type: EventTypes | None = None,
        limit: int | None = None,
    ) -> EventLogConnection:
        """A page of a run's event records and the cursor to read on from (for tailing)."""
        return self._storage.get_records_for_run(run_id, cursor, _type_set(of_type), limit)

    def get_event_records(
        self,
        event_records_filter: EventRecordsFilter,
        limit: int | None = None,
        ascending: bool = False,
    ) -> list[EventLogRecord]:
        """Events across runs matching the filter, newest first unless ``ascending``."""
        return self._storage.get_event_records(event_records_filter, limit, ascending)

    # -- assets ----------------------------------------------------------

    def get_asset_keys(self) -> list[AssetKey]:
        """Every asset with recorded history (not wiped)."""
        return self._storage.get_asset_keys()

    def has_asset_key(self, asset_key: CoercibleToAssetKey) -> bool:
        """Whether an asset has recorded history (not wiped)."""
        return AssetKey.from_coercible(asset_key) in self._storage.get_asset_keys()

    def get_latest_materialization_event(
        self, asset_key: CoercibleToAssetKey, partition: str | None = None
    ) -> EventLogEntry | None:
        """The newest materialization of an asset (of one partition, if given), or None."""
        found = self._storage.get_event_records(
            EventRecordsFilter(
                event_type=EventType.ASSET_MATERIALIZATION,
                asset_key=AssetKey.from_coercible(asset_key),
                asset_partitions=[partition] if partition is not None else None,
            ),
            limit=1,
        )
        return found[0].event_log_entry if found else None

    def get_latest_observation_event(
        self, asset_key: CoercibleToAssetKey, partition: str | None = None
    ) -> EventLogEntry | None:
        """The newest observation of an asset (of one partition, if given), or None."""
        found = self._storage.get_event_records(
            EventRecordsFilter(
                event_type=EventType.ASSET_OBSERVATION,
                asset_key=AssetKey.from_coercible(asset_key),
                asset_partitions=[partition] if partition is not None else None,
            ),
            limit=1,
        )
        return found[0].event_log_entry if found else None

    def get_materialization_history(
        self,
        asset_key: CoercibleToAssetKey,
        partition: str | None = None,
        limit: int | None = None,
        before_cursor: int | None = None,
    ) -> list[EventLogRecord]:
        """An asset's materializations, newest first (a page: ``limit``, and ``before_cursor``
        the storage id of the last record of the previous page)."""
        return self._storage.get_event_records(
            EventRecordsFilter(
                event_type=EventType.ASSET_MATERIALIZATION,
                asset_key=AssetKey.from_coercible(asset_key),
                asset_partitions=[partition] if partition is not None else None,
                before_cursor=before_cursor,
            ),
            limit,
        )

    def get_asset_lineage(
        self, asset_key: CoercibleToAssetKey, partition: str | None = None
    ) -> AssetLineage | None:
        """Where an asset's newest materialization came from: the run that made it and the
        upstream versions it was computed from; None if it was never materialized."""
        from .lineage import lineage_of

        found = self.get_materialization_history(asset_key, partition, limit=1)
        return lineage_of(found[0]) if found else None

    def get_stale_status(self, assets: Any) -> dict[AssetKey, AssetStaleness]:
        """Whether each asset of ``assets`` (a Definitions, an AssetGraph or a list of asset
        definitions) is missing, stale (with every reason) or fresh."""
        from .staleness import stale_status

        return stale_status(self, assets)

    def get_stale_assets(self, assets: Any) -> dict[AssetKey, list[StaleCause]]:
        """The stale assets of ``assets`` and why each is stale."""
        from .staleness import StaleStatus

        return {
            key: list(found.causes)
            for key, found in self.get_stale_status(assets).items()
            if found.status is StaleStatus.STALE
        }

    def get_materialized_partitions(self, asset_key: CoercibleToAssetKey) -> set[str]:
        """The partitions of an asset that have been materialized (since it was last wiped)."""
        return self._storage.get_materialized_partitions(AssetKey.from_coercible(asset_key))

    def wipe_assets(self, asset_keys: Sequence[CoercibleToAssetKey]) -> None:
        """Forget assets' history; the event logs of the runs that made it stay as they were."""
        self._storage.wipe_assets([AssetKey.from_coercible(k) for k in asset_keys])

    # -- key/value -------------------------------------------------------

    def get_kv(self, keys: Iterable[str]) -> dict[str, str]:
        """Stored values of some keys (cursors and state of the daemon, schedules, sensors)."""
        return self._storage.kv_get(keys)

    def set_kv(self, pairs: Mapping[str, str]) -> None:
        """Store values under keys."""
        self._storage.kv_set(pairs)


def _type_set(of_type: EventTypes | None) -> frozenset[str] | None:
    if of_type is None:
        return None
    if isinstance(of_type, str):  # an EventType is a str
        return frozenset({EventType(of_type).value})
    return frozenset(EventType(t).value for t in of_type)
