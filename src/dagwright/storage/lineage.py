"""``AssetLineage``: which run made an asset's materialization, from which upstream versions.

Read from the lineage tags every asset job writes on its materializations
(``dagster/data_version``, ``dagster/code_version``,
``dagster/input_data_version/<key>``, ``dagster/input_event_pointer/<key>``).
"""

from __future__ import annotations

import msgspec

from ..metadata import AssetKey
from ..records import EventLogEntry
from .queries import EventLogRecord

__all__ = [
    "AssetLineage",
    "UpstreamVersion",
    "lineage_of",
    "report_tags",
    "DATA_VERSION_TAG",
    "CODE_VERSION_TAG",
    "INPUT_DATA_VERSION_PREFIX",
    "INPUT_EVENT_POINTER_PREFIX",
]

DATA_VERSION_TAG = "dagster/data_version"
CODE_VERSION_TAG = "dagster/code_version"
INPUT_DATA_VERSION_PREFIX = "dagster/input_data_version/"
INPUT_EVENT_POINTER_PREFIX = "dagster/input_event_pointer/"


def report_tags(entry: EventLogEntry) -> dict[str, str]:
    """The tags of the materialization or observation a stored entry records."""
    event = entry.event
    data = event.event_specific_data if event is not None else None
    report = getattr(data, "materialization", None) or getattr(data, "asset_observation", None)
    return dict(getattr(report, "tags", None) or {})


class UpstreamVersion(msgspec.Struct, frozen=True):
    """An upstream asset as a materialization used it: its data version, and the storage id
    of its event when it was read from the instance (None when made in the same run)."""

    key: AssetKey
    data_version: str | None
    storage_id: int | None = None


class AssetLineage(msgspec.Struct, frozen=True):
    """Where one materialization came from."""

    key: AssetKey
    run_id: str
    storage_id: int
    timestamp: float
    partition: str | None
    data_version: str | None
    code_version: str | None
    upstream: tuple[UpstreamVersion, ...]


def lineage_of(record: EventLogRecord) -> AssetLineage:
    """The lineage of the materialization ``record`` holds."""
    entry = record.event_log_entry
    event = entry.event
    assert event is not None
    materialization = event.event_specific_data.materialization  # type: ignore[union-attr]
    tags = report_tags(entry)
    upstream = []
    for tag, version in sorted(tags.items()):
        if tag.startswith(INPUT_DATA_VERSION_PREFIX):
            name = tag[len(INPUT_DATA_VERSION_PREFIX) :]
            pointer = tags.get(INPUT_EVENT_POINTER_PREFIX + name)
            upstream.append(
                UpstreamVersion(
                    AssetKey.from_user_string(name),
                    version,
                    int(pointer) if pointer is not None else None,
                )
            )
    return AssetLineage(
        key=materialization.asset_key,
        run_id=entry.run_id,
        storage_id=record.storage_id,
        timestamp=entry.timestamp,
        partition=materialization.partition,
        data_version=tags.get(DATA_VERSION_TAG),
        code_version=tags.get(CODE_VERSION_TAG),
        upstream=tuple(upstream),
    )
