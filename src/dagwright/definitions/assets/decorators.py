"""``@asset``, ``@multi_asset``, ``@graph_asset`` and ``@graph_multi_asset``.

Each builds the node that computes (an op named after the asset key, or a
graph) and an :class:`~.definition.AssetsDefinition` saying which asset
each output is and which upstream asset each input reads. An ``@asset``
parameter names its upstream asset (``def asset2(asset1)`` reads
``asset1``; ``ins={"x": AssetIn(key=...)}`` names another key); ``deps``
adds upstream assets that are not read as values (they become inputs of
type Nothing, so that asset jobs order the steps).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..._sentinel import NO_VALUE
from ...errors import InvalidDefinitionError
from ...metadata import AssetKey
from .._compute import docstring, is_context_param, signature_params
from ..graph import graph as graph_decorator
from ..inputs import In
from ..op import op as op_decorator
from ..outputs import Out
from ..resources import is_resource_annotation
from ..types import Nothing
from .definition import AssetsDefinition, node_name_for_key
from .specs import (
    AssetIn,
    AssetOut,
    AssetSpec,
    check_group_name,
    dep_key,
    partition_mappings_of,
)

__all__ = ["asset", "multi_asset", "graph_asset", "graph_multi_asset"]


def _prefix(key_prefix: str | Sequence[str] | None) -> list[str]:
    return [key_prefix] if isinstance(key_prefix, str) else list(key_prefix or [])


def upstream_params(fn: Callable[..., Any]) -> list[str]:
    """The parameters of ``fn`` that read upstream assets (not context, resources or config)."""
    params, _ = signature_params(fn)
    if params and is_context_param(params[0]):
        params = params[1:]
    found = []
    for param in params:
        if is_resource_annotation(param.annotation):
            continue
        if param.name == "config" and getattr(param.annotation, "__dagwright_config__", False):
            continue
        if param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        found.append(param.name)
    return found


def asset_ins(
    fn: Callable[..., Any],
    ins: Mapping[str, AssetIn] | None,
    deps: Iterable[Any] | None,
    where: str,
) -> tuple[dict[str, In], dict[str, AssetKey]]:
    """The op inputs of an asset function and the upstream key each reads."""
    declared = dict(ins or {})
    op_ins: dict[str, In] = {}
    keys: dict[str, AssetKey] = {}
    for name in upstream_params(fn):
        asset_in = declared.pop(name, None) or AssetIn()
        if asset_in.key is not None:
            key = asset_in.key
        else:
            key = AssetKey([*(asset_in.key_prefix or []), name])
        keys[name] = key
        op_ins[name] = In(
            dagster_type=asset_in.dagster_type if asset_in.dagster_type is not None else NO_VALUE,
            metadata=asset_in.metadata,
            input_manager_key=asset_in.input_manager_key,
        )
    if declared:
        unknown = next(iter(declared))
        raise InvalidDefinitionError(
            f"ins names '{unknown}', but the function has no parameter of that name.",
            where=where,
            fix=f"add a parameter '{unknown}', or list the asset in deps=[...] if its value "
            "is not read.",
        )
    read = set(keys.values())
    for dep in deps or ():
        key = dep_key(dep, where)
        if key in read:
            continue
        name = node_name_for_key(key)
        if name in op_ins:
            raise InvalidDefinitionError(f"deps names '{key.to_user_string()}' twice.", where=where)
        op_ins[name] = In(Nothing)
        keys[name] = key
        read.add(key)
    return op_ins, keys


def _in_mappings(
    ins: Mapping[str, AssetIn] | None,
    keys_by_input: Mapping[str, AssetKey],
    deps: Iterable[Any] | None = None,
) -> dict[AssetKey, Any]:
    """The partition mappings an asset's ``ins`` and ``deps`` give its upstream keys."""
    given = {
        keys_by_input[name]: asset_in.partition_mapping
        for name, asset_in in (ins or {}).items()
        if asset_in.partition_mapping is not None and name in keys_by_input
    }
    return partition_mappings_of(deps or (), given)


def _kinds(kinds: Iterable[str] | None, compute_kind: str | None) -> set[str]:
    found = set(kinds or ())
    if compute_kind:
        found.add(compute_kind)
    return found


def asset(
    compute_fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    key_prefix: str | Sequence[str] | None = None,
    key: Any = None,
    ins: Mapping[str, AssetIn] | None = None,
    deps: Iterable[Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
    description: str | None = None,
    config_schema: Any = None,
    required_resource_keys: Iterable[str] | None = None,
    io_manager_key: str | None = None,
    dagster_type: Any = None,
    partitions_def: Any = None,
    op_tags: Mapping[str, Any] | None = None,
    group_name: str | None = None,
    output_required: bool = True,
    retry_policy: Any = None,
    code_version: str | None = None,
    owners: Sequence[str] | None = None,
    kinds: Iterable[str] | None = None,
    compute_kind: str | None = None,
    check_specs: Sequence[Any] | None = None,
    pool: str | None = None,
) -> Any:
    """Define an asset from the function that computes it.

    The asset's key is ``key``, else ``key_prefix`` + ``name`` (default: the
    function's name). Each parameter reads the upstream asset of its name
    (or of ``ins[param].key``); ``deps`` lists upstream assets not read.
    """

    def build(fn: Callable[..., Any]) -> AssetsDefinition:
        asset_name = name or getattr(fn, "__name__", None)
        if key is not None:
            if name is not None or key_prefix is not None:
                raise InvalidDefinitionError(
                    "@asset takes key, or name and key_prefix, not both.",
                    where=f"asset '{asset_name}'",
                    fix="give the whole key: key=['prefix', 'name'].",
                )
            asset_key = dep_key(key, f"asset '{asset_name}'")
        else:
            asset_key = AssetKey([*_prefix(key_prefix), str(asset_name)])
        where = f"asset '{asset_key.to_user_string()}'"
        op_ins, keys_by_input = asset_ins(fn, ins, deps, where)
        out = Out(
            dagster_type if dagster_type is not None else NO_VALUE,
            is_required=output_required,
            io_manager_key=io_manager_key,
            metadata=metadata,
            code_version=code_version,
        )
        about = description if description is not None else docstring(fn)
        op_def = op_decorator(
            name=node_name_for_key(asset_key),
            description=about,
            ins=op_ins,
            out=out,
            config_schema=config_schema,
            required_resource_keys=required_resource_keys,
            tags=op_tags,
            retry_policy=retry_policy,
            code_version=code_version,
            pool=pool,
        )(fn)
        return _one_asset(
            op_def,
            keys_by_input,
            check_specs,
            asset_key,
            description=about,
            metadata=metadata,
            group_name=check_group_name(group_name, where),
            code_version=code_version,
            owners=owners,
            tags=tags,
            kinds=_kinds(kinds, compute_kind),
            partitions_def=partitions_def,
            partition_mappings=_in_mappings(ins, keys_by_input, deps),
        )

    if compute_fn is not None:
        return build(compute_fn)
    return build


def _one_asset(
    node_def: Any,
    keys_by_input: dict[str, AssetKey],
    check_specs: Sequence[Any] | None,
    asset_key: AssetKey,
    **spec: Any,
) -> AssetsDefinition:
    """The definition of the one asset ``node_def``'s output is, depending on what it reads."""
    return AssetsDefinition(
        node_def=node_def,
        keys_by_output_name={"result": asset_key},
        keys_by_input_name=keys_by_input,
        specs=[AssetSpec(asset_key, deps=list(dict.fromkeys(keys_by_input.values())), **spec)],
        partitions_def=spec.get("partitions_def"),
        check_specs=check_specs,
    )


def multi_asset(
    *,
    outs: Mapping[str, AssetOut] | None = None,
    specs: Sequence[AssetSpec] | None = None,
    name: str | None = None,
    ins: Mapping[str, AssetIn] | None = None,
    deps: Iterable[Any] | None = None,
    description: str | None = None,
    config_schema: Any = None,
    required_resource_keys: Iterable[str] | None = None,
    internal_asset_deps: Mapping[str, set[AssetKey]] | None = None,
    partitions_def: Any = None,
    op_tags: Mapping[str, Any] | None = None,
    can_subset: bool = False,
    group_name: str | None = None,
    retry_policy: Any = None,
    code_version: str | None = None,
    check_specs: Sequence[Any] | None = None,
    pool: str | None = None,
) -> Callable[[Callable[..., Any]], AssetsDefinition]:
    """Define several assets computed by one function (one output each: ``outs`` or ``specs``).

    The function yields (or returns, as a tuple in ``outs`` order) one
    ``Output`` per asset; with ``can_subset=True`` it may be asked for some
    of them only (``context.selected_output_names``).
    """

    def build(fn: Callable[..., Any]) -> AssetsDefinition:
        op_name = name or getattr(fn, "__name__", "multi_asset")
        where = f"multi_asset '{op_name}'"
        if (outs is None) == (specs is None):
            raise InvalidDefinitionError(
                "@multi_asset takes outs={...} or specs=[...], one of them.", where=where
            )
        op_ins, keys_by_input = asset_ins(fn, ins, deps, where)
        read = list(dict.fromkeys(keys_by_input.values()))
        mappings = _in_mappings(ins, keys_by_input, deps)
        op_outs: dict[str, Out] = {}
        keys_by_output: dict[str, AssetKey] = {}
        asset_specs: list[AssetSpec] = []
        if outs is not None:
            for out_name, asset_out in outs.items():
                out_key = asset_out.key or AssetKey([*(asset_out.key_prefix or []), out_name])
                keys_by_output[out_name] = out_key
                op_outs[out_name] = Out(
                    asset_out.dagster_type if asset_out.dagster_type is not None else NO_VALUE,
                    description=asset_out.description,
                    is_required=asset_out.is_required and not can_subset,
                    io_manager_key=asset_out.io_manager_key,
                    metadata=asset_out.metadata,
                    code_version=asset_out.code_version or code_version,
                )
                internal = (internal_asset_deps or {}).get(out_name)
                asset_specs.append(
                    AssetSpec(
                        out_key,
                        deps=sorted(internal) if internal is not None else read,
                        description=asset_out.description,
                        metadata=asset_out.metadata,
                        group_name=asset_out.group_name or group_name,
                        code_version=asset_out.code_version or code_version,
                        owners=asset_out.owners,
                        tags=asset_out.tags,
                        kinds=asset_out.kinds,
                        partitions_def=partitions_def,
                        partition_mappings=mappings,
                    )
                )
        else:
            own = {spec.key for spec in specs or ()}
            for spec in specs or ():
                out_name = node_name_for_key(spec.key)
                keys_by_output[out_name] = spec.key
                op_outs[out_name] = Out(
                    Nothing,  # as in Dagster: the function stores the asset itself
                    is_required=not spec.skippable and not can_subset,
                    metadata=spec.metadata,
                    code_version=spec.code_version or code_version,
                )
                for dep in spec.deps:  # another asset of this multi-asset is no input
                    if dep not in keys_by_input.values() and dep not in own:
                        op_ins[node_name_for_key(dep)] = In(Nothing)
                        keys_by_input[node_name_for_key(dep)] = dep
                asset_specs.append(
                    spec.replace_attributes(
                        group_name=spec.group_name or group_name,
                        deps=list(spec.deps) or read,
                        partition_mappings={**mappings, **spec.partition_mappings},
                    )
                )
        op_def = op_decorator(
            name=op_name,
            description=description,
            ins=op_ins,
            out=op_outs,
            config_schema=config_schema,
            required_resource_keys=required_resource_keys,
            tags=op_tags,
            retry_policy=retry_policy,
            code_version=code_version,
            pool=pool,
        )(fn)
        return AssetsDefinition(
            node_def=op_def,
            keys_by_output_name=keys_by_output,
            keys_by_input_name=keys_by_input,
            specs=asset_specs,
            can_subset=can_subset,
            partitions_def=partitions_def,
            check_specs=check_specs,
        )

    return build


def graph_asset(
    compose_fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    ins: Mapping[str, AssetIn] | None = None,
    key_prefix: str | Sequence[str] | None = None,
    key: Any = None,
    group_name: str | None = None,
    partitions_def: Any = None,
    metadata: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
    owners: Sequence[str] | None = None,
    kinds: Iterable[str] | None = None,
    code_version: str | None = None,
    unit: bool = False,
) -> Any:
    """Define an asset computed by a graph of ops (the graph's one output is the asset).

    ``unit=True`` runs the graph's ops as one unit (see ``GraphDefinition.as_unit``).
    """

    def build(fn: Callable[..., Any]) -> AssetsDefinition:
        graph_name = str(name or getattr(fn, "__name__", "graph_asset"))
        asset_key = (
            dep_key(key, f"graph_asset '{graph_name}'")
            if key is not None
            else AssetKey([*_prefix(key_prefix), graph_name])
        )
        graph_def = graph_decorator(name=graph_name, description=description, unit=unit)(fn)
        keys_by_input = _graph_input_keys(graph_def, ins)
        return _one_asset(
            graph_def,
            keys_by_input,
            None,
            asset_key,
            description=graph_def.description,
            metadata=metadata,
            group_name=group_name,
            code_version=code_version,
            owners=owners,
            tags=tags,
            kinds=kinds,
            partitions_def=partitions_def,
            partition_mappings=_in_mappings(ins, keys_by_input),
        )

    if compose_fn is not None:
        return build(compose_fn)
    return build


def graph_multi_asset(
    *,
    outs: Mapping[str, AssetOut],
    name: str | None = None,
    ins: Mapping[str, AssetIn] | None = None,
    description: str | None = None,
    partitions_def: Any = None,
    group_name: str | None = None,
    can_subset: bool = False,
    unit: bool = False,
) -> Callable[[Callable[..., Any]], AssetsDefinition]:
    """Define several assets computed by a graph: one graph output per asset in ``outs``.

    ``unit=True`` runs the graph's ops as one unit (see ``GraphDefinition.as_unit``).
    """

    def build(fn: Callable[..., Any]) -> AssetsDefinition:
        from ..outputs import GraphOut

        graph_name = name or getattr(fn, "__name__", "graph_multi_asset")
        graph_def = graph_decorator(
            name=graph_name,
            description=description,
            out={out_name: GraphOut() for out_name in outs},
            unit=unit,
        )(fn)
        keys_by_input = _graph_input_keys(graph_def, ins)
        read = list(keys_by_input.values())
        keys_by_output = {
            out_name: asset_out.key or AssetKey([*(asset_out.key_prefix or []), out_name])
            for out_name, asset_out in outs.items()
        }
        specs = [
            AssetSpec(
                keys_by_output[out_name],
                deps=read,
                description=asset_out.description,
                metadata=asset_out.metadata,
                group_name=asset_out.group_name or group_name,
                code_version=asset_out.code_version,
                owners=asset_out.owners,
                tags=asset_out.tags,
                kinds=asset_out.kinds,
                partitions_def=partitions_def,
                partition_mappings=_in_mappings(ins, keys_by_input),
            )
            for out_name, asset_out in outs.items()
        ]
        return AssetsDefinition(
            node_def=graph_def,
            keys_by_output_name=keys_by_output,
            keys_by_input_name=keys_by_input,
            specs=specs,
            can_subset=can_subset,
            partitions_def=partitions_def,
        )

    return build


def _graph_input_keys(graph_def: Any, ins: Mapping[str, AssetIn] | None) -> dict[str, AssetKey]:
    keys = {}
    for input_def in graph_def.input_defs:
        asset_in = (ins or {}).get(input_def.name) or AssetIn()
        keys[input_def.name] = asset_in.key or AssetKey(
            [*(asset_in.key_prefix or []), input_def.name]
        )
    return keys
