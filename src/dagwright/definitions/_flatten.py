"""A job's graph flattened to its ops: every op with its full handle and resolved inputs.

Nested graphs disappear: an input fed by a graph input or by a graph's
output is traced to the op output (or job input) that really feeds it. The
result also records what only the whole job can show, once, when the job
is built:

* which ops run once per value of a dynamic output (their *scope*), and how
  each input reads its value (the same mapping key of a mapped op, one value
  of a dynamic output, a collected list, a fan-in list);
* each op's dependency level, effective hooks, retry policy and resource keys;
* that dynamic outputs are used correctly and every input has a source.

The execution plan then only adds what a run's config gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from ..errors import InvalidDefinitionError, UnsatisfiedInputError
from .dependency import FromCollect, FromFanIn, FromGraphInput, FromOutput, Node, Source
from .graph import GraphDefinition
from .hooks import HookDefinition

if TYPE_CHECKING:
    from ._units import ExecutionUnit
    from .op import OpDefinition
    from .retry import RetryPolicy
    from .types import DataType

__all__ = [
    "StepOutputRef",
    "DynamicElementRef",
    "CollectRef",
    "FanInRef",
    "TopInputRef",
    "GraphInputConfigRef",
    "ValueRef",
    "UNCONNECTED",
    "NO_INPUT",
    "LOAD_BY_MANAGER",
    "FlatInput",
    "FlatOp",
    "FlatGraph",
    "flatten",
    "op_output_of",
]


# --------------------------------------------------------------------------
# Where an input of a flattened op gets its value


class StepOutputRef:
    """Output ``output`` of the op at ``handle``; ``mapped``: of its step at the same key."""

    __slots__ = ("handle", "mapped", "output")

    def __init__(self, handle: str, output: str, mapped: bool = False) -> None:
        self.handle = handle
        self.output = output
        self.mapped = mapped

    def step_key(self, mapping_key: str | None) -> str:
        """The step that produces the value for a consumer running at ``mapping_key``."""
        return f"{self.handle}[{mapping_key}]" if self.mapped else self.handle

    def __repr__(self) -> str:
        return f"{self.handle}{'[*]' if self.mapped else ''}.{self.output}"


class DynamicElementRef:
    """The value of dynamic output ``output`` of ``handle`` at the consumer's mapping key."""

    __slots__ = ("handle", "output")

    def __init__(self, handle: str, output: str) -> None:
        self.handle = handle
        self.output = output

    def __repr__(self) -> str:
        return f"{self.handle}.{self.output}[*]"


class CollectRef:
    """Every value of a dynamic output, or of a mapped op's output, as a list.

    ``root`` is the dynamic output whose mapping keys are collected: the
    collected output itself, or the one the mapped op runs over.
    """

    __slots__ = ("handle", "output", "root_handle", "root_output")

    def __init__(self, handle: str, output: str, root_handle: str, root_output: str) -> None:
        self.handle = handle
        self.output = output
        self.root_handle = root_handle
        self.root_output = root_output

    @property
    def over_mapped(self) -> bool:
        """Whether it collects the steps of a mapped op (not the dynamic values themselves)."""
        return self.handle != self.root_handle

    @property
    def root(self) -> tuple[str, str]:
        return (self.root_handle, self.root_output)

    def __repr__(self) -> str:
        return f"collect({self.handle}.{self.output})"


class TopInputRef:
    """Input ``name`` of the job's top-level graph (``input_values`` or run config ``inputs``)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"input:{self.name}"


class GraphInputConfigRef:
    """An input of a nested graph that nothing feeds: run config gives it at the graph's path
    (``ops.<graph>.inputs.<name>``), or at each op it reaches."""

    __slots__ = ("name", "path")

    def __init__(self, path: tuple[str, ...], name: str) -> None:
        self.path = path
        self.name = name

    def __repr__(self) -> str:
        return f"config:{'.'.join(self.path)}.inputs.{self.name}"


class FanInRef:
    """A list made of several op outputs and job inputs, in order."""

    __slots__ = ("items",)

    def __init__(self, items: tuple[StepOutputRef | TopInputRef | ValueRef, ...]) -> None:
        self.items = items

    def __repr__(self) -> str:
        return f"fan_in{list(self.items)}"


class ValueRef:
    """A value known when a run starts: a default, run config, or an input value."""

    __slots__ = ("origin", "value")

    def __init__(self, value: Any, origin: str) -> None:
        self.value = value
        self.origin = origin


class _Marker:
    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


UNCONNECTED: Final = _Marker("UNCONNECTED")
"""Nothing feeds the input: its value comes from run config or its default."""

NO_INPUT: Final = _Marker("NO_INPUT")
"""No value at all: an unconnected Nothing input (it orders nothing)."""

LOAD_BY_MANAGER: Final = _Marker("LOAD_BY_MANAGER")
"""Nothing feeds the input and run config does not give it: its input manager loads it."""

StepRef = StepOutputRef | DynamicElementRef | CollectRef | FanInRef
LaunchRef = TopInputRef | GraphInputConfigRef | ValueRef
FlatSource = StepRef | LaunchRef | _Marker


class FlatInput:
    """One input of a flattened op: name, type, where its value comes from, and the key of
    the IO manager that loads it (None for values known at launch and for fan-in lists,
    whose items each have their own)."""

    __slots__ = ("dagster_type", "is_nothing", "manager_key", "name", "source")

    def __init__(
        self,
        name: str,
        dagster_type: DataType,
        source: FlatSource,
        manager_key: str | None = None,
    ) -> None:
        self.name = name
        self.dagster_type = dagster_type
        self.source = source
        self.is_nothing = dagster_type.is_nothing
        self.manager_key = manager_key

    def with_source(self, source: FlatSource) -> FlatInput:
        return FlatInput(self.name, self.dagster_type, source, self.manager_key)


# --------------------------------------------------------------------------


class FlatOp:
    """One op of a flattened job, with everything a run needs to know about it statically."""

    __slots__ = (
        "handle",
        "path",
        "node",
        "op_def",
        "inputs",
        "scope",
        "level",
        "tags",
        "hook_defs",
        "retry_policy",
        "resource_keys",
        "io_manager_keys",
        "upstream",
        "reads_launch_values",
        "unit",
        "memory_inputs",
        "memory_outputs",
    )

    def __init__(
        self,
        handle: str,
        node: Node,
        op_def: OpDefinition,
        inputs: tuple[FlatInput, ...],
        tags: Mapping[str, Any],
        hook_defs: tuple[HookDefinition, ...],
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
        keys = set(op_def.required_resource_keys)
        for hook in hook_defs:
            keys |= hook.required_resource_keys
        self.resource_keys = frozenset(keys)
        # The IO managers its outputs are stored with and its inputs loaded with.
        self.io_manager_keys = frozenset(
            [d.io_manager_key for d in op_def.output_defs]
            + [d.input_manager_key for d in op_def.input_defs if d.input_manager_key]
        )
        # The dynamic output this op runs once per value of, or None.
        self.scope: tuple[str, str] | None = None
        self.level = 0
        # The steps this op waits for: (handle, same mapping key?) pairs.
        self.upstream: tuple[tuple[str, bool], ...] = ()
        # Whether some input's value comes from config or input values at launch.
        self.reads_launch_values = True
        # The execution unit it belongs to (see _units.py), and its inputs and outputs
        # handed over in memory inside that unit.
        self.unit: ExecutionUnit | None = None
        self.memory_inputs: frozenset[str] = frozenset()
        self.memory_outputs: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        return f"FlatOp({self.handle})"


class FlatGraph:
    """Every op of a job in dependency order, and how dynamic outputs fan out and in."""

    __slots__ = ("collectors_by_root", "mapped_by_root", "ops", "units")

    def __init__(self, ops: dict[str, FlatOp]) -> None:
        self.ops = ops
        # unit graph handle -> its execution unit (set by _units.mark_units)
        self.units: dict[str, ExecutionUnit] = {}
        # dynamic output -> the ops that run once per value of it, in dependency order
        self.mapped_by_root: dict[tuple[str, str], list[FlatOp]] = {}
        # dynamic output -> the ops that collect over it
        self.collectors_by_root: dict[tuple[str, str], list[FlatOp]] = {}
        for flat in ops.values():
            if flat.scope is not None:
                self.mapped_by_root.setdefault(flat.scope, []).append(flat)
            roots = {i.source.root for i in flat.inputs if isinstance(i.source, CollectRef)}
            for root in roots:
                self.collectors_by_root.setdefault(root, []).append(flat)

    def __len__(self) -> int:
        return len(self.ops)


def flatten(
    graph: GraphDefinition,
    job_name: str,
    job_hooks: frozenset[HookDefinition] = frozenset(),
    job_retry_policy: RetryPolicy | None = None,
    loaded_inputs: Mapping[tuple[str, str], str] | None = None,
) -> FlatGraph:
    """Flatten ``graph``; check dynamic outputs across the whole job.

    ``loaded_inputs`` ((op handle, input) -> IO manager key) are inputs an
    IO manager loads when nothing in the job feeds them (an asset job's
    upstream assets that the job does not materialize).
    """
    ops: dict[str, FlatOp] = {}
    env: dict[str, _Raw] = {d.name: TopInputRef(d.name) for d in graph.input_defs}
    _visit(graph, "", env, job_hooks, {}, None, job_retry_policy, ops)
    _resolve_dynamic(job_name, ops)
    _assign_managers(ops)
    for (handle, input_name), manager_key in (loaded_inputs or {}).items():
        flat = ops.get(handle)
        if flat is None:
            continue
        for flat_input in flat.inputs:
            # Unconnected, or fed by an unconnected input of its graph (a graph-backed asset).
            unfed = flat_input.source is UNCONNECTED or isinstance(
                flat_input.source, GraphInputConfigRef
            )
            if flat_input.name == input_name and unfed:
                flat_input.source = LOAD_BY_MANAGER
                # The input's own input manager, if it names one, else the asset's IO manager.
                own = flat.op_def.input_dict[input_name].input_manager_key
                flat_input.manager_key = own or manager_key
    return FlatGraph(ops)


def _assign_managers(ops: Mapping[str, FlatOp]) -> None:
    """Set which IO manager loads each input: its own input manager, else its upstream's."""
    for flat in ops.values():
        for flat_input in flat.inputs:
            own = flat.op_def.input_dict[flat_input.name].input_manager_key
            source = flat_input.source
            if own is not None:
                flat_input.manager_key = own
            elif isinstance(source, StepOutputRef | DynamicElementRef | CollectRef):
                upstream = ops[source.handle].op_def.output_dict[source.output]
                flat_input.manager_key = upstream.io_manager_key


# --------------------------------------------------------------------------
# Pass 1: walk the graphs, tracing every input to what feeds it


class _Out:
    """An op output read by a consumer, before its mapped-ness is known."""

    __slots__ = ("collect", "handle", "output")

    def __init__(self, handle: str, output: str, collect: bool = False) -> None:
        self.handle = handle
        self.output = output
        self.collect = collect


class _List:
    __slots__ = ("items",)

    def __init__(self, items: tuple[_Out | TopInputRef, ...]) -> None:
        self.items = items


_Raw = _Out | _List | TopInputRef | GraphInputConfigRef | _Marker


def _visit(
    graph: GraphDefinition,
    prefix: str,
    env: Mapping[str, _Raw],
    hooks: frozenset[HookDefinition],
    tags: Mapping[str, Any],
    graph_retry: RetryPolicy | None,
    job_retry: RetryPolicy | None,
    ops: dict[str, FlatOp],
) -> None:
    for node in graph.nodes:
        handle = prefix + node.name
        resolved = {
            name: _resolve(graph, prefix, env, source, f"'{handle}' input '{name}'")
            for name, source in graph.sources_of(node.name).items()
        }
        node_hooks = hooks | node.hook_defs
        node_tags = {**tags, **node.tags}
        definition = node.definition
        if isinstance(definition, GraphDefinition):
            path = tuple(handle.split("."))
            inner_env: dict[str, _Raw] = {}
            for d in definition.input_defs:
                given = resolved.get(d.name, UNCONNECTED)
                inner_env[d.name] = (
                    GraphInputConfigRef(path, d.name) if given is UNCONNECTED else given
                )
            _visit(
                definition,
                handle + ".",
                inner_env,
                node_hooks,
                node_tags,
                node.retry_policy or graph_retry,
                job_retry,
                ops,
            )
            continue
        op_def: OpDefinition = definition  # type: ignore[assignment]
        inputs = tuple(
            FlatInput(d.name, d.dagster_type, resolved.get(d.name, UNCONNECTED))  # type: ignore[arg-type]
            for d in op_def.input_defs
        )
        ops[handle] = FlatOp(
            handle,
            node,
            op_def,
            inputs,
            node_tags,
            tuple(sorted(node_hooks, key=lambda h: h.name)),
            node.retry_policy or op_def.retry_policy or graph_retry or job_retry,
        )


def _resolve(
    graph: GraphDefinition, prefix: str, env: Mapping[str, _Raw], source: Source, where: str
) -> _Raw:
    if isinstance(source, FromOutput | FromCollect):
        ref = op_output_of(
            graph.node_dict[source.node].definition, prefix + source.node, source.output
        )
        return _Out(ref.handle, ref.output, collect=isinstance(source, FromCollect))
    if isinstance(source, FromGraphInput):
        return env.get(source.name, UNCONNECTED)
    assert isinstance(source, FromFanIn)
    items: list[_Out | TopInputRef] = []
    for item in source.items:
        flat = _resolve(graph, prefix, env, item, where)
        if isinstance(flat, _List):
            raise InvalidDefinitionError(
                f"the list given to {where} holds a graph input that is itself a list; lists "
                "cannot be nested.",
                where=f"graph '{graph.name}'",
                fix="pass the inner list's items directly, or gather them in an op first.",
            )
        if isinstance(flat, _Out | TopInputRef):
            items.append(flat)
        # an element fed by nothing (a deselected upstream, an unfed graph input) is left out
    return _List(tuple(items)) if items else UNCONNECTED


def op_output_of(definition: Any, handle: str, output: str) -> StepOutputRef:
    """Trace output ``output`` of the node at ``handle`` down through graph outputs to an op."""
    while isinstance(definition, GraphDefinition):
        mapping = next(m for m in definition.output_mappings if m.graph_output_name == output)
        node = definition.node_dict[mapping.mapped_node_name]
        handle = f"{handle}.{node.name}"
        output = mapping.mapped_node_output_name
        definition = node.definition
    return StepOutputRef(handle, output)


# --------------------------------------------------------------------------
# Pass 2: in dependency order, decide mapped-ness and type every source


def _resolve_dynamic(job_name: str, ops: dict[str, FlatOp]) -> None:
    where = f"job '{job_name}'"
    for flat in ops.values():
        scopes: dict[tuple[str, str], None] = {}
        inputs = []
        for flat_input in flat.inputs:
            source = flat_input.source
            if isinstance(source, _Out):
                typed: FlatSource = _typed(where, flat, flat_input.name, source, ops, scopes)
            elif isinstance(source, _List):
                typed = FanInRef(
                    tuple(
                        _fan_in_item(where, flat, flat_input.name, item, ops)
                        if isinstance(item, _Out)
                        else item
                        for item in source.items
                    )
                )
            else:
                typed = source
            inputs.append(flat_input.with_source(typed))
        if len(scopes) > 1:
            raise _nested_dynamic(where, flat.handle, list(scopes))
        flat.inputs = tuple(inputs)
        flat.reads_launch_values = any(_read_at_launch(i.source) for i in flat.inputs)
        flat.scope = next(iter(scopes), None)
        upstream: dict[tuple[str, bool], None] = {}
        for flat_input in flat.inputs:
            for handle, mapped in _waits_for(flat_input.source):
                upstream[(handle, mapped)] = None
                flat.level = max(flat.level, ops[handle].level + 1)
        flat.upstream = tuple(upstream)


def _typed(
    where: str,
    flat: FlatOp,
    input_name: str,
    source: _Out,
    ops: Mapping[str, FlatOp],
    scopes: dict[tuple[str, str], None],
) -> FlatSource:
    producer = ops[source.handle]
    out_def = producer.op_def.output_dict[source.output]
    if source.collect:
        if out_def.is_dynamic and producer.scope is None:
            return CollectRef(source.handle, source.output, source.handle, source.output)
        if producer.scope is not None and not out_def.is_dynamic:
            return CollectRef(source.handle, source.output, *producer.scope)
        raise InvalidDefinitionError(
            f"input '{input_name}' of '{flat.handle}' collects output '{source.output}' of "
            f"'{source.handle}', which is neither dynamic nor mapped.",
            where=where,
            fix="collect a DynamicOut output or the results of .map(...).",
        )
    if out_def.is_dynamic:
        if producer.scope is not None:
            raise _nested_dynamic(
                where, flat.handle, [producer.scope, (source.handle, source.output)]
            )
        scopes[(source.handle, source.output)] = None
        return DynamicElementRef(source.handle, source.output)
    if producer.scope is not None:
        scopes[producer.scope] = None
        return StepOutputRef(source.handle, source.output, mapped=True)
    return StepOutputRef(source.handle, source.output)


def _fan_in_item(
    where: str, flat: FlatOp, input_name: str, item: _Out, ops: Mapping[str, FlatOp]
) -> StepOutputRef:
    producer = ops[item.handle]
    if producer.op_def.output_dict[item.output].is_dynamic or producer.scope is not None:
        raise InvalidDefinitionError(
            f"input '{input_name}' of '{flat.handle}' fans in a dynamic or mapped output of "
            f"'{item.handle}'.",
            where=where,
            fix="use .collect() to gather dynamic or mapped values into a list.",
        )
    return StepOutputRef(item.handle, item.output)


def _read_at_launch(source: FlatSource) -> bool:
    if isinstance(source, FanInRef):
        return any(isinstance(i, TopInputRef) for i in source.items)
    return isinstance(source, LaunchRef) or source is UNCONNECTED


def _waits_for(source: FlatSource) -> list[tuple[str, bool]]:
    """(op handle, same mapping key?) pairs a source makes its consumer wait for.

    A collect over a mapped op waits for the dynamic output's step here; the
    mapped steps themselves are only known once that step has run.
    """
    if isinstance(source, StepOutputRef):
        return [(source.handle, source.mapped)]
    if isinstance(source, DynamicElementRef):
        return [(source.handle, False)]
    if isinstance(source, CollectRef):
        return [(source.root_handle, False)]
    if isinstance(source, FanInRef):
        return [(i.handle, False) for i in source.items if isinstance(i, StepOutputRef)]
    return []


def _nested_dynamic(
    where: str, handle: str, roots: list[tuple[str, str]]
) -> InvalidDefinitionError:
    listed = " and ".join(f"'{h}.{o}'" for h, o in roots)
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
        for flat_input in flat.inputs:
            source = flat_input.source
            if flat_input.is_nothing or not (
                source is UNCONNECTED
                or isinstance(source, GraphInputConfigRef)
                or (isinstance(source, TopInputRef) and source.name not in input_values)
            ):
                continue
            in_def = flat.op_def.input_dict[flat_input.name]
            if (
                in_def.has_default_value
                or in_def.dagster_type.loadable_from_config
                or in_def.input_manager_key is not None
            ):
                continue  # a default, a value given in run config, or its input manager
            raise UnsatisfiedInputError(
                container=f"job '{job_name}'",
                node=flat.handle,
                input_name=flat_input.name,
                type_name=in_def.dagster_type.name,
            )
