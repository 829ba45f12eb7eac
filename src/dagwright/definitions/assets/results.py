"""``MaterializeResult``: what an asset function returns when it stores the data itself.

An asset that writes its table or file itself returns (a multi-asset
yields, one per asset) a ``MaterializeResult`` instead of a value: no IO
manager is called, and the materialization is recorded with the result's
metadata, tags, data version and check results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...metadata import AssetCheckResult, AssetKey
from .specs import to_key

__all__ = ["MaterializeResult"]


class MaterializeResult:
    """The outcome of an asset function that stored the asset itself."""

    __slots__ = ("asset_key", "check_results", "data_version", "metadata", "tags")

    def __init__(
        self,
        *,
        asset_key: Any = None,
        metadata: Mapping[str, Any] | None = None,
        check_results: Sequence[AssetCheckResult] | None = None,
        data_version: Any = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        self.asset_key: AssetKey | None = to_key(asset_key) if asset_key is not None else None
        self.metadata = dict(metadata or {})
        self.check_results = list(check_results or ())
        self.data_version = data_version
        self.tags = dict(tags or {})

    def __repr__(self) -> str:
        key = self.asset_key.to_user_string() if self.asset_key else None
        return f"MaterializeResult(asset_key={key!r})"
