"""The multiprocess executor: a run's steps on a pool of worker processes started once per run.

The run process keeps the step state machine and the event log; workers
(``_worker.py``) import the user's code once and run one step per request,
or every step of an execution unit (a graph marked ``unit=True``) as one
request.
The loop reacts to messages (an entry recorded, a step ended, a worker
gone); it waits on the workers' pipes and only times out when a retry is
due. Up to ``max_concurrent`` workers run at once; a step whose tags hit a
``tag_concurrency_limits`` limit waits while other ready steps go ahead.

A worker that dies mid-step (killed, out of memory) fails that step with
an event saying so; the run goes on with a new worker where it can.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from ...errors import DagwrightError, InvariantViolationError
from ..output_loader import LAZY
from ..state import ExecutionStep
from ._loop import StepLoop, StepsOutcome, tag_limits_from, worker_setup
from ._worker import Facts, WorkerSetup, worker_main

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from .._run import RunContext

__all__ = [
    "execute_steps_multiprocess",
    "WorkerDiedError",
    "WorkerStartError",
    "MultiprocessSettings",
]

# Imported once by the forkserver, so each worker forks with them loaded.
_PRELOAD = [
    "dagwright.execution.executors._worker",
    "dagwright.execution.api",
    "dagwright.storage.instance",
    "dagwright.storage.sql.storage",
    "dagwright.storage.settings",
    "dagwright.storage.compute_logs",
    "dagwright.storage.fs_io_manager",
]


class WorkerDiedError(DagwrightError):
    """A worker process ended while it ran a step (killed, crashed, out of memory)."""

    step_key: str
    pid: int | None
    exitcode: int | None

    def __init__(self, *, step_key: str, pid: int | None, exitcode: int | None) -> None:
        super().__init__(step_key=step_key, pid=pid, exitcode=exitcode)

    def _compose(self) -> str:
        how = f"exit code {self.exitcode}" if self.exitcode is not None else "no exit code"
        if self.exitcode is not None and self.exitcode < 0:
            import signal

            how = f"signal {signal.Signals(-self.exitcode).name}"
        return (
            f"the worker process (pid {self.pid}) running step '{self.step_key}' died ({how}).\n"
            "  Fix: look for what killed it (out of memory, a kill, a crash in native code); "
            "the events written before it died are kept, and ReexecutionOptions.from_failure "
            "re-runs what did not finish."
        )


class WorkerStartError(DagwrightError):
    """A worker process ended before it was ready to run steps."""

    pid: int | None
    exitcode: int | None

    def __init__(self, *, pid: int | None, exitcode: int | None) -> None:
        super().__init__(pid=pid, exitcode=exitcode)

    def _compose(self) -> str:
        return (
            f"a worker process (pid {self.pid}) ended before it could run steps "
            f"(exit code {self.exitcode}); its own error is printed above.\n"
            "  Fix: a script that runs jobs on worker processes must start them under "
            '`if __name__ == "__main__":` (workers import the script\'s module); check that '
            "the job's module imports cleanly in a fresh interpreter."
        )


class MultiprocessSettings:
    """The executor's config, read from run config ``execution: {config: ...}``."""

    __slots__ = ("max_concurrent", "preload", "start_method", "tag_limits")

    def __init__(self, config: Mapping[str, Any] | None) -> None:
        config = config or {}
        self.max_concurrent = int(config.get("max_concurrent") or os.cpu_count() or 1)
        self.tag_limits = tag_limits_from(config)
        method = config.get("start_method") or {"forkserver": {}}
        (self.start_method, options), *_ = method.items()
        self.preload = [*_PRELOAD, *((options or {}).get("preload_modules") or ())]


class _Worker:
    __slots__ = ("connection", "pid", "process", "ready", "seen", "step")

    def __init__(self, process: BaseProcess, connection: Connection) -> None:
        self.process = process
        self.connection = connection
        self.pid = process.pid
        self.seen = 0  # how many facts it has been sent
        self.ready = False  # it has loaded the job and started the resources
        self.step: ExecutionStep | None = None


class _Pool:
    """The run's workers: started on demand, up to ``max_concurrent``; stopped at the end."""

    def __init__(self, run: RunContext, settings: MultiprocessSettings, setup: WorkerSetup) -> None:
        import multiprocessing

        self._run = run
        self._setup = setup
        self._max = settings.max_concurrent
        self._ctx = multiprocessing.get_context(settings.start_method)
        if settings.start_method == "forkserver":
            self._ctx.set_forkserver_preload(settings.preload)
        self.workers: list[_Worker] = []
        self.idle: list[_Worker] = []

    def can_take(self) -> bool:
        return bool(self.idle) or len(self.workers) < self._max

    def take(self) -> _Worker:
        if self.idle:
            return self.idle.pop()
        parent_end, child_end = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=worker_main,
            args=(child_end, self._setup),
            name=f"dagwright-worker-{self._run.run_id[:8]}",
            daemon=True,
        )
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        self.workers.append(worker)
        return worker

    def remove(self, worker: _Worker) -> None:
        self.workers.remove(worker)
        if worker in self.idle:
            self.idle.remove(worker)
        worker.connection.close()

    def stop(self, on_message: Any) -> None:
        """Ask every worker to tear down and leave; pass on what they record meanwhile."""
        for worker in self.workers:
            with contextlib.suppress(OSError):
                worker.connection.send(("stop",))
        deadline = time.monotonic() + 30
        for worker in list(self.workers):
            try:
                while time.monotonic() < deadline:
                    if not worker.connection.poll(max(0.0, deadline - time.monotonic())):
                        break
                    message = worker.connection.recv()
                    if message[0] == "stopped":
                        break
                    on_message(worker, message)
            except (EOFError, OSError):
                pass
            worker.process.join(timeout=max(0.1, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.connection.close()
        self.workers.clear()
        self.idle.clear()


def execute_steps_multiprocess(
    run: RunContext, job_source: Any, config: Mapping[str, Any] | None, *, stop_on_failure: bool
) -> StepsOutcome:
    """Run every step of ``run`` on worker processes.

    Returns the failed steps with their exceptions, the failure that stopped
    a worker from starting (resources, loading the job), if any, and whether
    the run was canceled (its running steps were interrupted). Ctrl-C
    interrupts the running steps too, then is raised again.
    """
    settings = MultiprocessSettings(config)
    setup = worker_setup(run, job_source)
    loop = _Loop(run, settings, _Pool(run, settings, setup), stop_on_failure)
    try:
        outcome = loop.run()
    finally:
        loop.pool.stop(loop.on_message)
    if loop.interrupted:
        raise KeyboardInterrupt
    _note_outputs(run, loop.facts)
    return outcome


def _note_outputs(run: RunContext, facts: Facts) -> None:
    """Mark in the run's outputs what the steps produced; the result loads values on demand."""
    outputs = run.outputs
    for step_key, produced, dynamic in facts:
        for name in produced:
            if not dynamic or name not in dynamic:
                outputs.values[(step_key, name)] = LAZY
        for name, keys in (dynamic or {}).items():
            outputs.dynamic[(step_key, name)] = dict.fromkeys(keys, LAZY)


class _Loop(StepLoop):
    """The run process's side: the shared loop (``_loop.py``) over the pool's workers."""

    def __init__(
        self, run: RunContext, settings: MultiprocessSettings, pool: _Pool, stop_on_failure: bool
    ) -> None:
        super().__init__(run, settings.tag_limits, stop_on_failure)
        self.pool = pool

    # -- the transport -----------------------------------------------------

    def has_room(self) -> bool:
        return self.pool.can_take()

    def start(self, step: ExecutionStep) -> None:
        worker = self.pool.take()
        worker.step = step
        facts = self.facts[worker.seen :]
        worker.seen = len(self.facts)
        unit = step.spec.flat.unit
        if unit is not None:  # the whole unit, as one task
            failed = self.unit_failures(step)
            worker.connection.send(
                ("unit", unit.handle, step.attempt, facts, failed, self.stop_on_failure)
            )
        else:
            worker.connection.send(("step", step.spec.key, step.mapping_key, step.attempt, facts))

    def busy(self) -> bool:
        return any(worker.step is not None for worker in self.pool.workers)

    def wait(self, timeout: float | None) -> None:
        from multiprocessing.connection import wait

        by_connection = {w.connection: w for w in self.pool.workers}
        for connection in wait(list(by_connection), timeout):
            self._drain(by_connection[connection])  # type: ignore[index]

    def interrupt_running(self) -> None:
        """SIGTERM to the workers running a step: the step raises RunCanceled there."""
        for worker in self.pool.workers:
            if worker.step is not None and worker.process.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(worker.process.pid, signal.SIGTERM)

    # -- what comes back -------------------------------------------------

    def _drain(self, worker: _Worker) -> None:
        connection = worker.connection
        try:
            while connection.poll():
                self.on_message(worker, connection.recv())
        except (EOFError, OSError):
            self._worker_died(worker)

    def on_message(self, worker: _Worker, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "entry":
            self.record(message[1])
        elif kind == "ready":
            worker.ready = True
        elif kind == "outcome":
            step = worker.step
            if step is None or step.key != message[1]:
                raise InvariantViolationError(
                    f"worker {worker.pid} reported the outcome of step '{message[1]}', but it "
                    f"was running {step.key if step else 'no step'!r}."
                )
            self._release(worker, "idle")
            self.step_ended(step, *message[2:])
        elif kind == "unit_outcome":
            step = self._release(worker, "idle")
            assert step is not None
            self.unit_ended(step, message[2])
        elif kind == "failed":
            self.start_failed(self._release(worker, "gone"), message[2])
        elif kind == "interrupted":
            # It tears down and leaves; the pool collects what teardown records.
            step = self._release(worker, "leaving")
            if step is not None and step.spec.flat.unit is not None:
                self.unit_interrupted(step, message[1])
            elif step is not None:
                self.step_interrupted(step)

    def _release(
        self, worker: _Worker, then: Literal["idle", "leaving", "gone"]
    ) -> ExecutionStep | None:
        """The step ``worker`` ran; ``then`` the worker is ``idle`` (takes another step),
        ``leaving`` (stays in the pool until it stopped) or ``gone`` (out of the pool)."""
        step, worker.step = worker.step, None
        if then == "idle":
            self.pool.idle.append(worker)
        elif then == "gone" and worker in self.pool.workers:
            self.pool.remove(worker)
        return step

    def _worker_died(self, worker: _Worker) -> None:
        worker.process.join(timeout=5)
        exitcode = worker.process.exitcode
        step = self._release(worker, "gone")
        if not worker.ready and self.canceled and step is not None:
            self.step_dropped(step)  # stopped by the cancel while it started
        elif not worker.ready:
            self.start_failed(step, WorkerStartError(pid=worker.pid, exitcode=exitcode))
        elif step is not None and step.spec.flat.unit is not None:
            self.unit_lost(
                step,
                lambda key: WorkerDiedError(step_key=key, pid=worker.pid, exitcode=exitcode),
            )
        elif step is not None:
            self.step_lost(
                step, WorkerDiedError(step_key=step.key, pid=worker.pid, exitcode=exitcode)
            )
