"""The state machine of a run's steps: which are waiting, ready, running or done.

A step moves WAITING -> READY (all its upstream steps are done) -> RUNNING ->
SUCCEEDED | FAILED | SKIPPED; a step whose upstream failed is ABANDONED
without running. A failed step with retries left goes RUNNING -> UP_FOR_RETRY
-> READY once its delay has passed. Executors take ready steps with :meth:`RunState.pop_ready`
and report each outcome with :meth:`RunState.finish`; nothing polls.

Readiness is counted, not searched: each step holds the number of upstream
steps still unfinished, and finishing a step decrements its dependents. When
a dynamic output's step finishes, the steps mapped over it are created
(``op[key]``) and the steps that collect them start waiting on them too.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Iterable, Mapping
from enum import Enum

from .plan import (
    ExecutionPlan,
    FromCollected,
    FromDynamicValue,
    FromFanIn,
    FromStep,
    StepSpec,
)

__all__ = ["StepState", "ExecutionStep", "RunState", "RUN", "SKIP", "ABANDON"]


class StepState(Enum):
    WAITING = "WAITING"
    READY = "READY"
    RUNNING = "RUNNING"
    UP_FOR_RETRY = "UP_FOR_RETRY"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    SKIPPED = "SKIPPED"
    ABANDONED = "ABANDONED"


_TERMINAL = frozenset(
    {StepState.SUCCEEDED, StepState.FAILED, StepState.SKIPPED, StepState.ABANDONED}
)

RUN = "run"
SKIP = "skip"
ABANDON = "abandon"


class ExecutionStep:
    """One concrete step: a spec, and for a mapped op the mapping key it runs for."""

    __slots__ = ("attempt", "key", "mapping_key", "order", "spec")

    def __init__(self, spec: StepSpec, mapping_key: str | None, index: int) -> None:
        self.key = spec.key if mapping_key is None else f"{spec.key}[{mapping_key}]"
        self.spec = spec
        self.mapping_key = mapping_key
        self.order = (spec.level, spec.key, index)
        self.attempt = 1

    @property
    def handle(self) -> str:
        return self.spec.key

    def __lt__(self, other: ExecutionStep) -> bool:
        return self.order < other.order

    def __repr__(self) -> str:
        return f"ExecutionStep({self.key})"


class RunState:
    """Tracks every step of one run; see the module docstring."""

    def __init__(self, plan: ExecutionPlan, clock: Callable[[], float] = time.monotonic) -> None:
        self._plan = plan
        self._clock = clock
        self._delayed: list[tuple[float, ExecutionStep]] = []
        self.steps: dict[str, ExecutionStep] = {}
        self.state: dict[str, StepState] = {}
        self._pending: dict[str, int] = {}
        self._dependents: dict[str, list[str]] = {}
        self._ready: list[ExecutionStep] = []
        self.produced: set[tuple[str, str]] = set()
        self.failed: set[str] = set()
        self.dynamic_keys: dict[tuple[str, str], list[str]] = {}
        self._running = 0
        for spec in plan.specs.values():
            if spec.scope is None:
                self._add(spec, None, 0)

    # -- building ----------------------------------------------------------

    def _add(self, spec: StepSpec, mapping_key: str | None, index: int) -> None:
        step = ExecutionStep(spec, mapping_key, index)
        key = step.key
        self.steps[key] = step
        state = self.state
        pending = 0
        for up in _upstream_keys(spec, mapping_key):
            if state.get(up) not in _TERMINAL:
                pending += 1
                dependents = self._dependents.get(up)
                if dependents is None:
                    self._dependents[up] = [key]
                else:
                    dependents.append(key)
        self._pending[key] = pending
        if pending:
            state[key] = StepState.WAITING
        else:
            state[key] = StepState.READY
            heapq.heappush(self._ready, step)

    def _expand(self, step: ExecutionStep, dynamic: Mapping[str, list[str]]) -> None:
        plan = self._plan
        for output, keys in dynamic.items():
            root = (step.spec.key, output)
            self.dynamic_keys[root] = keys
            for spec in plan.mapped_by_root.get(root, ()):
                for index, mapping_key in enumerate(keys):
                    self._add(spec, mapping_key, index)
            for collector in plan.collectors_by_root.get(root, ()):
                self._wait_for_mapped(collector.key, collector, root, keys)

    def _wait_for_mapped(
        self, collector: str, spec: StepSpec, root: tuple[str, str], keys: list[str]
    ) -> None:
        for step_input in spec.inputs:
            source = step_input.source
            if not (isinstance(source, FromCollected) and source.over_mapped):
                continue
            if (source.root.handle, source.root.output) != root:
                continue
            for mapping_key in keys:
                instance = f"{source.spec_key}[{mapping_key}]"
                if self.state.get(instance) not in _TERMINAL:
                    self._pending[collector] += 1
                    self._dependents.setdefault(instance, []).append(collector)

    # -- driving -------------------------------------------------------------

    def pop_ready(self) -> ExecutionStep | None:
        """The next ready step in plan order (dependency level, then key), or None."""
        if self._delayed:
            self._release_due_retries()
        if not self._ready:
            return None
        step = heapq.heappop(self._ready)
        self.state[step.key] = StepState.RUNNING
        self._running += 1
        return step

    @property
    def has_ready(self) -> bool:
        return bool(self._ready)

    @property
    def running(self) -> int:
        return self._running

    def finish(
        self,
        step: ExecutionStep,
        outcome: StepState,
        produced: Iterable[str] = (),
        dynamic: Mapping[str, list[str]] | None = None,
    ) -> None:
        """Record how ``step`` ended and release the steps waiting on it."""
        key = step.key
        self.state[key] = outcome
        self._running -= 1
        if outcome is StepState.SUCCEEDED:
            for output in produced:
                self.produced.add((key, output))
            if dynamic:
                self._expand(step, dynamic)
        elif outcome is StepState.FAILED or outcome is StepState.ABANDONED:
            self.failed.add(key)
        for dependent in self._dependents.pop(key, ()):
            remaining = self._pending[dependent] - 1
            self._pending[dependent] = remaining
            if remaining == 0:
                self.state[dependent] = StepState.READY
                heapq.heappush(self._ready, self.steps[dependent])

    def retry(self, step: ExecutionStep, delay: float = 0.0) -> None:
        """Queue another attempt of ``step``, ready once ``delay`` seconds have passed."""
        step.attempt += 1
        self._running -= 1
        self.state[step.key] = StepState.UP_FOR_RETRY
        heapq.heappush(self._delayed, (self._clock() + delay, step))

    def _release_due_retries(self) -> None:
        now = self._clock()
        while self._delayed and self._delayed[0][0] <= now:
            _, step = heapq.heappop(self._delayed)
            self.state[step.key] = StepState.READY
            heapq.heappush(self._ready, step)

    def seconds_until_retry(self) -> float | None:
        """How long until the next retry is due, or None when no step waits to retry."""
        if not self._delayed:
            return None
        return max(0.0, self._delayed[0][0] - self._clock())

    def verdict(self, step: ExecutionStep) -> tuple[str, str | None]:
        """Whether a ready step should run, be skipped (an input was not produced), or be
        abandoned (an upstream step failed), with the reason."""
        mapping_key = step.mapping_key
        failed = self.failed
        produced = self.produced
        for step_input in step.spec.inputs:
            source = step_input.source
            if isinstance(source, FromStep):
                up = source.step_key(mapping_key)
                if up in failed:
                    return ABANDON, f"upstream step '{up}' failed"
                if (up, source.output) not in produced:
                    return SKIP, f"output '{source.output}' of step '{up}' was not produced"
            elif isinstance(source, FromDynamicValue):
                if source.spec_key in failed:
                    return ABANDON, f"upstream step '{source.spec_key}' failed"
            elif isinstance(source, FromCollected):
                root = source.root
                if root.handle in failed:
                    return ABANDON, f"upstream step '{root.handle}' failed"
                if (root.handle, root.output) not in produced:
                    return SKIP, f"output '{root.output}' of step '{root.handle}' was not produced"
                if source.over_mapped:
                    for key in self.dynamic_keys.get((root.handle, root.output), ()):
                        instance = f"{source.spec_key}[{key}]"
                        if instance in failed:
                            return ABANDON, f"upstream step '{instance}' failed"
            elif isinstance(source, FromFanIn):
                steps = [i for i in source.items if isinstance(i, FromStep)]
                for item in steps:
                    if item.spec_key in failed:
                        return ABANDON, f"upstream step '{item.spec_key}' failed"
                if (
                    steps
                    and len(steps) == len(source.items)
                    and not any((i.spec_key, i.output) in produced for i in steps)
                ):
                    return SKIP, "none of the outputs it fans in were produced"
        return RUN, None

    @property
    def is_done(self) -> bool:
        return not self._ready and not self._delayed and self._running == 0

    def unfinished(self) -> list[str]:
        """Steps that never reached a final state (waiting on something that never came)."""
        return [k for k, s in self.state.items() if s not in _TERMINAL]


def _upstream_keys(spec: StepSpec, mapping_key: str | None) -> set[str]:
    keys: set[str] = set()
    for step_input in spec.inputs:
        source = step_input.source
        if isinstance(source, FromStep):
            keys.add(source.step_key(mapping_key))
        elif isinstance(source, FromDynamicValue):
            keys.add(source.spec_key)
        elif isinstance(source, FromCollected):
            keys.add(source.root.handle)
        elif isinstance(source, FromFanIn):
            for item in source.items:
                if isinstance(item, FromStep):
                    keys.add(item.step_key(mapping_key))
    return keys
