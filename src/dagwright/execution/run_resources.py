"""A run's resources in the process that runs its steps: which to start, starting, closing.

The in-process executor does this once in the run's process; the
multiprocess executor once in each worker. On a persistent instance an
unbound ``io_manager`` is ``fs_io_manager``, so outputs outlive the
process that made them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..definitions.outputs import DEFAULT_IO_MANAGER_KEY
from ..errors import InvalidDefinitionError, PartitionMappingError
from ..records import EngineEventData, EventType, StepFailureData
from ._boundary import UserFailure, describe
from .io_managers import check_partition_reads, inline_manager_keys
from .logs import ERROR, StepLog

if TYPE_CHECKING:
    from ._run import RunContext

__all__ = ["open_run_resources", "close_run_resources"]


def open_run_resources(context: RunContext) -> BaseException | None:
    """Start the resources the run's steps need; return the failure if one did not start.

    A re-execution starts only what its selected steps use (and the managers
    that load the outputs they reuse).
    """
    specs = context.plan.specs_to_execute()
    output_keys, input_keys = context.plan.manager_keys(specs)
    io_keys = output_keys | input_keys
    context.resource_defs = _resource_defs_for(context, io_keys)
    needed = {k for spec in specs for k in spec.resource_keys}
    # An unbound "io_manager" is the in-memory default, kept inline by the steps.
    needed |= {k for k in io_keys if k in context.resource_defs}
    failure = _start_resources(context, needed)
    if failure is None:
        failure = _check_io_managers(context, output_keys, input_keys)
    return failure


def _resource_defs_for(context: RunContext, io_keys: set[str]) -> Mapping[str, Any]:
    """The job's resources; on a persistent instance an unbound "io_manager" writes files.

    Outputs then outlive the process that made them, as a run recorded for
    others to read (and re-execute from) needs.
    """
    defs = context.job.resource_defs
    if (
        DEFAULT_IO_MANAGER_KEY in io_keys
        and DEFAULT_IO_MANAGER_KEY not in defs
        and not context.instance.is_ephemeral
    ):
        from ..storage.fs_io_manager import fs_io_manager  # only persistent instances need it

        return {**defs, DEFAULT_IO_MANAGER_KEY: fs_io_manager}
    return defs


def _check_io_managers(
    context: RunContext, output_keys: set[str], input_keys: set[str]
) -> BaseException | None:
    try:
        context.inline_io = inline_manager_keys(context.resources.values, output_keys, input_keys)
        check_partition_reads(context)
    except (InvalidDefinitionError, PartitionMappingError) as error:
        context.log.event(
            EventType.RESOURCE_INIT_FAILURE,
            f"Initialization of resources failed: {error}",
            data=StepFailureData(error=describe(error)[0], error_source="FRAMEWORK_ERROR"),
            level=ERROR,
        )
        return error
    return None


def _start_resources(context: RunContext, needed: set[str]) -> BaseException | None:
    if not needed:
        return None
    log = context.log
    keys = ", ".join(sorted(needed))
    log.event(EventType.RESOURCE_INIT_STARTED, f"Starting initialization of resources [{keys}].")
    section = context.plan.run_config.get("resources")
    resources_config: Mapping[str, Any] = section if isinstance(section, Mapping) else {}
    configs = {
        key: value.get("config") if isinstance(value, Mapping) else None
        for key, value in resources_config.items()
    }
    try:
        context.resources.start(
            context.resource_defs,
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


def close_run_resources(context: RunContext) -> None:
    """Tear the started resources down; a failing teardown is recorded, not raised."""
    try:
        context.resources.close()
    except UserFailure as failure:
        context.log.event(
            EventType.ENGINE_EVENT,
            f"Tearing down {failure.place.removesuffix(' teardown')} failed.",
            data=EngineEventData(error=failure.error),
            level=ERROR,
        )
