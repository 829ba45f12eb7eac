"""Cancel a run from another thread once its event log shows it has got somewhere."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from dagwright import Instance
from dagwright.records import EventLogEntry


def cancel_when(
    instance: Instance, run_id: str, ready: Callable[[list[EventLogEntry]], bool]
) -> threading.Thread:
    """Start a thread that cancels run ``run_id`` once ``ready(its log)`` (a minute at most)."""

    def cancel() -> None:
        give_up = time.monotonic() + 60
        while time.monotonic() < give_up:
            logs = instance.all_logs(run_id) if instance.get_run_by_id(run_id) else []
            if ready(logs):
                instance.cancel_run(run_id)
                return
            time.sleep(0.05)

    thread = threading.Thread(target=cancel, daemon=True)
    thread.start()
    return thread


def cancel_when_sleeping(instance: Instance, run_id: str, sleepers: int) -> threading.Thread:
    """Cancel the run once ``sleepers`` of its steps have logged 'sleeping'."""
    return cancel_when(
        instance, run_id, lambda logs: sum(e.user_message == "sleeping" for e in logs) >= sleepers
    )
