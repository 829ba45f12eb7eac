"""Canceling a run: noticing the request, and interrupting the step that is running.

``Instance.cancel_run`` (the CLI's ``dagwright run cancel``, later the API)
moves a run to CANCELING in storage. The process running it notices
within half a second (:class:`CancelWatcher`, on persistent instances),
sets the run's cancel flag and interrupts what runs: in process, the step
running on the main thread gets a KeyboardInterrupt; the executors that
run steps elsewhere see the flag in their loop (``executors/_loop.py``)
and interrupt their steps: SIGTERM to worker processes, RunCanceled raised
in a Dask step's thread. Each interrupted step is recorded,
resources are torn down, and the run ends CANCELED. Ctrl-C on a run in a
terminal takes the same path.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..records import RunStatus

if TYPE_CHECKING:
    from ..storage.instance import Instance

__all__ = ["CancelWatcher", "RunCanceled", "CANCEL_CHECK_SECONDS"]

CANCEL_CHECK_SECONDS = 0.5
"""How often a running run checks whether it was asked to cancel."""


class RunCanceled(BaseException):
    """Raised in the run's own flow when it was canceled (between steps)."""


class CancelWatcher:
    """Polls the run's status in storage; calls ``on_cancel`` once when it becomes CANCELING."""

    def __init__(self, instance: Instance, run_id: str, on_cancel: Callable[[], None]) -> None:
        self.requested = threading.Event()
        self._stop = threading.Event()
        self._instance = instance
        self._run_id = run_id
        self._on_cancel = on_cancel
        self._thread = threading.Thread(
            target=self._watch, name=f"dagwright-cancel-{run_id[:8]}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _watch(self) -> None:
        while not self._stop.wait(CANCEL_CHECK_SECONDS):
            try:
                run = self._instance.get_run_by_id(self._run_id)
            except Exception:  # storage briefly unreachable: look again next time
                continue
            if run is not None and run.status == RunStatus.CANCELING:
                self.requested.set()
                self._on_cancel()
                return
