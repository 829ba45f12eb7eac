"""Software-defined assets: definitions, specs, the asset graph, selections and asset jobs.

Names are exported lazily (PEP 562): running a plain op job imports only the
asset modules the step runner needs, not the selection grammar or the decorators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._lazy import lazy_exports

_EXPORTS = {
    "asset": f"{__name__}.decorators",
    "graph_asset": f"{__name__}.decorators",
    "graph_multi_asset": f"{__name__}.decorators",
    "multi_asset": f"{__name__}.decorators",
    "AssetsDefinition": f"{__name__}.definition",
    "AssetGraph": f"{__name__}.graph",
    "AssetSelection": f"{__name__}.selection",
    "coerce_selection": f"{__name__}.selection",
    "AssetDep": f"{__name__}.specs",
    "AssetIn": f"{__name__}.specs",
    "AssetOut": f"{__name__}.specs",
    "AssetSpec": f"{__name__}.specs",
    "SourceAsset": f"{__name__}.specs",
}

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

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from .decorators import asset, graph_asset, graph_multi_asset, multi_asset
    from .definition import AssetsDefinition
    from .graph import AssetGraph
    from .selection import AssetSelection, coerce_selection
    from .specs import AssetDep, AssetIn, AssetOut, AssetSpec, SourceAsset
