"""Running hooks after a step, and the context they receive."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..definitions.resources import resource_defs_from
from ..records import EventType, StepFailureData
from ._boundary import UserFailure, call_user
from .logs import ERROR, StepLog
from .resources import Resources, ResourceSet, open_resources

if TYPE_CHECKING:
    from ..definitions.dependency import Node
    from ..definitions.hooks import HookDefinition
    from ._run import RunContext
    from .state import ExecutionStep

__all__ = ["HookContext", "run_hooks", "build_hook_context"]


class HookContext:
    """What a hook function receives: the step, its resources, its outputs or exception.

    One made by :func:`build_hook_context` is also a context manager that
    tears down the resources it started when its block ends.
    """

    __slots__ = (
        "_resource_set",
        "hook_def",
        "instance",
        "job_name",
        "log",
        "op",
        "op_config",
        "op_exception",
        "op_output_values",
        "resources",
        "run_id",
        "step_key",
    )

    def __init__(
        self,
        hook_def: HookDefinition | None,
        op: Node | None,
        step_key: str | None,
        resources: Resources,
        op_exception: BaseException | None,
        op_output_values: Mapping[str, Any],
        log: StepLog,
        job_name: str | None,
        run_id: str | None,
        op_config: Any = None,
        instance: Any = None,
    ) -> None:
        self.hook_def = hook_def
        self.op = op
        self.step_key = step_key
        self.resources = resources
        self.op_exception = op_exception
        self.op_output_values = op_output_values
        self.log = log
        self.job_name = job_name
        self.run_id = run_id
        self.op_config = op_config
        self.instance = instance
        self._resource_set: ResourceSet | None = None

    def __enter__(self) -> HookContext:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._resource_set is not None:
            self._resource_set.close()


class _DirectHookContext(HookContext):
    """A hook context built for a test: it owns the resources it started."""

    __slots__ = ()

    def __init__(self, resource_set: ResourceSet, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._resource_set = resource_set

    def __del__(self) -> None:
        # Teardown errors at garbage collection have nowhere to go.
        with contextlib.suppress(Exception):
            if self._resource_set is not None:
                self._resource_set.close()


def build_hook_context(
    resources: Mapping[str, Any] | None = None,
    op: Node | None = None,
    op_exception: BaseException | None = None,
    op_output_values: Mapping[str, Any] | None = None,
    job_name: str | None = None,
    run_id: str | None = None,
    step_key: str | None = None,
    instance: Any = None,
    op_config: Any = None,
) -> HookContext:
    """A hook context for calling a hook directly in a test: ``my_hook(build_hook_context())``.

    ``resources`` maps keys to plain objects or resource definitions;
    definitions are started now (they get ``instance``) and torn down when
    the context is used as a context manager and its block ends::

        with build_hook_context(resources={"db": db_resource}) as context:
            my_hook(context)
    """
    defs = resource_defs_from(resources, "build_hook_context")
    resource_set = open_resources(defs, {}, instance, "build_hook_context")
    return _DirectHookContext(
        resource_set,
        None,
        op,
        step_key,
        Resources(resource_set.values, "this hook context"),
        op_exception,
        dict(op_output_values or {}),
        StepLog(None, None),
        job_name,
        run_id,
        op_config,
        instance,
    )


def run_hooks(
    run: RunContext,
    step: ExecutionStep,
    succeeded: bool,
    exception: BaseException | None,
    output_values: Mapping[str, Any],
) -> None:
    """Run the step's hooks for its outcome; a hook that raises is recorded, not fatal."""
    spec = step.spec
    log = run.log
    trigger = "success" if succeeded else "failure"
    for hook in spec.hook_defs:
        if hook.trigger != trigger:
            log.event(
                EventType.HOOK_SKIPPED,
                f'Skipped the execution of hook "{hook.name}": it runs on {hook.trigger}.',
                step_key=step.key,
                handle=spec.key,
            )
            continue
        context = HookContext(
            hook,
            spec.node,
            step.key,
            run.resources.scoped(f"hook '{hook.name}'", hook.required_resource_keys),
            exception,
            output_values,
            StepLog(log, step.key),
            run.job.name,
            run.run.run_id,
            spec.op_config,
            run.instance,
        )
        try:
            call_user(f"hook '{hook.name}'", hook.hook_fn, context)
        except UserFailure as failure:
            log.event(
                EventType.HOOK_ERRORED,
                f'Error in hook "{hook.name}" of step "{step.key}": {failure.error.message}',
                step_key=step.key,
                handle=spec.key,
                data=StepFailureData(error=failure.error, error_source=failure.source),
                level=ERROR,
            )
            continue
        log.event(
            EventType.HOOK_COMPLETED,
            f'Finished the execution of hook "{hook.name}" triggered for "{step.key}".',
            step_key=step.key,
            handle=spec.key,
        )
