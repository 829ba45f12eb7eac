"""Steps run at once inside the run process: the thread pool and async executors.

Both run each ready step on a thread of the run's own process, so steps hand
outputs over in memory and share the run's resources; each step keeps its
own context (its captured stdout/stderr, its events). They differ in what
they do with ``async def`` ops:

* ``thread_pool_executor`` runs every step on a thread, at most
  ``max_workers`` at once (async ops included, each awaited on the run's
  event loop while its thread waits).
* ``async_executor`` awaits async ops together on the run's event loop
  (:mod:`..event_loop`), up to ``max_concurrent`` at once, so many waiting
  steps cost little; sync ops run on a pool of ``max_workers`` threads
  beside it and never block that loop.

Both share the dispatch, retries and tag concurrency limits of
:class:`~._loop.StepLoop`. A cancel request (or Ctrl-C) stops dispatching;
steps already running finish (a thread cannot be interrupted from outside),
or, with ``cancel_timeout_seconds``, are recorded as interrupted once that
time has passed and left to end on their own (an async step's coroutine is
cancelled when the run's event loop closes).
"""

from __future__ import annotations

import contextvars
import os
import queue
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from ..step import StepOutcome, run_step
from ._loop import StepLoop, StepsOutcome, tag_limits_from

if TYPE_CHECKING:
    from .._run import RunContext
    from ..state import ExecutionStep

__all__ = ["execute_steps_in_threads", "default_max_workers"]

DEFAULT_MAX_CONCURRENT = 1000
"""Async steps the async executor awaits at once by default (they mostly wait)."""


def default_max_workers() -> int:
    """Threads for sync steps by default: as :class:`ThreadPoolExecutor` picks them."""
    return min(32, (os.cpu_count() or 1) + 4)


class _ThreadLoop(StepLoop):
    """A StepLoop whose transport is a thread pool of the run process."""

    sends_units = False  # a unit's steps run one by one here, values in the run's memory

    def __init__(
        self,
        run: RunContext,
        config: Mapping[str, Any],
        stop_on_failure: bool,
        *,
        awaits_on_loop: bool,
    ) -> None:
        super().__init__(run, tag_limits_from(config), stop_on_failure)
        self.max_workers = int(config.get("max_workers") or default_max_workers())
        self.max_async = int(config.get("max_concurrent") or DEFAULT_MAX_CONCURRENT)
        self.awaits_on_loop = awaits_on_loop
        self.running_sync = 0
        self.running_async = 0
        # After a cancel, running steps get this long to end before they are given up on.
        timeout = config.get("cancel_timeout_seconds")
        self.cancel_timeout: float | None = None if timeout is None else float(timeout)
        self.give_up_at: float | None = None
        self.running: dict[str, ExecutionStep] = {}
        self.abandoned: set[str] = set()
        self.done: queue.SimpleQueue[tuple[ExecutionStep, StepOutcome | BaseException]] = (
            queue.SimpleQueue()
        )
        pool_size = self.max_workers + (self.max_async if awaits_on_loop else 0)
        self.pool = ThreadPoolExecutor(pool_size, thread_name_prefix="dagwright-step")

    def _is_async(self, step: ExecutionStep) -> bool:
        compute = step.spec.op_def.compute
        return self.awaits_on_loop and (compute.is_async or compute.is_async_generator)

    def has_room(self) -> bool:
        has_async_room = self.awaits_on_loop and self.running_async < self.max_async
        return self.running_sync < self.max_workers or has_async_room

    def allows(self, step: ExecutionStep) -> bool:
        if self._is_async(step):
            room = self.running_async < self.max_async
        else:
            room = self.running_sync < self.max_workers
        return room and super().allows(step)

    def start(self, step: ExecutionStep) -> None:
        self._count(step, 1)
        self.running[step.key] = step
        context = contextvars.copy_context()  # the step's capture stays its own
        self.pool.submit(context.run, self._run_one, step)

    def _run_one(self, step: ExecutionStep) -> None:
        try:
            outcome: StepOutcome | BaseException = run_step(self.run_context, step)
        except BaseException as error:  # a bug in dagwright: the loop raises it
            outcome = error
        self.done.put((step, outcome))

    def busy(self) -> bool:
        return self.running_sync + self.running_async > 0

    def _count(self, step: ExecutionStep, sign: int) -> None:
        if self._is_async(step):
            self.running_async += sign
        else:
            self.running_sync += sign

    def wait(self, timeout: float | None) -> None:
        if self.give_up_at is not None:
            left = self.give_up_at - self.run_context.clock.monotonic()
            if left <= 0:
                self._give_up()
                return
            timeout = left if timeout is None else min(timeout, left)
        try:
            step, outcome = self.done.get(timeout=timeout)
        except queue.Empty:
            return
        while True:
            self._ended(step, outcome)
            try:
                step, outcome = self.done.get_nowait()
            except queue.Empty:
                return

    def _ended(self, step: ExecutionStep, outcome: StepOutcome | BaseException) -> None:
        if step.key in self.abandoned:
            return  # given up on after the cancel timeout: already recorded as interrupted
        self._count(step, -1)
        del self.running[step.key]
        if isinstance(outcome, BaseException):
            raise outcome
        self.step_ended(
            step,
            outcome.state.value,
            outcome.produced,
            outcome.dynamic,
            outcome.retry_delay,
            outcome.exception,
        )

    def interrupt_running(self) -> None:
        """Threads cannot be interrupted from outside: running steps finish, none starts;
        with ``cancel_timeout_seconds``, those still running then are given up on."""
        if self.cancel_timeout is not None:
            self.give_up_at = self.run_context.clock.monotonic() + self.cancel_timeout

    def _give_up(self) -> None:
        """The cancel timeout passed: record the steps still running as interrupted and stop
        waiting for them (their threads end on their own; what they report is dropped)."""
        for step in list(self.running.values()):
            self.abandoned.add(step.key)
            self._count(step, -1)
            del self.running[step.key]
            self.step_interrupted(step)

    def close(self) -> None:
        self.pool.shutdown(wait=not self.abandoned)


def execute_steps_in_threads(
    run: RunContext, config: Mapping[str, Any], *, stop_on_failure: bool, awaits_on_loop: bool
) -> tuple[StepsOutcome, bool]:
    """Run the steps of ``run`` on threads of this process (see the module docstring); return
    the outcome and whether Ctrl-C stopped the run (the caller raises it again)."""
    loop = _ThreadLoop(run, config, stop_on_failure, awaits_on_loop=awaits_on_loop)
    try:
        outcome = loop.run()
    finally:
        loop.close()
    return outcome, loop.interrupted
