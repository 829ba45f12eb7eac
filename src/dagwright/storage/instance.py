"""The instance: where runs and their events are recorded, and read back from."""

from __future__ import annotations

from collections.abc import Sequence

from ..records import EventLogEntry, EventType, Run, RunStatus
from .memory import InMemoryStorage

__all__ = ["Instance"]

# The run status each run-level event moves the run to.
_STATUS_AFTER = {
    EventType.RUN_ENQUEUED: RunStatus.QUEUED,
    EventType.RUN_STARTING: RunStatus.STARTING,
    EventType.RUN_START: RunStatus.STARTED,
    EventType.RUN_SUCCESS: RunStatus.SUCCESS,
    EventType.RUN_FAILURE: RunStatus.FAILURE,
    EventType.RUN_CANCELING: RunStatus.CANCELING,
    EventType.RUN_CANCELED: RunStatus.CANCELED,
}


_EPHEMERAL_ROOT: list[str] = []


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


class Instance:
    """Records runs and event logs; the run status follows from the run-level events."""

    def __init__(self, storage: InMemoryStorage) -> None:
        self._storage = storage
        self._storage_directory: str | None = None

    @classmethod
    def ephemeral(cls) -> Instance:
        """An instance that keeps everything in memory, for tests and ``execute_in_process``."""
        return cls(InMemoryStorage())

    @property
    def is_ephemeral(self) -> bool:
        return isinstance(self._storage, InMemoryStorage)

    def storage_directory(self) -> str:
        """The folder where file-based IO managers keep outputs by default.

        An ephemeral instance uses a fresh temporary folder, made on first use
        and removed when the process exits.
        """
        if self._storage_directory is None:
            import tempfile

            self._storage_directory = tempfile.mkdtemp(dir=_ephemeral_root())
        return self._storage_directory

    # -- runs ------------------------------------------------------------

    def add_run(self, run: Run) -> Run:
        """Record a new run."""
        return self._storage.add_run(run)

    def get_run_by_id(self, run_id: str) -> Run | None:
        return self._storage.get_run(run_id)

    def get_runs(self) -> list[Run]:
        """Every run, newest first."""
        return self._storage.get_runs()

    # -- events ----------------------------------------------------------

    def store_events(self, entries: Sequence[EventLogEntry]) -> None:
        """Append entries to their runs' event logs, moving run status on run-level events."""
        self._storage.store_events(entries)
        for entry in entries:
            event = entry.event
            if event is not None:
                status = _STATUS_AFTER.get(event.event_type_value)  # type: ignore[call-overload]
                if status is not None:
                    self._storage.set_status(entry.run_id, status)

    def all_logs(self, run_id: str) -> list[EventLogEntry]:
        """Every entry of a run's event log, in order."""
        return self._storage.logs(run_id)
