"""The ``context`` an op's function receives, in a run or in a unit test.

:class:`OpExecutionContext` is built for each step of a run; it reads from
the run's shared state (config, resources, log, tags). ``build_op_context``
makes a :class:`DirectOpContext` for calling an op directly in a test, with
the config and resources the test gives.

Both let the op report about assets and its data (``log_event``) and add
metadata to an output before producing it (``add_output_metadata``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from ..definitions._context import ExecutionContextBase
from ..definitions._output_metadata import PendingMetadata, add_output_metadata
from ..definitions.resources import resource_defs_from
from ..errors import InvalidInvocationError
from ..metadata import AssetKey, MetadataValueUnion, RawMetadataMapping, Report
from .logs import StepLog
from .reports import check_report, record_report
from .resources import EMPTY_RESOURCES, Resources, ResourceSet, open_resources

if TYPE_CHECKING:
    from ..definitions._results import OutputTracker
    from ..definitions.dependency import Node
    from ..definitions.job import JobDefinition
    from ..definitions.op import OpDefinition
    from ..records import Run
    from ._run import RunContext
    from .state import ExecutionStep

__all__ = [
    "OpExecutionContext",
    "AssetExecutionContext",
    "DirectOpContext",
    "build_op_context",
    "build_asset_context",
    "AttemptOutputs",
]


class AttemptOutputs(Protocol):
    """What the step runner keeps for one attempt that the context reads and adds to."""

    metadata: PendingMetadata | None
    """Metadata added with ``add_output_metadata`` for outputs not produced yet."""

    def produced(self, output_name: str, mapping_key: str | None) -> bool:
        """Whether the attempt has produced that output (that value of a dynamic output)."""
        ...


class OpExecutionContext(ExecutionContextBase):
    """What an op's ``context`` parameter receives during a run.

    Gives the op its config (``op_config``), resources, a ``log``, and facts
    about the run and the step (run id, job, tags, partition, mapping key).
    """

    __slots__ = ("_attempt", "_log", "_run", "_step")

    def __init__(self, run: RunContext, step: ExecutionStep, attempt: AttemptOutputs) -> None:
        self._run = run
        self._step = step
        self._attempt = attempt
        self._log: StepLog | None = None

    # -- the op ------------------------------------------------------------

    @property
    def op_def(self) -> OpDefinition:
        return self._step.spec.op_def

    @property
    def op(self) -> Node:
        """The node being run; ``op.name`` is its name in the job (its alias, if any)."""
        return self._step.spec.node

    @property
    def op_handle(self) -> str:
        """The op's path in the job (``"graph.op"``)."""
        return self._step.spec.key

    node_handle = op_handle

    @property
    def step_key(self) -> str:
        return self._step.key

    @property
    def op_config(self) -> Any:
        return self._step.spec.op_config

    @property
    def resources(self) -> Resources:
        spec = self._step.spec
        return self._run.resources.scoped(f"op '{spec.key}'", spec.resource_keys)

    @property
    def log(self) -> StepLog:
        if self._log is None:
            self._log = StepLog(self._run.log, self._step.key)
        return self._log

    @property
    def retry_number(self) -> int:
        """How many times this step was retried before this attempt (0 on the first)."""
        return self._step.attempt - 1

    def get_mapping_key(self) -> str | None:
        """The mapping key of this step when it runs over a dynamic output, else None."""
        return self._step.mapping_key

    @property
    def selected_output_names(self) -> frozenset[str]:
        """The outputs this run asks of the op: for a multi-asset made with
        ``can_subset=True``, those of the assets the run selected; else all of them."""
        names = self.op_def.output_dict
        layer = self._run.job.asset_layer
        return (
            layer.selected_output_names(self._step.spec.key, names) if layer else frozenset(names)
        )

    @property
    def selected_asset_keys(self) -> frozenset[AssetKey]:
        """The asset keys this run materializes with this op (empty for a plain op)."""
        layer = self._run.job.asset_layer
        if layer is None:
            return frozenset()
        handle = self._step.spec.key
        keys = (layer.key_for_output(handle, name) for name in self.selected_output_names)
        return frozenset(key for key in keys if key is not None)

    @property
    def has_assets_def(self) -> bool:
        """Whether this op computes assets (runs in an asset job)."""
        layer = self._run.job.asset_layer
        return layer is not None and any(
            handle == self._step.spec.key for handle, _ in layer.outputs
        )

    @property
    def asset_key(self) -> AssetKey:
        """The asset this op materializes (raises for an op that makes several, or none)."""
        keys = self.selected_asset_keys
        if len(keys) != 1:
            listed = ", ".join(sorted(k.to_user_string() for k in keys)) or "none"
            raise InvalidInvocationError(
                f"context.asset_key needs an op that makes one asset; this one makes: {listed}.",
                where=f"op '{self._step.spec.key}'",
                fix="use context.selected_asset_keys for a multi-asset.",
            )
        return next(iter(keys))

    # -- what the op reports -------------------------------------------------

    def log_event(self, event: Report) -> None:
        """Record an ``AssetMaterialization``, ``AssetObservation`` or ``ExpectationResult``
        as an event of this step, now (as yielding it would)."""
        step = self._step
        record_report(self._run, step, check_report(event, f"op '{step.spec.key}'"))

    def add_output_metadata(
        self,
        metadata: RawMetadataMapping,
        output_name: str | None = None,
        mapping_key: str | None = None,
    ) -> None:
        """Add metadata to an output before the op produces it; it lands on the output's
        STEP_OUTPUT event, over any metadata its ``Output`` carries.

        ``output_name`` may be left out when the op has one output;
        ``mapping_key`` names the value of a dynamic output. Once per output
        (per value of a dynamic output).
        """
        attempt = self._attempt
        pending = attempt.metadata
        if pending is None:
            pending = attempt.metadata = {}
        add_output_metadata(
            self.op_def,
            self._step.spec.key,
            pending,
            attempt.produced,
            metadata,
            output_name,
            mapping_key,
        )

    # -- the run -------------------------------------------------------------

    @property
    def run_id(self) -> str:
        return self._run.run.run_id

    @property
    def run(self) -> Run:
        return self._run.run

    dagster_run = run

    @property
    def job_name(self) -> str:
        return self._run.job.name

    @property
    def job_def(self) -> JobDefinition:
        return self._run.job

    @property
    def run_config(self) -> Mapping[str, Any]:
        return self._run.plan.run_config

    @property
    def instance(self) -> Any:
        return self._run.instance

    @property
    def run_tags(self) -> Mapping[str, str]:
        return self._run.run.tags

    def has_tag(self, key: str) -> bool:
        return key in self._run.run.tags

    def get_tag(self, key: str) -> str | None:
        return self._run.run.tags.get(key)

    @property
    def has_partition_key(self) -> bool:
        return self._run.partition_key is not None

    @property
    def partition_key(self) -> str:
        key = self._run.partition_key
        if key is None:
            raise InvalidInvocationError(
                "this run has no partition key.",
                where=f"op '{self._step.spec.key}'",
                fix="launch a partitioned job with partition_key=..., or check "
                "context.has_partition_key first.",
            )
        return key

    @property
    def partition_time_window(self) -> Any:
        """The time window ``[start, end)`` of the run's partition (time partitions only)."""
        partitions_def = self._run.job.partitions_def
        if not hasattr(partitions_def, "time_window_for_partition_key"):
            raise InvalidInvocationError(
                "this run's partitions are not time windows.",
                where=f"op '{self._step.spec.key}'",
                fix="use context.partition_key, or partition the job by time.",
            )
        return partitions_def.time_window_for_partition_key(self.partition_key)  # type: ignore[union-attr]

    def asset_partition_keys_for_input(self, input_name: str) -> list[str]:
        """The partitions of the upstream asset that input ``input_name`` reads (its
        partition mapping applied to the run's partition)."""
        layer = self._run.job.asset_layer
        handle = self._step.spec.key
        found = layer.input_partitions.get((handle, input_name)) if layer is not None else None
        where = f"input '{input_name}' of op '{handle}'"
        if found is None:
            raise InvalidInvocationError(
                "it does not read a partitioned asset.", where=where, fix="check the input name."
            )
        return list(found.keys_for(self._run.partition_key, where))

    def asset_partition_key_for_input(self, input_name: str) -> str:
        """The one upstream partition input ``input_name`` reads (an error for several)."""
        keys = self.asset_partition_keys_for_input(input_name)
        if len(keys) != 1:
            raise InvalidInvocationError(
                f"it reads {len(keys)} partitions, not one.",
                where=f"input '{input_name}' of op '{self._step.spec.key}'",
                fix="use context.asset_partition_keys_for_input(...).",
            )
        return keys[0]

    def asset_partition_key_for_output(self, output_name: str = "result") -> str:
        """The partition of the asset output ``output_name`` materializes: the run's."""
        layer = self._run.job.asset_layer
        key = layer.key_for_output(self._step.spec.key, output_name) if layer else None
        if key is None or not layer.is_partitioned(key):
            raise InvalidInvocationError(
                "it is not a partitioned asset.",
                where=f"output '{output_name}' of op '{self._step.spec.key}'",
                fix="check the output name, or context.has_partition_key.",
            )
        return self.partition_key

    def describe_op(self) -> str:
        return f'op "{self._step.spec.key}"'

    def __repr__(self) -> str:
        return f"<OpExecutionContext {self._step.key} of run {self.run_id}>"


class DirectOpContext(ExecutionContextBase):
    """A context for calling an op directly in a test (see :func:`build_op_context`).

    Use it as a context manager when its resources need tearing down.
    """

    __slots__ = (
        "_events",
        "_instance",
        "_log",
        "_mapping_key",
        "_op_config",
        "_op_def",
        "_output_metadata",
        "_outputs",
        "_partition_key",
        "_resource_set",
        "_resources",
        "_tags",
        "run_id",
    )

    def __init__(
        self,
        op_config: Any,
        resource_set: ResourceSet,
        partition_key: str | None,
        mapping_key: str | None,
        tags: Mapping[str, str],
        instance: Any,
    ) -> None:
        self._op_config = op_config
        self._resource_set = resource_set
        self._resources = Resources(resource_set.values, "this test context")
        self._partition_key = partition_key
        self._mapping_key = mapping_key
        self._tags = dict(tags)
        self._instance = instance
        self._op_def: OpDefinition | None = None
        self._log = StepLog(None, None)
        self._events: list[Report] = []
        self._output_metadata: PendingMetadata = {}
        self._outputs: OutputTracker | None = None
        self.run_id = "EPHEMERAL"

    def bind_to_op(
        self, op_def: OpDefinition, given: frozenset[str] = frozenset()
    ) -> DirectOpContext:
        """This context, checked for and attached to ``op_def`` (done by the op call).

        ``given`` are resources the call passes itself, as keyword arguments.
        Events and output metadata of an earlier call are forgotten.
        """
        missing = sorted(
            k for k in op_def.required_resource_keys if k not in self._resources and k not in given
        )
        if missing:
            raise InvalidInvocationError(
                f"it requires resource '{missing[0]}', which the context does not have.",
                where=f"op '{op_def.name}'",
                fix=f"build_op_context(resources={{'{missing[0]}': ...}}).",
            )
        self._op_def = op_def
        self._events = []
        self._output_metadata = {}
        self._outputs = None
        return self

    def track_outputs(self, tracker: OutputTracker) -> None:
        """Watch what a generator op yields, to know which outputs it produced (done by the
        op call)."""
        self._outputs = tracker

    @property
    def op_def(self) -> OpDefinition:
        if self._op_def is None:
            raise InvalidInvocationError(
                "the context is not attached to an op yet.",
                fix="pass it as the first argument of an op call.",
            )
        return self._op_def

    @property
    def selected_output_names(self) -> frozenset[str]:
        """Every output of the op: a direct call asks a multi-asset for all its assets."""
        return frozenset(self.op_def.output_dict)

    @property
    def op_config(self) -> Any:
        return self._op_config

    @property
    def resources(self) -> Resources:
        return self._resources if self._resource_set.values else EMPTY_RESOURCES

    @property
    def log(self) -> StepLog:
        return self._log

    @property
    def job_name(self) -> str | None:
        return None

    @property
    def retry_number(self) -> int:
        return 0

    @property
    def instance(self) -> Any:
        return self._instance

    def get_mapping_key(self) -> str | None:
        return self._mapping_key

    def log_event(self, event: Report) -> None:
        """Keep a report of the op (read it back with :meth:`get_events`)."""
        where = f"op '{self._op_def.name}'" if self._op_def is not None else "log_event"
        self._events.append(check_report(event, where))

    def get_events(self) -> list[Report]:
        """The reports the op passed to ``log_event`` in its last call, in order."""
        return list(self._events)

    def add_output_metadata(
        self,
        metadata: RawMetadataMapping,
        output_name: str | None = None,
        mapping_key: str | None = None,
    ) -> None:
        """Add metadata to an output before the op produces it, as in a run (read it back
        with :meth:`get_output_metadata`)."""
        outputs = self._outputs
        add_output_metadata(
            self.op_def,
            self.op_def.name,
            self._output_metadata,
            outputs.has_produced if outputs is not None else _nothing_produced,
            metadata,
            output_name,
            mapping_key,
        )

    def get_output_metadata(
        self, output_name: str, mapping_key: str | None = None
    ) -> dict[str, MetadataValueUnion] | None:
        """The metadata the op's last call added for an output, or None."""
        return self._output_metadata.get((output_name, mapping_key))

    @property
    def has_partition_key(self) -> bool:
        return self._partition_key is not None

    @property
    def partition_key(self) -> str:
        if self._partition_key is None:
            raise InvalidInvocationError(
                "this context has no partition key.",
                fix="build_op_context(partition_key=...).",
            )
        return self._partition_key

    @property
    def run_tags(self) -> Mapping[str, str]:
        return self._tags

    def has_tag(self, key: str) -> bool:
        return key in self._tags

    def get_tag(self, key: str) -> str | None:
        return self._tags.get(key)

    def __enter__(self) -> DirectOpContext:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._resource_set.close()

    def __del__(self) -> None:
        # Teardown errors at garbage collection have nowhere to go.
        with contextlib.suppress(Exception):
            self._resource_set.close()


def _nothing_produced(_output_name: str, _mapping_key: str | None) -> bool:
    return False


AssetExecutionContext = OpExecutionContext
"""What an asset function receives as ``context`` (Dagster's name; the op context, with
``asset_key`` and ``selected_asset_keys``)."""


def build_asset_context(
    resources: Mapping[str, Any] | None = None,
    resources_config: Mapping[str, Any] | None = None,
    asset_config: Any = None,
    instance: Any = None,
    partition_key: str | None = None,
    run_tags: Mapping[str, str] | None = None,
) -> DirectOpContext:
    """A context to call an asset function directly in a test (``build_op_context`` with the
    asset's config as ``asset_config``)."""
    return build_op_context(
        resources=resources,
        resources_config=resources_config,
        op_config=asset_config,
        instance=instance,
        partition_key=partition_key,
        run_tags=run_tags,
    )


def build_op_context(
    resources: Mapping[str, Any] | None = None,
    op_config: Any = None,
    resources_config: Mapping[str, Any] | None = None,
    instance: Any = None,
    config: Any = None,
    partition_key: str | None = None,
    mapping_key: str | None = None,
    run_tags: Mapping[str, str] | None = None,
) -> DirectOpContext:
    """A context to call an op directly in a test: ``my_op(build_op_context(...), x)``.

    ``resources`` maps keys to resource definitions or plain objects;
    definitions are started now and torn down when the context exits.
    """
    if op_config is not None and config is not None:
        raise InvalidInvocationError(
            "both op_config and config were given.",
            where="build_op_context",
            fix="pass the op's config once, as op_config=... (config= is an alias).",
        )
    defs = resource_defs_from(resources, "build_op_context")
    resource_set = open_resources(defs, resources_config or {}, instance, "build_op_context")
    return DirectOpContext(
        op_config if op_config is not None else config,
        resource_set,
        partition_key,
        mapping_key,
        run_tags or {},
        instance,
    )
