"""The Dask worker's side of the Dask executor: run one step per task, events back to the run.

A Dask worker process may run tasks of several runs, on several threads
at once. For each run it keeps one :class:`~._worker.StepHost` (the job
rebuilt through the run's pointer, the run's resources started), made by
the first task of that run it gets and closed when the run process asks
every worker to (:func:`close_run`).

A task tells the run process what happens as it happens, as Dask events
on :data:`TOPIC` (through the scheduler, in order): that it started (which
tells a step whose worker died mid-step from one only queued there), each
entry its step records, and at last its outcome. The task also returns the
outcome and all its entries, which the run process fetches only if an
event went missing.

When the run is canceled, the run process calls :func:`interrupt_run` on
every worker: a step running there gets :class:`~..cancel.RunCanceled`
raised in its thread once the thread runs the user's code rather than
dagwright's (at the next Python line it runs: a step blocked in one long
call to native code ends when that call returns), and tasks of the run
that start later return at once without running their step.

Nothing here imports Dask at module level; only Dask workers run it.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...records import EventLogEntry
from ..cancel import RunCanceled
from ._worker import Facts, StartFailed, StepHost, WorkerSetup, portable

if TYPE_CHECKING:
    from distributed import Worker

__all__ = [
    "TOPIC",
    "STARTED",
    "ENDED",
    "pickled_setup",
    "run_step_task",
    "interrupt_run",
    "close_run",
]

TOPIC = "dagwright-step-events"
"""The Dask event topic of the tasks' news: ``[run id, task key, index, data]``.

Index :data:`STARTED` (no data): the task started; :data:`ENDED`: the
pickled ``(outcome, number of entries)``; from 0: the JSON of each entry.
"""

STARTED = -1
ENDED = -2

_HOSTS: dict[str, StepHost] = {}
_STARTING: dict[str, threading.Lock] = {}  # one lock per run, held while its host starts
_LOCK = threading.Lock()
_RUNNING: dict[str, set[_Running]] = {}  # run id -> its steps running in this process
_CANCELED: set[str] = set()  # runs canceled here: their later tasks do not run their step
_CURRENT = threading.local()  # .recorder: the _Recorder of the task on this thread


class _Recorder:
    """The entries one task records: sent live, and kept to return with its outcome."""

    __slots__ = ("entries", "key", "run_id", "worker")

    def __init__(self, run_id: str, key: str, worker: Worker | None) -> None:
        self.run_id = run_id
        self.key = key
        self.worker = worker
        self.entries: list[bytes] = []
        self._send(STARTED, None)

    def add(self, entry: EventLogEntry) -> None:
        data = entry.to_json()
        self._send(len(self.entries), data)
        self.entries.append(data)

    def end(self, outcome: tuple[Any, ...]) -> tuple[tuple[Any, ...], list[bytes]]:
        """Send the outcome; return it with the entries (the task's result)."""
        self._send(ENDED, pickle.dumps((outcome, len(self.entries))))
        return outcome, self.entries

    def _send(self, index: int, data: bytes | None) -> None:
        if self.worker is not None:
            self.worker.log_event(TOPIC, [self.run_id, self.key, index, data])


class _ThreadSink:
    """The sink of every StepHost here: hands each entry to the recorder of its thread."""

    level = 0

    def handle(self, entry: EventLogEntry) -> None:
        recorder: _Recorder | None = getattr(_CURRENT, "recorder", None)
        if recorder is not None:
            recorder.add(entry)


_SINK = _ThreadSink()


def _current_worker() -> Worker | None:
    from distributed import get_worker

    try:
        return get_worker()
    except ValueError:  # not on a Dask worker (called directly)
        return None


def _host_for(run_id: str, setup: bytes) -> StepHost:
    """This process's StepHost of the run, made on first use (raises StartFailed)."""
    host = _HOSTS.get(run_id)
    if host is not None:
        return host
    with _LOCK:
        starting = _STARTING.setdefault(run_id, threading.Lock())
    with starting:
        host = _HOSTS.get(run_id)
        if host is None:
            host = _HOSTS[run_id] = StepHost(_unpickled(setup), _SINK)
    return host


class _Unreadable(StartFailed):
    """The run's setup did not unpickle here (most often: the job pointer's module)."""


def _unpickled(setup: bytes) -> WorkerSetup:
    """The run's WorkerSetup (raises _Unreadable)."""
    try:
        found: WorkerSetup = pickle.loads(setup)
    except Exception as error:
        raise _Unreadable(error) from error
    return found


def pickled_setup(setup: WorkerSetup) -> bytes:
    """``setup`` as the tasks carry it: unpickled by the task itself, so that a job pointer a
    worker cannot import fails the task with its error (rather than Dask's message handling)."""
    import cloudpickle  # type: ignore[import-untyped]  # Dask's; pickles a script's classes

    data: bytes = cloudpickle.dumps(setup)
    return data


def run_step_task(
    run_id: str,
    setup: bytes,
    spec_key: str,
    mapping_key: str | None,
    attempt: int,
    facts: Facts,
    key: str,
) -> tuple[Any, ...]:
    """The Dask task of one step attempt (``setup`` made by :func:`pickled_setup`).

    Its outcome is that of :meth:`StepHost.run`, or ``("failed", error)``
    when this process cannot take part in the run (the job did not load, a
    resource did not start), or ``("unreadable", error)`` when ``setup``
    does not unpickle here. Returns ``(outcome, entries)``, ``entries``
    being the JSON of everything the task recorded, in order.
    """
    return _task(run_id, setup, key, lambda host: host.run(spec_key, mapping_key, attempt, facts))


def run_unit_task(
    run_id: str,
    setup: bytes,
    handle: str,
    attempt: int,
    facts: Facts,
    failed: dict[str, str],
    stop_on_failure: bool,
    key: str,
) -> tuple[Any, ...]:
    """The Dask task of an execution unit: :meth:`StepHost.run_unit` (see
    :func:`run_step_task` for the rest)."""
    return _task(
        run_id,
        setup,
        key,
        lambda host: host.run_unit(handle, attempt, facts, failed, stop_on_failure),
    )


def _task(
    run_id: str, setup: bytes, key: str, call: Callable[[StepHost], tuple[Any, ...]]
) -> tuple[Any, ...]:
    recorder = _Recorder(run_id, key, _current_worker())
    if run_id in _CANCELED:  # no resources started for a step that will not run
        return recorder.end(("dropped",))
    _CURRENT.recorder = recorder
    try:
        try:
            host = _host_for(run_id, setup)
        except _Unreadable as failed:
            return recorder.end(("unreadable", portable(failed.error)))
        except StartFailed as failed:
            return recorder.end(("failed", portable(failed.error)))
        return recorder.end(_run_interruptibly(run_id, host, call))
    finally:
        _CURRENT.recorder = None


class _Running:
    """A step running on a thread of this process, which a cancel can interrupt."""

    __slots__ = ("interrupted", "thread_id")

    def __init__(self) -> None:
        self.thread_id = threading.get_ident()
        self.interrupted = False


def _run_interruptibly(
    run_id: str, host: StepHost, call: Callable[[StepHost], tuple[Any, ...]]
) -> tuple[Any, ...]:
    """``call(host)``, or ``("interrupted", key of the step it ran)`` when a cancel stopped it,
    or ``("dropped",)`` when the run was canceled before it began."""
    running = _Running()
    with _LOCK:
        if run_id in _CANCELED:
            return ("dropped",)
        _RUNNING.setdefault(run_id, set()).add(running)
    outcome: tuple[Any, ...] | None = None
    try:
        try:
            outcome = call(host)
        finally:
            with _LOCK:
                _RUNNING[run_id].discard(running)
        if running.interrupted:  # raised too late to stop the step: take it back
            _raise_in_thread(running.thread_id, None)
    except RunCanceled:
        pass
    return outcome if outcome is not None else ("interrupted", host.running)


def _raise_in_thread(thread_id: int, error: type[BaseException] | None) -> None:
    """Raise ``error`` in the thread ``thread_id`` at its next Python line (None: withdraw it)."""
    import ctypes

    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(error) if error is not None else None
    )


def interrupt_run(run_id: str) -> int:
    """Cancel run ``run_id`` in this process: interrupt its running steps; later tasks of it do
    not run their step. Returns how many steps it interrupts."""
    with _LOCK:
        _CANCELED.add(run_id)
        running = [r for r in _RUNNING.get(run_id, ()) if not r.interrupted]
    for each in running:
        threading.Thread(target=_interrupt_in_user_code, args=(run_id, each), daemon=True).start()
    return len(running)


def _package_dir(module: Any) -> str:
    return os.path.dirname(str(module.__file__)) + os.sep


_OWN_CODE: tuple[str, ...] = ()
"""Where dagwright's and Dask's code live: a step is not interrupted while it runs there."""

_WAIT_FOR_USER_CODE = 10.0
"""Seconds to wait for a step to be in its own code before interrupting it wherever it is."""


def _interrupt_in_user_code(run_id: str, running: _Running) -> None:
    """Raise RunCanceled in the step's thread once it runs the user's code (not dagwright's
    bookkeeping: its event log, compute log capture or IO hand-off), so that what dagwright
    set up is taken down by the usual paths."""
    import sys
    import time

    global _OWN_CODE
    if not _OWN_CODE:
        import distributed

        import dagwright

        _OWN_CODE = (_package_dir(dagwright), _package_dir(distributed))
    give_up = time.monotonic() + _WAIT_FOR_USER_CODE
    while time.monotonic() < give_up:
        frame = sys._current_frames().get(running.thread_id)
        if frame is None or not frame.f_code.co_filename.startswith(_OWN_CODE):
            break
        time.sleep(0.005)
    with _LOCK:
        if running in _RUNNING.get(run_id, ()) and not running.interrupted:
            running.interrupted = True
            _raise_in_thread(running.thread_id, RunCanceled)


def close_run(run_id: str) -> list[bytes]:
    """Tear down this process's share of run ``run_id``; return what the teardown recorded."""
    with _LOCK:
        _STARTING.pop(run_id, None)
        _CANCELED.discard(run_id)
        _RUNNING.pop(run_id, None)
        host = _HOSTS.pop(run_id, None)
    if host is None:
        return []
    recorder = _Recorder(run_id, f"close-{run_id}", None)
    _CURRENT.recorder = recorder
    try:
        host.close()
    finally:
        _CURRENT.recorder = None
    return recorder.entries
