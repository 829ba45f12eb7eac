"""Computing a run's step statistics from its event log, in one pass over the entries."""

from __future__ import annotations

from collections.abc import Iterable

from ..records import EventLogEntry, EventType
from ..records.step_stats import OpStepSummary, RunStepStats, StepStatus

__all__ = ["step_stats_of", "summarize_steps"]

_ENDS = {
    EventType.STEP_SUCCESS: StepStatus.SUCCESS,
    EventType.STEP_FAILURE: StepStatus.FAILURE,
    EventType.STEP_SKIPPED: StepStatus.SKIPPED,
}
_ATTEMPTS = frozenset({EventType.STEP_START, EventType.STEP_RESTARTED})


class _Step:
    __slots__ = ("attempts", "end", "handle", "materializations", "start", "status")

    def __init__(self, handle: str | None) -> None:
        self.handle = handle
        self.status = StepStatus.IN_PROGRESS
        self.start: float | None = None
        self.end: float | None = None
        self.attempts = 0
        self.materializations = 0


def step_stats_of(run_id: str, entries: Iterable[EventLogEntry]) -> list[RunStepStats]:
    """The statistics of each step that has an event in ``entries``, in order of its first."""
    steps: dict[str, _Step] = {}
    for entry in entries:
        event = entry.event
        key = entry.step_key
        if event is None or key is None:
            continue
        step = steps.get(key)
        if step is None:
            step = steps[key] = _Step(event.node_handle or key.split("[", 1)[0])
        kind = event.event_type
        if kind in _ATTEMPTS:
            step.attempts += 1
            if step.start is None:
                step.start = entry.timestamp
        elif kind in _ENDS:
            step.status = _ENDS[kind]
            step.end = entry.timestamp
        elif kind is EventType.ASSET_MATERIALIZATION:
            step.materializations += 1
    return [
        RunStepStats(
            run_id=run_id,
            step_key=key,
            op_handle=step.handle,
            status=step.status,
            start_time=step.start,
            end_time=step.end,
            attempts=step.attempts,
            materializations=step.materializations,
        )
        for key, step in steps.items()
    ]


class _Row:
    __slots__ = ("attempts", "by_status", "end", "materializations", "start")

    def __init__(self) -> None:
        self.by_status = dict.fromkeys(StepStatus, 0)
        self.start: float | None = None
        self.end: float | None = None
        self.attempts = 0
        self.materializations = 0

    def add(self, step: RunStepStats) -> None:
        self.by_status[step.status] += 1
        self.attempts += step.attempts
        self.materializations += step.materializations
        if step.start_time is not None:
            self.start = step.start_time if self.start is None else min(self.start, step.start_time)
        if step.end_time is not None:
            self.end = step.end_time if self.end is None else max(self.end, step.end_time)


def summarize_steps(stats: Iterable[RunStepStats]) -> list[OpStepSummary]:
    """One row per op handle (mapped steps aggregated), in order of the op's first step."""
    rows: dict[str, _Row] = {}
    for step in stats:
        handle = step.op_handle or step.step_key
        row = rows.get(handle)
        if row is None:
            row = rows[handle] = _Row()
        row.add(step)
    return [
        OpStepSummary(
            op_handle=handle,
            steps=sum(row.by_status.values()),
            succeeded=row.by_status[StepStatus.SUCCESS],
            failed=row.by_status[StepStatus.FAILURE],
            skipped=row.by_status[StepStatus.SKIPPED],
            in_progress=row.by_status[StepStatus.IN_PROGRESS],
            start_time=row.start,
            end_time=row.end,
            attempts=row.attempts,
            materializations=row.materializations,
        )
        for handle, row in rows.items()
    ]
