"""Turning the plain values users give as metadata into typed metadata values.

``{"rows": 3, "source": "s3://bucket/a.csv", "path": Path("out.csv")}``
becomes ``{"rows": IntMetadataValue(3), "source": TextMetadataValue(...),
"path": PathMetadataValue("out.csv")}``. A value with no metadata form is an
error naming its key and the fix; metadata values pass through unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..errors import InvalidMetadataError
from .asset_key import AssetKey, a_kind
from .table import TableColumnLineage, TableSchema
from .values import (
    AssetMetadataValue,
    BoolMetadataValue,
    FloatMetadataValue,
    IntMetadataValue,
    JsonMetadataValue,
    MetadataValue,
    MetadataValueUnion,
    NullMetadataValue,
    PathMetadataValue,
    TableColumnLineageMetadataValue,
    TableSchemaMetadataValue,
    TextMetadataValue,
)

__all__ = ["normalize_metadata", "normalize_value", "RawMetadataMapping"]

RawMetadataMapping = Mapping[str, object]
"""Metadata as users give it: plain values or metadata values, by string key."""

_BY_TYPE: dict[type, Any] = {
    str: TextMetadataValue,
    int: IntMetadataValue,
    float: FloatMetadataValue,
    bool: BoolMetadataValue,
}

_CONVERTED = (
    "str, int, float, bool, None, a dict or list of JSON values, a path, an AssetKey, "
    "a TableSchema or a datetime with a time zone"
)


def normalize_metadata(
    metadata: RawMetadataMapping | None, *, where: str | None = None
) -> dict[str, MetadataValueUnion]:
    """``metadata`` with every value a metadata value; ``where`` names its owner in errors."""
    if metadata is None:
        return {}
    if not isinstance(metadata, Mapping):
        raise InvalidMetadataError(
            f"metadata must be a dict of string keys to values, got {type(metadata).__name__}.",
            where=where,
            value_type=type(metadata).__name__,
            fix="pass metadata={'rows': 3, 'source': 'orders.csv'}.",
        )
    normalized: dict[str, MetadataValueUnion] = {}
    for key, raw in metadata.items():
        if not isinstance(key, str):
            raise InvalidMetadataError(
                f"the key {key!r} is {a_kind(key)}; metadata keys are strings.",
                where=where,
                value_type=type(key).__name__,
                fix=f"use the key {str(key)!r}.",
            )
        normalized[key] = normalize_value(raw, key=key, where=where)
    return normalized


def normalize_value(
    raw: object, *, key: str | None = None, where: str | None = None
) -> MetadataValueUnion:
    """``raw`` as a metadata value (see the module docstring)."""
    if isinstance(raw, MetadataValue):
        return raw  # type: ignore[return-value]  # every subclass is in the union
    make = _BY_TYPE.get(type(raw))
    try:
        if make is not None:
            return make(raw)  # type: ignore[no-any-return]
        converted = _converted(raw)
    except InvalidMetadataError as error:
        raise InvalidMetadataError(
            error.problem, key=key, where=where, value_type=error.value_type, fix=error.fix
        ) from error
    if converted is None:
        kind = type(raw).__name__
        raise InvalidMetadataError(
            f"{a_kind(raw)} has no metadata form (converted automatically: {_CONVERTED}).",
            key=key,
            where=where,
            value_type=kind,
            fix="convert it first (e.g. int(value) for a numpy integer), or wrap it: "
            "MetadataValue.text(str(value)), MetadataValue.json(...), MetadataValue.md(...).",
        )
    return converted


def _converted(raw: object) -> MetadataValueUnion | None:
    """The metadata value of a ``raw`` whose type is not exactly str, int, float or bool."""
    if raw is None:
        return NullMetadataValue()
    if isinstance(raw, str):  # a subclass of str, e.g. a StrEnum member
        return TextMetadataValue(str.__str__(raw))
    if isinstance(raw, float):  # numpy.float64 is a float
        return FloatMetadataValue(float(raw))
    if isinstance(raw, int):
        return IntMetadataValue(int(raw))
    if isinstance(raw, dict | list):
        return JsonMetadataValue(raw)
    if isinstance(raw, os.PathLike):
        return PathMetadataValue(os.fspath(raw))
    if isinstance(raw, AssetKey):
        return AssetMetadataValue(raw)
    if isinstance(raw, TableSchema):
        return TableSchemaMetadataValue(raw)
    if isinstance(raw, TableColumnLineage):
        return TableColumnLineageMetadataValue(raw)
    if isinstance(raw, datetime):
        return MetadataValue.timestamp(raw)
    return None
