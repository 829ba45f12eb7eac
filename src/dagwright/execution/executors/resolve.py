"""Which engine runs a launched run, and with what config: the job's executor resolved.

A built-in executor with an engine of its own (in process, multiprocess,
Dask) runs as it is, its config read from run config when the run starts.
Two kinds are decided here, once the run config is known:

* **The default executor** (a job that names none, or
  ``multi_or_in_process_executor``), which takes Dagster's run config:
  ``execution: {config: {in_process: {}}}`` runs the steps in process;
  ``{multiprocess: {...}}`` runs them on worker processes. When neither
  the run config nor ``configured`` says, a run launched from a job pointer
  (``reconstructable(job)``) on a persistent instance runs on worker
  processes, as Dagster's launched runs do, unless the job keeps outputs
  in memory; every other run (a job object, an ephemeral instance) runs
  in process.
* **A user-defined executor** (``@executor``): its function picks an engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..._sentinel import NO_VALUE
from ...definitions.executor import multi_or_in_process_executor, multiprocess_executor
from ...errors import InvalidInvocationError, RunConfigError
from .user_defined import choose_with_executor_fn

if TYPE_CHECKING:
    from ...definitions.executor import ExecutorDefinition
    from ...definitions.job import JobDefinition

__all__ = ["resolve_executor"]


def resolve_executor(
    executor_def: ExecutorDefinition | None,
    job: JobDefinition,
    run_config: Any,
    *,
    launched: bool,
) -> ExecutorDefinition | None:
    """The executor that runs this run (None: in this process).

    ``launched``: the job was given as a pointer another process can rebuild,
    and the run is recorded in a persistent instance.
    """
    if executor_def is None or executor_def.engine == "multi_or_in_process":
        return _default(executor_def or multi_or_in_process_executor, job, run_config, launched)
    if executor_def.is_builtin:
        return executor_def
    given = _given_config(job, run_config)
    config = executor_def.configured_values
    if given is not NO_VALUE or not config:  # check it (a required field may be missing)
        config.update(_checked(executor_def, job, given))
    return choose_with_executor_fn(executor_def, job, config)


def _default(
    executor_def: ExecutorDefinition, job: JobDefinition, run_config: Any, launched: bool
) -> ExecutorDefinition | None:
    given = _given_config(job, run_config)
    if given is not NO_VALUE:
        chosen = _checked(executor_def, job, given)
    else:
        chosen = executor_def.configured_values
        if not chosen and not (launched and job.output_kept_in_memory() is None):
            return None
    ((engine, options),) = (chosen or {"multiprocess": {}}).items()
    if engine == "in_process":
        return None
    kept = job.output_kept_in_memory()
    if kept is not None:
        raise InvalidInvocationError(
            f"op '{kept[0]}' stores outputs with '{kept[1]}', which keeps them in memory, but "
            "the run config chose the multiprocess executor, which runs each step in another "
            "process, where the next step could not read them.",
            where=f"execution.config.multiprocess of job '{job.name}'",
            fix=f"bind '{kept[1]}' to fs_io_manager (or leave 'io_manager' unbound), or run "
            "in process: execution: {config: {in_process: {}}}.",
        )
    resolved = multiprocess_executor.configured(dict(options or {}))
    resolved.config_is_final = True
    return resolved


def _given_config(job: JobDefinition, run_config: Any) -> Any:
    """``execution: config:`` of the run config, else of the job's own config; else NO_VALUE."""
    given = _execution_config(run_config)
    if given is NO_VALUE and isinstance(job.config, Mapping):
        given = _execution_config(job.config)
    return given


def _execution_config(run_config: Any) -> Any:
    section = run_config.get("execution") if isinstance(run_config, Mapping) else None
    return section.get("config", NO_VALUE) if isinstance(section, Mapping) else NO_VALUE


def _checked(executor_def: ExecutorDefinition, job: JobDefinition, given: Any) -> dict[str, Any]:
    """``given`` checked against the executor's schema, defaults filled."""
    from ...config.validate import validate_field

    resolved, problems = validate_field(executor_def.config_field, given, "execution.config")
    if problems:
        raise RunConfigError(job=job.name, problems=problems)
    return dict(resolved or {})
