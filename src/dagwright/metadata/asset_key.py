"""``AssetKey``: the name of an asset, a path of one or more parts (``["warehouse", "orders"]``);
``AssetCheckKey``: the name of a check of an asset."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Union

import msgspec
from msgspec.structs import force_setattr

from ..errors import InvalidAssetKeyError, InvalidDefinitionError

__all__ = [
    "AssetKey",
    "AssetCheckKey",
    "CoercibleToAssetKey",
    "asset_key_from",
    "DELIMITER",
    "a_kind",
]

DELIMITER = "/"
"""What separates the parts of an asset key in its user string (``"warehouse/orders"``)."""


class AssetKey(msgspec.Struct, frozen=True, order=True, gc=False):
    """The name of an asset: ``AssetKey("orders")``, ``AssetKey(["warehouse", "orders"])``.

    A string is one part (use :meth:`from_user_string` to split ``"a/b"``).
    Keys are immutable, hashable, ordered, and compare by their parts.
    """

    path: Sequence[str]
    """The parts of the key, outermost first (a list)."""

    def __post_init__(self) -> None:
        path = self.path
        if isinstance(path, str):
            force_setattr(self, "path", [path])
            return
        if isinstance(path, Sequence) and not isinstance(path, bytes):
            parts = list(path)
            if parts and all(isinstance(p, str) for p in parts):
                if type(path) is not list:
                    force_setattr(self, "path", parts)
                return
        raise InvalidAssetKeyError(
            given=path,
            problem=_why_not_a_path(path),
            fix='write AssetKey("name") or AssetKey(["prefix", "name"]).',
        )

    def __hash__(self) -> int:
        return hash(tuple(self.path))

    def __repr__(self) -> str:
        return f"AssetKey({list(self.path)!r})"

    @staticmethod
    def from_user_string(asset_key_string: str) -> AssetKey:
        """The key a user string names, parts separated by ``/``: ``"a/b"`` is ``["a", "b"]``."""
        return AssetKey(asset_key_string.split(DELIMITER))

    @staticmethod
    def from_coercible(arg: CoercibleToAssetKey) -> AssetKey:
        """``arg`` as a key: a key as is, a string as one part, a list or tuple as the parts."""
        return arg if isinstance(arg, AssetKey) else AssetKey(arg)

    def to_user_string(self) -> str:
        """The key's parts joined by ``/`` (``"warehouse/orders"``)."""
        return DELIMITER.join(self.path)

    def to_string(self) -> str:
        """The key as a JSON list of its parts (``'["warehouse", "orders"]'``)."""
        return json.dumps(list(self.path))

    def with_prefix(self, prefix: str | Sequence[str]) -> AssetKey:
        """This key under ``prefix`` (one part, or several): ``["prefix", ..., *self.path]``."""
        parts = [prefix] if isinstance(prefix, str) else list(prefix)
        return AssetKey([*parts, *self.path])

    def has_prefix(self, prefix: Sequence[str]) -> bool:
        """Whether the key's first parts are ``prefix``."""
        return list(self.path[: len(prefix)]) == list(prefix)

    @property
    def parent(self) -> AssetKey:
        """The key without its last part (``["warehouse", "orders"]`` -> ``["warehouse"]``)."""
        if len(self.path) < 2:
            raise InvalidAssetKeyError(
                given=list(self.path),
                problem="a key of one part has no parent (a key has at least one part).",
                fix="ask for the parent of a key of several parts (key.has_prefix(...)).",
            )
        return AssetKey(list(self.path[:-1]))

    def to_python_identifier(self, suffix: str | None = None) -> str:
        """The key as a Python name: its parts (and ``suffix``) joined by ``__``, other
        characters than letters, digits and ``_`` made ``_`` (``warehouse__orders``)."""
        parts = [*self.path, suffix] if suffix is not None else list(self.path)
        return re.sub(r"\W", "_", "__".join(parts))


class AssetCheckKey(msgspec.Struct, frozen=True, order=True, gc=False):
    """The name of an asset check: the asset it checks and the check's name (unique per asset).

    ``AssetCheckKey(AssetKey("orders"), "no_nulls")``; a string or list is taken as the
    asset's key (``"warehouse/orders"`` is two parts).
    """

    asset_key: AssetKey
    name: str

    if TYPE_CHECKING:

        def __init__(self, asset_key: CoercibleToAssetKey, name: str) -> None: ...

    def __post_init__(self) -> None:
        if not isinstance(self.asset_key, AssetKey):
            force_setattr(self, "asset_key", asset_key_from(self.asset_key))
        if not isinstance(self.name, str) or not self.name:
            raise InvalidDefinitionError(
                f"the check name {self.name!r} is not a non-empty string.",
                where="AssetCheckKey",
                fix='write AssetCheckKey(AssetKey("orders"), "no_nulls").',
            )

    def __repr__(self) -> str:
        return f"AssetCheckKey({self.asset_key!r}, {self.name!r})"

    def to_user_string(self) -> str:
        """``"<asset key user string>:<check name>"`` (``"warehouse/orders:no_nulls"``)."""
        return f"{self.asset_key.to_user_string()}:{self.name}"


CoercibleToAssetKey = Union[AssetKey, str, Sequence[str]]  # noqa: UP007 (a runtime alias)
"""What may be given where an asset key is expected."""


def asset_key_from(value: CoercibleToAssetKey) -> AssetKey:
    """``value`` as an asset key, where a string is a user string (``"a/b"`` is two parts).

    Empty parts are dropped (``"/a//b"`` is ``["a", "b"]``), as in a path.
    """
    if isinstance(value, AssetKey):
        return value
    if isinstance(value, str):
        parts = [part for part in value.split(DELIMITER) if part]
        if not parts:
            raise InvalidAssetKeyError(
                given=value,
                problem="it has no parts.",
                fix='name the asset, e.g. "orders" or "warehouse/orders".',
            )
        return AssetKey(parts)
    return AssetKey(value)


def _why_not_a_path(path: object) -> str:
    if isinstance(path, Sequence) and not isinstance(path, bytes):
        if not path:
            return "it has no parts."
        bad = next(p for p in path if not isinstance(p, str))
        return f"its part {bad!r} is {a_kind(bad)}, not a string."
    return f"{a_kind(path)} is not an asset key."


def a_kind(value: object) -> str:
    """``value``'s type name after "a" or "an" (``"an int"``), for messages."""
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"
