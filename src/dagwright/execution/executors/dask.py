"""The Dask executor: a run's steps as tasks on a Dask cluster, one task per step attempt.

The run process connects a Dask client to an existing scheduler
(``cluster: {existing: {address}}``) or to a ``LocalCluster`` it starts
for the run and closes at the end (``cluster: {local: {...}}``, the
default). It keeps the step state machine and the event log, as the
multiprocess executor does (the loop is shared, ``_loop.py``), so retries,
skips, dynamic outputs and tag limits behave alike: a step is submitted
when the state machine makes it ready, so its upstream steps have always
finished. Dask workers (``_dask_worker.py``) rebuild the job and start
its resources once per run and worker process; outputs pass between steps
through the run's IO managers, which must store them where every worker
can read (the default on a persistent instance writes files). An execution
unit (a graph marked ``unit=True``) is one task: its steps run one after
another on one worker, values passing between them in memory.

A task's news reach the run process as Dask events, in order: that it
started, each entry as its step records it, and its outcome; the task's
result (the outcome and every entry again) is fetched only when an event
went missing. The loop reacts to what the client's threads put in one
queue (an event, a task done); it only times out when a retry is due.

A cancel interrupts the run's steps on every worker (:func:`interrupt_run`:
the step's thread gets RunCanceled); tasks not yet started return without
running their step.

A Dask worker that dies or leaves mid-step fails the step, or retries it
if its retry policy allows another attempt; a step that was only queued
on that worker is sent again. On a cluster this executor starts, Dask
itself never re-runs a task whose worker died (``allowed-failures`` is 0),
so the step's retry policy alone decides.
"""

from __future__ import annotations

import contextlib
import itertools
import pickle
import queue
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ...definitions._flatten import CollectRef
from ...errors import DagwrightError, InvalidInvocationError
from ...records import EventLogEntry
from ..state import ExecutionStep, RunState
from ._dask_worker import (
    ENDED,
    STARTED,
    TOPIC,
    close_run,
    interrupt_run,
    pickled_setup,
    run_step_task,
    run_unit_task,
)
from ._loop import StepLoop, StepsOutcome, tag_limits_from, worker_setup
from ._worker import Facts, WorkerSetup

if TYPE_CHECKING:
    from .._run import RunContext

__all__ = [
    "execute_steps_dask",
    "check_dask_installed",
    "DaskSettings",
    "DaskWorkerLostError",
    "DaskTaskError",
    "DaskClusterError",
]


class DaskWorkerLostError(DagwrightError):
    """The Dask worker running a step died or left the cluster before the step ended."""

    step_key: str
    worker: str | None

    def __init__(self, *, step_key: str, worker: str | None) -> None:
        super().__init__(step_key=step_key, worker=worker)

    def _compose(self) -> str:
        where = f" ({self.worker})" if self.worker else ""
        return (
            f"the Dask worker{where} running step '{self.step_key}' died or left the cluster "
            "before the step finished.\n"
            "  Fix: look for what ended it (out of memory, a kill, a crash in native code, the "
            "cluster scaling down); give the op a RetryPolicy to retry it on another worker. "
            "The events the step recorded before are kept, and ReexecutionOptions.from_failure "
            "re-runs what did not finish."
        )


class DaskTaskError(DagwrightError):
    """Dask could not run a step's task at all (not a failure of the step's own code)."""

    step_key: str
    error: str

    def __init__(self, *, step_key: str, error: str) -> None:
        super().__init__(step_key=step_key, error=error)

    def _compose(self) -> str:
        return (
            f"Dask could not run the task of step '{self.step_key}': {self.error}\n"
            "  Fix: every Dask worker must import dagwright and the job's module (the same "
            "versions as the run process); the job pointer and the run config must be picklable."
        )


class DaskClusterError(DagwrightError):
    """The run could not reach or start its Dask cluster."""

    cluster: str
    error: str

    def __init__(self, *, cluster: str, error: str) -> None:
        super().__init__(cluster=cluster, error=error)

    def _compose(self) -> str:
        return (
            f"the Dask executor could not use {self.cluster}: {self.error}\n"
            "  Fix: check that the scheduler address is right and the scheduler is running "
            "(`dask scheduler` prints its address), or use `cluster: {local: {}}` to start a "
            "cluster for the run."
        )


def check_dask_installed(where: str) -> None:
    """Raise a clear error when dask.distributed, the ``dask`` extra, is not installed."""
    import importlib.util

    if importlib.util.find_spec("distributed") is None:
        raise InvalidInvocationError(
            "the dask executor needs dask.distributed, which is not installed.",
            where=where,
            fix="install the extra: pip install 'dagwright[dask]'.",
        )


class DaskSettings:
    """The executor's config, read from run config ``execution: {config: ...}``."""

    __slots__ = ("address", "local", "max_concurrent", "tag_limits")

    def __init__(self, config: Mapping[str, Any] | None) -> None:
        config = config or {}
        cluster = config.get("cluster") or {"local": {}}
        ((kind, options),) = cluster.items()
        options = dict(options or {})
        self.address: str | None = options["address"] if kind == "existing" else None
        self.local: dict[str, Any] = options if kind == "local" else {}
        limit = config.get("max_concurrent")
        self.max_concurrent: int | None = int(limit) if limit else None
        self.tag_limits = tag_limits_from(config)


def execute_steps_dask(
    run: RunContext, job_source: Any, config: Mapping[str, Any] | None, *, stop_on_failure: bool
) -> StepsOutcome:
    """Run every step of ``run`` as Dask tasks.

    Returns the failed steps with their exceptions, the failure that kept
    the run from going on (the cluster, loading the job or starting
    resources on a worker), if any, and whether the run was canceled.
    Ctrl-C interrupts the running steps too, then is raised again.
    """
    settings = DaskSettings(config)
    try:
        client, cluster = _connect(settings)
    except DaskClusterError as error:
        return [], error, False
    try:
        loop = _DaskLoop(run, settings, client, worker_setup(run, job_source), stop_on_failure)
        try:
            outcome = loop.run()
        finally:
            loop.close()
        if loop.interrupted:
            raise KeyboardInterrupt
        return outcome
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _distributed() -> Any:
    """The dask.distributed module (untyped: its clients, clusters and futures are Any here)."""
    import distributed

    return distributed


def _connect(settings: DaskSettings) -> tuple[Any, Any]:
    """A client of the configured cluster, and the LocalCluster started for the run (or None)."""
    import dask

    distributed = _distributed()
    if settings.address is not None:
        try:
            return distributed.Client(settings.address, set_as_default=False), None
        except OSError as error:
            raise DaskClusterError(
                cluster=f"the scheduler at {settings.address}", error=str(error)
            ) from error
    # Dask must not re-run a step whose worker died: the step's retry policy decides.
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), _ctrl_c_ignored():
        try:
            cluster = distributed.LocalCluster(**settings.local)
        except (TypeError, ValueError, OSError, RuntimeError) as error:
            raise DaskClusterError(
                cluster=f"a LocalCluster({_call_args(settings.local)})", error=str(error)
            ) from error
    try:
        return distributed.Client(cluster, set_as_default=False), cluster
    except BaseException:
        cluster.close()
        raise


@contextlib.contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    """Start the cluster's processes ignoring SIGINT (they inherit it): Ctrl-C in a terminal
    reaches the whole process group, and the run process, not the workers, decides what to do
    (interrupt the steps, tear the resources down on the workers, then stop)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _call_args(options: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in options.items())


class _Task:
    """One step attempt submitted to Dask: its future, whether it started, entries recorded."""

    __slots__ = ("future", "recorded", "resent", "started", "step")

    def __init__(self, step: ExecutionStep, future: Any, resent: int) -> None:
        self.step = step
        self.future = future
        self.resent = resent  # times sent again after a worker left before it started
        self.started = False
        self.recorded = 0  # entries recorded so far


_MAX_RESENDS = 3
"""Times a step queued on a worker that left is sent again before it counts as lost."""


class _DaskLoop(StepLoop):
    """The run process's side: the shared loop (``_loop.py``) over Dask tasks."""

    def __init__(
        self,
        run: RunContext,
        settings: DaskSettings,
        client: Any,
        setup: WorkerSetup,
        stop_on_failure: bool,
    ) -> None:
        super().__init__(run, settings.tag_limits, stop_on_failure)
        self.client = client
        self.setup = pickled_setup(setup)
        self.max_in_flight = settings.max_concurrent
        self.tasks: dict[str, _Task] = {}
        # What the client's threads report: ("event", task key, index, data) or ("done", key).
        self.inbox: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self.facts_by_step: dict[str, Any] = {}
        self.counter = itertools.count()
        client.subscribe_topic(TOPIC, self._on_event)

    # -- the transport -----------------------------------------------------

    def has_room(self) -> bool:
        return self.max_in_flight is None or len(self.tasks) < self.max_in_flight

    def start(self, step: ExecutionStep) -> None:
        self._submit(step, 0)

    def busy(self) -> bool:
        return bool(self.tasks)

    def wait(self, timeout: float | None) -> None:
        try:
            message = self.inbox.get(timeout=timeout)
        except queue.Empty:
            return
        while True:
            self._on_message(message)
            try:
                message = self.inbox.get_nowait()
            except queue.Empty:
                return

    def interrupt_running(self) -> None:
        # If the cluster is gone (OSError), its tasks come back lost.
        with contextlib.suppress(OSError):
            self.client.run(interrupt_run, self.run_context.run_id, on_error="ignore")

    def close(self) -> None:
        """Stop listening; cancel what is still out; tear the run down on every worker."""
        client = self.client
        client.unsubscribe_topic(TOPIC)
        if self.tasks:  # interrupted: nothing will wait for these
            client.cancel([task.future for task in self.tasks.values()])
            self.tasks.clear()
        run_id = self.run_context.run_id
        try:
            closed = client.run(close_run, run_id, on_error="ignore")
        except OSError:
            return  # the cluster is gone, and the run's share of it with it
        for entries in closed.values():
            self._record(entries, 0)
        self.run_context.log.flush()

    def _submit(self, step: ExecutionStep, resent: int) -> None:
        run_id = self.run_context.run_id
        key = f"{step.key}-{run_id}-{step.attempt}-{next(self.counter)}"
        unit = step.spec.flat.unit
        if unit is not None:  # the whole unit, as one task
            future = self.client.submit(
                run_unit_task,
                run_id,
                self.setup,
                unit.handle,
                step.attempt,
                self._facts_for(step),
                self.unit_failures(step),
                self.stop_on_failure,
                key,
                key=key,
                pure=False,
            )
        else:
            future = self.client.submit(
                run_step_task,
                run_id,
                self.setup,
                step.spec.key,
                step.mapping_key,
                step.attempt,
                self._facts_for(step),
                key,
                key=key,
                pure=False,
            )
        self.tasks[key] = _Task(step, future, resent)
        inbox = self.inbox
        future.add_done_callback(lambda _: inbox.put(("done", key)))

    def _facts_for(self, step: ExecutionStep) -> Facts:
        """The facts of the steps ``step`` reads from (all a worker needs to load its inputs)."""
        by_step = self.facts_by_step
        if len(by_step) < len(self.facts):
            for fact in self.facts[len(by_step) :]:
                by_step[fact[0]] = fact
        unit = step.spec.flat.unit
        upstream = unit.upstream if unit is not None else _upstream_keys(step, self.state)
        return [by_step[key] for key in upstream if key in by_step]

    # -- what comes back -------------------------------------------------

    def _on_event(self, event: tuple[float, Any]) -> None:
        """A Dask event of TOPIC (on the client's event loop thread): queue this run's."""
        run_id, key, index, data = event[1]
        if run_id == self.run_context.run_id:
            self.inbox.put(("event", key, index, data))

    def _on_message(self, message: tuple[Any, ...]) -> None:
        if message[0] == "done":
            task = self.tasks.pop(message[1], None)
            if task is not None:  # it ended without telling its outcome
                self._task_done(task)
            return
        _, key, index, data = message
        task = self.tasks.get(key)
        if task is None:
            return  # late news of a task already dealt with
        if index == STARTED:
            task.started = True
        elif index == ENDED:
            del self.tasks[key]
            outcome, count = pickle.loads(data)
            if task.recorded < count:  # an entry went missing on the way: fetch them all
                task.recorded = self._record(task.future.result()[1], task.recorded)
            task.future.release()
            self._ended(task.step, outcome)
        elif index == task.recorded:
            self._record([data], 0)
            task.recorded += 1

    def _ended(self, step: ExecutionStep, outcome: tuple[Any, ...]) -> None:
        unit = step.spec.flat.unit
        if outcome[0] == "unit_outcome":
            self.unit_ended(step, outcome[2])
        elif outcome[0] == "interrupted" and unit is not None:
            self.unit_interrupted(step, outcome[1])
        elif outcome[0] == "interrupted":
            self.step_interrupted(step)
        elif outcome[0] == "dropped":
            self.step_dropped(step)
        elif outcome[0] == "failed":
            self.start_failed(step, outcome[1])
        elif outcome[0] == "unreadable":
            error = outcome[1]
            problem = f"{type(error).__name__}: {error}"
            self.start_failed(step, DaskTaskError(step_key=step.key, error=problem))
        else:
            assert outcome[1] == step.key
            self.step_ended(step, *outcome[2:])

    def _task_done(self, task: _Task) -> None:
        """A task ended without its outcome event: take its result, or see why it failed."""
        future = task.future
        step = task.step
        status = future.status
        error: BaseException | None = None
        if status == "finished":
            try:
                outcome, entries = future.result()
            except Exception as gone:  # its worker left before the result was fetched
                error = gone
            else:
                future.release()
                self._record(entries, task.recorded)
                self._ended(step, outcome)
                return
        elif status == "error":
            error = future.exception()
        future.release()
        if error is not None and _is_killed_worker(error):
            if not task.started and self.canceled:
                self.step_dropped(step)  # never sent again: a new worker knows of no cancel
                return
            if not task.started and task.resent < _MAX_RESENDS:
                self._submit(step, task.resent + 1)  # it never ran: send it again
                return
            worker = _worker_of(error)
            if step.spec.flat.unit is not None:
                self.unit_lost(step, lambda key: DaskWorkerLostError(step_key=key, worker=worker))
                return
            lost = DaskWorkerLostError(step_key=step.key, worker=worker)
            self.step_lost(step, lost, retry_by_policy=True)
            return
        problem = f"{type(error).__name__}: {error}" if error is not None else f"it was {status}"
        self.start_failed(step, DaskTaskError(step_key=step.key, error=problem))

    def _record(self, entries: list[bytes], start: int) -> int:
        """Record ``entries[start:]``; return how many of them are recorded now."""
        for data in entries[start:]:
            self.record(EventLogEntry.from_json(data))
        return max(start, len(entries))


def _upstream_keys(step: ExecutionStep, state: RunState) -> list[str]:
    """The steps ``step`` waits for (as the state machine counts them)."""
    mapping_key = step.mapping_key
    keys = [
        f"{handle}[{mapping_key}]" if mapped else handle
        for handle, mapped in step.spec.flat.upstream
    ]
    for flat_input in step.spec.inputs:
        source = flat_input.source
        if isinstance(source, CollectRef) and source.over_mapped:
            keys.extend(f"{source.handle}[{k}]" for k in state.dynamic_keys(source.root))
    return keys


def _is_killed_worker(error: BaseException) -> bool:
    from distributed.scheduler import KilledWorker

    return isinstance(error, KilledWorker)


def _worker_of(error: BaseException) -> str | None:
    """The address of the worker a KilledWorker error names, if it names one."""
    worker = getattr(error, "last_worker", None)
    address = getattr(worker, "address", None)
    return str(address) if address else None
