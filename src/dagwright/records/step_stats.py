"""What a run's steps did, read from its event log: per step, and per op for mapped steps.

:class:`RunStepStats` is one step (its status, start and end, attempts,
materializations); :class:`OpStepSummary` aggregates the steps of one op
handle, so a run that mapped an op over 20,000 keys is summarized in one
row per op (how many steps ran, succeeded, failed, were skipped; when the
first started and the last ended), which is what a run page or the command
line shows by default. Both are immutable records with a stable JSON form
(``msgspec.json.encode``).
"""

from __future__ import annotations

from enum import StrEnum

import msgspec

__all__ = ["StepStatus", "RunStepStats", "OpStepSummary"]


class StepStatus(StrEnum):
    """How a step ended (or that it has not yet)."""

    IN_PROGRESS = "IN_PROGRESS"
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    SKIPPED = "SKIPPED"


class RunStepStats(msgspec.Struct, frozen=True, kw_only=True):
    """One step of a run: how it ended, when it ran, how many attempts and materializations."""

    run_id: str
    step_key: str
    op_handle: str | None
    status: StepStatus
    start_time: float | None = None
    end_time: float | None = None
    attempts: int = 0
    materializations: int = 0


class OpStepSummary(msgspec.Struct, frozen=True, kw_only=True):
    """The steps of one op handle in a run: one step for a plain op, one per mapping key for
    an op mapped over a dynamic output."""

    op_handle: str
    steps: int
    succeeded: int
    failed: int
    skipped: int
    in_progress: int
    start_time: float | None = None
    end_time: float | None = None
    attempts: int = 0
    materializations: int = 0

    @property
    def is_mapped(self) -> bool:
        """Whether the op ran once per mapping key (or was made to, when its steps were
        skipped)."""
        return self.steps > 1
