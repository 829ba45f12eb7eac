"""Asset jobs: ``define_asset_job`` and the job built from an asset graph and a selection.

``define_asset_job(name, selection=...)`` only records what to select; the
job is built when it meets its assets (in ``Definitions`` or a
``@repository``): :func:`build_asset_job` takes the asset definitions that
make the selected assets, wires each input to the op output that makes its
upstream asset when that asset is selected too, and otherwise lets the
input load the upstream asset's last materialization through the IO
manager that stores it. A graph-backed asset asked for part of its assets
is cut down to the ops those need (:mod:`.pruning`). The job's
:class:`~.layer.AssetLayer` says which asset each op output is.

A selection picks asset checks too (:func:`job_selection`): the checks of
the selected assets unless it drops them, and the checks it names. Each
selected ``@asset_check`` op runs after its asset, or alone, reading the
asset through its IO manager, when the asset is not selected. Checks
declared with ``check_specs`` are computed by their asset's own op, so they
run with it and cannot be selected without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import InvalidDefinitionError, MissingResourceError
from ...metadata import AssetCheckKey, AssetKey
from ..dependency import DependencyDefinition, NodeInvocation
from ..graph import GraphDefinition
from ..job import JobDefinition
from ..outputs import DEFAULT_IO_MANAGER_KEY
from ..partition_mapping import infer_partition_mapping
from .blocking import held_back
from .checks import AssetChecksDefinition
from .definition import AssetsDefinition
from .graph import AssetGraph
from .layer import AssetLayer, InputPartitions, inner_inputs, inner_outputs
from .pruning import prune_graph
from .specs import SourceAsset

__all__ = ["UnresolvedAssetJobDefinition", "define_asset_job", "build_asset_job", "job_selection"]


class UnresolvedAssetJobDefinition:
    """An asset job before it meets its assets: a name, a selection and job settings (what
    :func:`define_asset_job` was given, handed to the job when it is built)."""

    def __init__(self, name: str, selection: Any = None, **job_settings: Any) -> None:
        from .._util import check_name

        self.name = check_name(name, "job")
        self.selection = selection
        self.job_settings = job_settings

    def resolve(
        self,
        asset_graph: AssetGraph,
        resource_defs: Mapping[str, Any] | None = None,
        default_executor_def: Any = None,
    ) -> JobDefinition:
        """The job over ``asset_graph``'s assets (and checks) that this definition selects."""
        selected, checks = job_selection(asset_graph, self.selection)
        settings = dict(self.job_settings)
        settings["executor_def"] = settings.get("executor_def") or default_executor_def
        return build_asset_job(
            self.name, asset_graph, selected, checks=checks, resource_defs=resource_defs, **settings
        )

    def __repr__(self) -> str:
        return f"UnresolvedAssetJobDefinition({self.name!r})"


def define_asset_job(
    name: str,
    selection: Any = None,
    config: Any = None,
    description: str | None = None,
    tags: Mapping[str, Any] | None = None,
    run_tags: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
    partitions_def: Any = None,
    executor_def: Any = None,
    hooks: Any = None,
    op_retry_policy: Any = None,
) -> UnresolvedAssetJobDefinition:
    """A job that materializes the assets ``selection`` names (None: every asset) and runs the
    checks it selects (by default those of its assets), built when it is placed in
    ``Definitions`` or a ``@repository`` with those assets."""
    return UnresolvedAssetJobDefinition(
        name,
        selection,
        config=config,
        description=description,
        tags=tags,
        run_tags=run_tags,
        metadata=metadata,
        partitions_def=partitions_def,
        executor_def=executor_def,
        hooks=hooks,
        op_retry_policy=op_retry_policy,
    )


def job_selection(
    asset_graph: AssetGraph, selection: Any
) -> tuple[set[AssetKey], set[AssetCheckKey]]:
    """The assets a job of ``selection`` materializes and the checks it runs (None: every
    materializable asset and every check of them)."""
    from .selection import coerce_selection

    materializable = asset_graph.materializable_keys
    if selection is None:
        return materializable, asset_graph.check_keys_of(materializable)
    chosen = coerce_selection(selection)
    return chosen.resolve(asset_graph) & materializable, chosen.resolve_checks(asset_graph)


def build_asset_job(
    name: str,
    asset_graph: AssetGraph,
    selected: set[AssetKey],
    *,
    checks: set[AssetCheckKey] | None = None,
    resource_defs: Mapping[str, Any] | None = None,
    **job_settings: Any,
) -> JobDefinition:
    """The job that materializes ``selected`` (keys of ``asset_graph``) and runs ``checks``
    (None: the checks of ``selected``); see the module docs."""
    where = f"asset job '{name}'"
    if checks is None:
        checks = asset_graph.check_keys_of(selected)
    if not selected and not checks:
        raise InvalidDefinitionError(
            "its selection holds no asset to materialize and no asset check to run.",
            where=where,
            fix="select at least one asset defined with @asset or @multi_asset, or a check "
            "(AssetSelection.checks_for_assets(...)).",
        )
    check_defs = asset_graph.check_defs(checks)
    _check_own_checks(selected, checks, check_defs, where)
    included = _included(asset_graph, selected, where)
    node_defs = []
    dependencies: dict[str | NodeInvocation, dict[str, Any]] = {}
    outputs: dict[tuple[str, str], AssetKey] = {}
    inputs: dict[tuple[str, str], AssetKey] = {}
    loaded: dict[tuple[str, str], str] = {}
    selected_outputs: dict[str, frozenset[str]] = {}
    needed_outputs: dict[str, frozenset[str]] = {}
    by_name: dict[str, Any] = {}
    reported: dict[str, list[Any]] = {}  # node -> the check specs whose results it reports
    partitioned_inputs: dict[tuple[str, str], InputPartitions] = {}
    for assets_def in included:
        node_def = assets_def.node_def
        node = node_def.name
        if node in by_name:
            raise InvalidDefinitionError(
                f"two asset definitions are computed by nodes named '{node}' "
                f"({by_name[node]!r} and {assets_def!r}).",
                where=where,
                fix="give one of them another name (@multi_asset(name=...), or the op's name).",
            )
        by_name[node] = assets_def
        mine = {assets_def.output_name_for(k) for k in assets_def.keys if k in selected}
        if len(mine) < len(assets_def.keys):
            if isinstance(node_def, GraphDefinition):  # only the ops the selection needs run
                node_def, needed = prune_graph(node_def, mine)
                needed_outputs.update({f"{node}.{p}": names for p, names in needed.items()})
            else:
                selected_outputs[node] = frozenset(mine)
        node_defs.append(node_def)
        for output_name, key in assets_def.keys_by_output_name.items():
            if key in selected:  # an unselected output of a subset is a plain op output
                outputs[inner_outputs(node_def, output_name, node)] = key
        deps: dict[str, DependencyDefinition] = {}
        for input_name, key in assets_def.keys_by_input_name.items():
            readers = inner_inputs(node_def, input_name, node)
            if not readers:  # read only by ops a subset of a graph-backed asset left out
                continue
            read = _input_partitions(asset_graph, assets_def, key, where)
            for handle in readers:
                inputs[handle] = key
                if read is not None:
                    partitioned_inputs[handle] = read
            producer = asset_graph.assets_def_for(key) if key in asset_graph.nodes else None
            if producer is not None and key in selected:
                deps[input_name] = DependencyDefinition(
                    producer.node_def.name, producer.output_name_for(key)
                )
                continue
            own = node_def.input_dict[input_name].input_manager_key  # AssetIn(input_manager_key=)
            manager = own or _manager_of(asset_graph, key, producer)
            for handle in readers:
                loaded[handle] = manager
        dependencies[node] = deps
        if assets_def.check_specs:
            reported[node] = list(assets_def.check_specs)
    waits = _add_checks(
        asset_graph, selected, check_defs, by_name, dependencies, inputs, loaded, reported, where
    )
    node_defs = [
        held_back(d, waits[d.name], dependencies[d.name]) if d.name in waits else d
        for d in node_defs
    ]
    node_defs += [c.op for c in check_defs]
    bound = resource_defs or {}
    for handle, manager in loaded.items():  # an unselected upstream's IO manager must be bound
        if manager != DEFAULT_IO_MANAGER_KEY and manager not in bound:
            raise MissingResourceError(
                required_by=f"asset '{inputs[handle].to_user_string()}' (read by op "
                f"'{handle[0]}' through its IO manager)",
                key=manager,
                known=list(bound),
                where=where,
                fix=_bind_fix(manager, bound),
            )
    graph_def = GraphDefinition(name, node_defs=node_defs, dependencies=dependencies)
    layer = AssetLayer(
        asset_graph=asset_graph,
        selected=frozenset(selected),
        outputs=outputs,
        inputs=inputs,
        loaded_inputs=loaded,
        selected_outputs=selected_outputs,
        needed_outputs=needed_outputs,
        checks=reported,
        input_partitions=partitioned_inputs,
    )
    partitions_def = job_settings.pop("partitions_def", None) or _partitions_of(included, where)
    try:
        job = JobDefinition(
            graph_def=graph_def,
            name=name,
            resource_defs=resource_defs,
            partitions_def=partitions_def,
            _asset_layer=layer,
            **job_settings,
        )
        job.check_resources_provided()  # its resources are all there is: check them now
        return job
    except MissingResourceError as error:  # an asset job's resources come from elsewhere
        raise MissingResourceError(
            required_by=error.required_by,
            key=error.key,
            known=error.known,
            where=where,
            fix=_bind_fix(error.key, error.known),
        ) from None


def _bind_fix(key: str, bound: Any) -> str:
    known = ", ".join(f"'{k}'" for k in sorted(bound)) or "(none)"
    return (
        f"bind it where the assets are: Definitions(resources={{'{key}': ...}}), or "
        f"materialize(..., resources={{'{key}': ...}}) (bound: {known})."
    )


def _check_own_checks(
    selected: set[AssetKey],
    checks: set[AssetCheckKey],
    check_defs: list[AssetChecksDefinition],
    where: str,
) -> None:
    """Raise for a selected check that its asset's own op computes (not an ``@asset_check``)
    while that asset is left out: such a check runs only with its asset."""
    for key in sorted(checks - {c.check_key for c in check_defs}):
        if key.asset_key not in selected:
            asset = key.asset_key.to_user_string()
            raise InvalidDefinitionError(
                f"the selection takes asset check '{key.to_user_string()}' without asset "
                f"'{asset}', but that check is declared with check_specs on the asset, so the "
                "asset's own op computes it.",
                where=where,
                fix=f"select asset '{asset}' too, leave the check out (selection - "
                f"AssetSelection.checks(...)), or define it with @asset_check(asset=...) to "
                "run it alone.",
            )


def _add_checks(
    asset_graph: AssetGraph,
    selected: set[AssetKey],
    check_defs: list[AssetChecksDefinition],
    by_name: dict[str, Any],
    dependencies: dict[Any, dict[str, Any]],
    inputs: dict[tuple[str, str], AssetKey],
    loaded: dict[tuple[str, str], str],
    reported: dict[str, list[Any]],
    where: str,
) -> dict[str, list[str]]:
    """Add the selected ``@asset_check`` ops (each after its asset, or reading it through its
    IO manager when the asset is not selected); return, per asset node, the blocking check
    nodes it must wait for."""
    waits: dict[str, list[str]] = {}
    for check in check_defs:
        node = check.op.name
        if node in by_name:
            raise InvalidDefinitionError(
                f"two nodes are named '{node}' (an asset check and {by_name[node]!r}).",
                where=where,
                fix="rename the check (@asset_check(name=...)).",
            )
        by_name[node] = check
        reported[node] = [check.spec]
        deps: dict[str, DependencyDefinition] = {}
        for input_name, key in check.keys_by_input_name.items():
            producer = asset_graph.assets_def_for(key)
            if producer is not None and key in selected:
                deps[input_name] = DependencyDefinition(
                    producer.node_def.name, producer.output_name_for(key)
                )
            elif not check.op.input_dict[input_name].is_nothing:
                inputs[(node, input_name)] = key
                loaded[(node, input_name)] = _manager_of(asset_graph, key, producer)
        dependencies[node] = deps
        if check.spec.blocking:
            # Each node once, though several of its assets may be downstream (a multi-asset).
            held = {
                d.node_def.name
                for child in asset_graph.children(check.asset_key) & selected
                if (d := asset_graph.assets_def_for(child)) is not None
            }
            for waiting in sorted(held):
                waits.setdefault(waiting, []).append(node)
    return waits


def _included(
    asset_graph: AssetGraph, selected: set[AssetKey], where: str
) -> list[AssetsDefinition]:
    """The asset definitions that make the selected keys, in dependency order."""
    included: list[AssetsDefinition] = []
    seen: set[int] = set()
    for key in asset_graph.toposorted(selected):
        assets_def = asset_graph.assets_def_for(key)
        if assets_def is None or id(assets_def) in seen:
            continue
        seen.add(id(assets_def))
        missing = assets_def.keys - selected
        if missing and not assets_def.can_subset:
            listed = ", ".join(sorted(k.to_user_string() for k in assets_def.keys))
            left = ", ".join(sorted(k.to_user_string() for k in missing))
            raise InvalidDefinitionError(
                f"the selection takes part of {assets_def.node_def.kind} "
                f"'{assets_def.node_def.name}', which makes {listed} together and cannot make "
                f"a subset (left out: {left}).",
                where=where,
                fix=f"select all of its assets ({listed}; in Python: "
                "AssetSelection.assets(...).required_multi_asset_neighbors()), or define it "
                "with can_subset=True.",
            )
        included.append(assets_def)
    return included


def _manager_of(asset_graph: AssetGraph, key: AssetKey, producer: AssetsDefinition | None) -> str:
    """The IO manager that loads asset ``key`` when the job does not materialize it."""
    if producer is not None:
        return producer.io_manager_key_for(key)
    node = asset_graph.nodes.get(key)
    if node is not None and isinstance(node.spec, SourceAsset):
        return node.spec.io_manager_key
    return DEFAULT_IO_MANAGER_KEY


def _partitions_of(included: list[AssetsDefinition], where: str) -> Any:
    """The one partitioning of the included assets (a run targets one partition key)."""
    found: AssetsDefinition | None = None
    for assets_def in included:
        if assets_def.partitions_def is None:
            continue
        if found is None:
            found = assets_def
        elif assets_def.partitions_def != found.partitions_def:
            raise InvalidDefinitionError(
                f"it selects assets with different partitions: {found!r} has "
                f"{found.partitions_def!r} and {assets_def!r} has {assets_def.partitions_def!r}, "
                "but a run targets one partition key.",
                where=where,
                fix="select assets of one partitioning per job (define one job per "
                "partitioning); downstream assets read other partitionings through their "
                "partition mappings.",
            )
    return found.partitions_def if found is not None else None


def _input_partitions(
    asset_graph: AssetGraph, assets_def: AssetsDefinition, upstream: AssetKey, where: str
) -> InputPartitions | None:
    """How ``assets_def`` reads the partitions of ``upstream`` (None: it is not partitioned)."""
    upstream_def = asset_graph.partitions_def_of(upstream)
    if upstream_def is None:
        return None
    downstream_def = assets_def.partitions_def
    mapping = infer_partition_mapping(
        assets_def.partition_mappings.get(upstream), downstream_def, upstream_def
    )
    mapping.check_partitions_defs(
        downstream_def,
        upstream_def,
        f"{where}, {assets_def!r} reading '{upstream.to_user_string()}'",
    )
    return InputPartitions(upstream, mapping, downstream_def, upstream_def)
