"""Software-defined assets: definitions, specs, the asset graph, selections and asset jobs."""

from .decorators import asset, graph_asset, graph_multi_asset, multi_asset
from .definition import AssetsDefinition
from .graph import AssetGraph
from .selection import AssetSelection, coerce_selection
from .specs import AssetDep, AssetIn, AssetOut, AssetSpec, SourceAsset

__all__ = [
    "asset",
    "graph_asset",
    "graph_multi_asset",
    "multi_asset",
    "AssetsDefinition",
    "AssetGraph",
    "AssetSelection",
    "coerce_selection",
    "AssetDep",
    "AssetIn",
    "AssetOut",
    "AssetSpec",
    "SourceAsset",
]
