"""What an op's compute function can return or yield: ``Output`` and ``DynamicOutput``.

Both are small immutable records (msgspec structs): one is made for every
output of every step, so they must be cheap to build. Their metadata is
normalized to metadata values when given (and costs nothing when not).

What an op reports besides its outputs (``AssetMaterialization``,
``AssetObservation``, ``ExpectationResult``) is defined in
``dagwright.metadata.reports``: run events carry those whole, and records
may not import definitions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import msgspec
from msgspec.structs import force_setattr

from ..metadata import normalize_metadata
from ._util import check_name
from .outputs import DEFAULT_OUTPUT

__all__ = ["Output", "DynamicOutput", "OUTPUT_TYPES"]

T = TypeVar("T")


class Output(msgspec.Struct, Generic[T], frozen=True):
    """A value for one named output of an op, with optional metadata about it; for an asset,
    ``data_version`` (a ``DataVersion``) and ``tags`` go on its materialization."""

    value: T
    output_name: str = DEFAULT_OUTPUT
    metadata: Mapping[str, Any] | None = None
    data_version: Any = None
    tags: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        if self.metadata is not None:
            where = f"Output '{self.output_name}'"
            force_setattr(self, "metadata", normalize_metadata(self.metadata, where=where))

    @property
    def mapping_key(self) -> str | None:
        return None


class DynamicOutput(msgspec.Struct, Generic[T], frozen=True):
    """One of many values of a ``DynamicOut`` output; ``mapping_key`` (unique) names it."""

    value: T
    mapping_key: str
    output_name: str = DEFAULT_OUTPUT
    metadata: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        check_name(self.mapping_key, "mapping key", "DynamicOutput")
        if self.metadata is not None:
            where = f"DynamicOutput '{self.output_name}' [{self.mapping_key}]"
            force_setattr(self, "metadata", normalize_metadata(self.metadata, where=where))


OUTPUT_TYPES = (Output, DynamicOutput)
"""What a compute function may produce for an output."""
