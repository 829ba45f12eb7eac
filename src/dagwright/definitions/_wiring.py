"""How a graph's nodes are wired: reading the explicit dependency dict, and checking it.

Both ways of building a graph (a ``@graph`` body, or
``GraphDefinition(dependencies=...)``) end as nodes plus a
:class:`~.dependency.Source` per connected input. This module turns the
explicit dict into that form, checks every name it mentions, and orders
the nodes (finding cycles).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..errors import (
    DependencyCycleError,
    InvalidDefinitionError,
    UnknownInputError,
    did_you_mean,
)
from .dependency import (
    DependencyDefinition,
    DynamicCollectDependencyDefinition,
    FromCollect,
    FromFanIn,
    FromGraphInput,
    FromOutput,
    MappedInputPlaceholder,
    MultiDependencyDefinition,
    Node,
    NodeInvocation,
    Source,
)
from .inputs import InputMapping
from .node import NodeDefinition

__all__ = [
    "parse_dependencies",
    "apply_input_mappings",
    "check_definitions_unique",
    "check_sources",
    "topological_order",
    "upstream_nodes",
    "to_dependency",
]


def parse_dependencies(
    graph_name: str,
    node_defs: Sequence[NodeDefinition],
    dependencies: Mapping[str | NodeInvocation, Mapping[str, Any]],
) -> tuple[list[Node], dict[str, dict[str, Source]]]:
    where = f"graph '{graph_name}'"
    defs_by_name: dict[str, NodeDefinition] = {}
    for node_def in node_defs:
        if not isinstance(node_def, NodeDefinition):
            raise InvalidDefinitionError(
                f"node_defs holds {node_def!r}, which is not an op or graph definition.",
                where=where,
                fix="list the @op or @graph decorated functions.",
            )
        existing = defs_by_name.get(node_def.name)
        if existing is not None and existing is not node_def:
            raise _conflicting_definitions(graph_name, node_def.name)
        defs_by_name[node_def.name] = node_def
    nodes: list[Node] = []
    sources: dict[str, dict[str, Source]] = {}
    used_defs: set[str] = set()
    for key, deps in dependencies.items():
        invocation = NodeInvocation(key) if isinstance(key, str) else key
        if not isinstance(invocation, NodeInvocation):
            raise InvalidDefinitionError(
                f"dependencies keys must be node names or NodeInvocation, got {key!r}.",
                where=where,
            )
        found = defs_by_name.get(invocation.name)
        if found is None:
            raise InvalidDefinitionError(
                f"dependencies name '{invocation.name}', which is not in node_defs."
                f"{did_you_mean(invocation.name, defs_by_name)}",
                where=where,
                fix=f"add the definition '{invocation.name}' to node_defs.",
            )
        node_def = found
        used_defs.add(node_def.name)
        node = Node(
            invocation.node_name,
            node_def,
            tags=invocation.tags,
            hook_defs=invocation.hook_defs,
            retry_policy=invocation.retry_policy,
            given_alias=invocation.alias,
        )
        nodes.append(node)
        if not isinstance(deps, Mapping):
            raise InvalidDefinitionError(
                f"the dependencies of '{node.name}' must be a dict of input name to "
                f"DependencyDefinition, got {type(deps).__name__}.",
                where=where,
            )
        sources[node.name] = {
            input_name: _source_from_dependency(graph_name, node.name, input_name, dep)
            for input_name, dep in deps.items()
        }
    for node_def in node_defs:
        if node_def.name not in used_defs:
            nodes.append(Node(node_def.name, node_def))
            used_defs.add(node_def.name)
    return nodes, sources


def _source_from_dependency(graph: str, node: str, input_name: str, dep: Any) -> Source:
    if isinstance(dep, DependencyDefinition):
        return FromOutput(dep.node, dep.output)
    if isinstance(dep, DynamicCollectDependencyDefinition):
        return FromCollect(dep.node_name, dep.output_name)
    if isinstance(dep, MultiDependencyDefinition):
        return FromFanIn(
            [
                FromOutput(d.node, d.output)
                if isinstance(d, DependencyDefinition)
                else FromGraphInput("")  # filled in by an InputMapping with fan_in_index
                for d in dep.dependencies
            ]
        )
    raise InvalidDefinitionError(
        f"input '{input_name}' of '{node}' has dependency {dep!r}; expected a "
        "DependencyDefinition, MultiDependencyDefinition or DynamicCollectDependencyDefinition.",
        where=f"graph '{graph}'",
    )


def apply_input_mappings(
    graph_name: str,
    nodes: list[Node],
    sources: dict[str, dict[str, Source]],
    mappings: Sequence[InputMapping],
) -> list[str]:
    where = f"graph '{graph_name}'"
    by_name = {n.name: n for n in nodes}
    names: list[str] = []
    for mapping in mappings:
        node = by_name.get(mapping.mapped_node_name)
        if node is None:
            raise InvalidDefinitionError(
                f"input mapping '{mapping.graph_input_name}' names node "
                f"'{mapping.mapped_node_name}', which is not in the graph."
                f"{did_you_mean(mapping.mapped_node_name, by_name)}",
                where=where,
            )
        inputs = sources.setdefault(node.name, {})
        existing = inputs.get(mapping.mapped_node_input_name)
        if mapping.fan_in_index is not None:
            if not isinstance(existing, FromFanIn) or mapping.fan_in_index >= len(existing.items):
                raise InvalidDefinitionError(
                    f"input mapping '{mapping.graph_input_name}' has fan_in_index "
                    f"{mapping.fan_in_index}, but input '{mapping.mapped_node_input_name}' of "
                    f"'{node.name}' has no fan-in slot there.",
                    where=where,
                    fix="use a MappedInputPlaceholder at that position of the "
                    "MultiDependencyDefinition.",
                )
            items = list(existing.items)
            items[mapping.fan_in_index] = FromGraphInput(mapping.graph_input_name)
            inputs[mapping.mapped_node_input_name] = FromFanIn(items)
        else:
            inputs[mapping.mapped_node_input_name] = FromGraphInput(mapping.graph_input_name)
        if mapping.graph_input_name not in names:
            names.append(mapping.graph_input_name)
    return names


def _conflicting_definitions(graph_name: str, name: str) -> InvalidDefinitionError:
    return InvalidDefinitionError(
        f"two different definitions are named '{name}'.",
        where=f"graph '{graph_name}'",
        fix="give one of them another name, e.g. @op(name=...).",
    )


def check_definitions_unique(graph_name: str, nodes: Sequence[Node]) -> None:
    seen: dict[str, NodeDefinition] = {}
    for node in nodes:
        origin = getattr(node.definition, "_origin", node.definition)
        existing = seen.setdefault(node.definition.name, origin)
        if existing is not origin:
            raise _conflicting_definitions(graph_name, node.definition.name)


def check_sources(
    graph_name: str, nodes: Mapping[str, Node], sources: Mapping[str, Mapping[str, Source]]
) -> None:
    where = f"graph '{graph_name}'"
    for node_name, inputs in sources.items():
        node = nodes.get(node_name)
        if node is None:
            raise InvalidDefinitionError(
                f"dependencies are given for node '{node_name}', which is not in the graph."
                f"{did_you_mean(node_name, nodes)}",
                where=where,
            )
        for input_name, source in inputs.items():
            if input_name not in node.definition.input_dict:
                raise UnknownInputError(
                    graph=graph_name,
                    node=node_name,
                    input_name=input_name,
                    known=list(node.definition.input_dict),
                )
            items = source.items if isinstance(source, FromFanIn) else (source,)
            for item in items:
                if isinstance(item, FromOutput | FromCollect):
                    _check_upstream(
                        graph_name, nodes, node_name, input_name, item.node, item.output
                    )
                elif isinstance(item, FromGraphInput) and not item.name:
                    raise InvalidDefinitionError(
                        f"input '{input_name}' of '{node_name}' has a MappedInputPlaceholder that "
                        "no InputMapping fills.",
                        where=where,
                        fix="add InputMapping(graph_input_name, node, input, fan_in_index=...).",
                    )


def _check_upstream(
    graph_name: str,
    nodes: Mapping[str, Node],
    node_name: str,
    input_name: str,
    upstream: str,
    output: str,
) -> None:
    where = f"graph '{graph_name}'"
    producer = nodes.get(upstream)
    if producer is None:
        raise InvalidDefinitionError(
            f"input '{input_name}' of '{node_name}' depends on node '{upstream}', which is not "
            f"in the graph.{did_you_mean(upstream, nodes)}",
            where=where,
            fix="add the upstream op to node_defs, or fix the name.",
        )
    if output not in producer.definition.output_dict:
        outputs = ", ".join(f"'{o}'" for o in producer.definition.output_dict) or "none"
        raise InvalidDefinitionError(
            f"input '{input_name}' of '{node_name}' depends on output '{output}' of "
            f"'{upstream}', which has no such output (outputs: {outputs})."
            f"{did_you_mean(output, producer.definition.output_dict)}",
            where=where,
        )


def upstream_nodes(source: Source) -> Iterator[str]:
    """The sibling nodes a source reads from."""
    if isinstance(source, FromOutput | FromCollect):
        yield source.node
    elif isinstance(source, FromFanIn):
        for item in source.items:
            if isinstance(item, FromOutput):
                yield item.node


def topological_order(
    graph_name: str, nodes: Mapping[str, Node], sources: Mapping[str, Mapping[str, Source]]
) -> list[str]:
    """Node names by dependency level, alphabetical within a level; raise on a cycle."""
    indegree = dict.fromkeys(nodes, 0)
    downstream: dict[str, list[str]] = {n: [] for n in nodes}
    for node_name, inputs in sources.items():
        ups = {u for source in inputs.values() for u in upstream_nodes(source)}
        for up in ups:
            downstream[up].append(node_name)
            indegree[node_name] += 1
    ready = [(0, n) for n, d in indegree.items() if d == 0]
    heapq.heapify(ready)
    order: list[str] = []
    level_of: dict[str, int] = {}
    while ready:
        level, name = heapq.heappop(ready)
        order.append(name)
        level_of[name] = level
        for down in downstream[name]:
            indegree[down] -= 1
            if indegree[down] == 0:
                heapq.heappush(ready, (level + 1, down))
    if len(order) != len(nodes):
        raise DependencyCycleError(graph=graph_name, cycle=_find_cycle(downstream, set(order)))
    return order


def _find_cycle(downstream: Mapping[str, list[str]], done: set[str]) -> list[str]:
    remaining = [n for n in downstream if n not in done]
    path: list[str] = []
    position: dict[str, int] = {}
    current = remaining[0]
    while current not in position:
        position[current] = len(path)
        path.append(current)
        current = next(d for d in downstream[current] if d not in done)
    return [*path[position[current] :], current]


def to_dependency(source: Source) -> Any:
    if isinstance(source, FromOutput):
        return DependencyDefinition(source.node, source.output)
    if isinstance(source, FromCollect):
        return DynamicCollectDependencyDefinition(source.node, source.output)
    if isinstance(source, FromFanIn):
        return MultiDependencyDefinition(
            [
                DependencyDefinition(i.node, i.output)
                if isinstance(i, FromOutput)
                else MappedInputPlaceholder
                for i in source.items
            ]
        )
    return None
