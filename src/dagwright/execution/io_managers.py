"""Calling IO managers in a run, and the contexts they receive.

:class:`OutputContext` describes one output being stored (its step, name,
mapping key, type, definition metadata, the run); :class:`InputContext` one
input being loaded, with the ``upstream_output`` it comes from.
``build_output_context`` / ``build_input_context`` make them for unit tests
of an IO manager.

Outputs whose manager is the in-memory one are kept by the step runner
itself and never reach this module: the common case costs nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..definitions.io_manager import InMemoryIOManager, is_input_manager, is_io_manager
from ..definitions.outputs import DEFAULT_IO_MANAGER_KEY
from ..errors import AssetNotLoadableError, InvalidDefinitionError, InvalidInvocationError
from ..metadata import normalize_metadata
from ._boundary import call_user
from .logs import StepLog
from .resources import EMPTY_RESOURCES, Resources

if TYPE_CHECKING:
    from ..definitions.op import OpDefinition
    from ..definitions.types import DataType
    from ..metadata import AssetKey
    from ._run import RunContext
    from .state import ExecutionStep

__all__ = [
    "InputContext",
    "OutputContext",
    "build_input_context",
    "build_output_context",
    "inline_manager_keys",
    "load_with_manager",
    "store_with_manager",
]


class _IOContext:
    """What both IO manager contexts say: which input or output, of which op, in which run."""

    _kind = "value"

    def __init__(
        self,
        *,
        name: str | None,
        step_key: str | None,
        job_name: str | None,
        op_def: OpDefinition | None,
        metadata: Mapping[str, Any] | None,
        dagster_type: DataType | None,
        log: StepLog | None,
        resource_config: Any,
        resources: Resources | Mapping[str, Any] | None,
        partition_key: str | None,
        asset_key: AssetKey | None = None,
    ) -> None:
        self.name = name
        self._asset_key = asset_key
        self.step_key = step_key
        self.job_name = job_name
        self.op_def = op_def
        self.definition_metadata: Mapping[str, Any] = dict(metadata or {})
        self.dagster_type = dagster_type
        self.log = log if log is not None else StepLog(None, step_key)
        self.resource_config = resource_config
        self.resources = _as_resources(resources)
        self._partition_key = partition_key
        self._added: dict[str, Any] = {}

    @property
    def metadata(self) -> Mapping[str, Any]:
        """The metadata declared on the definition (``Out(metadata=...)``, ``In(...)``)."""
        return self.definition_metadata

    @property
    def has_partition_key(self) -> bool:
        return self._partition_key is not None

    @property
    def partition_key(self) -> str:
        if self._partition_key is None:
            raise InvalidInvocationError(
                "it belongs to a run without a partition key.",
                where=self._where(),
                fix="check context.has_partition_key first.",
            )
        return self._partition_key

    @property
    def has_asset_key(self) -> bool:
        """Whether the value is (or is read from) an asset."""
        return self._asset_key is not None

    @property
    def asset_key(self) -> AssetKey:
        """The asset the value is (an output) or is read from (an input)."""
        if self._asset_key is None:
            raise InvalidInvocationError(
                "it is not an asset, so it has no asset key.",
                where=self._where(),
                fix="check context.has_asset_key first.",
            )
        return self._asset_key

    @property
    def has_asset_partitions(self) -> bool:
        """Whether the value is one or more partitions of a partitioned asset."""
        return self._asset_key is not None and bool(self._asset_partition_keys())

    @property
    def asset_partition_keys(self) -> list[str]:
        """The partitions of the asset the value is (an output: the run's) or is read from (an
        input: those its partition mapping names)."""
        keys = self._asset_partition_keys()
        if self._asset_key is None or keys is None:
            raise InvalidInvocationError(
                "it is not a partitioned asset, so it has no asset partitions.",
                where=self._where(),
                fix="check context.has_asset_partitions first.",
            )
        return list(keys)

    @property
    def asset_partition_key(self) -> str:
        """The one asset partition of the value; an error when it spans several."""
        keys = self.asset_partition_keys
        if len(keys) != 1:
            raise InvalidInvocationError(
                f"it spans {len(keys)} asset partitions, not one.",
                where=self._where(),
                fix="read context.asset_partition_keys.",
            )
        return keys[0]

    def _asset_partition_keys(self) -> list[str] | None:
        return [self._partition_key] if self._partition_key is not None else None

    def get_asset_identifier(self) -> list[str]:
        """A path naming the asset (and its partition): its key's parts, then the partition."""
        parts = list(self.asset_key.path)
        if self.has_asset_partitions:
            parts.append(self.asset_partition_key)
        return parts

    def _where(self) -> str:
        return f"{self._kind} '{self.name}' of step '{self.step_key}'"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.step_key}.{self.name}>"


class OutputContext(_IOContext):
    """What ``IOManager.handle_output`` receives: which output of which step of which run."""

    _kind = "output"

    def __init__(
        self,
        *,
        step_key: str | None = None,
        name: str | None = None,
        job_name: str | None = None,
        run_id: str | None = None,
        mapping_key: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        op_def: OpDefinition | None = None,
        dagster_type: DataType | None = None,
        log: StepLog | None = None,
        resource_config: Any = None,
        resources: Resources | Mapping[str, Any] | None = None,
        partition_key: str | None = None,
        definition_metadata: Mapping[str, Any] | None = None,
        asset_key: AssetKey | None = None,
    ) -> None:
        super().__init__(
            name=name,
            step_key=step_key,
            job_name=job_name,
            op_def=op_def,
            metadata=definition_metadata or metadata,
            dagster_type=dagster_type,
            log=log,
            resource_config=resource_config,
            resources=resources,
            partition_key=partition_key,
            asset_key=asset_key,
        )
        self.run_id = run_id
        self.mapping_key = mapping_key

    def get_identifier(self) -> list[str]:
        """A path naming this output uniquely: run id, step key, output name (and mapping key)."""
        if self.run_id is None or self.step_key is None or self.name is None:
            raise InvalidInvocationError(
                "the output context needs run_id, step_key and name to name its output.",
                fix="pass them to build_output_context(...).",
            )
        parts = [self.run_id, self.step_key, self.name]
        if self.mapping_key is not None:
            parts.append(self.mapping_key)
        return parts

    def add_output_metadata(self, metadata: Mapping[str, Any]) -> None:
        """Attach metadata to the HANDLED_OUTPUT event of this output (a path, a row count)."""
        self._added.update(normalize_metadata(metadata, where=self._where()))

    @property
    def output_metadata(self) -> Mapping[str, Any]:
        """Metadata added by :meth:`add_output_metadata` so far."""
        return dict(self._added)


class InputContext(_IOContext):
    """What ``IOManager.load_input`` receives: the input, and the output it is loaded from."""

    _kind = "input"

    def __init__(
        self,
        *,
        name: str | None = None,
        job_name: str | None = None,
        op_def: OpDefinition | None = None,
        metadata: Mapping[str, Any] | None = None,
        upstream_output: OutputContext | None = None,
        dagster_type: DataType | None = None,
        log: StepLog | None = None,
        resource_config: Any = None,
        resources: Resources | Mapping[str, Any] | None = None,
        partition_key: str | None = None,
        step_key: str | None = None,
        definition_metadata: Mapping[str, Any] | None = None,
        asset_key: AssetKey | None = None,
        asset_partition_keys: Sequence[str] | None = None,
    ) -> None:
        super().__init__(
            name=name,
            step_key=step_key,
            job_name=job_name,
            op_def=op_def,
            metadata=definition_metadata or metadata,
            dagster_type=dagster_type,
            log=log,
            resource_config=resource_config,
            resources=resources,
            partition_key=partition_key,
            asset_key=asset_key,
        )
        self.upstream_output = upstream_output
        self._upstream_partitions = (
            None if asset_partition_keys is None else list(asset_partition_keys)
        )

    def _asset_partition_keys(self) -> list[str] | None:
        # An input's asset partitions are the upstream's, as its partition mapping names them.
        return self._upstream_partitions

    def add_input_metadata(self, metadata: Mapping[str, Any]) -> None:
        """Attach metadata to the LOADED_INPUT event of this input."""
        self._added.update(normalize_metadata(metadata, where=self._where()))


def _as_resources(resources: Resources | Mapping[str, Any] | None) -> Resources:
    if resources is None:
        return EMPTY_RESOURCES
    if isinstance(resources, Resources):
        return resources
    return Resources(resources, "this IO manager context")


# For unit tests of an IO manager: give the fields your manager reads, e.g.
# ``build_input_context(name="x", upstream_output=build_output_context(run_id=..., ...))``.
build_output_context = OutputContext
build_input_context = InputContext


# --------------------------------------------------------------------------
# In a run


def inline_manager_keys(
    values: Mapping[str, Any], output_keys: set[str], input_keys: set[str]
) -> frozenset[str]:
    """The IO manager keys the step runner handles itself: in-memory ones (or none bound).

    ``output_keys`` store outputs (they need ``handle_output`` and
    ``load_input``); ``input_keys`` only load inputs (``load_input``).
    Raises InvalidDefinitionError for a key whose resource cannot do its part.
    """
    inline: set[str] = set()
    for key in output_keys | input_keys:
        manager = values.get(key)
        unbound_default = manager is None and key == DEFAULT_IO_MANAGER_KEY
        if unbound_default or type(manager) is InMemoryIOManager:
            inline.add(key)
        elif key in output_keys and not is_io_manager(manager):
            raise InvalidDefinitionError(
                f"resource '{key}' stores op outputs, so it must be an IO manager, but its "
                f"value is a {type(manager).__name__}, which lacks "
                f"{_missing_methods(manager)}.",
                fix=f"bind '{key}' to an IOManager (a subclass, @io_manager or "
                "ConfigurableIOManager).",
            )
        elif not is_input_manager(manager):
            raise InvalidDefinitionError(
                f"resource '{key}' loads inputs, so it must be an input manager, but its "
                f"value is a {type(manager).__name__}, which has no load_input.",
                fix=f"bind '{key}' to an InputManager or IOManager (a subclass, "
                "@input_manager or @io_manager).",
            )
    return frozenset(inline)


def _missing_methods(value: Any) -> str:
    missing = [m for m in ("handle_output", "load_input") if not callable(getattr(value, m, None))]
    return " and ".join(missing)


def _output_context(
    run: RunContext,
    step_key: str,
    op_def: OpDefinition,
    output_name: str,
    mapping_key: str | None,
    log: StepLog,
    run_id: str | None = None,
) -> OutputContext:
    out_def = op_def.output_dict[output_name]
    key = out_def.io_manager_key
    layer = run.job.asset_layer
    asset_key = (
        layer.key_for_output(step_key.split("[", 1)[0], output_name) if layer is not None else None
    )
    partition_key = run.partition_key
    if asset_key is not None and partition_key is not None and not layer.is_partitioned(asset_key):
        partition_key = None  # an unpartitioned asset in a partitioned run: stored whole
    return OutputContext(
        step_key=step_key,
        name=output_name,
        job_name=run.job.name,
        run_id=run_id or run.run_id,
        mapping_key=mapping_key,
        metadata=out_def.metadata,
        op_def=op_def,
        dagster_type=out_def.dagster_type,
        log=log,
        resource_config=run.resources.configs.get(key),
        resources=_manager_resources(run, key),
        partition_key=partition_key,
        asset_key=asset_key,
    )


def _manager_resources(run: RunContext, key: str) -> Resources:
    definition = run.resource_defs.get(key)
    keys = definition.required_resource_keys if definition is not None else frozenset()
    return run.resources.scoped(f"IO manager '{key}'", keys)


def store_with_manager(
    run: RunContext,
    step: ExecutionStep,
    log: StepLog,
    output_name: str,
    value: Any,
    mapping_key: str | None,
) -> dict[str, Any]:
    """Hand an output to its IO manager; return the metadata the manager added."""
    op_def = step.spec.op_def
    key = op_def.output_dict[output_name].io_manager_key
    manager = run.resources.values[key]
    context = _output_context(run, step.key, op_def, output_name, mapping_key, log)
    call_user(
        lambda: f"IO manager '{key}' handling output '{output_name}' of step '{step.key}'",
        manager.handle_output,
        context,
        value,
    )
    return context._added


def load_with_manager(
    run: RunContext,
    step: ExecutionStep,
    log: StepLog,
    input_name: str,
    manager_key: str,
    upstream: tuple[str, str, str | None] | None,
) -> tuple[Any, dict[str, Any]]:
    """Load an input through ``manager_key``; ``upstream`` is (step key, output, mapping key).

    The upstream output's context names the run that made it: this run, or
    in a re-execution the earlier run whose output is reused.
    Returns the value and the metadata the manager added.
    """
    op_def = step.spec.op_def
    in_def = op_def.input_dict[input_name]
    upstream_context = None
    if upstream is not None:
        upstream_key, output_name, mapping_key = upstream
        upstream_spec = run.plan.specs[upstream_key.split("[", 1)[0]]
        if upstream_spec.op_def.output_dict[output_name].dagster_type.is_nothing:
            return None, {}  # a Nothing output was never stored: it carries no value
        known = run.plan.known_state
        upstream_context = _output_context(
            run,
            upstream_key,
            upstream_spec.op_def,
            output_name,
            mapping_key,
            log,
            known.producer(upstream_key) if known is not None else None,
        )
    layer = run.job.asset_layer
    asset_key = layer.key_for_input(step.spec.key, input_name) if layer is not None else None
    partitions = layer.input_partitions.get((step.spec.key, input_name)) if layer else None
    upstream_keys = (
        partitions.keys_for(run.partition_key, f"input '{input_name}' of step '{step.key}'")
        if partitions is not None
        else None
    )
    if upstream_context is None and asset_key is not None:
        upstream_context = _stored_asset_context(
            run, step, input_name, manager_key, asset_key, log, upstream_keys
        )
    elif upstream_context is not None:
        asset_key = upstream_context._asset_key
    context = InputContext(
        name=input_name,
        job_name=run.job.name,
        op_def=op_def,
        metadata=in_def.metadata,
        upstream_output=upstream_context,
        dagster_type=in_def.dagster_type,
        log=log,
        resource_config=run.resources.configs.get(manager_key),
        resources=_manager_resources(run, manager_key),
        partition_key=run.partition_key,
        step_key=step.key,
        asset_key=asset_key,
        asset_partition_keys=upstream_keys,
    )
    manager = run.resources.values[manager_key]
    value = call_user(
        lambda: f"IO manager '{manager_key}' loading input '{input_name}' of step '{step.key}'",
        manager.load_input,
        context,
    )
    return value, context._added


def _stored_asset_context(
    run: RunContext,
    step: ExecutionStep,
    input_name: str,
    manager_key: str,
    asset_key: AssetKey,
    log: StepLog,
    upstream_keys: list[str] | None,
) -> OutputContext:
    """The output context of an upstream asset this run does not make: its IO manager finds
    the asset's last materialization by the key (and partition, when the input reads one)."""
    manager = run.resources.values.get(manager_key)
    if manager is None or type(manager) is InMemoryIOManager:
        raise AssetNotLoadableError(
            asset=asset_key.to_user_string(),
            step_key=step.key,
            input_name=input_name,
            manager_key=manager_key,
        )
    layer = run.job.asset_layer
    return OutputContext(
        name="result",
        job_name=run.job.name,
        metadata=layer.asset_metadata(asset_key),
        log=log,
        resource_config=run.resources.configs.get(manager_key),
        resources=_manager_resources(run, manager_key),
        partition_key=upstream_keys[0] if upstream_keys and len(upstream_keys) == 1 else None,
        asset_key=asset_key,
    )


def check_partition_reads(run: RunContext) -> None:
    """Fail the run before any step when an input reads partitions of an asset this run makes
    other than the run's own partition through an in-memory IO manager, which holds only the
    run's partition (those others were stored, if ever, by earlier runs)."""
    layer = run.job.asset_layer
    if layer is None or not layer.input_partitions or run.partition_key is None:
        return
    for (handle, input_name), partitions in layer.input_partitions.items():
        producer = layer.asset_graph.assets_def_for(partitions.upstream_key)
        if (handle, input_name) in layer.loaded_inputs or producer is None:
            continue
        manager_key = producer.io_manager_key_for(partitions.upstream_key)
        if manager_key not in run.inline_io:
            continue
        where = f"input '{input_name}' of op '{handle}'"
        keys = partitions.keys_for(run.partition_key, where)
        if keys != [run.partition_key]:
            upstream = partitions.upstream_key.to_user_string()
            raise InvalidDefinitionError(
                f"it reads partitions {keys[:3]}{' ...' if len(keys) > 3 else ''} of asset "
                f"'{upstream}' (its partition mapping {partitions.mapping!r}), but this run "
                f"makes only partition '{run.partition_key}' of it, and IO manager "
                f"'{manager_key}' keeps values in memory, so the others cannot be read.",
                where=where,
                fix="run on a persistent instance (its default IO manager stores each "
                "partition as a file), or bind an IO manager that stores partitions.",
            )
