"""The state machine of a run's steps: which are waiting, ready, running or done.

A step moves only along these arrows::

    WAITING -> READY -> RUNNING -> SUCCEEDED | FAILED | UP_FOR_RETRY
    UP_FOR_RETRY -> READY                   (once its retry delay has passed)
    WAITING -> SKIPPED                      (an input it needs was not produced)
    WAITING -> ABANDONED                    (a step it depends on failed)

A re-execution (``plan.known_state``) executes only its selected steps;
every other step starts in a final state: REUSED when an earlier run of
the lineage made its outputs (they count as produced, and its dynamic
outputs' mapping keys are that run's), NOT_SELECTED otherwise.

When the last step a step waits for finishes, the state machine decides
whether it can run (READY) or must be skipped or abandoned; a skipped or
abandoned step never runs, releases the steps waiting on it in turn, and is
reported by :meth:`RunState.take_skips` for the executor to record.
Executors only ever see runnable steps (:meth:`RunState.next_step`) and
report how each ended (:meth:`RunState.finish`); nothing polls.

With ``units`` (executors that run steps in other processes), the steps
of an execution unit (see ``definitions/_units.py``) also wait for every
step outside the unit that one of them waits for, so that the whole unit
can be sent at once; the executor then moves the unit's other steps to
RUNNING with :meth:`RunState.claim` as their outcomes come back.

Readiness is counted, not searched: each step holds the number of steps
it still waits for, and finishing a step decrements its dependents. When a
dynamic output's step finishes, the steps mapped over it are made
(``op[key]``) and the steps that collect them start waiting on them too.
"""

from __future__ import annotations

import heapq
import time
from collections import deque
from collections.abc import Callable, Container, Iterable, Mapping
from enum import StrEnum

from ..definitions._flatten import CollectRef, DynamicElementRef, FanInRef, StepOutputRef
from .plan import ExecutionPlan, StepSpec

__all__ = ["StepState", "ExecutionStep", "Skip", "RunState", "blocker"]


class StepState(StrEnum):
    WAITING = "WAITING"
    READY = "READY"
    RUNNING = "RUNNING"
    UP_FOR_RETRY = "UP_FOR_RETRY"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"
    ABANDONED = "ABANDONED"
    REUSED = "REUSED"
    NOT_SELECTED = "NOT_SELECTED"


_W, _RD, _RN, _UP = StepState.WAITING, StepState.READY, StepState.RUNNING, StepState.UP_FOR_RETRY
_OK, _FAIL, _SKIP, _ABAN = (
    StepState.SUCCEEDED,
    StepState.FAILED,
    StepState.SKIPPED,
    StepState.ABANDONED,
)
_MOVES: dict[StepState, frozenset[StepState]] = {
    _W: frozenset({_RD, _SKIP, _ABAN}),
    _RD: frozenset({_RN}),
    _RN: frozenset({_OK, _FAIL, _UP}),
    _UP: frozenset({_RD}),
}
_REUSED, _NOT_SELECTED = StepState.REUSED, StepState.NOT_SELECTED
_TERMINAL = frozenset({_OK, _FAIL, _SKIP, _ABAN, _REUSED, _NOT_SELECTED})


class ExecutionStep:
    """One concrete step: a spec, and for a mapped op the mapping key it runs for."""

    __slots__ = ("attempt", "key", "mapping_key", "order", "spec")

    def __init__(self, spec: StepSpec, mapping_key: str | None, index: int) -> None:
        self.key = spec.key if mapping_key is None else f"{spec.key}[{mapping_key}]"
        self.spec = spec
        self.mapping_key = mapping_key
        self.order = (spec.level, spec.key, index)
        self.attempt = 1

    def __lt__(self, other: ExecutionStep) -> bool:
        return self.order < other.order

    def __repr__(self) -> str:
        return f"ExecutionStep({self.key})"


class Skip:
    """A step that will not run, and why; ``abandoned`` when a step before it failed."""

    __slots__ = ("abandoned", "reason", "step")

    def __init__(self, step: ExecutionStep, reason: str, abandoned: bool) -> None:
        self.step = step
        self.reason = reason
        self.abandoned = abandoned


class RunState:
    """Tracks every step of one run; see the module docstring."""

    def __init__(
        self,
        plan: ExecutionPlan,
        clock: Callable[[], float] = time.monotonic,
        units: bool = False,
    ) -> None:
        self._specs = plan.specs
        # With ``units``, the steps of an execution unit also wait for every step outside the
        # unit that one of them waits for: once one is ready, the whole unit can run.
        self._units = units and bool(plan.flat_graph.units)
        self._flat = plan.flat_graph
        self._known = plan.known_state
        self._clock = clock
        self._steps: dict[str, ExecutionStep] = {}
        self._state: dict[str, StepState] = {}
        self._pending: dict[str, int] = {}
        self._dependents: dict[str, list[str]] = {}
        self._ready: list[ExecutionStep] = []
        self._delayed: list[tuple[float, ExecutionStep]] = []
        self._produced: set[tuple[str, str]] = set()
        # failed or abandoned step -> the step whose failure caused it
        self._failed: dict[str, str] = {}
        self._skips: list[Skip] = []
        self._instances: dict[str, list[str]] = {}
        self._dynamic_keys: dict[tuple[str, str], list[str]] = {}
        self._running = 0
        for spec in self._specs.values():
            if spec.scope is None:
                self._add(spec, None, 0)

    # -- reading ---------------------------------------------------------

    def state_of(self, key: str) -> StepState:
        return self._state[key]

    def was_produced(self, step_key: str, output: str) -> bool:
        return (step_key, output) in self._produced

    def dynamic_keys(self, root: tuple[str, str]) -> list[str]:
        """The mapping keys a dynamic output produced, in yield order (empty if it did not run)."""
        return self._dynamic_keys.get(root, [])

    @property
    def running(self) -> int:
        return self._running

    def failed_among(self, keys: Iterable[str]) -> dict[str, str]:
        """Those of ``keys`` that failed (or were abandoned), with the step that caused it."""
        failed = self._failed
        return {k: failed[k] for k in keys if k in failed}

    def unfinished(self) -> list[str]:
        """Steps that never reached a final state; empty after a complete run."""
        return [k for k, s in self._state.items() if s not in _TERMINAL]

    # -- driving ---------------------------------------------------------

    def next_step(
        self, accept: Callable[[ExecutionStep], bool] | None = None
    ) -> ExecutionStep | None:
        """The next runnable step in plan order (dependency level, then key), or None.

        With ``accept``, the first ready step it accepts (the others stay ready):
        how an executor holds back steps that would exceed a concurrency limit.
        """
        if self._delayed:
            self._release_due_retries()
        ready = self._ready
        while ready and self._state[ready[0].key] is not _RD:
            heapq.heappop(ready)  # claimed while it waited (see claim)
        if not ready:
            return None
        if accept is None:
            step = heapq.heappop(ready)
        else:
            held: list[ExecutionStep] = []
            while ready:
                candidate = heapq.heappop(ready)
                if self._state[candidate.key] is not _RD:
                    continue
                if accept(candidate):
                    break
                held.append(candidate)
            else:
                candidate = None
            for other in held:
                heapq.heappush(self._ready, other)
            if candidate is None:
                return None
            step = candidate
        self._move(step.key, _RN)
        self._running += 1
        return step

    def claim(self, key: str) -> ExecutionStep:
        """Move ready step ``key`` to RUNNING without :meth:`next_step`: a step of a unit
        that runs with the unit's first step (its outcome reports it)."""
        self._move(key, _RN)
        self._running += 1
        return self._steps[key]

    def finish(
        self,
        step: ExecutionStep,
        outcome: StepState,
        produced: Iterable[str] = (),
        dynamic: Mapping[str, list[str]] | None = None,
    ) -> None:
        """Record how ``step`` ended (SUCCEEDED or FAILED) and release the steps waiting on it."""
        key = step.key
        self._move(key, outcome)
        self._running -= 1
        if outcome is _OK:
            for output in produced:
                self._produced.add((key, output))
            if dynamic:
                self._expand(step, dynamic)
        else:
            self._failed[key] = key
        self._release(key)

    def retry(self, step: ExecutionStep, delay: float = 0.0) -> None:
        """Queue another attempt of a running step, ready once ``delay`` seconds have passed."""
        self._move(step.key, _UP)
        step.attempt += 1
        self._running -= 1
        heapq.heappush(self._delayed, (self._clock() + delay, step))

    def seconds_until_retry(self) -> float | None:
        """How long until the next retry is due, or None when no step waits to retry."""
        if not self._delayed:
            return None
        return max(0.0, self._delayed[0][0] - self._clock())

    def release_next_retry(self) -> None:
        """Make the first waiting retry ready now (the executor has waited for it)."""
        if self._delayed:
            _, step = heapq.heappop(self._delayed)
            self._move(step.key, _RD)
            heapq.heappush(self._ready, step)

    def take_skips(self) -> list[Skip]:
        """The steps skipped or abandoned since the last call, in the order it happened."""
        skips, self._skips = self._skips, []
        return skips

    # -- internals -------------------------------------------------------

    def _move(self, key: str, to: StepState) -> None:
        current = self._state[key]
        if to not in _MOVES.get(current, ()):
            raise RuntimeError(f"step '{key}' cannot move from {current.name} to {to.name}")
        self._state[key] = to

    def _add(self, spec: StepSpec, mapping_key: str | None, index: int) -> None:
        step = ExecutionStep(spec, mapping_key, index)
        key = step.key
        self._steps[key] = step
        self._state[key] = _W
        if mapping_key is not None:
            self._instances.setdefault(spec.key, []).append(key)
        if self._known is not None and not self._known.executes(key):
            self._not_executed(step)
            return
        pending = 0
        for handle, mapped in spec.flat.upstream:
            up = f"{handle}[{mapping_key}]" if mapped else handle
            pending += self._wait(key, up)
        unit = spec.flat.unit
        if unit is not None and self._units:
            own = {handle for handle, _ in spec.flat.upstream}
            for up in unit.upstream:
                if up not in own:
                    pending += self._wait(key, up)
        for flat_input in spec.inputs:
            source = flat_input.source
            if isinstance(source, CollectRef) and source.over_mapped:
                for up in self._collected_steps(source):
                    pending += self._wait(key, up)
        self._pending[key] = pending
        if not pending:
            self._settle([key])

    def _not_executed(self, step: ExecutionStep) -> None:
        """Put a step a re-execution does not execute in its final state, and release its
        dependents (a step mapped over a reused output may already wait on it)."""
        assert self._known is not None
        key = step.key
        record = self._known.reused(key)
        if record is None:
            self._state[key] = _NOT_SELECTED
        else:
            self._state[key] = _REUSED
            produced, dynamic = self._known.produced(record, key)
            for output in produced:
                self._produced.add((key, output))
            if dynamic:
                self._expand(step, dynamic)
        self._release(key)

    def _wait(self, key: str, up: str) -> int:
        """Make ``key`` wait for ``up`` unless ``up`` is already done; 1 if it now waits."""
        if self._state.get(up) in _TERMINAL:
            return 0
        self._dependents.setdefault(up, []).append(key)
        return 1

    def _collected_steps(self, source: CollectRef) -> list[str]:
        return [f"{source.handle}[{k}]" for k in self._dynamic_keys.get(source.root, ())]

    def _expand(self, step: ExecutionStep, dynamic: Mapping[str, list[str]]) -> None:
        for output, keys in dynamic.items():
            root = (step.key, output)
            self._dynamic_keys[root] = keys
            for flat in self._flat.mapped_by_root.get(root, ()):
                spec = self._specs[flat.handle]
                for index, mapping_key in enumerate(keys):
                    self._add(spec, mapping_key, index)
            for flat in self._flat.collectors_by_root.get(root, ()):
                keys_of_spec = self._instances.get(flat.handle, [flat.handle])
                for collector in keys_of_spec:
                    if self._state.get(collector) is not _W:
                        continue
                    for flat_input in self._specs[flat.handle].inputs:
                        source = flat_input.source
                        if (
                            isinstance(source, CollectRef)
                            and source.over_mapped
                            and source.root == root
                        ):
                            for up in self._collected_steps(source):
                                self._pending[collector] += self._wait(collector, up)

    def _release(self, key: str) -> None:
        ready: list[str] = []
        for dependent in self._dependents.pop(key, ()):
            remaining = self._pending[dependent] - 1
            self._pending[dependent] = remaining
            if remaining == 0:
                ready.append(dependent)
        if ready:
            self._settle(ready)

    def _settle(self, keys: list[str]) -> None:
        """Decide, for steps that wait for nothing more, whether they run; cascade skips."""
        work = deque(keys)
        while work:
            key = work.popleft()
            step = self._steps[key]
            verdict = self._verdict(step)
            if verdict is None:
                self._move(key, _RD)
                heapq.heappush(self._ready, step)
                continue
            reason, cause = verdict
            if cause is None:
                self._move(key, _SKIP)
            else:
                self._move(key, _ABAN)
                self._failed[key] = cause
            self._skips.append(Skip(step, reason, abandoned=cause is not None))
            for dependent in self._dependents.pop(key, ()):
                remaining = self._pending[dependent] - 1
                self._pending[dependent] = remaining
                if remaining == 0:
                    work.append(dependent)

    def _verdict(self, step: ExecutionStep) -> tuple[str, str | None] | None:
        """None if ``step`` can run; else (why not, the failed step that caused it or None)."""
        blocked = blocker(step, self._failed, self._produced, self._collected_steps)
        if blocked is None:
            return None
        up, output = blocked
        if output is None:
            return self._abandoned(up)
        if not up:
            return "none of the outputs it fans in were produced", None
        return self._not_produced(up, output), None

    def _abandoned(self, up: str) -> tuple[str, str]:
        cause = self._failed[up]
        return f"upstream step '{cause}' failed", cause

    def _not_produced(self, step_key: str, output: str) -> str:
        state = self._state.get(step_key)
        if state is _SKIP:
            return f"upstream step '{step_key}' was skipped"
        if state is _NOT_SELECTED:
            return (
                f"upstream step '{step_key}' is not re-executed and no earlier run produced "
                f"its output '{output}'"
            )
        return f"output '{output}' of step '{step_key}' was not produced"

    def _release_due_retries(self) -> None:
        now = self._clock()
        while self._delayed and self._delayed[0][0] <= now:
            _, step = heapq.heappop(self._delayed)
            self._move(step.key, _RD)
            heapq.heappush(self._ready, step)


def blocker(
    step: ExecutionStep,
    failed: Container[str],
    produced: Container[tuple[str, str]],
    collected: Callable[[CollectRef], list[str]],
) -> tuple[str, str | None] | None:
    """What keeps ``step`` from running once it waits for nothing more, or None if nothing does.

    ``(step key, None)``: that upstream step failed; ``(step key, output)``: that output was
    not produced; ``("", "")``: none of the outputs a fan-in input gathers was produced.
    ``collected`` gives the mapped steps a collect input gathers.
    """
    mapping_key = step.mapping_key
    for flat_input in step.spec.inputs:
        source = flat_input.source
        if isinstance(source, StepOutputRef):
            up = source.step_key(mapping_key)
            if up in failed:
                return up, None
            if (up, source.output) not in produced:
                return up, source.output
        elif isinstance(source, DynamicElementRef):
            if source.handle in failed:
                return source.handle, None
        elif isinstance(source, CollectRef):
            if source.root_handle in failed:
                return source.root_handle, None
            if source.root not in produced:
                return source.root
            for up in collected(source) if source.over_mapped else ():
                if up in failed:
                    return up, None
        elif isinstance(source, FanInRef):
            steps = [i for i in source.items if isinstance(i, StepOutputRef)]
            for item in steps:
                if item.handle in failed:
                    return item.handle, None
            if (
                steps
                and len(steps) == len(source.items)
                and not any((i.handle, i.output) in produced for i in steps)
            ):
                return "", ""
    return None
