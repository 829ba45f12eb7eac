"""Which assets are stale, and why: the definitions now against what was recorded.

An asset is **missing** until it is materialized. A materialized asset is
**stale** when

* its code version changed since that materialization (``CODE``);
* an upstream asset has a newer data version than the one it was computed
  from (``DATA``): the upstream was materialized (or observed) again since;
* an upstream asset is itself stale (``DEPENDENCIES``);

and **fresh** otherwise. The recorded side comes from the lineage tags of
each asset's newest materialization (``execution/data_versions.py``); one
query per asset, in dependency order, so a graph of n assets costs n reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import msgspec

from ..metadata import AssetKey
from ..records import EventType
from .lineage import CODE_VERSION_TAG, DATA_VERSION_TAG, INPUT_DATA_VERSION_PREFIX, report_tags
from .queries import EventRecordsFilter

if TYPE_CHECKING:
    from .instance import Instance

__all__ = ["StaleStatus", "StaleCause", "AssetStaleness", "stale_status"]


class StaleStatus(StrEnum):
    """Whether an asset was never materialized, is out of date, or is up to date."""

    MISSING = "MISSING"
    STALE = "STALE"
    FRESH = "FRESH"


class StaleCause(msgspec.Struct, frozen=True):
    """One reason an asset is stale: ``category`` is CODE, DATA or DEPENDENCIES."""

    key: AssetKey
    category: str
    reason: str
    dependency: AssetKey | None = None


class AssetStaleness(msgspec.Struct, frozen=True):
    """An asset's status and, when stale, every reason why."""

    key: AssetKey
    status: StaleStatus
    causes: tuple[StaleCause, ...] = ()


def stale_status(instance: Instance, assets: Any) -> dict[AssetKey, AssetStaleness]:
    """The staleness of every materializable asset of ``assets`` (a Definitions, an AssetGraph
    or a list of asset definitions), in dependency order."""
    graph = _graph_of(assets)
    tags: dict[AssetKey, Mapping[str, str]] = {}
    versions: dict[AssetKey, str | None] = {}
    stored_at: dict[AssetKey, int] = {}  # the storage id of each asset's newest event
    for key in graph.order:
        found = _newest(instance, key)
        if found is not None:
            tags[key], stored_at[key] = found
            versions[key] = tags[key].get(DATA_VERSION_TAG)
    result: dict[AssetKey, AssetStaleness] = {}
    for key in graph.order:
        node = graph.nodes[key]
        if node.assets_def is None:
            continue
        recorded = tags.get(key)
        if recorded is None:
            result[key] = AssetStaleness(key, StaleStatus.MISSING)
            continue
        causes = _code_causes(key, getattr(node.spec, "code_version", None), recorded)
        for parent in sorted(node.parents):
            causes.extend(_parent_causes(key, parent, recorded, versions, stored_at, result))
        status = StaleStatus.STALE if causes else StaleStatus.FRESH
        result[key] = AssetStaleness(key, status, tuple(causes))
    return result


def _code_causes(key: AssetKey, now: str | None, recorded: Mapping[str, str]) -> list[StaleCause]:
    before = recorded.get(CODE_VERSION_TAG)
    if now is None or now == before:
        return []
    was = f"'{before}'" if before is not None else "none"
    return [StaleCause(key, "CODE", f"its code version changed from {was} to '{now}'")]


def _parent_causes(
    key: AssetKey,
    parent: AssetKey,
    recorded: Mapping[str, str],
    versions: Mapping[AssetKey, str | None],
    stored_at: Mapping[AssetKey, int],
    known: Mapping[AssetKey, AssetStaleness],
) -> list[StaleCause]:
    name = parent.to_user_string()
    causes = []
    used = recorded.get(INPUT_DATA_VERSION_PREFIX + name)
    now = versions.get(parent)
    # An upstream event without a data version (reported by an op, say) is newer if it was
    # stored after this asset's materialization.
    untagged_since = now is None and stored_at.get(parent, -1) > stored_at.get(key, -1)
    # A materialization reported without lineage (by an op) says nothing of what it read.
    has_lineage = DATA_VERSION_TAG in recorded
    if has_lineage and ((now is not None and used != now) or untagged_since):
        causes.append(
            StaleCause(
                key,
                "DATA",
                f"upstream '{name}' has a newer version than the one it was computed from",
                parent,
            )
        )
    upstream = known.get(parent)
    if upstream is not None and upstream.status is StaleStatus.STALE:
        causes.append(StaleCause(key, "DEPENDENCIES", f"upstream '{name}' is stale", parent))
    return causes


def _newest(instance: Instance, key: AssetKey) -> tuple[Mapping[str, str], int] | None:
    """The tags and storage id of the newest materialization (else observation) of ``key``."""
    for kind in (EventType.ASSET_MATERIALIZATION, EventType.ASSET_OBSERVATION):
        found = instance.get_event_records(EventRecordsFilter(event_type=kind, asset_key=key), 1)
        if found:
            return report_tags(found[0].event_log_entry), found[0].storage_id
    return None


def _graph_of(assets: Any) -> Any:
    from ..definitions.assets.graph import AssetGraph

    if isinstance(assets, AssetGraph):
        return assets
    get_graph = getattr(assets, "get_asset_graph", None)
    if callable(get_graph):
        return get_graph()
    return AssetGraph(list(assets), where="get_stale_status")
