"""Small helpers shared by the definition modules: the unset sentinel, names, frozen dicts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, TypeVar, cast

from .._sentinel import NO_VALUE, NoValue
from ..errors import InvalidNameError

__all__ = ["NoValue", "NO_VALUE", "check_name", "frozen_dict"]


_NAME = re.compile(r"^[A-Za-z0-9_]+$")


def check_name(name: object, kind: str, where: str | None = None) -> str:
    """Return ``name`` if it is a valid node/input/output name, else raise InvalidNameError."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise InvalidNameError(kind=kind, name=name, where=where)
    return name


_EMPTY: Mapping[Any, Any] = MappingProxyType({})
_K = TypeVar("_K")


def frozen_dict(value: Mapping[_K, Any] | None) -> Mapping[_K, Any]:
    """A read-only copy of ``value`` (empty when None; one shared empty map, as definitions
    by the thousand mostly have none)."""
    return MappingProxyType(dict(value)) if value else cast("Mapping[_K, Any]", _EMPTY)
