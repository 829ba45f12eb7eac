"""Execution units: the ops of a graph marked ``unit=True``, run together as one task.

A unit changes nothing in what the job computes: each of its ops stays a
step with its own key and events. It tells executors that run steps in
other processes to send the unit's steps together, once every step
outside the unit that they wait for has finished, and to run them one
after another in one process. That is what lets values pass between the
unit's ops in memory: an output that only ops of the same unit read (and
that the unit's graph does not map out) is never given to an IO manager;
its readers take it from the run's memory (*memory outputs*).

Found once, when the job is built, from its flattened ops (:func:`mark_units`). A unit inside
a unit belongs to the outer one. Dynamic outputs inside a unit are not
supported (the unit would be a different set of steps in every run).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ..errors import InvalidDefinitionError
from ._flatten import (
    CollectRef,
    DynamicElementRef,
    FanInRef,
    FlatOp,
    StepOutputRef,
    op_output_of,
)
from .graph import GraphDefinition

__all__ = ["ExecutionUnit", "mark_units", "UNIT_MEMORY"]

UNIT_MEMORY = "unit_memory"
"""The manager named in LOADED_INPUT events of a value handed over in memory inside a unit."""


class ExecutionUnit:
    """The steps of one unit: the graph node's handle, its ops' handles in dependency order,
    and the steps outside the unit that some of them wait for."""

    __slots__ = ("handle", "steps", "upstream")

    def __init__(self, handle: str, steps: tuple[str, ...], upstream: tuple[str, ...]) -> None:
        self.handle = handle
        self.steps = steps
        self.upstream = upstream

    def __repr__(self) -> str:
        return f"ExecutionUnit({self.handle}: {', '.join(self.steps)})"


def mark_units(
    graph: GraphDefinition, job_name: str, ops: Mapping[str, FlatOp]
) -> dict[str, ExecutionUnit]:
    """Find the job's units, set each member op's ``unit``, ``memory_inputs`` and
    ``memory_outputs``; raise InvalidDefinitionError for a unit with dynamic outputs."""
    units: dict[str, ExecutionUnit] = {}
    for handle, definition in _unit_nodes(graph, ""):
        prefix = handle + "."
        members = [flat for h, flat in ops.items() if h.startswith(prefix)]
        if not members:
            continue
        names = {flat.handle for flat in members}
        upstream: dict[str, None] = {}
        for flat in members:
            _check_static(job_name, handle, flat)
            for up, _ in flat.upstream:
                if up not in names:
                    upstream[up] = None
        unit = ExecutionUnit(handle, tuple(f.handle for f in members), tuple(upstream))
        units[handle] = unit
        for flat in members:
            flat.unit = unit
        exposed = {
            (ref.handle, ref.output)
            for ref in (
                op_output_of(definition, handle, m.graph_output_name)
                for m in definition.output_mappings
            )
        }
        # Who reads each member output: only plain reads by members keep it in memory.
        inside: dict[tuple[str, str], bool] = {}
        for flat in ops.values():
            for flat_input in flat.inputs:
                source = flat_input.source
                if isinstance(source, StepOutputRef) and source.handle in names:
                    read = (source.handle, source.output)
                    inside[read] = inside.get(read, True) and flat.handle in names
                elif isinstance(source, FanInRef):
                    for item in source.items:
                        if isinstance(item, StepOutputRef) and item.handle in names:
                            inside[(item.handle, item.output)] = False
        memory = {read for read, only_inside in inside.items() if only_inside} - exposed
        for flat in members:
            flat.memory_outputs = frozenset(o for h, o in memory if h == flat.handle)
            flat.memory_inputs = frozenset(
                i.name
                for i in flat.inputs
                if isinstance(i.source, StepOutputRef)
                and (i.source.handle, i.source.output) in memory
            )
    return units


def _unit_nodes(graph: GraphDefinition, prefix: str) -> Iterator[tuple[str, GraphDefinition]]:
    """(handle, graph) of every outermost graph node marked as a unit."""
    for node in graph.nodes:
        definition = node.definition
        if isinstance(definition, GraphDefinition):
            if definition.is_unit:
                yield prefix + node.name, definition
            else:
                yield from _unit_nodes(definition, f"{prefix}{node.name}.")


def _check_static(job_name: str, unit: str, flat: FlatOp) -> None:
    dynamic = [d.name for d in flat.op_def.output_defs if d.is_dynamic]
    reads = [i.name for i in flat.inputs if isinstance(i.source, CollectRef | DynamicElementRef)]
    if flat.scope is None and not dynamic and not reads:
        return
    if dynamic:
        what = f"has dynamic output '{dynamic[0]}'"
    elif reads:
        what = f"reads a dynamic output through input '{reads[0]}'"
    else:
        what = "runs once per value of a dynamic output"
    raise InvalidDefinitionError(
        f"op '{flat.handle}' of unit '{unit}' {what}; dynamic outputs are not supported "
        "inside a unit.",
        where=f"job '{job_name}'",
        fix=f"move the dynamic part out of graph '{unit}', or do not mark it as a unit.",
    )
