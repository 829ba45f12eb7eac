"""Metadata: typed facts about data, asset keys, and the reports ops make about assets.

This is a leaf layer, below both ``definitions`` (ops yield these) and
``records`` (events carry them whole): immutable msgspec structs with a
stable tagged JSON form. It imports nothing of dagwright but ``errors``.

- ``values``: ``MetadataValue`` and its value classes.
- ``table``: table schemas, columns, records and column lineage.
- ``asset_key``: ``AssetKey`` and ``AssetCheckKey``.
- ``normalize``: plain Python values to metadata values.
- ``reports``: ``AssetMaterialization``, ``AssetObservation``, ``ExpectationResult``.
"""

from .asset_key import AssetCheckKey, AssetKey, CoercibleToAssetKey, asset_key_from
from .normalize import RawMetadataMapping, normalize_metadata, normalize_value
from .reports import (
    REPORT_TYPES,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetMaterialization,
    AssetObservation,
    ExpectationResult,
    Report,
)
from .table import (
    TableColumn,
    TableColumnConstraints,
    TableColumnDep,
    TableColumnLineage,
    TableConstraints,
    TableRecord,
    TableSchema,
)
from .values import (
    AssetMetadataValue,
    BoolMetadataValue,
    FloatMetadataValue,
    IntMetadataValue,
    JobMetadataValue,
    JsonMetadataValue,
    MarkdownMetadataValue,
    MetadataValue,
    MetadataValueUnion,
    NotebookMetadataValue,
    NullMetadataValue,
    PathMetadataValue,
    PythonArtifactMetadataValue,
    RunMetadataValue,
    TableColumnLineageMetadataValue,
    TableMetadataValue,
    TableSchemaMetadataValue,
    TextMetadataValue,
    TimestampMetadataValue,
    UrlMetadataValue,
)

__all__ = [
    "AssetKey",
    "AssetCheckKey",
    "CoercibleToAssetKey",
    "asset_key_from",
    "RawMetadataMapping",
    "normalize_metadata",
    "normalize_value",
    "REPORT_TYPES",
    "AssetMaterialization",
    "AssetObservation",
    "ExpectationResult",
    "AssetCheckResult",
    "AssetCheckSeverity",
    "Report",
    "TableColumn",
    "TableColumnConstraints",
    "TableColumnDep",
    "TableColumnLineage",
    "TableConstraints",
    "TableRecord",
    "TableSchema",
    "MetadataValue",
    "MetadataValueUnion",
    "TextMetadataValue",
    "UrlMetadataValue",
    "PathMetadataValue",
    "NotebookMetadataValue",
    "JsonMetadataValue",
    "MarkdownMetadataValue",
    "PythonArtifactMetadataValue",
    "FloatMetadataValue",
    "IntMetadataValue",
    "BoolMetadataValue",
    "TimestampMetadataValue",
    "NullMetadataValue",
    "RunMetadataValue",
    "AssetMetadataValue",
    "JobMetadataValue",
    "TableMetadataValue",
    "TableSchemaMetadataValue",
    "TableColumnLineageMetadataValue",
]
