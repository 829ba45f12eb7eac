"""What the step runner does for the outputs of asset ops (asset jobs only).

Each output that is an asset gets an ASSET_MATERIALIZATION with its
metadata, what its IO manager added, and its lineage tags
(``data_versions.py``); a ``MaterializeResult`` a multi-asset yields
becomes the output of the asset it names; a ``can_subset`` multi-asset may
only produce the outputs the run selected.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..definitions.assets.results import MaterializeResult
from ..definitions.events import Output
from ..errors import InvalidOutputError
from ..metadata import AssetMaterialization
from .data_versions import materialization_tags
from .reports import record_report

if TYPE_CHECKING:
    from ._run import RunContext
    from .state import ExecutionStep

__all__ = ["record_materialization", "asset_results", "unselected_output_error"]


def unselected_output_error(
    step: ExecutionStep, output_name: str, selected: frozenset[str]
) -> InvalidOutputError:
    """The error of a subsettable multi-asset that produced an output the run did not select."""
    listed = ", ".join(f"'{n}'" for n in sorted(selected))
    return InvalidOutputError(
        op=step.spec.key,
        problem=f"it produced output '{output_name}', whose asset this run did not select "
        f"(selected outputs: {listed}).",
        fix="produce only the outputs in context.selected_output_names.",
    )


def asset_results(layer: Any, step: ExecutionStep, items: Iterator[Any]) -> Iterator[Any]:
    """A multi-asset's yielded MaterializeResults as the outputs of the assets they name."""
    for item in items:
        if not isinstance(item, MaterializeResult):
            yield item
            continue
        names = [
            output
            for (handle, output), key in layer.outputs.items()
            if handle == step.spec.key and (item.asset_key is None or key == item.asset_key)
        ]
        if len(names) != 1:
            which = item.asset_key.to_user_string() if item.asset_key else "no asset_key"
            raise InvalidOutputError(
                op=step.spec.key,
                problem=f"it yielded a MaterializeResult ({which}) that names none of its "
                "assets, or names no asset while it makes several.",
                fix="pass MaterializeResult(asset_key=...) naming one of the assets it makes.",
            )
        yield Output(item, names[0])


def record_materialization(
    run: RunContext,
    step: ExecutionStep,
    layer: Any,
    output_name: str,
    metadata: Mapping[str, Any] | None,
    handled: Mapping[str, Any] | None,
    stored_by_asset: MaterializeResult | None = None,
) -> None:
    """ASSET_MATERIALIZATION of the asset an output is (in an asset job), with the output's
    metadata and what its IO manager added (a path, a row count)."""
    asset_key = layer.key_for_output(step.spec.key, output_name)
    if asset_key is None:
        return
    named = stored_by_asset.asset_key if stored_by_asset is not None else None
    if named is not None and named != asset_key:
        raise InvalidOutputError(
            op=step.spec.key,
            problem=f"it returned a MaterializeResult for asset '{named.to_user_string()}', "
            f"but it makes asset '{asset_key.to_user_string()}'.",
            fix="leave asset_key out (the asset's own key), or name the asset it makes.",
        )
    partition = run.partition_key
    if partition is not None and not layer.is_partitioned(asset_key):
        partition = None  # an unpartitioned asset in a partitioned run is materialized whole
    record_report(
        run,
        step,
        AssetMaterialization(
            asset_key=asset_key,
            partition=partition,
            metadata={**(metadata or {}), **(handled or {})},
            tags=materialization_tags(run, step, layer, asset_key, stored_by_asset),
        ),
    )
    for check_result in stored_by_asset.check_results if stored_by_asset is not None else ():
        record_report(run, step, check_result)
