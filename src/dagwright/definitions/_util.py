"""Small helpers shared by the definition modules: the unset sentinel, names, frozen dicts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from .._sentinel import NO_VALUE, NoValue
from ..errors import InvalidDefinitionError, InvalidNameError

__all__ = ["NoValue", "NO_VALUE", "check_name", "check_metadata", "frozen_dict"]


_NAME = re.compile(r"^[A-Za-z0-9_]+$")


def check_name(name: object, kind: str, where: str | None = None) -> str:
    """Return ``name`` if it is a valid node/input/output name, else raise InvalidNameError."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise InvalidNameError(kind=kind, name=name, where=where)
    return name


def frozen_dict(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """A read-only copy of ``value`` (empty when None)."""
    return MappingProxyType(dict(value) if value else {})


def check_metadata(metadata: Mapping[str, Any] | None, where: str) -> Mapping[str, Any]:
    """A read-only copy of a definition's ``metadata=`` (string keys; values as given)."""
    if metadata is None:
        return MappingProxyType({})
    if not isinstance(metadata, Mapping):
        raise InvalidDefinitionError(
            f"metadata must be a dict, got {type(metadata).__name__}.",
            where=where,
            fix="pass metadata={'owner': 'data-team'}.",
        )
    for key in metadata:
        if not isinstance(key, str):
            raise InvalidDefinitionError(
                f"metadata key {key!r} is a {type(key).__name__}, not a string.",
                where=where,
                fix="use string keys, e.g. metadata={'owner': 'data-team'}.",
            )
    return MappingProxyType(dict(metadata))
