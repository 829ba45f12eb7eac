"""Job snapshots: the immutable, JSON-stable description of a job's structure.

Storage keeps one snapshot per distinct job structure and each run records
the ``snapshot_id`` of the job it ran, so an old run still renders after the
code changed; the CLI, GraphQL and the UI describe definitions from
snapshots without running user code.

A snapshot holds names, types, wiring and schemas only: never resource
objects, run config values, defaults or input values (any of them may be
a secret). The builder lives in :mod:`dagwright.workspace.snapshot`.

The canonical JSON form (:func:`snapshot_to_json`) sorts every key, so it
is the same bytes in every process; :func:`snapshot_id` is its SHA-256.
Fields left at their defaults are omitted, so a field added later with a
default leaves the ids of older snapshots unchanged.
"""

from __future__ import annotations

import functools
import hashlib
from enum import StrEnum
from typing import Any, Literal

import msgspec

from ..metadata import MetadataValueUnion

__all__ = [
    "SourceKind",
    "InputSource",
    "NodeInputSnapshot",
    "NodeSnapshot",
    "InputSnapshot",
    "OutputSnapshot",
    "RetryPolicySnapshot",
    "InputMappingSnapshot",
    "OutputMappingSnapshot",
    "OpSnapshot",
    "GraphSnapshot",
    "JobSnapshot",
    "snapshot_to_json",
    "snapshot_from_json",
    "snapshot_id",
    "definition_id",
]


class _Snap(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, gc=False):
    """Base of the snapshot records: immutable, keyword-built, defaults left out of JSON."""


# --------------------------------------------------------------------------
# Wiring: where a node input gets its value


class SourceKind(StrEnum):
    """How an input reads what feeds it."""

    OUTPUT = "output"
    """The value of a sibling node's output."""
    MAPPED = "mapped"
    """One value of a sibling's dynamic output: the node runs once per value (``.map``)."""
    COLLECT = "collect"
    """Every value of a dynamic or mapped output, as one list (``.collect()``)."""
    GRAPH_INPUT = "graph_input"
    """An input of the enclosing graph."""


class InputSource(_Snap, frozen=True, kw_only=True):
    """One thing that feeds a node input: ``node``'s ``output``, or ``graph_input``."""

    kind: SourceKind
    node: str | None = None
    output: str | None = None
    graph_input: str | None = None


class NodeInputSnapshot(_Snap, frozen=True, kw_only=True):
    """A connected input of a node: its source, or for a fan-in the list of sources in order."""

    name: str
    sources: tuple[InputSource, ...]
    fan_in: bool = False


class RetryPolicySnapshot(_Snap, frozen=True, kw_only=True):
    """A retry policy in figures: attempts, base delay (seconds), backoff and jitter names."""

    max_retries: int
    delay: float | None = None
    backoff: str | None = None
    jitter: str | None = None


class NodeSnapshot(_Snap, frozen=True, kw_only=True):
    """One use of an op or graph inside a graph: its name (maybe an alias) and wiring.

    ``definition_key`` is only set when two different definitions in the job
    share ``definition_name``; it is then the key in ``JobSnapshot.op_defs``
    (or ``graph_defs``) of this node's definition.
    """

    name: str
    definition_name: str
    is_graph: bool = False
    definition_key: str | None = None
    inputs: tuple[NodeInputSnapshot, ...] = ()
    tags: dict[str, str] = msgspec.field(default_factory=dict)
    hooks: tuple[str, ...] = ()
    retry_policy: RetryPolicySnapshot | None = None

    @property
    def key(self) -> str:
        """The key of this node's definition in the job snapshot."""
        return self.definition_key or self.definition_name


# --------------------------------------------------------------------------
# Definitions


class InputSnapshot(_Snap, frozen=True, kw_only=True):
    """An input of an op or graph: name, type name, and whether it has a default (not its value)."""

    name: str
    type_name: str
    description: str | None = None
    has_default: bool = False
    input_manager_key: str | None = None


class OutputSnapshot(_Snap, frozen=True, kw_only=True):
    """An output of an op or graph: name, type name, dynamic-ness, required-ness, IO manager."""

    name: str
    type_name: str
    description: str | None = None
    is_dynamic: bool = False
    is_required: bool = True
    io_manager_key: str = "io_manager"


class InputMappingSnapshot(_Snap, frozen=True, kw_only=True):
    """A graph input feeding ``node``'s ``input`` (at ``fan_in_index`` of a fan-in list)."""

    graph_input: str
    node: str
    input: str
    fan_in_index: int | None = None


class OutputMappingSnapshot(_Snap, frozen=True, kw_only=True):
    """A graph output taken from ``node``'s ``output``."""

    graph_output: str
    node: str
    output: str


class OpSnapshot(_Snap, frozen=True, kw_only=True):
    """An op definition: its inputs, outputs, resources, tags, config schema and retry policy.

    ``config_schema`` is the JSON description of the op's config field
    (``dagwright.config.describe.describe_field`` without default values).
    """

    name: str
    description: str | None = None
    inputs: tuple[InputSnapshot, ...] = ()
    outputs: tuple[OutputSnapshot, ...] = ()
    required_resource_keys: tuple[str, ...] = ()
    tags: dict[str, str] = msgspec.field(default_factory=dict)
    metadata: dict[str, MetadataValueUnion] = msgspec.field(default_factory=dict)
    config_schema: dict[str, Any] = msgspec.field(default_factory=dict)
    retry_policy: RetryPolicySnapshot | None = None
    code_version: str | None = None
    pool: str | None = None


class GraphSnapshot(_Snap, frozen=True, kw_only=True):
    """A graph definition: its nodes (in topological order), wiring, inputs and outputs.

    ``config_schema`` is set for a graph with a config mapping: the schema
    its ``ops.<graph>.config`` is checked against.
    """

    name: str
    description: str | None = None
    nodes: tuple[NodeSnapshot, ...] = ()
    inputs: tuple[InputSnapshot, ...] = ()
    outputs: tuple[OutputSnapshot, ...] = ()
    input_mappings: tuple[InputMappingSnapshot, ...] = ()
    output_mappings: tuple[OutputMappingSnapshot, ...] = ()
    tags: dict[str, str] = msgspec.field(default_factory=dict)
    config_schema: dict[str, Any] | None = None


class JobSnapshot(_Snap, frozen=True, kw_only=True):
    """A whole job: its top-level graph, every definition it uses, and what it is bound to.

    * ``op_defs`` / ``graph_defs``: every op and nested graph definition, by
      key (the definition's name; see :attr:`NodeSnapshot.definition_key`).
    * ``run_config_schema``: the JSON description of the schema a launch's
      run config is checked against (for a config mapping, its outer schema).
    * ``required_resource_keys``: what ops, hooks and IO managers need;
      ``resource_keys``: what the job binds. Names only.
    * ``config_kind``: how the job's own ``config=`` shapes its runs:
      ``"default"`` (a hardcoded run config), ``"mapping"``, ``"partitioned"``.
    * ``mapped_ops``: op handles (``graph.op``) that run once per value of a
      dynamic output, each with that output as ``"handle.output"``.
    """

    name: str
    description: str | None = None
    tags: dict[str, str] = msgspec.field(default_factory=dict)
    run_tags: dict[str, str] = msgspec.field(default_factory=dict)
    metadata: dict[str, MetadataValueUnion] = msgspec.field(default_factory=dict)
    graph: GraphSnapshot
    op_defs: dict[str, OpSnapshot] = msgspec.field(default_factory=dict)
    graph_defs: dict[str, GraphSnapshot] = msgspec.field(default_factory=dict)
    run_config_schema: dict[str, Any] = msgspec.field(default_factory=dict)
    config_kind: Literal["default", "mapping", "partitioned"] | None = None
    required_resource_keys: tuple[str, ...] = ()
    resource_keys: tuple[str, ...] = ()
    executor: str | None = None
    loggers: tuple[str, ...] = ()
    hooks: tuple[str, ...] = ()
    op_retry_policy: RetryPolicySnapshot | None = None
    partitioned: bool = False
    op_selection: tuple[str, ...] | None = None
    mapped_ops: dict[str, str] = msgspec.field(default_factory=dict)

    def definition_of(self, node: NodeSnapshot) -> OpSnapshot | GraphSnapshot:
        """The definition ``node`` uses."""
        return self.graph_defs[node.key] if node.is_graph else self.op_defs[node.key]


# --------------------------------------------------------------------------
# JSON


_ENCODER = msgspec.json.Encoder(order="sorted")


def snapshot_to_json(snapshot: JobSnapshot) -> bytes:
    """The canonical JSON of ``snapshot``: every key sorted, the same bytes in every process."""
    return _ENCODER.encode(snapshot)


def snapshot_from_json(data: bytes | str) -> JobSnapshot:
    """The snapshot ``snapshot_to_json`` wrote (fields it does not know are ignored)."""
    return _decoder().decode(data)


def snapshot_id(snapshot: JobSnapshot) -> str:
    """The SHA-256 (hex) of the canonical JSON: equal structures, equal ids."""
    return hashlib.sha256(snapshot_to_json(snapshot)).hexdigest()


def definition_id(definition: OpSnapshot | GraphSnapshot) -> str:
    """The SHA-256 (hex) of one definition's canonical JSON (tells apart same-named ones)."""
    return hashlib.sha256(_ENCODER.encode(definition)).hexdigest()


@functools.cache
def _decoder() -> msgspec.json.Decoder[JobSnapshot]:
    # Built on first use: building it costs more than importing this module.
    return msgspec.json.Decoder(JobSnapshot)
