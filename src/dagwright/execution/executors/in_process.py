"""The in-process executor: every step in the run's own process, one after another."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ...records import EventType, StepSkippedData
from ..state import ABANDON, RUN, RunState, StepState
from ..step import run_step

if TYPE_CHECKING:
    from .._run import RunContext
    from ..state import ExecutionStep

__all__ = ["execute_steps_in_process"]

_STEP_SKIPPED = EventType.STEP_SKIPPED.value


def execute_steps_in_process(
    run: RunContext,
    *,
    stop_on_failure: bool,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[RunState, list[tuple[ExecutionStep, BaseException]]]:
    """Run every step of ``run`` in plan order; return the final state and the failures.

    With ``stop_on_failure`` the loop ends at the first failed step (what a
    test wants when it asks for errors to be raised). A step waiting to be
    retried lets every other ready step run first; the loop sleeps only when
    nothing else can run.
    """
    state = RunState(run.plan, clock)
    failures: list[tuple[ExecutionStep, BaseException]] = []
    log = run.log
    while True:
        step = state.pop_ready()
        if step is None:
            wait = state.seconds_until_retry()
            if wait is None:
                break
            sleep(wait)
            continue
        verdict, reason = state.verdict(step)
        if verdict == RUN:
            outcome = run_step(run, step)
            if outcome.state is StepState.UP_FOR_RETRY:
                state.retry(step, outcome.retry_delay)
                log.flush()
                continue
            state.finish(step, outcome.state, outcome.produced, outcome.dynamic)
            if outcome.state is StepState.FAILED:
                assert outcome.exception is not None
                failures.append((step, outcome.exception))
                if stop_on_failure:
                    log.flush()
                    break
        else:
            log.event(
                _STEP_SKIPPED,
                f'Skipped execution of step "{step.key}": {reason}.',
                step_key=step.key,
                handle=step.spec.key,
                data=StepSkippedData(reason=reason or ""),
            )
            state.finish(step, StepState.ABANDONED if verdict == ABANDON else StepState.SKIPPED)
        log.flush()
    return state, failures
