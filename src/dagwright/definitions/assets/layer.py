"""``AssetLayer``: what the ops of an asset job materialize and read, by op handle.

An asset job is a plain job whose ops came from asset definitions. Its
layer tells the step runner which asset key each op output materializes
(so the output's IO manager stores it under the key and an
ASSET_MATERIALIZATION is recorded) and which asset each op input reads,
and, for an upstream asset the job does not materialize, which IO manager
loads its last materialization. Handles are flat op handles (``op`` or
``graph.op`` for an op inside a graph-backed asset).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ...errors import PartitionMappingError
from ...metadata import AssetKey

if TYPE_CHECKING:
    from ..graph import GraphDefinition
    from ..node import NodeDefinition
    from ..partition_mapping import PartitionMapping
    from ..partitions import PartitionsDefinition
    from .graph import AssetGraph

__all__ = ["AssetLayer", "InputPartitions", "inner_outputs", "inner_inputs"]


class InputPartitions:
    """How an op input reads a partitioned upstream asset: which partitions, for a run's key."""

    __slots__ = ("downstream_def", "mapping", "upstream_def", "upstream_key")

    def __init__(
        self,
        upstream_key: AssetKey,
        mapping: PartitionMapping,
        downstream_def: PartitionsDefinition | None,
        upstream_def: PartitionsDefinition,
    ) -> None:
        self.upstream_key = upstream_key
        self.mapping = mapping
        self.downstream_def = downstream_def
        self.upstream_def = upstream_def

    def keys_for(self, partition_key: str | None, where: str) -> list[str]:
        """The upstream partition keys read by a run for ``partition_key``."""
        down = partition_key if self.downstream_def is not None else None
        try:
            return self.mapping.get_upstream_partition_keys(
                down, self.downstream_def, self.upstream_def
            )
        except PartitionMappingError as error:
            raise error.located(upstream=self.upstream_key.to_user_string(), where=where) from None


class AssetLayer:
    """See the module docstring."""

    __slots__ = (
        "asset_graph",
        "checks",
        "input_partitions",
        "loaded_inputs",
        "needed_outputs",
        "outputs",
        "inputs",
        "selected",
        "selected_outputs",
    )

    def __init__(
        self,
        *,
        asset_graph: AssetGraph,
        selected: frozenset[AssetKey],
        outputs: Mapping[tuple[str, str], AssetKey],
        inputs: Mapping[tuple[str, str], AssetKey],
        loaded_inputs: Mapping[tuple[str, str], str],
        selected_outputs: Mapping[str, frozenset[str]],
        needed_outputs: Mapping[str, frozenset[str]] | None = None,
        checks: Mapping[str, list[Any]] | None = None,
        input_partitions: Mapping[tuple[str, str], InputPartitions] | None = None,
    ) -> None:
        self.asset_graph = asset_graph
        self.selected = selected
        self.outputs = dict(outputs)
        self.inputs = dict(inputs)
        self.loaded_inputs = dict(loaded_inputs)  # (handle, input) -> IO manager key
        self.selected_outputs = dict(selected_outputs)  # top node -> its selected outputs
        # An op of a graph-backed asset run for part of its assets -> the outputs they need.
        self.needed_outputs = dict(needed_outputs or {})
        self.checks = dict(checks or {})  # op handle -> the AssetCheckSpecs its op reports
        # (handle, input) -> how it reads a partitioned upstream asset
        self.input_partitions = dict(input_partitions or {})

    def checks_of(self, handle: str) -> list[Any]:
        """The asset checks the op at ``handle`` reports results of."""
        return self.checks.get(handle, [])

    def key_for_output(self, handle: str, output_name: str) -> AssetKey | None:
        return self.outputs.get((handle, output_name))

    def key_for_input(self, handle: str, input_name: str) -> AssetKey | None:
        return self.inputs.get((handle, input_name))

    def selected_output_names(self, handle: str, all_names: Iterable[str]) -> frozenset[str]:
        """The outputs the run asks of op ``handle``: for part of a multi-asset, those of the
        selected assets; for an op inside part of a graph-backed asset, those the selected
        assets need; else ``all_names``."""
        found = self.selected_outputs.get(handle) or self.needed_outputs.get(handle)
        return found if found is not None else frozenset(all_names)

    def is_partitioned(self, key: AssetKey) -> bool:
        """Whether asset ``key`` is partitioned (its materializations are per partition)."""
        return self.asset_graph.partitions_def_of(key) is not None

    def asset_metadata(self, key: AssetKey) -> Mapping[str, Any]:
        """The definition metadata of asset ``key`` (what its IO manager sees)."""
        node = self.asset_graph.nodes.get(key)
        return dict(getattr(node.spec, "metadata", None) or {}) if node is not None else {}


def inner_outputs(node_def: NodeDefinition, output_name: str, prefix: str) -> tuple[str, str]:
    """The (flat op handle, output) a node's output comes from (through graph mappings)."""
    while node_def.is_graph:
        graph: GraphDefinition = node_def  # type: ignore[assignment]
        mapping = next(m for m in graph.output_mappings if m.graph_output_name == output_name)
        inner = graph.node_dict[mapping.mapped_node_name]
        prefix = f"{prefix}.{inner.name}"
        node_def, output_name = inner.definition, mapping.mapped_node_output_name
    return prefix, output_name


def inner_inputs(node_def: NodeDefinition, input_name: str, prefix: str) -> list[tuple[str, str]]:
    """The (flat op handle, input) pairs a node's input feeds (through graph mappings)."""
    if not node_def.is_graph:
        return [(prefix, input_name)]
    graph: GraphDefinition = node_def  # type: ignore[assignment]
    found: list[tuple[str, str]] = []
    for mapping in graph.input_mappings:
        if mapping.graph_input_name == input_name:
            inner = graph.node_dict[mapping.mapped_node_name]
            found.extend(
                inner_inputs(
                    inner.definition, mapping.mapped_node_input_name, f"{prefix}.{inner.name}"
                )
            )
    return found
