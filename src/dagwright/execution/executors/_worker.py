"""A worker process of the multiprocess executor: rebuild the job once, then run steps on request.

The worker imports the user's code once (through the run's job pointer),
plans the run from the same resolved config, starts the run's resources,
and then runs one step per request from the run process, or the steps of
one execution unit, one after another (:meth:`StepHost.run_unit`). Everything a step
records goes back to the run process as it happens (the run process writes
the event log); outputs go through the run's IO managers, which must keep
them outside this process. Between steps the worker keeps no output
values, only the facts of which outputs exist (what a later step's input
loading needs to know), which the run process sends with each request.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import msgspec

from ...records import ErrorInfo, EventLogEntry, Run
from ..cancel import RunCanceled
from ..logs import LogSink, RunLog
from ..plan import ExecutionPlan
from ..resources import ResourceSet
from ..run_resources import close_run_resources, open_run_resources
from ..state import ExecutionStep, StepState, blocker
from ..step import StepOutcome, run_step

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from ...storage.settings import InstanceSettings

__all__ = [
    "WorkerSetup",
    "StepHost",
    "StartFailed",
    "worker_main",
    "portable",
    "PLACEHOLDER",
    "Facts",
]

PLACEHOLDER = object()
"""Stands for an output value kept by an IO manager (the worker only needs to know it exists)."""


class WorkerSetup(msgspec.Struct, frozen=True):
    """What a worker needs to take part in a run (sent once, when it starts)."""

    job_source: Any
    run: Run
    run_config: dict[str, Any]
    input_values: dict[str, Any]
    settings: Any  # InstanceSettings
    known_state: Any  # KnownState | None


class _PipeSink(LogSink):
    """Sends every entry the worker records to the run process, as it is recorded."""

    level = 0

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def handle(self, entry: EventLogEntry) -> None:
        self._connection.send(("entry", entry))


class StartFailed(Exception):
    """A process could not take part in the run: the job did not load or resources did not start."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


class StepHost:
    """One process's share of a run: the job rebuilt once, its resources started, steps run.

    Used by the multiprocess executor's workers and by Dask workers alike;
    what the steps record goes to ``sink``.
    """

    def __init__(self, setup: WorkerSetup, sink: LogSink) -> None:
        from ...storage.instance import Instance
        from .._run import RunContext

        try:
            job = setup.job_source.get_definition()
            settings: InstanceSettings = setup.settings
            instance = Instance.from_settings(settings)
            plan = ExecutionPlan.build(job, setup.run_config, setup.input_values, setup.known_state)
        except BaseException as error:
            raise StartFailed(error) from error
        log = RunLog(setup.run.run_id, job.name, None, [sink])
        self.context = RunContext(setup.run, job, plan, log, ResourceSet(), instance)
        try:
            failure = open_run_resources(self.context)
        except BaseException:  # interrupted while starting (a cancel): close what started
            close_run_resources(self.context)
            raise
        if failure is not None:
            close_run_resources(self.context)
            raise StartFailed(failure)
        self._current = threading.local()  # Dask runs steps on several threads at once

    @property
    def running(self) -> str | None:
        """The key of the step this thread runs (or ran last)."""
        key: str | None = getattr(self._current, "key", None)
        return key

    def run(
        self, spec_key: str, mapping_key: str | None, attempt: int, facts: Facts
    ) -> tuple[Any, ...]:
        """Run one attempt of a step; return ``("outcome", step key, state, produced,
        dynamic, retry delay, error)``."""
        context = self.context
        _learn(context.outputs, facts)
        step = ExecutionStep(context.plan.specs[spec_key], mapping_key, 0)
        step.attempt = attempt
        self._current.key = step.key
        outcome = run_step(context, step)
        self._forget(step.key, outcome)
        return _reported(step, outcome)

    def run_unit(
        self,
        handle: str,
        attempt: int,
        facts: Facts,
        failed: Mapping[str, str],
        stop_on_failure: bool = False,
    ) -> tuple[Any, ...]:
        """Run the steps of execution unit ``handle`` here, in order, values passing between
        them in memory; return ``("unit_outcome", handle, [outcome of each step that ran])``.

        ``failed``: the steps outside the unit that failed. A step that cannot run (an upstream
        step failed, an output it reads was not produced) is left out; the run process's state
        machine comes to the same verdict. When a step asks for a retry, the whole unit runs
        again after the delay, every step with the next attempt number. With
        ``stop_on_failure`` (a run that stops at its first failed step) the unit stops at its
        first failed step too.
        """
        context = self.context
        outputs = context.outputs
        _learn(outputs, facts)
        specs = context.plan.specs
        known = context.plan.known_state
        keys = [
            k
            for k in context.plan.flat_graph.units[handle].steps
            if known is None or known.executes(k)
        ]
        while True:
            lost = dict(failed)
            ran: list[tuple[ExecutionStep, StepOutcome]] = []
            retry_delay: float | None = None
            for key in keys:
                step = ExecutionStep(specs[key], None, 0)
                step.attempt = attempt
                if blocker(step, lost, outputs.values, _none_collected) is not None:
                    continue
                self._current.key = key
                outcome = run_step(context, step)
                if outcome.state is StepState.UP_FOR_RETRY:
                    retry_delay = outcome.retry_delay
                    break
                ran.append((step, outcome))
                if outcome.state is StepState.FAILED:
                    lost[key] = key
                    if stop_on_failure:
                        break
            if retry_delay is None:
                break
            for step, outcome in ran:  # the next attempt starts afresh
                for name in outcome.produced:
                    outputs.values.pop((step.key, name), None)
            self._current.key = None
            if retry_delay:
                context.clock.sleep(retry_delay)
            attempt += 1
        for step, outcome in ran:
            self._forget(step.key, outcome)
        return ("unit_outcome", handle, [_reported(step, outcome) for step, outcome in ran])

    def _forget(self, key: str, outcome: StepOutcome) -> None:
        """Forget the values a step made: the IO managers keep them."""
        outputs = self.context.outputs
        for name in outcome.produced:
            outputs.values[(key, name)] = PLACEHOLDER
        for name in outcome.dynamic or ():
            made = outputs.dynamic.get((key, name))
            if made is not None:
                outputs.dynamic[(key, name)] = dict.fromkeys(made, PLACEHOLDER)

    def close(self) -> None:
        """Tear the resources down (what teardown records goes to the sink)."""
        close_run_resources(self.context)


class _Cancel:
    """Whether the run process canceled the run, and whether a step (or the start) runs now:
    SIGTERM interrupts only those; between steps it is noted and the worker leaves."""

    requested = False
    interruptible = True  # starting up (resources) counts as interruptible


def _interrupt(signum: int, frame: Any) -> None:
    """SIGTERM from the run process: the run was canceled; interrupt the running step."""
    _Cancel.requested = True
    if _Cancel.interruptible:
        raise RunCanceled


def worker_main(connection: Connection, setup: WorkerSetup) -> None:
    """The body of a worker process (see the module docstring)."""
    # Ctrl-C goes to the whole process group: the run process decides what to do.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        host = StepHost(setup, _PipeSink(connection))
    except StartFailed as failed:
        connection.send(("failed", ErrorInfo.from_exception(failed.error), portable(failed.error)))
        return
    except RunCanceled:
        return  # canceled while starting; what started was closed
    finally:
        _Cancel.interruptible = False
    connection.send(("ready", os.getpid()))
    try:
        while not _Cancel.requested:
            request = connection.recv()
            if request[0] == "stop":
                break
            try:
                _Cancel.interruptible = True
                if request[0] == "unit":
                    outcome = host.run_unit(*request[1:])
                else:
                    outcome = host.run(*request[1:])
                _Cancel.interruptible = False
            except RunCanceled:
                _Cancel.interruptible = False
                connection.send(("interrupted", host.running))
                break
            connection.send(outcome)
    except (EOFError, KeyboardInterrupt, RunCanceled):
        pass  # the run process went away, or canceled the run between steps: leave
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one interruption is enough: tear down
        host.close()
        with contextlib.suppress(OSError):
            connection.send(("stopped", os.getpid()))


Facts = list[tuple[str, list[str], Mapping[str, list[str]] | None]]
"""(step key, outputs produced, dynamic outputs' mapping keys) of steps that succeeded."""


def _reported(step: ExecutionStep, outcome: StepOutcome) -> tuple[Any, ...]:
    """How a step's attempt ended, as sent to the run process (see :meth:`StepHost.run`)."""
    error = outcome.exception
    return (
        "outcome",
        step.key,
        outcome.state.value,
        list(outcome.produced),
        dict(outcome.dynamic) if outcome.dynamic else None,
        outcome.retry_delay,
        portable(error) if error is not None and outcome.state is StepState.FAILED else None,
    )


def _none_collected(source: Any) -> list[str]:
    return []  # a unit has no dynamic outputs (see definitions/_units.py)


def _learn(outputs: Any, facts: Facts) -> None:
    """Record which outputs other steps produced (values stay with the IO managers)."""
    for step_key, produced, dynamic in facts:
        for name in produced:
            outputs.values[(step_key, name)] = PLACEHOLDER
        for name, keys in (dynamic or {}).items():
            outputs.dynamic[(step_key, name)] = dict.fromkeys(keys, PLACEHOLDER)


def portable(error: BaseException) -> BaseException:
    """``error`` if it survives pickling, else a stand-in with its type name and message."""
    import pickle

    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error
