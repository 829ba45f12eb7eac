"""The public entry points that run a job: ``execute_in_process`` and friends.

A run goes: check the arguments and the run config and build the plan
(errors here are raised before anything is recorded), record the run,
start the resources the steps need, run the steps, tear the resources
down, and record how the run ended. Every event is in the instance when
this returns.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..definitions.executor import IN_RUN_PROCESS_CONCURRENT
from ..definitions.tags import PARTITION_TAG, normalize_tags
from ..errors import (
    InvalidInvocationError,
    InvalidTagError,
    RunAlreadyExistsError,
    UserCodeError,
    did_you_mean,
)
from ..records import (
    EngineEventData,
    ErrorInfo,
    EventType,
    Run,
    RunFailureData,
    RunStatus,
)
from ..storage.instance import Instance
from ._boundary import UserFailure, call_user
from ._run import RunContext
from .cancel import CancelWatcher, RunCanceled
from .executors import execute_steps_in_process
from .loggers import build_sinks
from .logs import ERROR, WARNING, RunLog, record_ctrl_c, record_step_interrupted
from .plan import ExecutionPlan
from .resources import ResourceSet
from .result import ExecuteInProcessResult
from .run_config import resolve_run_config, stored_run_config
from .run_resources import close_run_resources, open_run_resources

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..definitions.executor import ExecutorDefinition
    from ..definitions.job import JobDefinition
    from .executors._loop import StepsOutcome
    from .reexecution import Reexecution

__all__ = ["execute_in_process", "run_job"]


def execute_in_process(
    job: JobDefinition,
    run_config: Mapping[str, Any] | None = None,
    instance: Instance | None = None,
    partition_key: str | None = None,
    raise_on_error: bool = True,
    op_selection: Sequence[str] | str | None = None,
    run_id: str | None = None,
    input_values: Mapping[str, Any] | None = None,
    tags: Mapping[str, Any] | None = None,
) -> ExecuteInProcessResult:
    """Run ``job`` in this process and return its result.

    Steps run one after another, unless the job's executor runs steps at once inside
    this process (``thread_pool_executor``, ``async_executor``). With
    ``raise_on_error`` (the default) the first failing step stops the run and its
    exception is raised after the run is recorded; otherwise the result says what
    failed.
    """
    if op_selection:
        job = job.get_subset(op_selection=op_selection)
    instance = instance if instance is not None else Instance.ephemeral()
    executor_def = job.executor_def
    if executor_def is not None and executor_def.engine not in IN_RUN_PROCESS_CONCURRENT:
        executor_def = None  # steps run one after another in this process, as in Dagster
    context, to_raise = run_job(
        job,
        instance,
        run_config=run_config,
        partition_key=partition_key,
        run_id=run_id,
        input_values=input_values,
        tags=tags,
        stop_on_failure=raise_on_error,
        executor_def=executor_def,
    )
    recorded = instance.get_run_by_id(context.run_id) or context.run
    result = ExecuteInProcessResult(recorded, context.log.entries, context.job, context.outputs)
    if raise_on_error and to_raise is not None:
        raise to_raise
    return result


def run_job(
    job: JobDefinition,
    instance: Instance,
    *,
    run_config: Any,
    partition_key: str | None,
    run_id: str | None,
    input_values: Mapping[str, Any] | None,
    tags: Mapping[str, Any] | None,
    stop_on_failure: bool,
    reexecution: Reexecution | None = None,
    caller: str = "execute_in_process",
    executor_def: ExecutorDefinition | None = None,
    job_source: Any = None,
) -> tuple[RunContext, BaseException | None]:
    """Check, record and run one run of ``job``: what every entry point shares.

    Returns the run's context (its record, log, outputs) and the exception
    to raise if the caller raises on error. ``reexecution`` makes the run a
    re-execution (see :mod:`.reexecution`): it gets the parent's tags under
    its own, the lineage's ids and tags, and runs the selected steps only.
    ``executor_def`` chooses how steps run (None: in this process);
    executors that run steps in other processes rebuild the job from
    ``job_source`` (a job pointer) and need a persistent instance.
    """
    job.check_resources_provided()
    if executor_def is not None and executor_def.runs_steps_elsewhere:
        _check_out_of_process(job, instance, executor_def, job_source, caller)
    run_id = _new_run_id(instance, run_id)
    run_tags = {**job.run_tags, **_check_run_tags(job, tags, caller)}
    if reexecution is not None:
        run_tags = {**reexecution.parent_tags, **run_tags, **reexecution.tags}
    if partition_key is not None:
        run_tags[PARTITION_TAG] = _check_partition_key(job, partition_key)
        run_tags.update(_partition_tags(job, partition_key))
    _check_input_values(job, input_values or {})
    config = resolve_run_config(job, run_config, partition_key)
    known_state = reexecution.known_state if reexecution is not None else None
    plan = ExecutionPlan.build(
        job, config, {**job.input_values, **(input_values or {})}, known_state
    )
    try:
        sinks = build_sinks(job, config, run_id)
    except UserFailure as failure:
        raise UserCodeError(place=failure.place, user_exception=failure.exception) from (
            failure.exception
        )
    run = instance.add_run(
        Run(
            parent_run_id=reexecution.parent_run_id if reexecution is not None else None,
            root_run_id=reexecution.root_run_id if reexecution is not None else None,
            run_id=run_id,
            job_name=job.name,
            status=RunStatus.NOT_STARTED,
            run_config=stored_run_config(run_config),
            tags=run_tags,
            job_metadata=dict(job.metadata),
            op_selection=job.op_selection,
            partition_key=partition_key,
            snapshot_id=_snapshot_id(job, instance),
        )
    )
    log = RunLog(run.run_id, job.name, instance, sinks)
    context = RunContext(run, job, plan, log, ResourceSet(), instance)
    context.executor_def = executor_def
    context.job_source = job_source
    watcher = None
    if instance.is_persistent:
        log.start_live_writer()
        watcher = CancelWatcher(instance, run.run_id, lambda: _interrupt(context))
        context.cancel = watcher.requested
        watcher.start()
    try:
        to_raise = _run(context, stop_on_failure=stop_on_failure)
    finally:
        if watcher is not None:
            watcher.stop()
        log.stop_live_writer()
    return context, to_raise


def _interrupt(context: RunContext) -> None:
    """Interrupt the step running in this process (the multiprocess loop sees the flag itself)."""
    on_workers = context.executor_def is not None and context.executor_def.runs_steps_elsewhere
    if not on_workers and context.running_step is not None and context.on_main_thread:
        import signal
        import threading

        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            # A real signal, so that a step blocked in sleep or I/O wakes up too.
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
        else:
            import _thread

            _thread.interrupt_main()


def _snapshot_id(job: JobDefinition, instance: Instance) -> str | None:
    """Store the job's structure on a persistent instance, so its runs render after code changes."""
    if instance.is_ephemeral:
        return None
    from ..records.snapshots import snapshot_to_json
    from ..workspace.snapshot import job_snapshot, job_snapshot_id

    found = job_snapshot_id(job)
    if not instance.has_snapshot(found):
        instance.add_snapshot(found, snapshot_to_json(job_snapshot(job)))
    return found


def _new_run_id(instance: Instance, run_id: str | None) -> str:
    if run_id is None:
        return str(uuid.uuid4())
    if not isinstance(run_id, str) or not run_id.strip() or len(run_id) > 255:
        raise InvalidInvocationError(
            f"run_id {run_id!r} is not a usable run id.",
            fix="pass a non-empty string, e.g. str(uuid.uuid4()), or leave run_id out.",
        )
    if instance.get_run_by_id(run_id) is not None:
        raise RunAlreadyExistsError(run_id=run_id)
    return run_id


def _check_run_tags(
    job: JobDefinition, tags: Mapping[str, Any] | None, caller: str
) -> Mapping[str, str]:
    """The tags given for one run, checked by the rules of job tags."""
    try:
        return normalize_tags(tags, f"the tags given to {caller} of job '{job.name}'")
    except InvalidTagError as error:
        raise InvalidInvocationError(error.problem, where=error.where, fix=error.fix) from None


def _check_partition_key(job: JobDefinition, partition_key: str) -> str:
    if job.partitions_def is None:
        raise InvalidInvocationError(
            f"partition_key={partition_key!r} was given, but the job is not partitioned.",
            where=f"job '{job.name}'",
            fix="give the job partitions_def=... or drop partition_key.",
        )
    return job.partitions_def.check_partition_key(partition_key, f"job '{job.name}'")


def _partition_tags(job: JobDefinition, partition_key: str) -> dict[str, str]:
    partitioned = job.partitioned_config
    if partitioned is None:
        return {}
    place = f"the partition tags function of job '{job.name}'"
    try:
        return call_user(place, partitioned.tags_for_partition_key, partition_key)
    except UserFailure as failure:
        raise UserCodeError(place=place, user_exception=failure.exception) from (failure.exception)


def _check_input_values(job: JobDefinition, input_values: Mapping[str, Any]) -> None:
    known = job.graph.input_dict
    for key in input_values:
        if key not in known:
            raise InvalidInvocationError(
                f"input_values names '{key}', which is not an input of the job."
                f"{did_you_mean(key, known)}",
                where=f"job '{job.name}'",
                fix=f"use the job's inputs: {', '.join(known) or '(it has none)'}.",
            )


def _check_out_of_process(
    job: JobDefinition,
    instance: Instance,
    executor_def: ExecutorDefinition,
    job_source: Any,
    caller: str,
) -> None:
    """Steps on other processes need the job rebuilt there and a database to record to."""
    where = f"{caller} of job '{job.name}' with the {executor_def.name} executor"
    if instance.is_ephemeral:
        raise InvalidInvocationError(
            "the executor runs steps in other processes, which cannot reach an ephemeral "
            "instance's memory.",
            where=where,
            fix="pass a persistent instance (Instance.get(), Instance.local_temp()), or use "
            "in_process_executor.",
        )
    if job_source is None:
        raise InvalidInvocationError(
            "the executor runs steps in other processes, which must rebuild the job, but it "
            "was given as a job object.",
            where=where,
            fix="pass reconstructable(job) (the job defined at module level in a .py file).",
        )
    if executor_def.engine == "dask":
        from .executors.dask import check_dask_installed

        check_dask_installed(where)


def _run(context: RunContext, *, stop_on_failure: bool) -> BaseException | None:
    """Run the steps between RUN_START and the final run event; return what to raise, if any."""
    log = context.log
    pid = os.getpid()
    started = time.perf_counter()
    on_workers = context.executor_def is not None and context.executor_def.runs_steps_elsewhere
    log.event(EventType.RUN_START, f'Started execution of run for "{context.job.name}".')
    if on_workers:
        log.event(
            EventType.ENGINE_EVENT,
            f"Executing steps using {context.executor_def.name} executor: "  # type: ignore[union-attr]
            f"parent process (pid: {pid})",
        )
    elif context.executor_def is not None and context.executor_def.engine in (
        IN_RUN_PROCESS_CONCURRENT
    ):
        log.event(
            EventType.ENGINE_EVENT,
            f"Executing steps in process (pid: {pid}) using {context.executor_def.name} executor",
        )
    else:
        log.event(EventType.ENGINE_EVENT, f"Executing steps in process (pid: {pid})")
    known = context.plan.known_state
    if known is not None:
        message, metadata = known.describe()
        log.event(EventType.ENGINE_EVENT, message, data=EngineEventData(metadata=metadata))
    log.flush()
    if on_workers:
        return _run_on_workers(context, started, pid, stop_on_failure)
    try:
        resource_failure = open_run_resources(context)
        if resource_failure is not None:
            close_run_resources(context)
            _finish(context, started, pid, "RESOURCE_INIT_FAILURE", [], resource_failure)
            return resource_failure
        engine = context.executor_def.engine if context.executor_def is not None else None
        canceled = interrupted = False
        if engine in IN_RUN_PROCESS_CONCURRENT:
            failures, canceled, interrupted = _run_in_threads(context, engine, stop_on_failure)
        else:
            failures = execute_steps_in_process(context, stop_on_failure=stop_on_failure)
    except (KeyboardInterrupt, RunCanceled) as interrupt:
        # Ctrl-C, or a cancel request: the run ends CANCELED, the running step interrupted.
        running = context.running_step
        _record_interrupted(context, [running.key, running.spec.key] if running else None)
        close_run_resources(context)
        _finish_canceled(context, started, pid)
        if isinstance(interrupt, KeyboardInterrupt) and not context.cancel.is_set():
            raise
        return None
    except BaseException as interrupt:
        # A bug in dagwright: record how the run ended before letting it go.
        reason = "FRAMEWORK_ERROR" if isinstance(interrupt, Exception) else "INTERRUPTED"
        close_run_resources(context)
        _finish(context, started, pid, reason, [], interrupt)
        log.flush()
        raise
    close_run_resources(context)
    if canceled:  # the thread loop recorded the cancel (or Ctrl-C); running steps ended
        _finish_canceled(context, started, pid)
        if interrupted:  # Ctrl-C: raised again once the run is recorded
            context.log.flush()
            raise KeyboardInterrupt
        return None
    failed_steps = [step.key for step, _ in failures]
    _finish(context, started, pid, "STEP_FAILURE", failed_steps, None)
    return failures[0][1] if failures else None


def _run_in_threads(
    context: RunContext, engine: str | None, stop_on_failure: bool
) -> tuple[list[tuple[Any, BaseException]], bool, bool]:
    """Run the steps on threads of this process (thread pool or async executor); return the
    failed steps, whether the run was canceled and whether by Ctrl-C."""
    from .executors.threads import execute_steps_in_threads

    (failures, _, canceled), interrupted = execute_steps_in_threads(
        context,
        _executor_config(context),
        stop_on_failure=stop_on_failure,
        awaits_on_loop=engine == "async",
    )
    return failures, canceled, interrupted


def _executor_config(context: RunContext) -> dict[str, Any]:
    """The run's executor config: what ``configured`` fixed, then run config's."""
    executor_def = context.executor_def
    assert executor_def is not None
    section = context.plan.run_config.get("execution")
    config = dict(executor_def.configured_values)
    if not executor_def.config_is_final and isinstance(section, Mapping):
        config.update(section.get("config") or {})
    return config


def _run_on_workers(
    context: RunContext, started: float, pid: int, stop_on_failure: bool
) -> BaseException | None:
    """Run the steps on worker processes; each worker starts the resources it needs."""
    executor_def = context.executor_def
    assert executor_def is not None
    config = _executor_config(context)
    try:
        execute = _executor_loop(executor_def.engine)
        failures, start_failure, canceled = execute(
            context, context.job_source, config, stop_on_failure=stop_on_failure
        )
    except KeyboardInterrupt:
        # The executor interrupted its steps and stopped its workers before letting go.
        _finish_canceled(context, started, pid)
        context.log.flush()
        raise
    except BaseException as interrupt:
        reason = "FRAMEWORK_ERROR" if isinstance(interrupt, Exception) else "INTERRUPTED"
        _finish(context, started, pid, reason, [], interrupt)
        context.log.flush()
        raise
    if canceled:
        _finish_canceled(context, started, pid)
        return None
    failed_steps = [step.key for step, _ in failures]
    if start_failure is not None:
        _finish(context, started, pid, "RESOURCE_INIT_FAILURE", failed_steps, start_failure)
        return start_failure
    _finish(context, started, pid, "STEP_FAILURE", failed_steps, None)
    return failures[0][1] if failures else None


def _record_interrupted(context: RunContext, step: list[str] | None) -> None:
    """Record that a cancel (or Ctrl-C) interrupted a running step (given as [key, handle])."""
    log = context.log
    if context.run.status != RunStatus.CANCELING and not context.cancel.is_set():
        record_ctrl_c(log)
    if step is not None:
        record_step_interrupted(log, step[0], step[1])


def _finish_canceled(context: RunContext, started: float, pid: int) -> None:
    log = context.log
    elapsed = (time.perf_counter() - started) * 1000
    log.event(EventType.ENGINE_EVENT, f"Steps stopped (pid: {pid}) after {elapsed:.0f}ms")
    log.event(
        EventType.RUN_CANCELED,
        f'Execution of run for "{context.job.name}" canceled.',
        level=WARNING,
    )


def _executor_loop(engine: str | None) -> Callable[..., StepsOutcome]:
    """The function that runs a run's steps on the built-in ``engine`` (one that runs steps
    elsewhere)."""
    if engine == "dask":
        from .executors.dask import execute_steps_dask

        return execute_steps_dask
    from .executors.multiprocess import execute_steps_multiprocess

    return execute_steps_multiprocess


def _finish(
    context: RunContext,
    started: float,
    pid: int,
    reason: str,
    failed_steps: list[str],
    error: BaseException | None,
) -> None:
    log = context.log
    job = context.job
    elapsed = (time.perf_counter() - started) * 1000
    log.event(EventType.ENGINE_EVENT, f"Finished steps in process (pid: {pid}) in {elapsed:.0f}ms")
    if error is None and not failed_steps:
        log.event(EventType.RUN_SUCCESS, f'Finished execution of run for "{job.name}".')
        return
    steps = f" Steps failed: {failed_steps}." if failed_steps else ""
    log.event(
        EventType.RUN_FAILURE,
        f'Execution of run for "{job.name}" failed.{steps}',
        # A step failure is described by its STEP_FAILURE event; the run's own
        # error describes failures outside steps (resources, interruption).
        data=RunFailureData(
            reason=reason,
            error=ErrorInfo.from_exception(error) if error is not None else None,
            failed_steps=failed_steps,
        ),
        level=ERROR,
    )
