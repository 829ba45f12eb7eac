"""The part of a graph-backed asset that a subset of its assets needs.

A ``@graph_multi_asset`` (or ``AssetsDefinition.from_graph``) made with
``can_subset=True`` may be asked for some of its assets only. Its graph is
then pruned to the ops the selected graph outputs need: the op behind each
selected output and, transitively, every op feeding an input of a kept op
(through nested graphs, fan-ins and Nothing inputs alike). An op that also
feeds an unselected asset stays; an op feeding only unselected assets goes,
so no kept op ever loses the source of an input. Each kept op also learns
which of its outputs are needed, which is what its
``context.selected_output_names`` answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..dependency import FromCollect, FromFanIn, FromGraphInput, FromOutput
from ..graph import GraphDefinition
from ..selection import subset_graph

__all__ = ["prune_graph"]


def prune_graph(
    graph_def: GraphDefinition, outputs: Iterable[str]
) -> tuple[GraphDefinition, dict[str, frozenset[str]]]:
    """``graph_def`` cut down to the ops that graph outputs ``outputs`` need, and for each
    kept op (by path inside the graph, ``"op"`` or ``"inner.op"``) the outputs needed of it.

    The graph comes back unchanged when every op is needed.
    """
    needed: dict[str, set[str]] = {}
    demands = [_mapped(graph_def, name) for name in outputs]
    _mark(graph_def, demands, "", needed)
    by_path = {path: frozenset(names) for path, names in needed.items()}
    if set(by_path) == set(_op_paths(graph_def, "")):
        return graph_def, by_path
    return subset_graph(graph_def, set(by_path)), by_path


def _mapped(graph_def: GraphDefinition, output_name: str) -> tuple[str, str]:
    """The (node, output) inside ``graph_def`` that its output ``output_name`` comes from."""
    mapping = next(m for m in graph_def.output_mappings if m.graph_output_name == output_name)
    return mapping.mapped_node_name, mapping.mapped_node_output_name


def _mark(
    graph_def: GraphDefinition,
    demands: list[tuple[str, str]],
    prefix: str,
    needed: dict[str, set[str]],
) -> set[str]:
    """Record in ``needed`` the ops (by path) that the (node, output) ``demands`` need, with
    the outputs needed of each; return the inputs of ``graph_def`` that those ops read."""
    graph_inputs: set[str] = set()
    seen: set[tuple[str, str]] = set()
    while demands:
        demand = demands.pop()
        if demand in seen:
            continue
        seen.add(demand)
        node_name, output_name = demand
        node = graph_def.node_dict[node_name]
        path = prefix + node_name
        if isinstance(node.definition, GraphDefinition):
            inner = node.definition
            read = _mark(inner, [_mapped(inner, output_name)], f"{path}.", needed)
        else:
            first_time = path not in needed
            needed.setdefault(path, set()).add(output_name)
            read = set(node.definition.input_dict) if first_time else set()
        sources = graph_def.sources_of(node_name)
        for input_name in read:
            source = sources.get(input_name)  # None: it reads config or its default
            items = source.items if isinstance(source, FromFanIn) else (source,)
            for item in items:
                if isinstance(item, FromGraphInput):
                    graph_inputs.add(item.name)
                elif isinstance(item, FromOutput | FromCollect):
                    demands.append((item.node, item.output))
    return graph_inputs


def _op_paths(graph_def: GraphDefinition, prefix: str) -> Iterator[str]:
    for node in graph_def.nodes:
        if isinstance(node.definition, GraphDefinition):
            yield from _op_paths(node.definition, f"{prefix}{node.name}.")
        else:
            yield prefix + node.name
