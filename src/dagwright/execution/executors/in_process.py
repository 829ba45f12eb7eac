"""The in-process executor: every step in the run's own process, one after another."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import InvariantViolationError
from ...records import EventType, StepSkippedData
from ..cancel import CANCEL_CHECK_SECONDS, RunCanceled
from ..state import RunState, StepState
from ..step import run_step

if TYPE_CHECKING:
    from .._run import RunContext
    from ..state import ExecutionStep

__all__ = ["execute_steps_in_process", "record_skips"]

_STEP_SKIPPED = EventType.STEP_SKIPPED.value


def record_skips(run: RunContext, state: RunState) -> None:
    """Record a STEP_SKIPPED event for every step the state machine decided not to run."""
    for skip in state.take_skips():
        step = skip.step
        run.log.event(
            _STEP_SKIPPED,
            f'Skipped execution of step "{step.key}": {skip.reason}.',
            step_key=step.key,
            handle=step.spec.key,
            data=StepSkippedData(reason=skip.reason),
        )


def execute_steps_in_process(
    run: RunContext, *, stop_on_failure: bool
) -> list[tuple[ExecutionStep, BaseException]]:
    """Run every step of ``run`` in plan order; return the failed steps and their exceptions.

    With ``stop_on_failure`` the loop ends at the first failed step (what a
    test wants when it asks for errors to be raised). A step waiting to be
    retried lets every other ready step run first; the loop sleeps, on the
    run's clock, only when nothing else can run.
    """
    clock = run.clock
    state = RunState(run.plan, clock.monotonic)
    failures: list[tuple[ExecutionStep, BaseException]] = []
    log = run.log
    record_skips(run, state)
    while True:
        step = state.next_step()
        if step is None:
            wait = state.seconds_until_retry()
            if wait is None:
                break
            if run.cancel.is_set():
                raise RunCanceled
            if wait > CANCEL_CHECK_SECONDS and run.instance.is_persistent:
                # A run that can be canceled looks at the cancel flag during a long wait.
                clock.sleep(CANCEL_CHECK_SECONDS)
                continue
            if wait > 0:
                clock.sleep(wait)
            # Slept until the first retry was due: it is due, whatever the clock's resolution.
            state.release_next_retry()
            continue
        if run.cancel.is_set():
            raise RunCanceled
        run.running_step = step
        outcome = run_step(run, step)
        run.running_step = None
        if outcome.state is StepState.UP_FOR_RETRY:
            state.retry(step, outcome.retry_delay)
        else:
            state.finish(step, outcome.state, outcome.produced, outcome.dynamic)
            record_skips(run, state)
        log.flush()
        if outcome.state is StepState.FAILED:
            assert outcome.exception is not None
            failures.append((step, outcome.exception))
            if stop_on_failure:
                return failures
    stuck = state.unfinished()
    if stuck:
        # Every step must end; one that did not is a bug in dagwright, not in the job.
        raise InvariantViolationError(
            f"the run ended with steps that never finished: {', '.join(sorted(stuck))}."
        )
    return failures
