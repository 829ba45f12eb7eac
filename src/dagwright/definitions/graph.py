"""Graphs: ops (and graphs) wired by data dependencies. ``@graph`` records a body.

A graph is built either by running a ``@graph`` body (calls become nodes,
see :mod:`.composition`) or explicitly with ``GraphDefinition(node_defs=...,
dependencies=...)``. Both produce nodes plus, for each node input, a
:class:`~.dependency.Source`; the graph checks them (every node, input and
output named exists; no cycles) when it is built.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, overload

from ..errors import DuplicateNodeError, InvalidDefinitionError, UnknownNodeError, did_you_mean
from ._body import compose, output_mappings_from_return
from ._compute import docstring
from ._util import check_name
from ._wiring import (
    apply_input_mappings,
    check_definitions_unique,
    check_sources,
    parse_dependencies,
    to_dependency,
    topological_order,
)
from .dependency import FromFanIn, FromGraphInput, Node, NodeInvocation, Source
from .inputs import GraphIn, InputDefinition, InputMapping
from .node import NodeDefinition
from .outputs import GraphOut, OutputDefinition, OutputMapping
from .types import Any_

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
        unit: bool = False,
        _recorded: tuple[list[Node], dict[str, dict[str, Source]]] | None = None,
        _input_descriptions: Mapping[str, str | None] | None = None,
    ) -> None:
        check_name(name, "graph")
        where = f"graph '{name}'"
        if _recorded is None:
            nodes, sources = parse_dependencies(name, node_defs or (), dependencies or {})
            graph_inputs = apply_input_mappings(name, nodes, sources, input_mappings or ())
        else:
            nodes, sources = _recorded
            graph_inputs = list(_input_descriptions or {})
        self._nodes: dict[str, Node] = {}
        for node in nodes:
            if node.name in self._nodes:
                raise DuplicateNodeError(graph=name, name=node.name)
            self._nodes[node.name] = node
        check_definitions_unique(name, nodes)
        check_sources(name, self._nodes, sources)
        self._node_view = MappingProxyType(self._nodes)
        self._sources = sources
        self._order = topological_order(name, self._nodes, sources)
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
        self._unit = bool(unit)
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
                dep = to_dependency(source)
                if dep is not None:
                    deps[input_name] = dep
            result[key] = deps
        return result

    @property
    def config(self) -> Any:
        return self._config

    @property
    def is_unit(self) -> bool:
        """Whether executors that run steps elsewhere run this graph's ops as one task."""
        return self._unit

    def as_unit(self) -> GraphDefinition:
        """A copy of this graph marked to execute as one unit (see docs/executors.md).

        Its ops keep their own steps and events, but an executor that runs steps
        on workers sends them together, as one task, handing values between
        them in memory; a retry re-runs the whole unit.
        """
        marked = copy.copy(self)
        marked._unit = True
        return marked

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
    unit: bool = False,
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
    unit: bool = False,
) -> GraphDefinition | Callable[[Callable[..., Any]], GraphDefinition]:
    """Turn a function whose body calls ops into a graph; its parameters are graph inputs.

    ``unit=True`` marks it to execute as one unit (see :meth:`GraphDefinition.as_unit`).
    """

    def build(fn: Callable[..., Any]) -> GraphDefinition:
        graph_name = check_name(name or getattr(fn, "__name__", None), "graph")
        where = f"graph '{graph_name}'"
        comp, returned, descriptions = compose(fn, graph_name, "graph", ins)
        mappings = output_mappings_from_return(comp, returned, out, where)
        return GraphDefinition(
            graph_name,
            description=description if description is not None else docstring(fn),
            output_mappings=mappings,
            config=config,
            tags=tags,
            unit=unit,
            _recorded=(
                [r.node for r in comp.recorded.values()],
                {n: r.sources for n, r in comp.recorded.items()},
            ),
            _input_descriptions=descriptions,
        )

    if compose_fn is not None:
        return build(compose_fn)
    return build
