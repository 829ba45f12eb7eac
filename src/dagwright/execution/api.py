"""The public entry points that run a job: ``execute_in_process`` and friends.

A run goes: check the partition and run config and build the plan (errors
here are raised before anything is recorded), record the run, start the
resources the steps need, run the steps, tear the resources down, and
record how the run ended. Every event is in the instance when this returns.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..definitions._util import tag_value
from ..definitions.logger import LoggerDefinition
from ..errors import InvalidInvocationError
from ..records import (
    EngineEventData,
    ErrorInfo,
    EventType,
    Run,
    RunFailureData,
    RunStatus,
    StepFailureData,
)
from ..storage.instance import Instance
from ._boundary import UserFailure, call_user
from ._run import RunContext
from .executors import execute_steps_in_process
from .logs import ERROR, ConsoleSink, LogSink, PythonLoggerSink, RunLog, StepLog, console_level
from .plan import ExecutionPlan, effective_run_config
from .resources import ResourceSet
from .result import ExecuteInProcessResult

if TYPE_CHECKING:
    from ..definitions.job import JobDefinition

__all__ = ["execute_in_process", "PARTITION_TAG"]

PARTITION_TAG = "dagwright/partition"


class InitLoggerContext:
    """What a logger function receives: its config and the run it logs for."""

    __slots__ = ("job_name", "logger_config", "logger_def", "run_id")

    def __init__(
        self, logger_config: Any, logger_def: LoggerDefinition, run_id: str, job_name: str
    ) -> None:
        self.logger_config = logger_config
        self.logger_def = logger_def
        self.run_id = run_id
        self.job_name = job_name


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

    With ``raise_on_error`` (the default) the first failing step stops the
    run and its exception is raised after the run is recorded; otherwise
    the result says what failed.
    """
    if op_selection:
        job = job.get_subset(op_selection=op_selection)
    run_tags = {**job.run_tags, **{k: tag_value(v) for k, v in (tags or {}).items()}}
    if partition_key is not None:
        if job.partitions_def is None:
            raise InvalidInvocationError(
                f"partition_key={partition_key!r} was given, but the job is not partitioned.",
                where=f"job '{job.name}'",
                fix="give the job partitions_def=... or drop partition_key.",
            )
        job.partitions_def.check_partition_key(partition_key, f"job '{job.name}'")
        run_tags[PARTITION_TAG] = partition_key
    config = effective_run_config(job, run_config)
    values = {**job.input_values, **(input_values or {})}
    plan = ExecutionPlan.build(job, config, values)
    instance = instance if instance is not None else Instance.ephemeral()
    run = instance.add_run(
        Run(
            run_id=_check_run_id(run_id) if run_id is not None else str(uuid.uuid4()),
            job_name=job.name,
            status=RunStatus.NOT_STARTED,
            run_config=dict(run_config or {}),
            tags=run_tags,
            op_selection=job.op_selection,
            partition_key=partition_key,
        )
    )
    log = RunLog(run.run_id, job.name, instance, _sinks(job, config, run.run_id))
    context = RunContext(run, job, plan, log, ResourceSet(), instance)
    failure = _run(context, stop_on_failure=raise_on_error)
    log.flush()
    recorded = instance.get_run_by_id(run.run_id) or run
    result = ExecuteInProcessResult(recorded, log.entries, job, context.outputs)
    if raise_on_error and failure is not None:
        raise failure
    return result


def _check_run_id(run_id: str) -> str:
    if not isinstance(run_id, str) or not run_id.strip() or len(run_id) > 255:
        raise InvalidInvocationError(
            f"run_id {run_id!r} is not a usable run id.",
            fix="pass a non-empty string, e.g. str(uuid.uuid4()), or leave run_id out.",
        )
    return run_id


def _sinks(job: JobDefinition, config: Mapping[str, Any], run_id: str) -> list[LogSink]:
    loggers_config = config.get("loggers") if isinstance(config.get("loggers"), Mapping) else {}
    assert isinstance(loggers_config, Mapping)
    sinks: list[LogSink] = []
    if "console" not in job.logger_defs:
        console = loggers_config.get("console") or {}
        level = (
            (console.get("config") or {}).get("log_level") if isinstance(console, dict) else None
        )
        sinks.append(ConsoleSink(console_level(level)))
    for name, definition in job.logger_defs.items():
        section = loggers_config.get(name) or {}
        init = InitLoggerContext(
            section.get("config") if isinstance(section, Mapping) else None,
            definition,
            run_id,
            job.name,
        )
        logger = call_user(f"logger '{name}'", definition.logger_fn, init)
        sinks.append(PythonLoggerSink(logger))
    return sinks


def _run(context: RunContext, *, stop_on_failure: bool) -> BaseException | None:
    """Run the steps between RUN_START and the final run event; return what to raise, if any."""
    log = context.log
    job = context.job
    pid = os.getpid()
    started = time.perf_counter()
    log.event(EventType.RUN_START, f'Started execution of run for "{job.name}".')
    log.event(EventType.ENGINE_EVENT, f"Executing steps in process (pid: {pid})")
    log.flush()
    failed_steps: list[str] = []
    raised: BaseException | None = None
    try:
        needed = {k for spec in context.plan.specs.values() for k in spec.resource_keys}
        resource_failure = _start_resources(context, needed)
        if resource_failure is not None:
            raised = resource_failure
        else:
            _, failures = execute_steps_in_process(context, stop_on_failure=stop_on_failure)
            failed_steps = [step.key for step, _ in failures]
            raised = failures[0][1] if failures else None
    except BaseException as interrupt:
        # Ctrl-C or a framework bug: record how the run ended before letting it go.
        _teardown(context)
        _finish(context, started, pid, ["(interrupted)"], interrupt)
        log.flush()
        raise
    _teardown(context)
    _finish(context, started, pid, failed_steps, raised)
    return raised


def _start_resources(context: RunContext, needed: set[str]) -> BaseException | None:
    if not needed:
        return None
    log = context.log
    keys = ", ".join(sorted(needed))
    log.event(EventType.RESOURCE_INIT_STARTED, f"Starting initialization of resources [{keys}].")
    try:
        resources_config = context.plan.run_config.get("resources") or {}
        configs = {
            key: (section or {}).get("config") if isinstance(section, Mapping) else None
            for key, section in resources_config.items()
        }
        context.resources.start(
            context.job.resource_defs,
            needed,
            configs,
            lambda key: StepLog(log, None),
            context.run.run_id,
            context.instance,
        )
    except UserFailure as failure:
        log.event(
            EventType.RESOURCE_INIT_FAILURE,
            f"Initialization of resources [{keys}] failed: {failure.place}.",
            data=StepFailureData(error=failure.error, error_source=failure.source),
            level=ERROR,
        )
        return failure.exception
    log.event(EventType.RESOURCE_INIT_SUCCESS, f"Finished initialization of resources [{keys}].")
    return None


def _teardown(context: RunContext) -> None:
    try:
        context.resources.close()
    except UserFailure as failure:
        context.log.event(
            EventType.ENGINE_EVENT,
            f"Tearing down {failure.place.removesuffix(' teardown')} failed.",
            data=EngineEventData(error=failure.error),
            level=ERROR,
        )


def _finish(
    context: RunContext,
    started: float,
    pid: int,
    failed_steps: list[str],
    raised: BaseException | None,
) -> None:
    log = context.log
    job = context.job
    elapsed = (time.perf_counter() - started) * 1000
    log.event(EventType.ENGINE_EVENT, f"Finished steps in process (pid: {pid}) in {elapsed:.0f}ms")
    if raised is None and not failed_steps:
        log.event(EventType.RUN_SUCCESS, f'Finished execution of run for "{job.name}".')
        return
    steps = f" Steps failed: {failed_steps}." if failed_steps else ""
    log.event(
        EventType.RUN_FAILURE,
        f'Execution of run for "{job.name}" failed.{steps}',
        data=RunFailureData(
            # A step failure is described by its STEP_FAILURE event; the run's own
            # error is kept for failures outside steps (resources, interruption).
            error=ErrorInfo.from_exception(raised)
            if raised is not None and not failed_steps
            else None,
            failed_steps=failed_steps,
        ),
        level=ERROR,
    )
