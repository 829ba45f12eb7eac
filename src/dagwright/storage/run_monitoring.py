"""Run monitoring: a run whose process died is found by its silent heartbeat and ended.

While a run on a persistent instance is in progress, its process records a
heartbeat on the run's record every :data:`HEARTBEAT_INTERVAL_SECONDS`.
:func:`check_runs` (``Instance.check_runs``, ``dagwright run monitor``, and
later the daemon) looks for runs in progress whose process has been silent
for longer than ``run_monitoring.heartbeat_timeout_seconds`` and ends each
one with an engine event saying why, then a final run event:

* STARTED (or STARTING, once it beat): RUN_FAILURE, reason ``RUN_WORKER_DIED``;
* CANCELING: RUN_CANCELED (nobody is left to finish the cancellation);
* STARTING and never a heartbeat: RUN_FAILURE, reason ``START_TIMEOUT``, only
  after ``start_timeout_seconds`` (a launched process may take long to start).

A run without any heartbeat (recorded before dagwright sent them) is judged
by the last time its record changed. Each run is ended in a transaction that
first checks it is still as it was found: a run that finished or beat in the
meantime is left alone, and a run already ended is never found again.
:func:`watch` repeats the check every poll interval (``dagwright run monitor``).
Heartbeats and the monitor compare wall clocks: machines that share an
instance must keep their clocks in step (NTP).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..metadata import MetadataValue
from ..records import (
    EngineEventData,
    Event,
    EventLogEntry,
    EventType,
    Run,
    RunFailureData,
    RunStatus,
)
from .queries import RunRecord

if TYPE_CHECKING:
    from .base import Storage
    from .settings import RunMonitoringSettings

__all__ = [
    "HEARTBEAT_INTERVAL_SECONDS",
    "RUN_WORKER_DIED",
    "START_TIMEOUT",
    "check_runs",
    "watch",
]

HEARTBEAT_INTERVAL_SECONDS = 2.0
"""How often the process of a run in progress records that it is alive."""

RUN_WORKER_DIED = "RUN_WORKER_DIED"
"""RunFailureData.reason of a run whose process stopped sending heartbeats."""

START_TIMEOUT = "START_TIMEOUT"
"""RunFailureData.reason of a run that stayed STARTING, without a heartbeat, too long."""

_WARNING, _ERROR = 30, 40  # the logging module's levels

# A round is skipped when the wall clock ran this much ahead of the monotonic one.
_SLEPT_SECONDS = 1.0


def check_runs(
    storage: Storage,
    settings: RunMonitoringSettings,
    now: float | None = None,
    timeout: float | None = None,
) -> list[str]:
    """End the runs in progress whose process died; return their ids (oldest run first).

    ``now`` is the time to judge at (default: the current time); ``timeout``
    replaces ``settings.heartbeat_timeout_seconds``. Nothing is done when
    ``settings.enabled`` is false.
    """
    if not settings.enabled:
        return []
    now = time.time() if now is None else now
    timeout = settings.heartbeat_timeout_seconds if timeout is None else timeout
    start_timeout = settings.start_timeout_seconds
    ended: list[str] = []
    for record in storage.get_stale_runs(now - min(timeout, start_timeout)):
        entries = _ending(record, now, timeout, start_timeout)
        if entries and storage.store_events_if_run_unchanged(record, entries):
            ended.append(record.run.run_id)
    return ended


def watch(
    check: Callable[[], list[str]],
    interval: float,
    *,
    sleep: Callable[[float], None] = time.sleep,
    wall_clock: Callable[[], float] = time.time,
    monotonic_clock: Callable[[], float] = time.monotonic,
) -> Iterator[list[str]]:
    """Call ``check`` now and every ``interval`` seconds after, yielding what each call returned.

    When the machine slept between two calls (the wall clock ran ahead of
    the monotonic clock, which stops while it sleeps), the next call waits
    one more interval: the runs slept too and get to beat before being judged.
    """
    while True:
        yield check()
        while True:
            wall, monotonic = wall_clock(), monotonic_clock()
            sleep(interval)
            slept = (wall_clock() - wall) - (monotonic_clock() - monotonic)
            if slept < _SLEPT_SECONDS:
                break


def _ending(
    record: RunRecord, now: float, timeout: float, start_timeout: float
) -> list[EventLogEntry]:
    """The events that end a stale run, or none if its status's rule says it is not stale yet."""
    run = record.run
    beat = record.heartbeat_timestamp
    metadata: dict[str, Any] = {
        "last_heartbeat": MetadataValue.null() if beat is None else MetadataValue.timestamp(beat),
        "timeout_seconds": MetadataValue.float(float(timeout)),
    }
    if run.status == RunStatus.STARTING and beat is None:
        since = record.update_timestamp
        if now - since <= start_timeout:
            return []
        metadata["timeout_seconds"] = MetadataValue.float(float(start_timeout))
        why = (
            f"Run monitoring: the run has been STARTING since {_clock(since)} "
            f"({now - since:.0f} s), longer than the start timeout of {start_timeout:g} s, "
            "and its process never sent a heartbeat."
        )
        end = f'Execution of run for "{run.job_name}" failed: it did not start in time.'
        return _entries(run, why, metadata, EventType.RUN_FAILURE, end, START_TIMEOUT)
    last = beat if beat is not None else record.update_timestamp
    if now - last <= timeout:
        return []
    heard = (
        "the run's process last sent a heartbeat"
        if beat is not None
        else "the run's process never sent a heartbeat, and the run last changed"
    )
    why = (
        f"Run monitoring: {heard} at {_clock(last)} ({now - last:.0f} s ago), longer ago than "
        f"the heartbeat timeout of {timeout:g} s; the process is taken to have died."
    )
    if run.status == RunStatus.CANCELING:
        end = f'Run for "{run.job_name}" canceled: its process died while it was being canceled.'
        return _entries(run, why, metadata, EventType.RUN_CANCELED, end, None)
    end = (
        f'Execution of run for "{run.job_name}" failed: its process died '
        f"(no heartbeat for more than {timeout:g} s)."
    )
    return _entries(run, why, metadata, EventType.RUN_FAILURE, end, RUN_WORKER_DIED)


def _entries(
    run: Run,
    why: str,
    metadata: dict[str, Any],
    final_type: EventType,
    final: str,
    reason: str | None,
) -> list[EventLogEntry]:
    """An engine event saying why the run ends, then the event that ends it (one timestamp)."""
    failure = RunFailureData(reason=reason) if reason is not None else None
    now = time.time()
    return [
        _entry(run, EventType.ENGINE_EVENT, why, _WARNING, now, EngineEventData(metadata=metadata)),
        _entry(run, final_type, final, _ERROR, now, failure),
    ]


def _entry(
    run: Run,
    event_type: EventType,
    message: str,
    level: int,
    timestamp: float,
    data: EngineEventData | RunFailureData | None,
) -> EventLogEntry:
    event = Event(
        event_type_value=event_type.value,
        job_name=run.job_name,
        message=message,
        event_specific_data=data,
    )
    return EventLogEntry(
        run_id=run.run_id,
        timestamp=timestamp,
        level=level,
        user_message=message,
        job_name=run.job_name,
        event=event,
    )


def _clock(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S %z", time.localtime(timestamp))
