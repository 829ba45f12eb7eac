"""Jobs: a graph bound to resources, config, hooks, tags and an executor: what runs.

``@job`` records a body like ``@graph`` and binds it at once;
``GraphDefinition.to_job(...)`` binds an existing graph, so one graph can
become several environment-specific jobs. A job is checked as a whole when
it is built: every input has a source, every required resource is given,
dynamic outputs are used correctly.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar, overload

from ..config.describe import scaffold
from ..config.mapping import ConfigMapping
from ..errors import (
    InvalidDefinitionError,
    InvalidInvocationError,
    MissingResourceError,
    ResourceCycleError,
    did_you_mean,
)
from ..metadata import MetadataValueUnion, normalize_metadata
from ._body import compose
from ._compute import docstring
from ._flatten import (
    CollectRef,
    DynamicElementRef,
    FanInRef,
    FlatGraph,
    FlatOp,
    StepOutputRef,
    check_inputs_have_sources,
    flatten,
)
from ._units import mark_units
from ._util import check_name, frozen_dict
from .executor import ExecutorDefinition
from .graph import GraphDefinition
from .hooks import HookDefinition, check_hooks
from .logger import LoggerDefinition
from .outputs import DEFAULT_IO_MANAGER_KEY
from .partitioned_config import PartitionedConfig
from .partitions import PartitionsDefinition
from .resources import ResourceDefinition, find_resource_cycle, resource_defs_from
from .retry import RetryPolicy
from .run_config import RunConfigSchema, run_config_schema
from .selection import parse_op_selection, select_paths, subset_graph
from .tags import normalize_tags

if TYPE_CHECKING:
    from ..execution.result import ExecuteInProcessResult

__all__ = ["JobDefinition", "job"]

_T = TypeVar("_T")


class JobDefinition:
    """A graph made runnable: resources, config, hooks, tags, executor and loggers bound to it."""

    def __init__(
        self,
        *,
        graph_def: GraphDefinition,
        name: str | None = None,
        description: str | None = None,
        resource_defs: Mapping[str, Any] | None = None,
        config: Any = None,
        tags: Mapping[str, Any] | None = None,
        run_tags: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        logger_defs: Mapping[str, LoggerDefinition] | None = None,
        executor_def: ExecutorDefinition | None = None,
        hooks: Any = None,
        op_retry_policy: RetryPolicy | None = None,
        partitions_def: PartitionsDefinition | None = None,
        input_values: Mapping[str, Any] | None = None,
        _op_selection: Sequence[str] | None = None,
        _defined_in: tuple[str, str] | None = None,
        _asset_layer: Any = None,
        _late_bound: bool = False,
    ) -> None:
        # Where the job was made, so another process can find it again (reconstructable()).
        self._defined_in = _defined_in if _defined_in is not None else _caller_origin()
        if not isinstance(graph_def, GraphDefinition):
            raise InvalidDefinitionError(
                f"a job needs a GraphDefinition, got {type(graph_def).__name__}.",
                fix="build the job with @job or graph.to_job().",
            )
        self._name = check_name(name or graph_def.name, "job")
        where = f"job '{self._name}'"
        self._graph = graph_def
        self._description = description if description is not None else graph_def.description
        self._tags = normalize_tags(tags, where)
        self._run_tags = normalize_tags(run_tags, f"run_tags of {where}")
        self._metadata = frozen_dict(normalize_metadata(metadata, where=where))
        self._resource_defs = MappingProxyType(resource_defs_from(resource_defs, where))
        self._config = _check_config(config, where)
        self._logger_defs = MappingProxyType(_check_logger_defs(logger_defs, where))
        self._executor_def = _check_instance(
            executor_def, ExecutorDefinition, "executor_def", where
        )
        self._hook_defs = check_hooks(hooks, where)
        self._op_retry_policy = _check_instance(
            op_retry_policy, RetryPolicy, "op_retry_policy", where
        )
        self._partitions_def: PartitionsDefinition | None = _check_instance(
            partitions_def, PartitionsDefinition, "partitions_def", where
        )
        if isinstance(self._config, PartitionedConfig):
            if self._partitions_def is None:
                self._partitions_def = self._config.partitions_def
            elif self._partitions_def is not self._config.partitions_def:
                raise InvalidDefinitionError(
                    "partitions_def differs from the partitions of its partitioned config.",
                    where=where,
                    fix="leave partitions_def out: the partitioned config gives it.",
                )
        self._input_values = frozen_dict(input_values)
        self._op_selection = list(_op_selection) if _op_selection else None
        self._check_input_values(where)
        # An asset job's AssetLayer (assets/layer.py): which asset each op output is.
        self._asset_layer = _asset_layer
        self._flat = flatten(
            graph_def,
            self._name,
            self._hook_defs,
            self._op_retry_policy,
            _asset_layer.loaded_inputs if _asset_layer is not None else None,
        )
        self._flat.units = mark_units(graph_def, self._name, self._flat.ops)
        check_inputs_have_sources(self._name, self._flat, self._input_values)
        # A job that binds no resources may get them later (Definitions(resources=...), or at
        # launch); its missing keys are then reported when it runs (check_resources_provided).
        self._resources_deferred = not resource_defs
        self._missing_resources = False
        # Resources bound after the job was defined (Definitions, launch): say so in errors.
        self._late_bound = _late_bound or self._resources_deferred
        self._check_resources(where, missing_ok=self._resources_deferred, deferred=_late_bound)
        # The whole job a subset was cut from (itself when it is not a subset).
        self._whole: JobDefinition = self
        # The run config schema, built on first use (see run_config.py).
        self._run_config_schema: Any = None
        if isinstance(self._config, Mapping):
            run_config_schema(self)  # a hardcoded config is checked when the job is built

    # -- what it is ------------------------------------------------------

    @property
    def name(self) -> str:
        return self._name

    @property
    def description(self) -> str | None:
        return self._description

    @property
    def graph(self) -> GraphDefinition:
        return self._graph

    @property
    def tags(self) -> Mapping[str, str]:
        """Tags of the job, copied onto each of its runs (values are strings)."""
        return self._tags

    @property
    def run_tags(self) -> Mapping[str, str]:
        return {**self._tags, **self._run_tags}

    @property
    def metadata(self) -> Mapping[str, MetadataValueUnion]:
        """The job's metadata, its values normalized to metadata values; each run records a copy
        (``job_metadata``)."""
        return self._metadata

    @property
    def resource_defs(self) -> Mapping[str, ResourceDefinition]:
        return self._resource_defs

    @property
    def config(self) -> Any:
        """The job-level config: a default run config dict, a ConfigMapping, or None."""
        return self._config

    @property
    def run_config(self) -> Mapping[str, Any] | None:
        """The job's hardcoded default run config, if it has one."""
        return self._config if isinstance(self._config, Mapping) else None

    @property
    def config_mapping(self) -> ConfigMapping | None:
        return self._config if isinstance(self._config, ConfigMapping) else None

    @property
    def partitioned_config(self) -> PartitionedConfig | None:
        return self._config if isinstance(self._config, PartitionedConfig) else None

    @property
    def run_config_schema(self) -> RunConfigSchema:
        """The schema a launch's run config is checked against (``.describe()`` for JSON)."""
        return run_config_schema(self)

    def scaffold_run_config(self) -> str:
        """YAML to start a run config from: required fields and defaults, commented."""
        return scaffold(self.run_config_schema.config_type)

    @property
    def logger_defs(self) -> Mapping[str, LoggerDefinition]:
        """The loggers the job declares; a job declaring none runs with the colored console."""
        return self._logger_defs

    @property
    def loggers(self) -> Mapping[str, LoggerDefinition]:
        return self._logger_defs

    @property
    def executor_def(self) -> ExecutorDefinition | None:
        return self._executor_def

    @property
    def hook_defs(self) -> frozenset[HookDefinition]:
        return self._hook_defs

    @property
    def op_retry_policy(self) -> RetryPolicy | None:
        return self._op_retry_policy

    @property
    def partitions_def(self) -> PartitionsDefinition | None:
        return self._partitions_def

    @property
    def input_values(self) -> Mapping[str, Any]:
        return self._input_values

    @property
    def op_selection(self) -> list[str] | None:
        """The op selection this job was cut with, or None for the whole job."""
        return self._op_selection

    @property
    def defined_in(self) -> tuple[str, str] | None:
        """Where the job was made: ``(module name, scope)``, or None when unknown.

        ``scope`` is ``"<module>"`` for a job made at module level, else the
        qualified name of the function (or class) it was made in. It is what
        lets ``reconstructable(job)`` find the job again in another process.
        """
        return self._defined_in

    @property
    def asset_layer(self) -> Any:
        """What the ops of an asset job materialize and read (None for an op job)."""
        return self._asset_layer

    @property
    def flat_graph(self) -> FlatGraph:
        """Every op of the job with its full handle, resolved inputs and dependency level."""
        return self._flat

    @property
    def execution_units(self) -> dict[str, tuple[str, ...]]:
        """Each graph this job runs as one unit (by handle) and the step keys of its ops,
        in the order a worker runs them (see docs/executors.md)."""
        return {handle: unit.steps for handle, unit in self._flat.units.items()}

    @property
    def required_resource_keys(self) -> frozenset[str]:
        """Every resource key an op or hook of this job requires."""
        return frozenset(k for flat in self._flat.ops.values() for k in flat.resource_keys)

    def has_node_named(self, name: str) -> bool:
        try:
            self._graph.node_named(name)
        except KeyError:
            return False
        return True

    # -- using it --------------------------------------------------------

    def get_subset(self, *, op_selection: Sequence[str] | str | None = None) -> JobDefinition:
        """This job cut down to the selected ops (``"op"``, ``"*op"``, ``"op+"``, ``"g.op"``).

        A subset of a subset selects from the whole job it was cut from.
        """
        clauses = parse_op_selection(op_selection) if op_selection else []
        whole = self._whole
        if not clauses:
            return whole
        subset = subset_graph(whole.graph, select_paths(whole.graph, clauses, self._name))
        job = whole._replace(
            graph_def=subset,
            input_values={k: v for k, v in whole.input_values.items() if k in subset.input_dict},
            _op_selection=clauses,
        )
        job._whole = whole
        return job

    def with_resources(self, resource_defs: Mapping[str, Any]) -> JobDefinition:
        """This job with some resources added or replaced (``execute_in_process(resources=)``)."""
        if not resource_defs:
            return self
        given = resource_defs_from(resource_defs, f"job '{self._name}'")
        job = self._replace(
            resource_defs={**self._resource_defs, **given}, _late_bound=self._late_bound
        )
        if self._whole is not self:
            job._whole = self._whole.with_resources(resource_defs)
        return job

    def _replace(self, **changes: Any) -> JobDefinition:
        """A new job with the same settings as this one except ``changes``."""
        settings: dict[str, Any] = {
            "graph_def": self._graph,
            "name": self._name,
            "description": self._description,
            "resource_defs": self._resource_defs,
            "config": self._config,
            "tags": self._tags,
            "run_tags": self._run_tags,
            "metadata": self._metadata,
            "logger_defs": self._logger_defs,
            "executor_def": self._executor_def,
            "hooks": self._hook_defs,
            "op_retry_policy": self._op_retry_policy,
            "partitions_def": self._partitions_def,
            "input_values": self._input_values,
            "_op_selection": self._op_selection,
            "_asset_layer": self._asset_layer,
            "_defined_in": self._defined_in,
        }
        settings.update(changes)
        return JobDefinition(**settings)

    def execute_in_process(
        self,
        run_config: Any = None,
        instance: Any = None,
        partition_key: str | None = None,
        raise_on_error: bool = True,
        op_selection: Sequence[str] | str | None = None,
        run_id: str | None = None,
        input_values: Mapping[str, Any] | None = None,
        tags: Mapping[str, Any] | None = None,
        resources: Mapping[str, Any] | None = None,
    ) -> ExecuteInProcessResult:
        """Run this job once, in this process, and return its result (events, outputs, success)."""
        from ..execution.api import execute_in_process

        return execute_in_process(
            self.with_resources(resources) if resources else self,
            run_config=run_config,
            instance=instance,
            partition_key=partition_key,
            raise_on_error=raise_on_error,
            op_selection=op_selection,
            run_id=run_id,
            input_values=input_values,
            tags=tags,
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise InvalidInvocationError(
            f"job '{self._name}' was called directly.",
            fix="run it with .execute_in_process() (or launch it through an instance).",
        )

    def __repr__(self) -> str:
        return f"<JobDefinition {self._name!r}>"

    # -- checks ----------------------------------------------------------

    def _check_input_values(self, where: str) -> None:
        for key in self._input_values:
            if key not in self._graph.input_dict:
                known = list(self._graph.input_dict)
                raise InvalidDefinitionError(
                    f"input_values names '{key}', which is not an input of graph "
                    f"'{self._graph.name}'.{did_you_mean(key, known)}",
                    where=where,
                    fix=f"use the graph's inputs: {', '.join(known) or '(it has none)'}.",
                )

    def check_resources_provided(self) -> None:
        """Raise MissingResourceError if an op, hook, IO manager or resource needs a resource
        key the job does not provide (what launching a job checks first)."""
        if self._resources_deferred and self._missing_resources:
            self._check_resources(f"job '{self._name}'", missing_ok=False, deferred=True)

    def _check_resources(
        self, where: str, missing_ok: bool = False, deferred: bool = False
    ) -> None:
        """Every required key is provided, and no resources require each other in a cycle."""
        provided = self._resource_defs
        for flat in self._flat.ops.values():
            needs = [(k, f"op '{flat.handle}'") for k in sorted(flat.op_def.required_resource_keys)]
            for hook in flat.hook_defs:
                needs += [(k, f"hook '{hook.name}'") for k in sorted(hook.required_resource_keys)]
            # IO managers; "io_manager" itself defaults to keeping outputs in memory.
            needs += [
                (k, f"op '{flat.handle}' (as its IO manager)")
                for k in sorted(flat.io_manager_keys)
                if k != DEFAULT_IO_MANAGER_KEY
            ]
            for key, user in needs:
                if key not in provided and missing_ok:
                    self._missing_resources = True  # reported when the job runs
                elif key not in provided:
                    raise MissingResourceError(
                        required_by=user,
                        key=key,
                        known=list(provided),
                        where=where,
                        fix=_LATE_BINDING_FIX.format(key=key) if deferred else None,
                    )
            if DEFAULT_IO_MANAGER_KEY not in provided:
                _check_root_inputs(flat, where)
        for key, definition in provided.items():
            for needed in sorted(definition.required_resource_keys):
                if needed not in provided:
                    raise MissingResourceError(
                        required_by=f"resource '{key}'",
                        key=needed,
                        known=list(provided),
                        where=where,
                    )
        cycle = find_resource_cycle(provided)
        if cycle is not None:
            raise ResourceCycleError(cycle=cycle, where=where)
        self._check_executor_io(where)

    def _check_executor_io(self, where: str) -> None:
        """Steps on other processes cannot hand outputs over through one process's memory."""
        executor = self._executor_def
        if executor is None or not executor.runs_steps_elsewhere:
            return
        found = self.output_kept_in_memory()
        if found is not None:
            handle, key = found
            raise InvalidDefinitionError(
                f"op '{handle}' stores outputs with '{key}', which keeps them in "
                f"memory, but the {executor.name} executor runs each step in another "
                "process, where the next step could not read them.",
                where=where,
                fix=f"bind '{key}' to fs_io_manager (or another IO manager that stores "
                "outside the process), or leave 'io_manager' unbound (a persistent "
                "instance then writes files), or use in_process_executor.",
            )

    def output_kept_in_memory(self) -> tuple[str, str] | None:
        """(op, IO manager key) of the first op whose outputs stay in this process's memory
        (bound to ``mem_io_manager``), or None: whether steps may run in other processes."""
        for flat in self._flat.ops.values():
            for key in sorted(flat.io_manager_keys):
                definition = self._resource_defs.get(key)
                if definition is not None and definition.keeps_outputs_in_memory:
                    return flat.handle, key
        return None


_LATE_BINDING_FIX = (
    "bind it: @job(resource_defs={{'{key}': ...}}), Definitions(jobs=[...], "
    "resources={{'{key}': ...}}), or execute_in_process(resources={{'{key}': ...}})."
)

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _caller_origin() -> tuple[str, str] | None:
    """``(module, scope)`` of the nearest caller outside dagwright: who built the job."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return None
    return str(frame.f_globals.get("__name__")), frame.f_code.co_qualname


def _function_origin(fn: Callable[..., Any]) -> tuple[str, str] | None:
    """``(module, scope)`` of the function ``@job`` decorated: where its ``def`` stands."""
    module = getattr(fn, "__module__", None)
    if not isinstance(module, str):
        return None
    scope = str(getattr(fn, "__qualname__", "")).rpartition(".")[0].removesuffix(".<locals>")
    return module, scope or "<module>"


def _check_root_inputs(flat: FlatOp, where: str) -> None:
    """An unconnected input loaded by the default, in-memory IO manager has nothing to load."""
    for flat_input in flat.inputs:
        in_def = flat.op_def.input_dict[flat_input.name]
        if in_def.input_manager_key == DEFAULT_IO_MANAGER_KEY and not isinstance(
            flat_input.source, StepOutputRef | DynamicElementRef | CollectRef | FanInRef
        ):
            raise InvalidDefinitionError(
                f"input '{flat_input.name}' of op '{flat.handle}' is loaded by the IO manager "
                "'io_manager', which is the in-memory default here, and nothing feeds the input: "
                "the in-memory manager only loads outputs it stored.",
                where=where,
                fix="bind an IO manager that can load it (resource_defs={'io_manager': ...}), "
                "or give the input its own input_manager_key.",
            )


def _check_instance(value: object, cls: type[_T], label: str, where: str) -> _T | None:
    if value is not None and not isinstance(value, cls):
        raise InvalidDefinitionError(
            f"{label} must be a {cls.__name__}, got {type(value).__name__}.", where=where
        )
    return value


def _check_config(config: Any, where: str) -> Any:
    if config is None or isinstance(config, ConfigMapping | Mapping | PartitionedConfig):
        return config
    to_dict = getattr(config, "to_config_dict", None)
    if to_dict is not None:
        return to_dict()  # a RunConfig: its dict form is the default
    raise InvalidDefinitionError(
        f"config must be a run config dict, a RunConfig, a ConfigMapping or a partitioned "
        f"config, got {type(config).__name__}.",
        where=where,
        fix="pass config={'ops': {...}}, a function decorated with @config_mapping, or one "
        "decorated with @daily_partitioned_config (or another partitioned config).",
    )


def _check_logger_defs(
    logger_defs: Mapping[str, LoggerDefinition] | None, where: str
) -> dict[str, LoggerDefinition]:
    result: dict[str, LoggerDefinition] = {}
    for key, value in (logger_defs or {}).items():
        check_name(key, "logger", where)
        if not isinstance(value, LoggerDefinition):
            raise InvalidDefinitionError(
                f"logger '{key}' is {type(value).__name__}, not a logger definition.",
                where=where,
                fix="decorate the function with @logger.",
            )
        result[key] = value
    return result


@overload
def job(compose_fn: Callable[..., Any]) -> JobDefinition: ...
@overload
def job(
    compose_fn: None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    resource_defs: Mapping[str, Any] | None = None,
    config: Any = None,
    tags: Mapping[str, Any] | None = None,
    run_tags: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
    logger_defs: Mapping[str, LoggerDefinition] | None = None,
    executor_def: ExecutorDefinition | None = None,
    hooks: Any = None,
    op_retry_policy: RetryPolicy | None = None,
    partitions_def: PartitionsDefinition | None = None,
    input_values: Mapping[str, Any] | None = None,
) -> Callable[[Callable[..., Any]], JobDefinition]: ...
def job(
    compose_fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    resource_defs: Mapping[str, Any] | None = None,
    config: Any = None,
    tags: Mapping[str, Any] | None = None,
    run_tags: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
    logger_defs: Mapping[str, LoggerDefinition] | None = None,
    executor_def: ExecutorDefinition | None = None,
    hooks: Any = None,
    op_retry_policy: RetryPolicy | None = None,
    partitions_def: PartitionsDefinition | None = None,
    input_values: Mapping[str, Any] | None = None,
) -> JobDefinition | Callable[[Callable[..., Any]], JobDefinition]:
    """Turn a function whose body calls ops into a job; the calls set the dependencies."""

    def build(fn: Callable[..., Any]) -> JobDefinition:
        job_name = check_name(name or getattr(fn, "__name__", None), "job")
        comp, returned, descriptions = compose(fn, job_name, "job")
        if returned is not None:
            raise InvalidDefinitionError(
                "its body returned a value; a job has no outputs.",
                where=f"job '{job_name}'",
                fix="drop the return, or build a @graph with outputs and call .to_job() on it.",
            )
        graph_def = GraphDefinition(
            job_name,
            description=description if description is not None else docstring(fn),
            _recorded=(
                [r.node for r in comp.recorded.values()],
                {n: r.sources for n, r in comp.recorded.items()},
            ),
            _input_descriptions=descriptions,
        )
        return JobDefinition(
            graph_def=graph_def,
            name=job_name,
            resource_defs=resource_defs,
            config=config,
            tags=tags,
            run_tags=run_tags,
            metadata=metadata,
            logger_defs=logger_defs,
            executor_def=executor_def,
            hooks=hooks,
            op_retry_policy=op_retry_policy,
            partitions_def=partitions_def,
            input_values=input_values,
            _defined_in=_function_origin(fn),
        )

    if compose_fn is not None:
        return build(compose_fn)
    return build
