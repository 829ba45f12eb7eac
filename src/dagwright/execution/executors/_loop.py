"""The run process's loop of the executors that run steps elsewhere (worker processes, Dask).

The run process keeps the step state machine (:class:`~..state.RunState`)
and the event log; the steps run in other processes. :class:`StepLoop`
holds what every such executor shares: dispatch ready steps within the
tag concurrency limits, react to how each step ended (retry it, release
the steps after it, record skips, remember the facts later steps need),
fail a step whose process was lost, and stop dispatching when the run
cannot go on. An executor supplies the transport: whether it can take
another step (:meth:`StepLoop.has_room`), how a step is sent
(:meth:`StepLoop.start`), whether any is still out (:meth:`StepLoop.busy`)
and how to wait for what comes back (:meth:`StepLoop.wait`), which it
answers by calling :meth:`StepLoop.step_ended`, :meth:`StepLoop.step_lost`
or :meth:`StepLoop.start_failed`.

Cancellation is the loop's too: it looks at the run's cancel flag at least
every :data:`~..cancel.CANCEL_CHECK_SECONDS`; when the flag is set (or
Ctrl-C reaches it) it stops dispatching, asks the executor to interrupt
the steps that run (:meth:`StepLoop.interrupt_running`), and waits for
each to come back interrupted (:meth:`StepLoop.step_interrupted`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from ...errors import InvariantViolationError
from ...records import (
    ErrorInfo,
    EventLogEntry,
    EventType,
    StepFailureData,
    StepOutputData,
    StepRetryData,
)
from ..cancel import CANCEL_CHECK_SECONDS
from ..logs import ERROR, record_ctrl_c, record_step_interrupted
from ..state import ExecutionStep, RunState, StepState
from ._worker import Facts, WorkerSetup
from .in_process import record_skips

if TYPE_CHECKING:
    from .._run import RunContext
    from ..logs import RunLog

__all__ = [
    "StepLoop",
    "StepsOutcome",
    "TagLimits",
    "worker_setup",
    "tag_limits_from",
    "record_step_lost",
]

StepsOutcome = tuple[list[tuple[ExecutionStep, BaseException]], BaseException | None, bool]
"""What an executor's loop returns: the failed steps with their exceptions, the failure that
kept the run from going on (or None), and whether the run was canceled."""


def worker_setup(run: RunContext, job_source: Any) -> WorkerSetup:
    """What another process needs to take part in ``run``."""
    return WorkerSetup(
        job_source=job_source,
        run=run.run,
        run_config=dict(run.plan.run_config),
        input_values=dict(run.plan.input_values),
        settings=run.instance.settings,
        known_state=run.plan.known_state,
    )


def tag_limits_from(config: Mapping[str, Any]) -> list[tuple[str, Any, int]]:
    """The ``tag_concurrency_limits`` of an executor's config as (key, value or None, limit)."""
    return [
        (limit["key"], limit.get("value"), int(limit["limit"]))
        for limit in config.get("tag_concurrency_limits") or ()
    ]


class TagLimits:
    """Counts running steps per ``tag_concurrency_limits`` entry."""

    def __init__(self, limits: Sequence[tuple[str, Any, int]]) -> None:
        self._limits = limits
        self._running = [0] * len(limits)

    def _matching(self, step: ExecutionStep) -> list[int]:
        tags = step.spec.flat.tags
        return [
            i
            for i, (key, value, _) in enumerate(self._limits)
            if key in tags and (value is None or str(tags[key]) == str(value))
        ]

    def allows(self, step: ExecutionStep) -> bool:
        return all(self._running[i] < self._limits[i][2] for i in self._matching(step))

    def take(self, step: ExecutionStep, sign: int = 1) -> None:
        for i in self._matching(step):
            self._running[i] += sign


class StepLoop(ABC):
    """Dispatch ready steps and react to how they end; see the module docstring."""

    sends_units: ClassVar[bool] = True
    """Whether an execution unit goes out as one task (executors that run steps in other
    processes); an executor of the run's own process runs a unit's steps one by one."""

    def __init__(
        self, run: RunContext, tag_limits: Sequence[tuple[str, Any, int]], stop_on_failure: bool
    ) -> None:
        self.run_context = run
        self.state = RunState(run.plan, run.clock.monotonic, units=self.sends_units)
        # execution units sent as one task, by unit handle -> the step they were sent for
        self.units_out: dict[str, ExecutionStep] = {}
        self.limits = TagLimits(tag_limits)
        self.stop_on_failure = stop_on_failure
        self.failures: list[tuple[ExecutionStep, BaseException]] = []
        self.start_failure: BaseException | None = None
        # (step key, outputs produced, dynamic outputs' mapping keys) of every finished step
        self.facts: Facts = []
        self.stopping = False
        self.canceled = False  # a cancel request (or Ctrl-C) interrupted the run
        self.interrupted = False  # ... and it was Ctrl-C
        # What the steps' recorded events say they produced, by step key, and which steps
        # recorded STEP_SUCCESS (a step interrupted after that has succeeded all the same).
        self._outputs_seen: dict[str, list[tuple[str, str | None]]] = {}
        self._succeeded: set[str] = set()

    # -- what an executor supplies ---------------------------------------

    @abstractmethod
    def has_room(self) -> bool:
        """Whether another step can be sent now."""

    @abstractmethod
    def start(self, step: ExecutionStep) -> None:
        """Send ``step`` (already counted against the tag limits) to run elsewhere.

        When ``step.spec.flat.unit`` is set, send its whole unit instead (see
        :meth:`unit_failures`), and answer with :meth:`unit_ended`."""

    @abstractmethod
    def busy(self) -> bool:
        """Whether a step sent is still out."""

    @abstractmethod
    def wait(self, timeout: float | None) -> None:
        """Wait up to ``timeout`` seconds (None: no limit) for news of the steps out, and
        react to it."""

    @abstractmethod
    def interrupt_running(self) -> None:
        """Interrupt the steps sent (the run was canceled); each is to come back through
        :meth:`step_interrupted`, or as it ended if it ended first."""

    # -- the loop ----------------------------------------------------------

    def run(self) -> StepsOutcome:
        """Run the steps; Ctrl-C cancels the run (the caller raises it again when
        :attr:`interrupted`)."""
        record_skips(self.run_context, self.state)
        while True:
            try:
                self._run()
                stuck = [] if self.stopping else self.state.unfinished()
                if stuck:  # every step must end; one that did not is a bug in dagwright
                    raise InvariantViolationError(
                        f"the run ended with steps that never finished: {', '.join(sorted(stuck))}."
                    )
                return self.failures, self.start_failure, self.canceled
            except KeyboardInterrupt:
                if not self.canceled and not self.run_context.cancel.is_set():
                    record_ctrl_c(self.run_context.log)
                self.interrupted = True
                self.cancel()

    def cancel(self) -> None:
        """Stop dispatching and interrupt the running steps."""
        if self.canceled:
            return
        self.canceled = self.stopping = True
        self.interrupt_running()

    def _run(self) -> None:
        state = self.state
        run = self.run_context
        while True:
            if run.cancel.is_set():
                self.cancel()
            if not self.stopping:
                self._dispatch()
            if not self.busy():
                wait_for = None if self.stopping else state.seconds_until_retry()
                if wait_for is None:
                    return
                run.clock.sleep(min(wait_for, CANCEL_CHECK_SECONDS))
                if not state.seconds_until_retry():  # due now
                    state.release_next_retry()
                continue
            # A retry that is due but cannot be sent waits for a step to end (no spinning).
            timeout = None if self.stopping or not self.has_room() else state.seconds_until_retry()
            if not self.canceled:  # look at the cancel flag now and then
                timeout = (
                    CANCEL_CHECK_SECONDS if timeout is None else min(timeout, CANCEL_CHECK_SECONDS)
                )
            self.wait(timeout)
            run.log.flush()

    def allows(self, step: ExecutionStep) -> bool:
        """Whether ``step`` may start now (the tag concurrency limits; an executor may add
        limits of its own)."""
        return self.limits.allows(step)

    def _accepts(self, step: ExecutionStep) -> bool:
        unit = step.spec.flat.unit if self.sends_units else None
        if unit is not None and unit.handle in self.units_out:
            return False  # it runs with the task of its unit already out
        return self.allows(step)

    def _dispatch(self) -> None:
        state = self.state
        while self.has_room():
            step = state.next_step(self._accepts)
            if step is None:
                return
            self.limits.take(step)
            unit = step.spec.flat.unit if self.sends_units else None
            if unit is not None:
                self.units_out[unit.handle] = step
            self.start(step)

    # -- execution units -------------------------------------------------

    def unit_failures(self, step: ExecutionStep) -> dict[str, str]:
        """The steps outside ``step``'s unit that failed, for the process that runs the unit."""
        unit = step.spec.flat.unit
        assert unit is not None
        return self.state.failed_among(unit.upstream)

    def _member(self, head: ExecutionStep, key: str) -> ExecutionStep | None:
        """The step ``key`` of a unit sent for ``head``, RUNNING; None if it is not ready."""
        if key == head.key:
            return head
        if self.state.state_of(key) is not StepState.READY:
            return None
        step = self.state.claim(key)
        self.limits.take(step)
        return step

    def unit_ended(self, head: ExecutionStep, outcomes: list[tuple[Any, ...]]) -> None:
        """The unit sent for ``head`` ended: each step that ran ended as ``outcomes`` say
        (``("outcome", key, state, produced, dynamic, retry delay, error)``, in order)."""
        unit = head.spec.flat.unit
        assert unit is not None
        self._unit_back(head)
        head_ended = False
        for _, key, *ended in outcomes:
            step = self._member(head, key)
            if step is None:
                raise InvariantViolationError(
                    f"step '{key}' of unit '{unit.handle}' ran, but it was "
                    f"{self.state.state_of(key).name} in the run process."
                )
            head_ended = head_ended or step is head
            self.step_ended(step, *ended)
        if not head_ended:
            self.step_lost(
                head,
                InvariantViolationError(
                    f"the task of unit '{unit.handle}' did not run step '{head.key}'."
                ),
            )

    def unit_interrupted(self, head: ExecutionStep, running: str | None) -> None:
        """The unit sent for ``head`` was stopped by the cancellation while ``running`` ran:
        the steps that had succeeded succeed, ``running`` is interrupted."""
        unit = head.spec.flat.unit
        assert unit is not None
        self._unit_back(head)
        for key in unit.steps:
            if key != head.key and key != running and key not in self._succeeded:
                continue
            step = self._member(head, key)
            if step is None:
                continue
            if step is head and key != running and key not in self._succeeded:
                self.step_dropped(head)  # it never started
            else:
                self.step_interrupted(step)

    def unit_lost(self, head: ExecutionStep, error: Callable[[str], BaseException]) -> None:
        """The process running the unit sent for ``head`` went away: the steps that had
        succeeded succeed; those that started (and ``head``) are lost with ``error(key)``."""
        unit = head.spec.flat.unit
        assert unit is not None
        self._unit_back(head)
        for key in unit.steps:
            started = key in self._outputs_seen
            if key != head.key and not started:
                continue
            step = self._member(head, key)
            if step is None:
                continue
            if key in self._succeeded:
                produced, dynamic = self._produced(step)
                self.step_ended(step, StepState.SUCCEEDED.value, produced, dynamic, 0.0, None)
            else:
                self.step_lost(step, error(key))

    # -- reactions -------------------------------------------------------

    def step_ended(
        self,
        step: ExecutionStep,
        outcome: str,
        produced: list[str],
        dynamic: dict[str, list[str]] | None,
        retry_delay: float,
        error: BaseException | None,
    ) -> None:
        """A step's attempt ended as its process reported (its events are already recorded)."""
        self.limits.take(step, -1)
        state = StepState(outcome)
        if state is StepState.UP_FOR_RETRY:
            self.state.retry(step, retry_delay)
            return
        self.state.finish(step, state, produced, dynamic)
        if state is StepState.SUCCEEDED:
            self.facts.append((step.key, produced, dynamic))
        else:
            self.failed(step, error or RuntimeError(f"step '{step.key}' failed"))
        record_skips(self.run_context, self.state)

    def record(self, entry: EventLogEntry) -> None:
        """Record an entry a step sent; note the outputs and the success of its step."""
        self.run_context.log.record(entry)
        step_key = entry.step_key
        event = entry.event
        if step_key is None or event is None:
            return
        kind = event.event_type
        if kind is EventType.STEP_OUTPUT:
            data = event.event_specific_data
            if isinstance(data, StepOutputData):
                outputs = self._outputs_seen.setdefault(step_key, [])
                outputs.append((data.output_name, data.mapping_key))
        elif kind is EventType.STEP_SUCCESS:
            self._succeeded.add(step_key)
        elif kind in (EventType.STEP_START, EventType.STEP_RESTARTED):
            self._outputs_seen[step_key] = []  # a new attempt (and a step that started)
            self._succeeded.discard(step_key)

    def step_interrupted(self, step: ExecutionStep) -> None:
        """A step stopped by the cancellation: recorded as interrupted, unless it had already
        recorded its success (the interruption came in a hook, or as it reported back)."""
        if step.key in self._succeeded:
            produced, dynamic = self._produced(step)
            self.step_ended(step, StepState.SUCCEEDED.value, produced, dynamic, 0.0, None)
            return
        self.limits.take(step, -1)
        record_step_interrupted(self.run_context.log, step.key, step.spec.key)
        self.state.finish(step, StepState.FAILED)
        record_skips(self.run_context, self.state)

    def _produced(self, step: ExecutionStep) -> tuple[list[str], dict[str, list[str]] | None]:
        """The outputs ``step`` produced, from its recorded STEP_OUTPUT events."""
        produced: list[str] = []
        dynamic: dict[str, list[str]] | None = None
        for out_def in step.spec.op_def.output_defs:
            if out_def.is_dynamic:
                if dynamic is None:
                    dynamic = {}
                dynamic[out_def.name] = []
        for name, mapping_key in self._outputs_seen.get(step.key, ()):
            if dynamic is not None and name in dynamic:
                if mapping_key is not None:
                    dynamic[name].append(mapping_key)
            elif name not in produced:
                produced.append(name)
        produced.extend(name for name in dynamic or () if name not in produced)
        return produced, dynamic

    def _unit_back(self, step: ExecutionStep) -> None:
        """The task sent for ``step`` came back; if it was its unit's, the unit is no longer out."""
        unit = step.spec.flat.unit
        if unit is not None and self.units_out.get(unit.handle) is step:
            del self.units_out[unit.handle]

    def step_dropped(self, step: ExecutionStep) -> None:
        """A step sent but never started, withdrawn by the cancellation (nothing to record)."""
        self._unit_back(step)
        self.limits.take(step, -1)
        self.state.finish(step, StepState.FAILED)

    def failed(self, step: ExecutionStep, error: BaseException) -> None:
        self.failures.append((step, error))
        if self.stop_on_failure:
            self.stopping = True

    def start_failed(self, step: ExecutionStep | None, error: BaseException) -> None:
        """A process could not load the job or start the resources: the run cannot go on.

        The step it was given never started; it ends with the run (not as a failure of its own).
        """
        if self.start_failure is None:
            self.start_failure = error
        self.stopping = True
        if step is not None:
            self._unit_back(step)
            self.limits.take(step, -1)
            self.state.finish(step, StepState.FAILED)
            record_skips(self.run_context, self.state)

    def step_lost(
        self, step: ExecutionStep, error: BaseException, *, retry_by_policy: bool = False
    ) -> None:
        """The process running ``step`` went away before the step ended.

        The step fails with ``error`` (an UNEXPECTED_ERROR, since the step's
        own code never returned), or with ``retry_by_policy`` is retried if
        its retry policy allows another attempt. After a cancel, a lost step
        counts as interrupted (it most likely died of the interruption).
        """
        if self.canceled:
            self.step_interrupted(step)
            return
        self.limits.take(step, -1)
        log = self.run_context.log
        first_line = str(error).splitlines()[0]
        policy = step.spec.retry_policy
        if retry_by_policy and policy is not None and step.attempt <= policy.max_retries:
            delay = policy.calculate_delay(step.attempt, self.run_context.clock)
            wait = f" in {delay:.2f} seconds" if delay else ""
            log.event(
                EventType.STEP_UP_FOR_RETRY,
                f'Execution of step "{step.key}" failed and has requested a retry{wait}: '
                f"{first_line}",
                step_key=step.key,
                handle=step.spec.key,
                data=StepRetryData(error=ErrorInfo.from_exception(error), seconds_to_wait=delay),
            )
            self.state.retry(step, delay)
            return
        record_step_lost(log, step, error)
        self.state.finish(step, StepState.FAILED)
        self.failed(step, error)
        record_skips(self.run_context, self.state)


def record_step_lost(log: RunLog, step: ExecutionStep, error: BaseException) -> None:
    """The STEP_FAILURE of a step whose worker went away while it ran."""
    log.event(
        EventType.STEP_FAILURE,
        f'Execution of step "{step.key}" failed: {str(error).splitlines()[0]}',
        step_key=step.key,
        handle=step.spec.key,
        data=StepFailureData(
            error=ErrorInfo.from_exception(error), error_source="UNEXPECTED_ERROR"
        ),
        level=ERROR,
    )
