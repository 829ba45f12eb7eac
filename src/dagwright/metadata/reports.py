"""What an op reports besides its outputs: assets it materialized or observed, checks of its data.

An op yields these (or passes them to ``context.log_event``); each becomes
an event of the run (ASSET_MATERIALIZATION, ASSET_OBSERVATION,
STEP_EXPECTATION_RESULT) that carries it whole, so they are immutable
msgspec structs with a JSON form, and their metadata is normalized when
they are built.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Union

import msgspec
from msgspec.structs import force_setattr

from ..errors import InvalidAssetKeyError, InvalidInvocationError
from .asset_key import AssetKey, CoercibleToAssetKey, asset_key_from
from .normalize import RawMetadataMapping, normalize_metadata
from .values import MetadataValue, MetadataValueUnion

__all__ = [
    "AssetMaterialization",
    "AssetObservation",
    "ExpectationResult",
    "AssetCheckResult",
    "AssetCheckSeverity",
    "Report",
    "REPORT_TYPES",
]


class AssetMaterialization(msgspec.Struct, frozen=True, gc=False):
    """An op wrote (a partition of) an asset: ``yield AssetMaterialization("orders", ...)``.

    ``asset_key`` is an :class:`AssetKey`, a list of its parts, or a string
    whose parts are separated by ``/``. ``metadata`` values are converted to
    metadata values; ``tags`` map strings to strings.
    """

    asset_key: AssetKey
    description: str | None = None
    metadata: dict[str, MetadataValueUnion] = msgspec.field(default_factory=dict)
    partition: str | None = None
    tags: dict[str, str] = msgspec.field(default_factory=dict)

    if TYPE_CHECKING:

        def __init__(
            self,
            asset_key: CoercibleToAssetKey,
            description: str | None = None,
            metadata: RawMetadataMapping | None = None,
            partition: str | None = None,
            tags: Mapping[str, str] | None = None,
        ) -> None: ...

    def __post_init__(self) -> None:
        _settle_asset_event(self)

    @property
    def label(self) -> str:
        """The asset key as a user string (``"warehouse/orders"``)."""
        return self.asset_key.to_user_string()

    @staticmethod
    def file(
        path: str | os.PathLike[str],
        description: str | None = None,
        asset_key: CoercibleToAssetKey | None = None,
    ) -> AssetMaterialization:
        """A materialization of the file at ``path`` (the asset key defaults to the path)."""
        text = os.fspath(path)
        return AssetMaterialization(
            asset_key if asset_key is not None else text,
            description,
            {"path": MetadataValue.path(text)},
        )


class AssetObservation(msgspec.Struct, frozen=True, gc=False):
    """An op looked at an asset without changing it, and records what it saw in ``metadata``.

    Takes the same arguments as :class:`AssetMaterialization`.
    """

    asset_key: AssetKey
    description: str | None = None
    metadata: dict[str, MetadataValueUnion] = msgspec.field(default_factory=dict)
    partition: str | None = None
    tags: dict[str, str] = msgspec.field(default_factory=dict)

    if TYPE_CHECKING:

        def __init__(
            self,
            asset_key: CoercibleToAssetKey,
            description: str | None = None,
            metadata: RawMetadataMapping | None = None,
            partition: str | None = None,
            tags: Mapping[str, str] | None = None,
        ) -> None: ...

    def __post_init__(self) -> None:
        _settle_asset_event(self)

    @property
    def label(self) -> str:
        """The asset key as a user string (``"warehouse/orders"``)."""
        return self.asset_key.to_user_string()


class ExpectationResult(msgspec.Struct, frozen=True, gc=False):
    """The outcome of a check an op made of its data: ``success``, and what was checked."""

    success: bool
    label: str | None = None
    description: str | None = None
    metadata: dict[str, MetadataValueUnion] = msgspec.field(default_factory=dict)

    if TYPE_CHECKING:

        def __init__(
            self,
            success: bool,
            label: str | None = None,
            description: str | None = None,
            metadata: RawMetadataMapping | None = None,
        ) -> None: ...

    def __post_init__(self) -> None:
        where = "ExpectationResult" + (f" '{self.label}'" if isinstance(self.label, str) else "")
        if not isinstance(self.success, bool):
            raise InvalidInvocationError(
                f"success must be a bool, got {type(self.success).__name__}.",
                where=where,
                fix="pass success=True or success=False (e.g. bool(check_passed)).",
            )
        _check_optional_str(self.label, "label", where)
        _check_optional_str(self.description, "description", where)
        force_setattr(self, "metadata", normalize_metadata(self.metadata, where=where))


class AssetCheckSeverity(StrEnum):
    """How bad a failed asset check is: WARN reports it; ERROR (blocking checks) stops what
    depends on the asset."""

    WARN = "WARN"
    ERROR = "ERROR"


class AssetCheckResult(msgspec.Struct, frozen=True, gc=False):
    """The outcome of an asset check: ``passed``, with metadata about what was checked.

    ``asset_key`` and ``check_name`` may be left out when the check (an
    ``@asset_check``, or an asset with one check spec) says which it is.
    """

    passed: bool
    asset_key: AssetKey | None = None
    check_name: str | None = None
    metadata: dict[str, MetadataValueUnion] = msgspec.field(default_factory=dict)
    severity: AssetCheckSeverity = AssetCheckSeverity.ERROR
    description: str | None = None

    if TYPE_CHECKING:

        def __init__(
            self,
            *,
            passed: bool,
            asset_key: CoercibleToAssetKey | None = None,
            check_name: str | None = None,
            metadata: RawMetadataMapping | None = None,
            severity: AssetCheckSeverity = AssetCheckSeverity.ERROR,
            description: str | None = None,
        ) -> None: ...

    def __post_init__(self) -> None:
        where = "AssetCheckResult" + (f" '{self.check_name}'" if self.check_name else "")
        if not isinstance(self.passed, bool):
            raise InvalidInvocationError(
                f"passed must be a bool, got {type(self.passed).__name__}.",
                where=where,
                fix="pass passed=True or passed=False (e.g. bool(no_nulls)).",
            )
        if self.asset_key is not None and not isinstance(self.asset_key, AssetKey):
            force_setattr(self, "asset_key", asset_key_from(self.asset_key))
        force_setattr(self, "severity", AssetCheckSeverity(self.severity))
        force_setattr(self, "metadata", normalize_metadata(self.metadata, where=where))


Report = Union[AssetMaterialization, AssetObservation, ExpectationResult, AssetCheckResult]  # noqa: UP007
"""Anything an op may report besides its outputs."""

REPORT_TYPES = (AssetMaterialization, AssetObservation, ExpectationResult, AssetCheckResult)
"""The classes of :data:`Report`, for ``isinstance``."""


def _settle_asset_event(event: AssetMaterialization | AssetObservation) -> None:
    """Coerce the asset key, check the other fields and normalize the metadata of ``event``."""
    kind = type(event).__name__
    try:
        key = asset_key_from(event.asset_key)
    except InvalidAssetKeyError as error:
        raise InvalidAssetKeyError(
            given=error.given,
            problem=f"{error.problem.rstrip('.')} (given to {kind}).",
            fix=error.fix,
        ) from error
    force_setattr(event, "asset_key", key)
    where = f"{kind} of '{key.to_user_string()}'"
    _check_optional_str(event.description, "description", where)
    _check_optional_str(event.partition, "partition", where)
    force_setattr(event, "metadata", normalize_metadata(event.metadata, where=where))
    tags = event.tags
    if tags is None:
        force_setattr(event, "tags", {})
        return
    if not isinstance(tags, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in tags.items()
    ):
        raise InvalidInvocationError(
            f"tags must be a dict of str to str, got {tags!r}.",
            where=where,
            fix="pass tags={'source': 'nightly'} (string keys and values).",
        )
    if type(tags) is not dict:
        force_setattr(event, "tags", dict(tags))


def _check_optional_str(value: object, field: str, where: str) -> None:
    if value is not None and not isinstance(value, str):
        raise InvalidInvocationError(
            f"{field} must be a str or None, got {type(value).__name__}.",
            where=where,
            fix=f"pass {field}=str(...).",
        )
