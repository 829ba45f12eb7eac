"""The run config of a job: its schema, and turning what a launch gives into resolved config.

A job's run config has the documented shape::

    ops:        {<op>: {config: ..., inputs: {<input>: ...}}}   # nested graphs nest under ops
    resources:  {<key>: {config: ...}}
    execution:  {config: ...}                                   # the executor's config
    loggers:    {<name>: {config: ...}}
    inputs:     {<graph input>: ...}                            # top-level graph inputs

:func:`run_config_schema` builds it once per job from the ops', resources',
executor's and loggers' schemas. Resolving a launch's config applies the job's
own config (a hardcoded default, a config mapping, partitioned config),
validates everything in one pass and returns the resolved config with
defaults filled in, or raises :class:`~dagwright.errors.RunConfigError`
listing every problem with its path (that part runs user code, config
mapping functions, so it lives in ``execution/run_config.py``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..config.mapping import ConfigMapping
from ..config.types import (
    AnyType,
    Array,
    Bool,
    ConfigType,
    Field,
    Float,
    InputValue,
    Int,
    Map,
    Noneable,
    Permissive,
    Selector,
    Shape,
    String,
)
from ..config.validate import validate
from ..errors import ConfigProblem, InvalidDefinitionError, did_you_mean
from ._flatten import UNCONNECTED, FlatOp, GraphInputConfigRef, TopInputRef
from .executor import multi_or_in_process_executor
from .graph import GraphDefinition
from .logger import BUILTIN_LOGGER_CONFIG
from .types import DataType

if TYPE_CHECKING:
    from .job import JobDefinition

__all__ = [
    "RunConfigSchema",
    "run_config_schema",
    "op_config_shape",
    "input_config_type",
    "CONSOLE_LOGGER_FIELD",
]

CONSOLE_LOGGER_FIELD = Field(
    {"config": BUILTIN_LOGGER_CONFIG},
    is_required=False,
    description="The colored console logger (stderr) of a job that declares no loggers.",
)


def input_config_type(dagster_type: DataType) -> ConfigType | None:
    """How a value of ``dagster_type`` is written in run config, or None if it cannot be."""
    kind = dagster_type.kind
    if kind == "any":
        return AnyType()
    if kind == "scalar":
        return {int: Int, float: Float, str: String, bool: Bool}[dagster_type.python_type]
    if kind == "list":
        inner = input_config_type(dagster_type.inner[0])
        return Array(inner) if inner is not None else None
    if kind == "dict":
        key, value = dagster_type.inner
        inner = input_config_type(value)
        if inner is None:
            return None
        return Map(str, inner) if key.kind in ("any", "scalar") else Permissive()
    if kind == "optional":
        inner = input_config_type(dagster_type.inner[0])
        return Noneable(inner) if inner is not None else None
    return None


class RunConfigSchema:
    """The schema of a job's run config; ``config_type`` is what a launch is checked against.

    For a job with a config mapping, ``config_type`` is the mapping's (outer)
    schema and ``inner_type`` the full schema its function must produce.
    """

    __slots__ = ("config_type", "inner_type")

    def __init__(self, inner_type: Shape, outer: ConfigType | None) -> None:
        self.inner_type = inner_type
        self.config_type: ConfigType = outer if outer is not None else inner_type

    def describe(self) -> dict[str, Any]:
        """The schema as JSON-ready data (types, defaults, descriptions, required-ness)."""
        from ..config.describe import describe

        return describe(self.config_type)


def run_config_schema(job: JobDefinition) -> RunConfigSchema:
    """The run config schema of ``job`` (built once, then cached on the job)."""
    cached: RunConfigSchema | None = job._run_config_schema
    if cached is None:
        cached = _build(job)
        job._run_config_schema = cached
    return cached


def _build(job: JobDefinition) -> RunConfigSchema:
    flat_ops = job.flat_graph.ops
    needed = {k for flat in flat_ops.values() for k in flat.resource_keys}
    resources = {
        key: _resource_field(definition.config_field, key in needed)
        for key, definition in job.resource_defs.items()
    }
    executor = (job.executor_def or multi_or_in_process_executor).config_field
    fields: dict[str, Field] = {
        "ops": Field(_ops_shape(job.graph, "", flat_ops)),
        "resources": Field(Shape(resources)),
        "execution": Field(Shape({"config": executor})),
        "loggers": Field(Shape(_logger_fields(job))),
    }
    if job.graph.input_defs:
        fields["inputs"] = Field(Shape({d.name: _optional_input(d) for d in job.graph.input_defs}))
    if isinstance(job.config, Mapping):
        _with_preset(job, fields, job.config)
    outer = job.config.config_field.config_type if isinstance(job.config, ConfigMapping) else None
    return RunConfigSchema(Shape(fields), outer)


def _optional_input(input_def: Any) -> Field:
    config_type = input_config_type(input_def.dagster_type) or AnyType()
    return Field(InputValue(config_type), is_required=False)


def _resource_field(config: Field, needed: bool) -> Field:
    return Field(Shape({"config": config}), is_required=None if needed else False)


def _logger_fields(job: JobDefinition) -> dict[str, Field]:
    fields: dict[str, Field] = {}
    if not job.logger_defs:
        fields["console"] = CONSOLE_LOGGER_FIELD
    for name, definition in job.logger_defs.items():
        fields[name] = Field({"config": definition.config_field}, is_required=None)
    return fields


def op_config_shape(job: JobDefinition, graph: GraphDefinition, handle: str) -> Shape:
    """The ``ops`` part of the schema for the nodes of nested graph ``graph`` at ``handle``."""
    return _ops_shape(graph, handle + ".", job.flat_graph.ops)


def _ops_shape(graph: GraphDefinition, prefix: str, flat_ops: Mapping[str, FlatOp]) -> Shape:
    return Shape(
        {node.name: _node_field(node, prefix + node.name, flat_ops) for node in graph.nodes}
    )


def _node_field(node: Any, handle: str, flat_ops: Mapping[str, FlatOp]) -> Field:
    definition = node.definition
    fields: dict[str, Field] = {}
    if isinstance(definition, GraphDefinition):
        if isinstance(definition.config, ConfigMapping):
            fields["config"] = definition.config.config_field
        else:
            fields["ops"] = Field(_ops_shape(definition, handle + ".", flat_ops))
        graph_inputs = _graph_input_fields(definition, handle, flat_ops)
        if graph_inputs:
            fields["inputs"] = Field(Shape(graph_inputs))
        return Field(Shape(fields))
    flat = flat_ops[handle]
    fields["config"] = definition.config_field
    inputs = _op_input_fields(flat)
    if inputs:
        fields["inputs"] = Field(Shape(inputs))
    return Field(Shape(fields))


def _op_input_fields(flat: FlatOp) -> dict[str, Field]:
    fields: dict[str, Field] = {}
    for flat_input in flat.inputs:
        source = flat_input.source
        if flat_input.is_nothing or not (
            source is UNCONNECTED or isinstance(source, GraphInputConfigRef | TopInputRef)
        ):
            continue
        config_type = input_config_type(flat_input.dagster_type)
        if config_type is None:
            continue
        in_def = flat.op_def.input_dict[flat_input.name]
        # Inputs that can also come from elsewhere (a default, the graph's own inputs,
        # input_values) are optional here; the plan says which are still missing.
        required = (
            source is UNCONNECTED
            and not in_def.has_default_value
            and in_def.input_manager_key is None
        )
        fields[flat_input.name] = Field(
            InputValue(config_type), is_required=None if required else False
        )
    return fields


def _graph_input_fields(
    graph: GraphDefinition, handle: str, flat_ops: Mapping[str, FlatOp]
) -> dict[str, Field]:
    path = tuple(handle.split("."))
    fields: dict[str, Field] = {}
    for flat in flat_ops.values():
        for flat_input in flat.inputs:
            source = flat_input.source
            if isinstance(source, GraphInputConfigRef) and source.path == path:
                config_type = input_config_type(flat_input.dagster_type)
                if config_type is not None:
                    fields.setdefault(
                        source.name, Field(InputValue(config_type), is_required=False)
                    )
    return fields


# --------------------------------------------------------------------------
# Resolving a launch's run config


def _with_preset(job: JobDefinition, fields: dict[str, Field], preset: Mapping[str, Any]) -> None:
    """Make a job's hardcoded config the defaults of its schema, two levels deep.

    Each top-level key (``ops``, ``resources``, ...) and each entry under it
    (one op, one resource) becomes a default: a launch that gives an entry
    replaces that entry whole, and the others keep their hardcoded values.
    A hardcoded entry must be valid on its own: it is checked here, when the
    job is built.
    """
    where = f"job '{job.name}'"
    for top, value in preset.items():
        field = fields.get(top)
        if field is None:
            raise InvalidDefinitionError(
                f"its hardcoded config has the key '{top}', which run config does not have."
                f"{did_you_mean(top, fields)}",
                where=where,
                fix=f"use the keys {', '.join(fields)}.",
            )
        inner = field.config_type
        if (
            isinstance(inner, Shape)
            and not isinstance(inner, Selector)
            and isinstance(value, Mapping)
        ):
            entries = dict(inner.fields)
            for name, entry_value in value.items():
                entry = entries.get(name)
                if entry is None:
                    raise InvalidDefinitionError(
                        f"its hardcoded config names '{top}.{name}', which the job does not "
                        f"have.{did_you_mean(name, entries)}",
                        where=where,
                        fix=f"use one of: {', '.join(entries) or '(none)'}.",
                    )
                entries[name] = _preset_field(entry, entry_value, f"{top}.{name}", where)
            fields[top] = Field(
                type(inner)(entries, inner.description), description=field.description
            )
        else:
            fields[top] = _preset_field(field, value, top, where)


def _preset_field(field: Field, value: Any, path: str, where: str) -> Field:
    problems: list[ConfigProblem] = []
    validate(field.config_type, copy.deepcopy(value), path, problems)
    wrong = [p for p in problems if p.reason != "FAILED_POST_PROCESSING"]  # env read at launch
    if wrong:
        raise InvalidDefinitionError(
            "its hardcoded config does not fit: " + "; ".join(str(p) for p in wrong),
            where=where,
            fix="correct the config=... given to @job or to_job() (each op's or resource's "
            "config there must be complete: a launch replaces it whole).",
        )
    return Field(field.config_type, default_value=value, description=field.description)
