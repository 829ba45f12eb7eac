"""``execute_job``: run a job recorded in an instance, or re-execute steps of one of its runs.

Where ``execute_in_process`` is for tests (an ephemeral instance unless
given one, errors raised by default), ``execute_job`` is Dagster's entry
point for scripts: the instance is required (every run is recorded there),
errors are in the result unless ``raise_on_error=True``, and
``reexecution_options`` re-executes a recorded run (see :mod:`.reexecution`).
Both share one run machinery (:func:`.api.run_job`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from ..definitions.executor import ExecutorDefinition
from ..definitions.graph import GraphDefinition
from ..definitions.job import JobDefinition
from ..errors import InvalidInvocationError
from ..storage.instance import Instance
from .api import run_job
from .executors.resolve import resolve_executor
from .output_loader import OutputLoader
from .reexecution import ReexecutionOptions, plan_reexecution
from .result import ExecuteJobResult

__all__ = ["execute_job", "JobSource"]


class JobSource(Protocol):
    """Something that rebuilds a job on demand: a job pointer, such as ``reconstructable(job)``."""

    def get_definition(self) -> JobDefinition: ...


def execute_job(
    job: JobDefinition | JobSource,
    instance: Instance,
    run_config: Any = None,
    tags: Mapping[str, Any] | None = None,
    raise_on_error: bool = False,
    op_selection: Sequence[str] | str | None = None,
    reexecution_options: ReexecutionOptions | None = None,
    run_id: str | None = None,
) -> ExecuteJobResult:
    """Run ``job``, recording the run and its events in ``instance``; return its result.

    ``job`` is a JobDefinition, or a job pointer (anything with a
    ``get_definition()`` returning one, as ``reconstructable(job)`` will),
    which executors that run steps in other processes need. ``instance`` is
    required; ``Instance.ephemeral()`` works but keeps the run only in that
    object. With ``raise_on_error`` the first step failure stops the run
    and is raised once the run is recorded; otherwise the result says what
    failed. ``reexecution_options`` re-executes steps of a recorded run of
    the job: ``run_config`` then defaults to that run's, and its tags, op
    selection and partition carry over. Use the result as a context
    manager: ``with execute_job(...) as result:``.
    """
    definition = _job_definition(job)
    if not isinstance(instance, Instance):
        raise InvalidInvocationError(
            f"instance must be the Instance to record the run in, got {type(instance).__name__}.",
            where="execute_job",
            fix="pass Instance.get() (the persistent instance of DAGWRIGHT_HOME), or "
            "Instance.ephemeral() to keep the run in memory.",
        )
    reexecution = None
    partition_key = None
    if reexecution_options is not None:
        reexecution = plan_reexecution(
            definition, instance, reexecution_options, run_config, op_selection
        )
        definition = reexecution.job
        run_config = reexecution.run_config
        partition_key = reexecution.partition_key
    elif op_selection:
        definition = definition.get_subset(op_selection=op_selection)
    launched = not isinstance(job, JobDefinition) and instance.is_persistent
    executor = resolve_executor(definition.executor_def, definition, run_config, launched=launched)
    context, to_raise = run_job(
        definition,
        instance,
        run_config=run_config,
        partition_key=partition_key,
        run_id=run_id,
        input_values=None,
        tags=tags,
        stop_on_failure=raise_on_error,
        reexecution=reexecution,
        caller="execute_job",
        executor_def=executor,
        job_source=_job_source(job, definition, executor),
    )
    recorded = instance.get_run_by_id(context.run_id) or context.run
    loader = None
    if context.executor_def is not None and context.executor_def.runs_steps_elsewhere:
        loader = OutputLoader(context.job, recorded, context.plan.run_config, instance)
    result = ExecuteJobResult(
        recorded,
        context.log.entries,
        context.job,
        context.outputs,
        reexecution.known_state if reexecution is not None else None,
        loader,
    )
    if raise_on_error and to_raise is not None:
        raise to_raise
    return result


def _job_source(job: Any, definition: JobDefinition, executor: ExecutorDefinition | None) -> Any:
    """What other processes rebuild the run's job from: the pointer given (or, for a job
    object whose executor runs steps elsewhere, ``reconstructable(job)``), narrowed to the
    run's op selection. None when no other process needs it."""
    if isinstance(job, JobDefinition):
        if executor is None or not executor.runs_steps_elsewhere:
            return None
        from ..workspace.rebuild import reconstructable

        job = reconstructable(job)  # a job made where no other process can find it raises
    elif not callable(getattr(job, "get_definition", None)):
        return None
    selection = definition.op_selection
    narrow = getattr(job, "subset_for_execution", None)
    return narrow(selection) if selection and callable(narrow) else job


def _job_definition(job: Any) -> JobDefinition:
    if isinstance(job, JobDefinition):
        return job
    get_definition = getattr(job, "get_definition", None)
    if callable(get_definition):
        definition = get_definition()
        if isinstance(definition, JobDefinition):
            return definition
        job = definition
    hint = (
        "call .to_job() on the graph first"
        if isinstance(job, GraphDefinition)
        else "pass a job (made with @job or graph.to_job()), or a pointer to one"
    )
    raise InvalidInvocationError(
        f"the job to run must be a JobDefinition or a job pointer, got {type(job).__name__}.",
        where="execute_job",
        fix=hint + ".",
    )
