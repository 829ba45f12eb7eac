"""A job's graph flattened to its ops: every op with its full handle and resolved inputs.

Nested graphs disappear: an input fed by a graph input or by a graph's
output is traced to the op output (or job input) that really feeds it. The
result also says which ops run once per value of a dynamic output (their
*scope*) and each op's dependency level, so the planner never has to look
at graph structure again. Flattening checks what only the whole job can
show: dynamic outputs used correctly, and every input having a source.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

from ..errors import InvalidDefinitionError, UnsatisfiedInputError
from .dependency import FromCollect, FromFanIn, FromGraphInput, FromOutput, Node, Source
from .graph import GraphDefinition
from .hooks import HookDefinition

if TYPE_CHECKING:
    from .op import OpDefinition
    from .retry import RetryPolicy

__all__ = [
    "StepOutputRef",
    "CollectRef",
    "FanInRef",
    "TopInputRef",
    "UNCONNECTED",
    "GraphInputConfigRef",
    "FlatOp",
    "FlatGraph",
    "flatten",
    "op_output_of",
]


class StepOutputRef:
    """Output ``output`` of the op at ``handle``."""

    __slots__ = ("handle", "output")

    def __init__(self, handle: str, output: str) -> None:
        self.handle = handle
        self.output = output

    def __repr__(self) -> str:
        return f"{self.handle}.{self.output}"


class CollectRef(StepOutputRef):
    """Every value of a dynamic output, or of a mapped op's output, as a list."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"collect({self.handle}.{self.output})"


class TopInputRef:
    """Input ``name`` of the job's top-level graph (``input_values`` or run config ``inputs``)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"input:{self.name}"


class FanInRef:
    """A list made of several sources, in order."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[StepOutputRef | TopInputRef, ...]) -> None:
        self.items = items

    def __repr__(self) -> str:
        return f"fan_in{list(self.items)}"


class GraphInputConfigRef:
    """An input of a nested graph that nothing feeds: run config gives it at the graph's path
    (``ops.<graph>.inputs.<name>``), or at each op it reaches."""

    __slots__ = ("name", "path")

    def __init__(self, path: tuple[str, ...], name: str) -> None:
        self.path = path
        self.name = name

    def __repr__(self) -> str:
        return f"config:{'.'.join(self.path)}.inputs.{self.name}"


class _Unconnected:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNCONNECTED"


UNCONNECTED: Final = _Unconnected()

FlatSource = (
    StepOutputRef | CollectRef | FanInRef | TopInputRef | GraphInputConfigRef | _Unconnected
)


class FlatOp:
    """One op of a flattened job: its handle, definition, input sources, scope and level."""

    __slots__ = (
        "handle",
        "hook_defs",
        "inputs",
        "level",
        "node",
        "op_def",
        "path",
        "retry_policy",
        "scope",
        "tags",
    )

    def __init__(
        self,
        handle: str,
        node: Node,
        op_def: OpDefinition,
        inputs: dict[str, FlatSource],
        tags: Mapping[str, Any],
        hook_defs: frozenset[HookDefinition],
        retry_policy: RetryPolicy | None,
    ) -> None:
        self.handle = handle
        self.path = tuple(handle.split("."))
        self.node = node
        self.op_def = op_def
        self.inputs = inputs
        self.tags = tags
        self.hook_defs = hook_defs
        self.retry_policy = retry_policy
        self.scope: StepOutputRef | None = None
        self.level = 0

    def upstream_handles(self) -> Iterator[str]:
        for source in self.inputs.values():
            yield from (r.handle for r in refs_of(source))

    def __repr__(self) -> str:
        return f"FlatOp({self.handle})"


def refs_of(source: FlatSource) -> tuple[StepOutputRef, ...]:
    """The op outputs a flattened source reads."""
    if isinstance(source, StepOutputRef):
        return (source,)
    if isinstance(source, FanInRef):
        return tuple(i for i in source.items if isinstance(i, StepOutputRef))
    return ()


class FlatGraph:
    """Every op of a job, in dependency order, keyed by handle."""

    __slots__ = ("ops", "top_inputs")

    def __init__(self, ops: dict[str, FlatOp], top_inputs: dict[str, list[tuple[str, str]]]):
        self.ops = ops
        # top-level graph input -> the (op handle, input name) pairs it feeds
        self.top_inputs = top_inputs

    def __len__(self) -> int:
        return len(self.ops)


def flatten(graph: GraphDefinition, job_name: str) -> FlatGraph:
    """Flatten ``graph`` and check dynamic outputs and input sources across the whole job."""
    ops: dict[str, FlatOp] = {}
    top_inputs: dict[str, list[tuple[str, str]]] = {d.name: [] for d in graph.input_defs}
    env: dict[str, FlatSource] = {d.name: TopInputRef(d.name) for d in graph.input_defs}
    _visit(graph, "", env, frozenset(), {}, None, ops)
    for flat in ops.values():
        for input_name, source in flat.inputs.items():
            items = source.items if isinstance(source, FanInRef) else (source,)
            for item in items:
                if isinstance(item, TopInputRef):
                    top_inputs[item.name].append((flat.handle, input_name))
    _assign_scopes_and_levels(job_name, ops)
    return FlatGraph(ops, top_inputs)


def _visit(
    graph: GraphDefinition,
    prefix: str,
    env: Mapping[str, FlatSource],
    hooks: frozenset[HookDefinition],
    tags: Mapping[str, Any],
    retry_policy: RetryPolicy | None,
    ops: dict[str, FlatOp],
) -> None:
    for node in graph.nodes:
        handle = prefix + node.name
        resolved = {
            name: _resolve(graph, prefix, env, source)
            for name, source in graph.sources_of(node.name).items()
        }
        node_hooks = hooks | node.hook_defs
        node_tags = {**tags, **node.tags}
        definition = node.definition
        if isinstance(definition, GraphDefinition):
            path = tuple(handle.split("."))
            inner_env: dict[str, FlatSource] = {
                d.name: resolved.get(d.name) or GraphInputConfigRef(path, d.name)
                for d in definition.input_defs
            }
            _visit(
                definition,
                handle + ".",
                inner_env,
                node_hooks,
                node_tags,
                node.retry_policy or retry_policy,
                ops,
            )
            continue
        op_def: OpDefinition = definition  # type: ignore[assignment]
        inputs = {d.name: resolved.get(d.name, UNCONNECTED) for d in op_def.input_defs}
        ops[handle] = FlatOp(
            handle,
            node,
            op_def,
            inputs,
            node_tags,
            node_hooks,
            node.retry_policy or op_def.retry_policy or retry_policy,
        )


def _resolve(
    graph: GraphDefinition, prefix: str, env: Mapping[str, FlatSource], source: Source
) -> FlatSource:
    if isinstance(source, FromOutput):
        return op_output_of(
            graph.node_dict[source.node].definition, prefix + source.node, source.output
        )
    if isinstance(source, FromCollect):
        node = graph.node_dict[source.node]
        ref = op_output_of(node.definition, prefix + source.node, source.output)
        return CollectRef(ref.handle, ref.output)
    if isinstance(source, FromGraphInput):
        return env.get(source.name, UNCONNECTED)
    assert isinstance(source, FromFanIn)
    items: list[StepOutputRef | TopInputRef] = []
    for item in source.items:
        flat = _resolve(graph, prefix, env, item)
        if isinstance(flat, StepOutputRef | TopInputRef):
            items.append(flat)
        elif isinstance(flat, FanInRef):
            items.extend(flat.items)
        # an element fed by nothing (e.g. deselected upstream) is left out
    return FanInRef(tuple(items)) if items else UNCONNECTED


def op_output_of(definition: Any, handle: str, output: str) -> StepOutputRef:
    """Trace output ``output`` of the node at ``handle`` down through graph outputs to an op."""
    while isinstance(definition, GraphDefinition):
        mapping = next(m for m in definition.output_mappings if m.graph_output_name == output)
        node = definition.node_dict[mapping.mapped_node_name]
        handle = f"{handle}.{node.name}"
        output = mapping.mapped_node_output_name
        definition = node.definition
    return StepOutputRef(handle, output)


def _assign_scopes_and_levels(job_name: str, ops: dict[str, FlatOp]) -> None:
    where = f"job '{job_name}'"
    for flat in ops.values():
        scopes: dict[str, StepOutputRef] = {}
        level = 0
        for input_name, source in flat.inputs.items():
            if isinstance(source, CollectRef):
                producer = ops[source.handle]
                out_def = producer.op_def.output_dict[source.output]
                if not out_def.is_dynamic and producer.scope is None:
                    raise InvalidDefinitionError(
                        f"input '{input_name}' of '{flat.handle}' collects output "
                        f"'{source.output}' of '{source.handle}', which is neither dynamic nor "
                        "mapped.",
                        where=where,
                        fix="collect a DynamicOut output or the results of .map(...).",
                    )
                level = max(level, producer.level + 1)
                continue
            for ref in refs_of(source):
                producer = ops[ref.handle]
                level = max(level, producer.level + 1)
                out_def = producer.op_def.output_dict[ref.output]
                if isinstance(source, FanInRef) and (out_def.is_dynamic or producer.scope):
                    raise InvalidDefinitionError(
                        f"input '{input_name}' of '{flat.handle}' fans in a dynamic or mapped "
                        f"output of '{ref.handle}'.",
                        where=where,
                        fix="use .collect() to gather dynamic or mapped values into a list.",
                    )
                if out_def.is_dynamic:
                    if producer.scope is not None:
                        raise _nested_dynamic(where, flat.handle, producer.scope, ref)
                    scopes[f"{ref.handle}.{ref.output}"] = ref
                elif producer.scope is not None:
                    scopes[repr(producer.scope)] = producer.scope
        if len(scopes) > 1:
            raise _nested_dynamic(where, flat.handle, *scopes.values())
        flat.scope = next(iter(scopes.values())) if scopes else None
        flat.level = level


def _nested_dynamic(where: str, handle: str, *refs: StepOutputRef) -> InvalidDefinitionError:
    listed = " and ".join(f"'{r.handle}.{r.output}'" for r in refs)
    return InvalidDefinitionError(
        f"'{handle}' is downstream of more than one dynamic output ({listed}).",
        where=where,
        fix="collect one dynamic output before fanning out again; an op can be mapped over one "
        "dynamic output.",
    )


def check_inputs_have_sources(
    job_name: str, flat_graph: FlatGraph, input_values: Mapping[str, Any]
) -> None:
    """Raise for an input nothing can feed: no upstream, default, input value or config form."""
    for flat in flat_graph.ops.values():
        for input_name, source in flat.inputs.items():
            in_def = flat.op_def.input_dict[input_name]
            if in_def.is_nothing or in_def.has_default_value:
                continue
            if (
                source is UNCONNECTED
                or isinstance(source, GraphInputConfigRef)
                or (isinstance(source, TopInputRef) and source.name not in input_values)
            ):
                if in_def.dagster_type.loadable_from_config:
                    continue  # may be given in run config at launch
                raise UnsatisfiedInputError(
                    container=f"job '{job_name}'",
                    node=flat.handle,
                    input_name=input_name,
                    type_name=in_def.dagster_type.name,
                )
