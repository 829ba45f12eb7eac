"""Building the snapshot of a job: its structure as a :class:`~dagwright.records.JobSnapshot`.

A snapshot is read off the definitions (names, types, wiring, schemas) and
never touches values: resources appear by key, config by schema with
defaults marked but not copied, inputs with whether they have a default.
Jobs are immutable, so each job's snapshot (and its id) is built once and
kept for as long as the job lives.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal
from weakref import WeakKeyDictionary

from ..config.describe import describe, describe_field
from ..config.mapping import ConfigMapping
from ..definitions.dependency import FromCollect, FromFanIn, FromGraphInput, FromOutput, Source
from ..definitions.graph import GraphDefinition
from ..definitions.hooks import HookDefinition
from ..definitions.inputs import InputDefinition
from ..definitions.job import JobDefinition
from ..definitions.node import NodeDefinition
from ..definitions.op import OpDefinition
from ..definitions.outputs import OutputDefinition
from ..definitions.retry import RetryPolicy
from ..records.snapshots import (
    GraphSnapshot,
    InputMappingSnapshot,
    InputSnapshot,
    InputSource,
    JobSnapshot,
    NodeInputSnapshot,
    NodeSnapshot,
    OpSnapshot,
    OutputMappingSnapshot,
    OutputSnapshot,
    RetryPolicySnapshot,
    SourceKind,
    definition_id,
    snapshot_id,
)

__all__ = ["job_snapshot", "job_snapshot_id"]

_SNAPSHOTS: WeakKeyDictionary[JobDefinition, JobSnapshot] = WeakKeyDictionary()
_IDS: WeakKeyDictionary[JobDefinition, str] = WeakKeyDictionary()


def job_snapshot(job: JobDefinition) -> JobSnapshot:
    """The snapshot of ``job`` (built on first use, then kept while the job lives)."""
    snapshot = _SNAPSHOTS.get(job)
    if snapshot is None:
        snapshot = _SNAPSHOTS[job] = _job(job)
    return snapshot


def job_snapshot_id(job: JobDefinition) -> str:
    """The id of ``job``'s snapshot: the same for the same structure, in any process."""
    found = _IDS.get(job)
    if found is None:
        found = _IDS[job] = snapshot_id(job_snapshot(job))
    return found


# --------------------------------------------------------------------------
# The job


def _job(job: JobDefinition) -> JobSnapshot:
    ops, graphs = _definitions_in(job.graph)
    ambiguous = _shared_names(ops) | _shared_names(graphs)
    keys: dict[int, str] = {}
    op_defs: dict[str, OpSnapshot] = {}
    for op_def in ops:
        op_snapshot = _op(op_def)
        keys[id(op_def)] = _key(op_def, op_snapshot, ambiguous)
        op_defs[keys[id(op_def)]] = op_snapshot
    graph_defs: dict[str, GraphSnapshot] = {}
    for graph_def in graphs:  # inner graphs first: a graph's snapshot names its nodes' keys
        graph_snapshot = _graph(graph_def, keys)
        keys[id(graph_def)] = _key(graph_def, graph_snapshot, ambiguous)
        graph_defs[keys[id(graph_def)]] = graph_snapshot
    flat_ops = job.flat_graph.ops.values()
    io_manager_keys = {key for flat in flat_ops for key in flat.io_manager_keys}
    return JobSnapshot(
        name=job.name,
        description=job.description,
        tags=dict(job.tags),
        metadata=dict(job.metadata),
        graph=_graph(job.graph, keys),
        op_defs=op_defs,
        graph_defs=graph_defs,
        run_config_schema=describe(job.run_config_schema.config_type, defaults=False),
        config_kind=_config_kind(job),
        required_resource_keys=tuple(sorted(job.required_resource_keys | io_manager_keys)),
        resource_keys=tuple(sorted(job.resource_defs)),
        executor=job.executor_def.name if job.executor_def is not None else None,
        loggers=tuple(sorted(job.logger_defs)),
        hooks=_hook_names(job.hook_defs),
        op_retry_policy=_retry(job.op_retry_policy),
        partitioned=job.partitions_def is not None,
        op_selection=tuple(job.op_selection) if job.op_selection is not None else None,
        mapped_ops={
            flat.handle: f"{flat.scope[0]}.{flat.scope[1]}"
            for flat in flat_ops
            if flat.scope is not None
        },
    )


def _config_kind(job: JobDefinition) -> Literal["default", "mapping", "partitioned"] | None:
    if job.config_mapping is not None:
        return "mapping"
    if job.partitioned_config is not None:
        return "partitioned"
    return "default" if job.run_config is not None else None


def _definitions_in(top: GraphDefinition) -> tuple[list[OpDefinition], list[GraphDefinition]]:
    """Every op and nested graph definition under ``top``, each once; inner graphs first."""
    ops: list[OpDefinition] = []
    graphs: list[GraphDefinition] = []
    seen: set[int] = set()

    def visit(graph: GraphDefinition) -> None:
        for node in graph.nodes:
            definition = node.definition
            if id(definition) in seen:
                continue
            seen.add(id(definition))
            if isinstance(definition, GraphDefinition):
                visit(definition)
                graphs.append(definition)
            elif isinstance(definition, OpDefinition):
                ops.append(definition)

    visit(top)
    return ops, graphs


def _shared_names(definitions: Iterable[NodeDefinition]) -> set[str]:
    """Names that two different definitions in the job carry."""
    seen: set[str] = set()
    shared: set[str] = set()
    for definition in definitions:
        (shared if definition.name in seen else seen).add(definition.name)
    return shared


def _key(definition: NodeDefinition, snap: OpSnapshot | GraphSnapshot, ambiguous: set[str]) -> str:
    """The definition's name, told apart by its content where another definition shares it."""
    if definition.name not in ambiguous:
        return definition.name
    return f"{definition.name}#{definition_id(snap)[:12]}"


# --------------------------------------------------------------------------
# Definitions


def _op(op_def: OpDefinition) -> OpSnapshot:
    return OpSnapshot(
        name=op_def.name,
        description=op_def.description,
        inputs=tuple(_input(d) for d in op_def.input_defs),
        outputs=tuple(_output(d) for d in op_def.output_defs),
        required_resource_keys=tuple(sorted(op_def.required_resource_keys)),
        tags=dict(op_def.tags),
        metadata=dict(op_def.metadata),
        config_schema=describe_field(op_def.config_field, defaults=False),
        retry_policy=_retry(op_def.retry_policy),
        code_version=op_def.code_version,
        pool=op_def.pool,
    )


def _graph(graph_def: GraphDefinition, keys: dict[int, str]) -> GraphSnapshot:
    config = graph_def.config
    return GraphSnapshot(
        name=graph_def.name,
        description=graph_def.description,
        nodes=tuple(_node(graph_def, node.name, keys) for node in graph_def.nodes),
        inputs=tuple(_input(d) for d in graph_def.input_defs),
        outputs=tuple(_output(d) for d in graph_def.output_defs),
        input_mappings=_input_mappings(graph_def) if graph_def.input_defs else (),
        output_mappings=tuple(
            OutputMappingSnapshot(
                graph_output=m.graph_output_name,
                node=m.mapped_node_name,
                output=m.mapped_node_output_name,
            )
            for m in graph_def.output_mappings
        ),
        tags=dict(graph_def.tags),
        config_schema=(
            describe_field(config.config_field, defaults=False)
            if isinstance(config, ConfigMapping)
            else None
        ),
    )


def _input_mappings(graph_def: GraphDefinition) -> tuple[InputMappingSnapshot, ...]:
    mappings = [
        InputMappingSnapshot(
            graph_input=m.graph_input_name,
            node=m.mapped_node_name,
            input=m.mapped_node_input_name,
            fan_in_index=m.fan_in_index,
        )
        for m in graph_def.input_mappings
    ]
    mappings.sort(key=lambda m: (m.graph_input, m.node, m.input, m.fan_in_index or 0))
    return tuple(mappings)


def _node(graph_def: GraphDefinition, name: str, keys: dict[int, str]) -> NodeSnapshot:
    node = graph_def.node_dict[name]
    definition = node.definition
    key = keys[id(definition)]
    sources = graph_def.sources_of(name)
    # In the definition's input order, however the dependencies were written.
    inputs = [
        _node_input(graph_def, d.name, sources[d.name])
        for d in definition.input_defs
        if d.name in sources
    ]
    return NodeSnapshot(
        name=name,
        definition_name=definition.name,
        is_graph=definition.is_graph,
        definition_key=key if key != definition.name else None,
        inputs=tuple(inputs),
        tags=dict(node.tags),
        hooks=_hook_names(node.hook_defs) if node.hook_defs else (),
        retry_policy=_retry(node.retry_policy) if node.retry_policy is not None else None,
    )


def _node_input(graph_def: GraphDefinition, name: str, source: Source) -> NodeInputSnapshot:
    if isinstance(source, FromFanIn):
        items = tuple([_source(graph_def, item) for item in source.items])
        return NodeInputSnapshot(name=name, sources=items, fan_in=True)
    return NodeInputSnapshot(name=name, sources=(_source(graph_def, source),))


def _source(graph_def: GraphDefinition, source: Source) -> InputSource:
    if isinstance(source, FromOutput):
        upstream = graph_def.node_dict[source.node].definition.output_dict[source.output]
        kind = SourceKind.MAPPED if upstream.is_dynamic else SourceKind.OUTPUT
        return InputSource(kind=kind, node=source.node, output=source.output)
    if isinstance(source, FromCollect):
        return InputSource(kind=SourceKind.COLLECT, node=source.node, output=source.output)
    assert isinstance(source, FromGraphInput)
    return InputSource(kind=SourceKind.GRAPH_INPUT, graph_input=source.name)


def _input(input_def: InputDefinition) -> InputSnapshot:
    return InputSnapshot(
        name=input_def.name,
        type_name=input_def.dagster_type.name,
        description=input_def.description,
        has_default=input_def.has_default_value,
        input_manager_key=input_def.input_manager_key,
    )


def _output(output_def: OutputDefinition) -> OutputSnapshot:
    return OutputSnapshot(
        name=output_def.name,
        type_name=output_def.dagster_type.name,
        description=output_def.description,
        is_dynamic=output_def.is_dynamic,
        is_required=output_def.is_required,
        io_manager_key=output_def.io_manager_key,
    )


def _retry(policy: RetryPolicy | None) -> RetryPolicySnapshot | None:
    if policy is None:
        return None
    return RetryPolicySnapshot(
        max_retries=policy.max_retries,
        delay=float(policy.delay) if policy.delay is not None else None,
        backoff=policy.backoff.value if policy.backoff is not None else None,
        jitter=policy.jitter.value if policy.jitter is not None else None,
    )


def _hook_names(hooks: Iterable[HookDefinition]) -> tuple[str, ...]:
    return tuple(sorted(h.name for h in hooks))
