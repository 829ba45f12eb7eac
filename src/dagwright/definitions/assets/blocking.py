"""Holding an asset's steps back until the blocking checks of the assets upstream pass.

In an asset job, an asset downstream of one with a blocking check waits for
that check's step, and does not run when the check fails. The job gives the
downstream asset's node one Nothing input per such check, wired to the
check's output, so a failed check skips every step it feeds. An op-backed
asset's op takes that input itself; a graph-backed asset's graph takes it as
a graph input and hands it to every op inside (nested graphs too), so no step
of the asset runs before the check has passed, whatever the graph's inner
wiring.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..dependency import DependencyDefinition, FromGraphInput, Node, Source
from ..graph import GraphDefinition
from ..inputs import InputDefinition
from ..node import NodeDefinition
from ..op import OpDefinition
from ..types import Nothing

__all__ = ["held_back"]

_CHECK_OUTPUT = "result"
"""The Nothing output of an ``@asset_check`` op (see checks.py)."""


def held_back(node_def: NodeDefinition, check_nodes: Sequence[str], deps: dict[str, Any]) -> Any:
    """``node_def`` waiting for the check ops ``check_nodes``: one Nothing input each, named
    ``__check_<check node>`` and wired to that check's output in ``deps`` (the node's
    dependencies in the job)."""
    gates = tuple(f"__check_{check_node}" for check_node in check_nodes)
    for gate, check_node in zip(gates, check_nodes, strict=True):
        deps[gate] = DependencyDefinition(check_node, _CHECK_OUTPUT)
    return _gated(node_def, gates, {})


def _gated(node_def: NodeDefinition, gates: tuple[str, ...], done: dict[int, Any]) -> Any:
    """``node_def`` with the Nothing inputs ``gates``; one copy per definition, so that a
    definition used twice in a graph (under aliases) stays one definition."""
    found = done.get(id(node_def))
    if found is None:
        if isinstance(node_def, GraphDefinition):
            found = _gated_graph(node_def, gates, done)
        else:
            assert isinstance(node_def, OpDefinition)
            found = _gated_op(node_def, gates)
        done[id(node_def)] = found
    return found


def _gated_op(op_def: OpDefinition, gates: tuple[str, ...]) -> OpDefinition:
    return op_def.with_changes(extra_input_defs=[InputDefinition(g, Nothing) for g in gates])


def _gated_graph(
    graph: GraphDefinition, gates: tuple[str, ...], done: dict[int, Any]
) -> GraphDefinition:
    """``graph`` with the graph inputs ``gates``, each fed to every node inside."""
    nodes: list[Node] = []
    sources: dict[str, dict[str, Source]] = {}
    for node in graph.nodes:
        nodes.append(
            Node(
                node.name,
                _gated(node.definition, gates, done),
                tags=node.tags,
                hook_defs=node.hook_defs,
                retry_policy=node.retry_policy,
                given_alias=node.given_alias,
            )
        )
        sources[node.name] = {**graph.sources_of(node.name)}
        sources[node.name].update((g, FromGraphInput(g)) for g in gates)
    descriptions: dict[str, str | None] = {d.name: d.description for d in graph.input_defs}
    descriptions.update(dict.fromkeys(gates, "waits for a blocking asset check"))
    gated = GraphDefinition(
        graph.name,
        description=graph.description,
        output_mappings=graph.output_mappings,
        config=graph.config,
        tags=graph.tags,
        _recorded=(nodes, sources),
        _input_descriptions=descriptions,
    )
    gated._origin = graph._origin
    return gated
