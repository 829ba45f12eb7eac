"""The ``context`` an op's function receives during a run.

:class:`OpExecutionContext` is built for each step of a run; it reads from
the run's shared state (config, resources, log, tags). It lets the op
report about assets and its data (``log_event``), add metadata to an
output before producing it (``add_output_metadata``), and, for an op of an
asset, tells about its assets (:mod:`.asset_context`). The context of a
direct call in a test is :class:`~.direct_context.DirectOpContext`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from ..definitions._context import ExecutionContextBase
from ..definitions._output_metadata import PendingMetadata, add_output_metadata
from ..errors import InvalidInvocationError
from ..metadata import AssetKey, RawMetadataMapping, Report
from .asset_context import AssetContextMembers
from .logs import StepLog
from .reports import check_report, record_report

if TYPE_CHECKING:
    from ..definitions.assets.definition import AssetsDefinition
    from ..definitions.assets.layer import AssetLayer
    from ..definitions.dependency import Node
    from ..definitions.job import JobDefinition
    from ..definitions.op import OpDefinition
    from ..records import Run
    from ._run import RunContext
    from .resources import Resources
    from .state import ExecutionStep

__all__ = ["OpExecutionContext", "AssetExecutionContext", "AttemptOutputs"]


class AttemptOutputs(Protocol):
    """What the step runner keeps for one attempt that the context reads and adds to."""

    metadata: PendingMetadata | None
    """Metadata added with ``add_output_metadata`` for outputs not produced yet."""

    def produced(self, output_name: str, mapping_key: str | None) -> bool:
        """Whether the attempt has produced that output (that value of a dynamic output)."""
        ...


class OpExecutionContext(AssetContextMembers, ExecutionContextBase):
    """What an op's ``context`` parameter receives during a run.

    Gives the op its config (``op_config``), resources, a ``log``, and facts
    about the run and the step (run id, job, tags, partition, mapping key);
    for an op of an asset, facts about its assets (:class:`AssetContextMembers`).
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

    @property
    def assets_def(self) -> AssetsDefinition:
        """The asset definition this op computes (raises for an op of no asset)."""
        found = self._assets_def()
        if found is None:
            raise InvalidInvocationError(
                "this op computes no asset.",
                where=self._where(),
                fix="check context.has_assets_def first.",
            )
        return found

    def _assets_def(self) -> AssetsDefinition | None:
        layer: AssetLayer | None = self._run.job.asset_layer
        if layer is None:
            return None
        handle = self._step.spec.key
        for name in self.op_def.output_dict:
            key = layer.key_for_output(handle, name)
            if key is not None:
                return layer.asset_graph.assets_def_for(key)
        return None

    def _own_assets_def(self) -> AssetsDefinition | None:
        """The asset definition whose own op this is (not an op inside a graph asset)."""
        found = self._assets_def()
        return found if found is not None and not found.node_def.is_graph else None

    def _output_asset_key(self, output_name: str) -> AssetKey | None:
        layer = self._run.job.asset_layer
        key = layer.key_for_output(self._step.spec.key, output_name) if layer else None
        own = self._own_assets_def() if key is None else None
        return own.keys_by_output_name.get(output_name) if own is not None else key

    def _input_asset_key(self, input_name: str) -> AssetKey | None:
        layer = self._run.job.asset_layer
        key = layer.key_for_input(self._step.spec.key, input_name) if layer else None
        own = self._own_assets_def() if key is None else None
        return own.keys_by_input_name.get(input_name) if own is not None else key

    def _output_name_of(self, asset_key: AssetKey) -> str | None:
        layer = self._run.job.asset_layer
        if layer is None:
            return None
        handle = self._step.spec.key
        names = self.selected_output_names
        return next((n for n in names if layer.key_for_output(handle, n) == asset_key), None)

    def _where(self) -> str:
        return f"op '{self._step.spec.key}'"

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
    def partitions_def(self) -> Any:
        """The partitions of the run's job (None: not partitioned)."""
        return self._run.job.partitions_def

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


AssetExecutionContext = OpExecutionContext
"""What an asset function receives as ``context`` (Dagster's name; the op context, with
``asset_key``, ``selected_asset_keys`` and the members of :class:`AssetContextMembers`)."""
