"""Resolving the run config of one launch: the job's own config, mappings, validation.

The job's own config is applied first (a hardcoded default overridden by
the launch, a partition's config, or a config mapping of the launch's outer
config), then the result is validated against the job's schema in one
pass. Config mapping functions are user code and run through the one
boundary; a problem anywhere raises :class:`~dagwright.errors.RunConfigError`
listing every problem with its path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..config.mapping import ConfigMapping
from ..config.types import ConfigType
from ..config.validate import validate
from ..definitions.graph import GraphDefinition
from ..definitions.partitioned_config import PartitionedConfig
from ..definitions.run_config import op_config_shape, run_config_schema
from ..errors import ConfigProblem, RunConfigError
from ._boundary import UserFailure, call_user

if TYPE_CHECKING:
    from ..definitions.job import JobDefinition

__all__ = ["resolve_run_config", "validate_run_config"]


def validate_run_config(job: JobDefinition, run_config: Any = None) -> dict[str, Any]:
    """The run config ``job`` would run with: validated, defaults filled; or RunConfigError."""
    return resolve_run_config(job, run_config)


def resolve_run_config(
    job: JobDefinition,
    run_config: Any,
    partition_key: str | None = None,
) -> dict[str, Any]:
    """The resolved run config of a launch (defaults filled, env vars read), or RunConfigError."""
    given = _as_dict(job, run_config)
    config = job.config
    schema = run_config_schema(job)
    if isinstance(config, ConfigMapping):
        outer = _checked(job, schema.config_type, given, "the config mapping's config")
        inner = _apply_mapping(
            job, config, outer if config.receive_processed_config_values else given
        )
        return _expand_graph_mappings(
            job, _checked(job, schema.inner_type, inner, "produced by the job's config mapping")
        )
    if isinstance(config, PartitionedConfig) and not given and partition_key is not None:
        place = f"the partitioned config of job '{job.name}'"
        try:
            produced = call_user(place, config.run_config_for_partition_key, partition_key)
        except UserFailure as failure:
            raise _mapping_error(job, "", failure) from failure.exception
        given = _as_dict(job, produced)
    return _expand_graph_mappings(job, _checked(job, schema.inner_type, given, None))


def stored_run_config(run_config: Any) -> dict[str, Any]:
    """The run config a run record keeps: what was given, env vars as ``{env: NAME}``."""
    if run_config is None:
        return {}
    to_dict = getattr(run_config, "to_config_dict", None)
    return dict(to_dict() if to_dict is not None else run_config)


def _as_dict(job: JobDefinition, run_config: Any) -> dict[str, Any]:
    if run_config is None:
        return {}
    to_dict = getattr(run_config, "to_config_dict", None)
    if to_dict is not None:
        run_config = to_dict()
    if not isinstance(run_config, Mapping):
        raise RunConfigError(
            job=job.name,
            problems=[
                ConfigProblem(
                    "",
                    f"run config must be a dict (or RunConfig), got {type(run_config).__name__}.",
                )
            ],
        )
    return dict(run_config)


def _checked(job: JobDefinition, config_type: ConfigType, value: Any, source: str | None) -> Any:
    problems: list[ConfigProblem] = []
    resolved = validate(config_type, value, "", problems)
    if problems:
        raise RunConfigError(job=job.name, problems=problems, source=source)
    return resolved


def _apply_mapping(job: JobDefinition, mapping: ConfigMapping, outer: Any) -> dict[str, Any]:
    try:
        inner = call_user(f"the config mapping of job '{job.name}'", mapping.resolve, outer)
    except UserFailure as failure:
        raise _mapping_error(job, "", failure) from failure.exception
    return _as_dict(job, inner)


def _mapping_error(job: JobDefinition, path: str, failure: UserFailure) -> RunConfigError:
    error = failure.exception
    return RunConfigError(
        job=job.name,
        problems=[
            ConfigProblem(
                path,
                f"{failure.place} raised {type(error).__name__}: {error}",
                reason="CONFIG_MAPPING_ERROR",
            )
        ],
    )


def _expand_graph_mappings(job: JobDefinition, resolved: dict[str, Any]) -> dict[str, Any]:
    """Run the config mappings of nested graphs: their outer config becomes their ops' config."""
    _expand(job, job.graph, resolved.get("ops"), "ops", "")
    return resolved


def _expand(job: JobDefinition, graph: GraphDefinition, ops: Any, path: str, prefix: str) -> None:
    if not isinstance(ops, dict):
        return
    for node in graph.nodes:
        definition = node.definition
        section = ops.get(node.name)
        if not isinstance(definition, GraphDefinition) or not isinstance(section, dict):
            continue
        node_path = f"{path}.{node.name}"
        handle = prefix + node.name
        mapping = definition.config
        if isinstance(mapping, ConfigMapping):
            place = f"the config mapping of graph '{handle}'"
            try:
                produced = call_user(place, mapping.resolve, section.get("config"))
            except UserFailure as failure:
                raise _mapping_error(job, f"{node_path}.config", failure) from failure.exception
            inner_type = op_config_shape(job, definition, handle)
            section["ops"] = _checked(
                job, inner_type, produced, f"produced by the config mapping of graph '{handle}'"
            )
        _expand(job, definition, section.get("ops"), f"{node_path}.ops", handle + ".")
