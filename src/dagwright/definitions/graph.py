"""Graphs: ops (and graphs) wired by data dependencies. ``@graph`` records a body.

A graph is built either by running a ``@graph`` body (calls become nodes,
see :mod:`.composition`) or explicitly with ``GraphDefinition(node_defs=...,
dependencies=...)``. Both produce nodes plus, for each node input, a
:class:`~.dependency.Source`; the graph checks them (every node, input and
output named exists; no cycles) when it is built.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, overload

from ..errors import (
    DependencyCycleError,
    DuplicateNodeError,
    InvalidDefinitionError,
    UnknownInputError,
    UnknownNodeError,
    did_you_mean,
)
from ._compute import signature_params
from ._util import check_name
from .composition import (
    Composition,
    GraphInputHandle,
    MappedHandle,
    OutputHandle,
    composing,
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
from .inputs import GraphIn, InputDefinition, InputMapping
from .node import NodeDefinition
from .outputs import DEFAULT_OUTPUT, GraphOut, OutputDefinition, OutputMapping
from .types import Any_, type_name_of

if TYPE_CHECKING:
    from ..execution.result import ExecuteInProcessResult
    from .job import JobDefinition

__all__ = ["GraphDefinition", "graph"]


class GraphDefinition(NodeDefinition):
    """A set of nodes wired by data dependencies; turn it into a job with :meth:`to_job`."""

    is_graph = True
    kind = "graph"

    def __init__(
        self,
        name: str,
        *,
        description: str | None = None,
        node_defs: Sequence[NodeDefinition] | None = None,
        dependencies: Mapping[str | NodeInvocation, Mapping[str, Any]] | None = None,
        input_mappings: Sequence[InputMapping] | None = None,
        output_mappings: Sequence[OutputMapping] | None = None,
        config: Any = None,
        tags: Mapping[str, Any] | None = None,
        _recorded: tuple[list[Node], dict[str, dict[str, Source]]] | None = None,
        _input_descriptions: Mapping[str, str | None] | None = None,
    ) -> None:
        check_name(name, "graph")
        where = f"graph '{name}'"
        if _recorded is None:
            nodes, sources = _parse_explicit(name, node_defs or (), dependencies or {})
            graph_inputs = _apply_input_mappings(name, nodes, sources, input_mappings or ())
        else:
            nodes, sources = _recorded
            graph_inputs = list(_input_descriptions or {})
        self._nodes: dict[str, Node] = {}
        for node in nodes:
            if node.name in self._nodes:
                raise DuplicateNodeError(graph=name, name=node.name)
            self._nodes[node.name] = node
        _check_definitions_unique(name, nodes)
        _check_sources(name, self._nodes, sources)
        self._node_view = MappingProxyType(self._nodes)
        self._sources = sources
        self._order = _topological_order(name, self._nodes, sources)
        self._output_mappings = tuple(output_mappings or ())
        output_defs = [self._output_def(m, where) for m in self._output_mappings]
        descriptions = dict(_input_descriptions or {})
        input_defs = [
            InputDefinition(
                input_name,
                self._graph_input_type(input_name),
                descriptions.get(input_name),
                where=where,
            )
            for input_name in graph_inputs
        ]
        self._config = config
        # A subset of a graph keeps the identity of the graph it was cut from.
        self._origin: GraphDefinition = self
        super().__init__(
            name=name,
            input_defs=input_defs,
            output_defs=output_defs,
            description=description,
            tags=tags,
        )

    # -- structure -------------------------------------------------------

    @property
    def nodes(self) -> list[Node]:
        """The nodes of this graph, in topological order."""
        return [self._nodes[n] for n in self._order]

    @property
    def nodes_in_topological_order(self) -> list[Node]:
        return self.nodes

    @property
    def node_dict(self) -> Mapping[str, Node]:
        return self._node_view

    def node_names(self) -> list[str]:
        return list(self._order)

    def has_node_named(self, name: str) -> bool:
        return name in self._nodes

    def node_named(self, name: str) -> Node:
        """The node called ``name``; a dotted path (``"inner.op"``) reaches into nested graphs."""
        head, _, rest = name.partition(".")
        node = self._nodes.get(head)
        if node is None:
            raise UnknownNodeError(container=f"graph '{self.name}'", name=head, known=self._order)
        if not rest:
            return node
        if not isinstance(node.definition, GraphDefinition):
            raise UnknownNodeError(container=f"op '{head}'", name=rest, known=[])
        return node.definition.node_named(rest)

    def sources_of(self, node_name: str) -> Mapping[str, Source]:
        """Where each connected input of node ``node_name`` gets its value."""
        return self._sources.get(node_name, {})

    @property
    def output_mappings(self) -> tuple[OutputMapping, ...]:
        return self._output_mappings

    @property
    def input_mappings(self) -> list[InputMapping]:
        mappings = []
        for node_name, inputs in self._sources.items():
            for input_name, source in inputs.items():
                items = source.items if isinstance(source, FromFanIn) else (source,)
                for index, item in enumerate(items):
                    if isinstance(item, FromGraphInput):
                        fan_in = index if isinstance(source, FromFanIn) else None
                        mappings.append(InputMapping(item.name, node_name, input_name, fan_in))
        return mappings

    @property
    def dependencies(self) -> dict[NodeInvocation, dict[str, Any]]:
        """The wiring in the explicit-API form (``NodeInvocation`` keys)."""
        result: dict[NodeInvocation, dict[str, Any]] = {}
        for name in self._order:
            node = self._nodes[name]
            key = NodeInvocation(
                node.definition.name,
                alias=name if name != node.definition.name else None,
                tags=node.tags,
                hook_defs=node.hook_defs,
                retry_policy=node.retry_policy,
            )
            deps: dict[str, Any] = {}
            for input_name, source in self._sources.get(name, {}).items():
                dep = _to_dependency(source)
                if dep is not None:
                    deps[input_name] = dep
            result[key] = deps
        return result

    @property
    def config(self) -> Any:
        return self._config

    def iterate_node_defs(self) -> Iterator[NodeDefinition]:
        """Every definition used in this graph, nested graphs included (each once)."""
        seen: set[int] = set()
        stack: list[NodeDefinition] = [self]
        while stack:
            current = stack.pop()
            for node in current.nodes if isinstance(current, GraphDefinition) else ():
                if id(node.definition) not in seen:
                    seen.add(id(node.definition))
                    yield node.definition
                    stack.append(node.definition)

    # -- from graph to job ----------------------------------------------

    def to_job(
        self,
        name: str | None = None,
        description: str | None = None,
        resource_defs: Mapping[str, Any] | None = None,
        config: Any = None,
        tags: Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        logger_defs: Mapping[str, Any] | None = None,
        executor_def: Any = None,
        hooks: Any = None,
        op_retry_policy: Any = None,
        op_selection: Sequence[str] | str | None = None,
        partitions_def: Any = None,
        input_values: Mapping[str, Any] | None = None,
        run_tags: Mapping[str, Any] | None = None,
    ) -> JobDefinition:
        """Bind this graph to resources, config, hooks, tags and an executor: a runnable job."""
        # job.py builds on graph.py; the one arrow back is this method's, resolved at call time.
        from .job import JobDefinition

        job = JobDefinition(
            graph_def=self,
            name=name,
            description=description,
            resource_defs=resource_defs,
            config=config,
            tags=tags,
            metadata=metadata,
            logger_defs=logger_defs,
            executor_def=executor_def,
            hooks=hooks,
            op_retry_policy=op_retry_policy,
            partitions_def=partitions_def,
            input_values=input_values,
            run_tags=run_tags,
        )
        return job.get_subset(op_selection=op_selection) if op_selection else job

    def execute_in_process(
        self,
        run_config: Any = None,
        instance: Any = None,
        resources: Mapping[str, Any] | None = None,
        raise_on_error: bool = True,
        op_selection: Sequence[str] | str | None = None,
        run_id: str | None = None,
        input_values: Mapping[str, Any] | None = None,
    ) -> ExecuteInProcessResult:
        """Run this graph once, in this process, as a job named after it (for tests)."""
        from ..execution.api import execute_in_process

        job = self.to_job(resource_defs=resources, input_values=input_values)
        return execute_in_process(
            job,
            run_config=run_config,
            instance=instance,
            raise_on_error=raise_on_error,
            op_selection=op_selection,
            run_id=run_id,
            input_values=input_values,
        )

    # -- internals -------------------------------------------------------

    def _output_def(self, mapping: OutputMapping, where: str) -> OutputDefinition:
        node = self._nodes.get(mapping.mapped_node_name)
        if node is None:
            raise InvalidDefinitionError(
                f"output '{mapping.graph_output_name}' maps to node "
                f"'{mapping.mapped_node_name}', which is not in the graph."
                f"{did_you_mean(mapping.mapped_node_name, self._nodes)}",
                where=where,
                fix="map the output to one of the graph's nodes: "
                f"{', '.join(self._nodes) or '(none)'}.",
            )
        outputs = node.definition.output_dict
        inner = outputs.get(mapping.mapped_node_output_name)
        if inner is None:
            raise InvalidDefinitionError(
                f"output '{mapping.graph_output_name}' maps to output "
                f"'{mapping.mapped_node_output_name}' of '{node.name}', which has no such "
                f"output.{did_you_mean(mapping.mapped_node_output_name, outputs)}",
                where=where,
                fix=f"use one of the outputs of '{node.name}': "
                f"{', '.join(node.definition.output_dict) or '(none)'}.",
            )
        return OutputDefinition(
            mapping.graph_output_name,
            inner.dagster_type,
            mapping.description or inner.description,
            inner.is_required,
            inner.is_dynamic,
            inner.io_manager_key,
            where=where,
        )

    def _graph_input_type(self, input_name: str) -> Any:
        for node_name, inputs in self._sources.items():
            for node_input, source in inputs.items():
                items = source.items if isinstance(source, FromFanIn) else (source,)
                for item in items:
                    if isinstance(item, FromGraphInput) and item.name == input_name:
                        inner = self._nodes[node_name].definition.input_dict[node_input]
                        if isinstance(source, FromFanIn):
                            return Any_
                        return inner.dagster_type
        return Any_


# --------------------------------------------------------------------------
# Checking the structure


def _parse_explicit(
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


def _apply_input_mappings(
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


def _check_definitions_unique(graph_name: str, nodes: Sequence[Node]) -> None:
    seen: dict[str, NodeDefinition] = {}
    for node in nodes:
        origin = getattr(node.definition, "_origin", node.definition)
        existing = seen.setdefault(node.definition.name, origin)
        if existing is not origin:
            raise _conflicting_definitions(graph_name, node.definition.name)


def _check_sources(
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


def _topological_order(
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


def _to_dependency(source: Source) -> Any:
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


# --------------------------------------------------------------------------
# The @graph decorator


def compose(
    fn: Callable[..., Any],
    name: str,
    kind: str,
    ins: Mapping[str, GraphIn] | None = None,
) -> tuple[Composition, Any, dict[str, str | None]]:
    """Run a graph or job body, recording its calls; returns the recording and what it returned."""
    params, _ = signature_params(fn)
    where = f"{kind} '{name}'"
    declared = dict(ins or {})
    descriptions: dict[str, str | None] = {}
    for param in params:
        if param.kind in (param.kind.VAR_POSITIONAL, param.kind.VAR_KEYWORD):
            raise InvalidDefinitionError(
                f"its function takes *{param.name}; graph inputs must be named parameters.",
                where=where,
            )
        check_name(param.name, "graph input", where)
        graph_in = declared.pop(param.name, None)
        descriptions[param.name] = graph_in.description if graph_in is not None else None
    if declared:
        extra = next(iter(declared))
        raise InvalidDefinitionError(
            f"ins declares '{extra}' but the function has no parameter of that name.",
            where=where,
            fix=f"add a parameter '{extra}' to the function or remove it from ins.",
        )
    with composing(name, kind) as comp:
        returned = fn(*(comp.input_handle(p.name) for p in params))
    return comp, returned, descriptions


def output_mappings_from_return(
    comp: Composition,
    returned: Any,
    out: GraphOut | Mapping[str, GraphOut] | None,
    where: str,
) -> list[OutputMapping]:
    """Read a graph body's return value as mappings from graph outputs to node outputs."""
    declared: list[str] | None
    descriptions: dict[str, str | None] = {}
    if out is None:
        declared = None
    elif isinstance(out, GraphOut):
        declared = [DEFAULT_OUTPUT]
        descriptions[DEFAULT_OUTPUT] = out.description
    else:
        declared = list(out)
        descriptions = {k: v.description for k, v in out.items()}
    if returned is None:
        if declared:
            raise InvalidDefinitionError(
                f"it declares outputs ({', '.join(declared)}) but its body returned nothing.",
                where=where,
                fix="return the handle(s) of the op output(s) to expose.",
            )
        return []
    pairs: list[tuple[str, Any]]
    if isinstance(returned, OutputHandle | MappedHandle | GraphInputHandle):
        if declared is not None and len(declared) != 1:
            raise InvalidDefinitionError(
                f"it declares {len(declared)} outputs but its body returned one handle.",
                where=where,
                fix="return a dict or tuple with one handle per declared output.",
            )
        pairs = [(declared[0] if declared else DEFAULT_OUTPUT, returned)]
    elif isinstance(returned, Mapping):
        pairs = list(returned.items())
        if declared is not None:
            for key, _ in pairs:
                if key not in declared:
                    raise InvalidDefinitionError(
                        f"its body returned output '{key}', which is not declared in out "
                        f"({', '.join(declared)}).{did_you_mean(str(key), declared)}",
                        where=where,
                        fix=f"return only the declared outputs, or declare '{key}' with "
                        f"out={{..., '{key}': GraphOut()}}.",
                    )
            missing = [name for name in declared if name not in returned]
            if missing:
                raise InvalidDefinitionError(
                    f"it declares output{'s' if len(missing) > 1 else ''} "
                    f"{', '.join(repr(m) for m in missing)} but its body does not return "
                    f"{'them' if len(missing) > 1 else 'it'}.",
                    where=where,
                    fix="return a handle for every declared output, or remove it from out.",
                )
    elif isinstance(returned, tuple):
        names = declared if declared is not None else list(getattr(returned, "_fields", ()))
        if len(names) != len(returned):
            raise InvalidDefinitionError(
                f"its body returned a tuple of {len(returned)} handles but declares "
                f"{len(names)} outputs.",
                where=where,
                fix="declare out={'a': GraphOut(), 'b': GraphOut()} matching the tuple, or "
                "return a dict of name to handle.",
            )
        pairs = list(zip(names, returned, strict=True))
    else:
        raise InvalidDefinitionError(
            f"its body returned a value of type {type_name_of(returned)}; a graph body may "
            "return an op's output handle, a dict of them, or nothing.",
            where=where,
            fix="return the result of an op call (e.g. return add_one(x)), or compute the "
            "value inside an op.",
        )
    mappings = []
    for output_name, handle in pairs:
        if isinstance(handle, MappedHandle):
            raise InvalidDefinitionError(
                f"output '{output_name}' is the result of a .map(...); graph outputs cannot be "
                "mapped.",
                where=where,
                fix="return .collect() of the mapped results through an op that takes the list.",
            )
        if isinstance(handle, GraphInputHandle):
            raise InvalidDefinitionError(
                f"output '{output_name}' returns the graph input '{handle.input_name}' unchanged.",
                where=where,
                fix="pass the input through an op, or use it directly outside the graph.",
            )
        if not isinstance(handle, OutputHandle):
            raise InvalidDefinitionError(
                f"output '{output_name}' is {handle!r}, not the output of an op in the body.",
                where=where,
            )
        if handle._comp is not comp:
            raise InvalidDefinitionError(
                f"output '{output_name}' is an output recorded in another graph body.",
                where=where,
            )
        check_name(output_name, "output", where)
        mappings.append(
            OutputMapping(
                output_name, handle.node_name, handle.output_name, descriptions.get(output_name)
            )
        )
    return mappings


@overload
def graph(compose_fn: Callable[..., Any]) -> GraphDefinition: ...
@overload
def graph(
    compose_fn: None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    ins: Mapping[str, GraphIn] | None = None,
    out: GraphOut | Mapping[str, GraphOut] | None = None,
    config: Any = None,
    tags: Mapping[str, Any] | None = None,
) -> Callable[[Callable[..., Any]], GraphDefinition]: ...
def graph(
    compose_fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    ins: Mapping[str, GraphIn] | None = None,
    out: GraphOut | Mapping[str, GraphOut] | None = None,
    config: Any = None,
    tags: Mapping[str, Any] | None = None,
) -> GraphDefinition | Callable[[Callable[..., Any]], GraphDefinition]:
    """Turn a function whose body calls ops into a graph; its parameters are graph inputs."""

    def build(fn: Callable[..., Any]) -> GraphDefinition:
        import inspect

        graph_name = check_name(name or getattr(fn, "__name__", None), "graph")
        where = f"graph '{graph_name}'"
        comp, returned, descriptions = compose(fn, graph_name, "graph", ins)
        mappings = output_mappings_from_return(comp, returned, out, where)
        return GraphDefinition(
            graph_name,
            description=description if description is not None else inspect.getdoc(fn),
            output_mappings=mappings,
            config=config,
            tags=tags,
            _recorded=(
                [r.node for r in comp.recorded.values()],
                {n: r.sources for n, r in comp.recorded.items()},
            ),
            _input_descriptions=descriptions,
        )

    if compose_fn is not None:
        return build(compose_fn)
    return build
