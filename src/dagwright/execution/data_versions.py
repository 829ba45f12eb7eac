"""Data versions and lineage of asset materializations.

Each materialization an asset job records carries tags (Dagster's names,
so tools that read them agree): ``dagster/code_version`` (the asset's
code version, when it has one), ``dagster/data_version`` and, per upstream
asset, ``dagster/input_data_version/<key>`` (the data version of the
upstream materialization or observation it was computed from) and
``dagster/input_event_pointer/<key>`` (that event's storage id, when it
was read from the instance). The data version is a hash of the code
version and the upstream data versions when the asset has a code
version, so recomputing unchanged code on unchanged inputs gives the same
version; without a code version it is new on every run.

Staleness (``storage/staleness.py``) compares these tags with the current
definitions and the newest upstream versions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from ..definitions.assets.observable import DataVersion
from ..metadata import AssetKey
from ..storage.lineage import (
    CODE_VERSION_TAG,
    DATA_VERSION_TAG,
    INPUT_DATA_VERSION_PREFIX,
    INPUT_EVENT_POINTER_PREFIX,
    lineage_of,
    report_tags,
)

if TYPE_CHECKING:
    from ..storage.instance import Instance
    from ._run import RunContext
    from .state import ExecutionStep

__all__ = ["materialization_tags", "data_version_of", "DataProvenance", "provenance_of"]

USER_PROVIDED_TAG = "dagster/data_version_is_user_provided"
"""Set to ``"true"`` on a materialization whose data version the asset gave itself."""


class DataProvenance(NamedTuple):
    """What an asset's newest materialization was computed from: its code version and the
    data version (and event storage id) of each upstream asset it read."""

    code_version: str | None
    input_data_versions: Mapping[AssetKey, DataVersion]
    input_storage_ids: Mapping[AssetKey, int | None]
    is_user_provided: bool


def provenance_of(instance: Instance, asset_key: AssetKey) -> DataProvenance | None:
    """The provenance of ``asset_key``'s newest materialization (None: never materialized)."""
    found = instance.get_materialization_history(asset_key, limit=1)
    if not found:
        return None
    lineage = lineage_of(found[0])
    tags = report_tags(found[0].event_log_entry)
    return DataProvenance(
        code_version=lineage.code_version,
        input_data_versions={
            u.key: DataVersion(u.data_version) for u in lineage.upstream if u.data_version
        },
        input_storage_ids={u.key: u.storage_id for u in lineage.upstream},
        is_user_provided=tags.get(USER_PROVIDED_TAG) == "true",
    )


def data_version_of(entry: Any) -> str | None:
    """The data version a stored materialization or observation carries, if any."""
    return report_tags(entry).get(DATA_VERSION_TAG)


def materialization_tags(
    run: RunContext,
    step: ExecutionStep,
    layer: Any,
    asset_key: AssetKey,
    result: Any = None,
) -> dict[str, str]:
    """The lineage and version tags of asset ``asset_key``'s materialization by ``step``
    (with the tags and data version of the ``MaterializeResult`` it returned, if any)."""
    node = layer.asset_graph.nodes.get(asset_key)
    code_version = getattr(node.spec, "code_version", None) if node is not None else None
    tags: dict[str, str] = {}
    inputs: list[str] = []
    known: dict[AssetKey, str] = run.data_versions
    for parent in sorted(node.parents) if node is not None else ():
        name = parent.to_user_string()
        partitions = _read_partitions(run, step, layer, parent) if layer.input_partitions else None
        same = partitions is None or partitions == [run.partition_key]
        version = known.get(parent) if same else None  # made by this run: its partition
        if version is None:
            version, pointer = _stored_version(run, parent, partitions)
            if pointer is not None:
                tags[INPUT_EVENT_POINTER_PREFIX + name] = str(pointer)
        if version is not None:
            tags[INPUT_DATA_VERSION_PREFIX + name] = version
            inputs.append(f"{name}={version}")
    if code_version is not None:
        tags[CODE_VERSION_TAG] = code_version
        seed = "\n".join([code_version, *inputs])
    else:  # no code version: nothing says a rerun gives the same data
        seed = f"{run.run_id}\n{step.key}\n{asset_key.to_user_string()}"
    version = hashlib.sha256(seed.encode()).hexdigest()[:24]
    if result is not None:  # a MaterializeResult: its own tags, and data version if it has one
        tags.update(result.tags)
        given = result.data_version
        if given is not None:
            version = str(getattr(given, "value", given))
            tags[USER_PROVIDED_TAG] = "true"
    tags[DATA_VERSION_TAG] = version
    known[asset_key] = version
    return tags


def _read_partitions(
    run: RunContext, step: ExecutionStep, layer: Any, parent: AssetKey
) -> list[str] | None:
    """The partitions of ``parent`` the step read (None: ``parent`` is not partitioned)."""
    handle = step.spec.key
    for input_name in step.spec.op_def.input_dict:
        read = layer.input_partitions.get((handle, input_name))
        if read is not None and read.upstream_key == parent:
            keys: list[str] = read.keys_for(run.partition_key, f"input '{input_name}'")
            return keys
    return None


def _stored_version(
    run: RunContext, key: AssetKey, partitions: list[str] | None = None
) -> tuple[str | None, int | None]:
    """The data version and storage id of the newest stored materialization (or observation,
    for an external asset) of ``key`` (of one of ``partitions``, if given)."""
    from ..records import EventType
    from ..storage.queries import EventRecordsFilter

    for kind in (EventType.ASSET_MATERIALIZATION, EventType.ASSET_OBSERVATION):
        found = run.instance.get_event_records(
            EventRecordsFilter(event_type=kind, asset_key=key, asset_partitions=partitions),
            limit=1,
        )
        if found:
            record = found[0]
            return data_version_of(record.event_log_entry), record.storage_id
    return None, None
