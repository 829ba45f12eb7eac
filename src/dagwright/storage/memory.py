"""In-memory storage: runs and event logs kept in this process (the ephemeral instance)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from ..records import EventLogEntry, Run, RunStatus

__all__ = ["InMemoryStorage"]


class InMemoryStorage:
    """Runs and their event logs in dicts; safe to use from several threads of one process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: dict[str, Run] = {}
        self._logs: dict[str, list[EventLogEntry]] = {}

    def add_run(self, run: Run) -> Run:
        with self._lock:
            self._runs[run.run_id] = run
            self._logs.setdefault(run.run_id, [])
        return run

    def get_run(self, run_id: str) -> Run | None:
        return self._runs.get(run_id)

    def get_runs(self) -> list[Run]:
        with self._lock:
            return list(reversed(list(self._runs.values())))

    def set_status(self, run_id: str, status: RunStatus) -> None:
        with self._lock:
            run = self._runs.get(run_id)
            if run is not None:
                self._runs[run_id] = run.with_status(status)

    def store_events(self, entries: Sequence[EventLogEntry]) -> None:
        with self._lock:
            for entry in entries:
                self._logs.setdefault(entry.run_id, []).append(entry)

    def logs(self, run_id: str) -> list[EventLogEntry]:
        with self._lock:
            return list(self._logs.get(run_id, ()))
