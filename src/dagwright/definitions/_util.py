"""Small helpers shared by the definition modules: the unset sentinel, names, tags."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from .._sentinel import NO_VALUE, NoValue
from ..errors import InvalidDefinitionError, InvalidNameError

__all__ = ["NoValue", "NO_VALUE", "check_name", "frozen_dict", "check_tags", "tag_value"]


_NAME = re.compile(r"^[A-Za-z0-9_]+$")


def check_name(name: object, kind: str, where: str | None = None) -> str:
    """Return ``name`` if it is a valid node/input/output name, else raise InvalidNameError."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise InvalidNameError(kind=kind, name=name, where=where)
    return name


def frozen_dict(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """A read-only copy of ``value`` (empty when None)."""
    return MappingProxyType(dict(value) if value else {})


def tag_value(value: Any) -> str:
    """A tag value as the string a run record stores (non-strings as JSON)."""
    if isinstance(value, str):
        return value
    import json

    try:
        return json.dumps(value, sort_keys=True)
    except TypeError:
        return str(value)


def check_tags(tags: Mapping[str, Any] | None, where: str) -> Mapping[str, Any]:
    """Validate definition tags (string keys) and return a read-only copy."""
    if tags is None:
        return MappingProxyType({})
    if not isinstance(tags, Mapping):
        raise InvalidDefinitionError(
            f"tags must be a dict of str to str, got {type(tags).__name__}.",
            where=where,
            fix="pass tags={'key': 'value'}.",
        )
    for key in tags:
        if not isinstance(key, str) or not key:
            raise InvalidDefinitionError(
                f"tag key {key!r} is not a non-empty string.",
                where=where,
                fix="use string tag keys, e.g. tags={'team': 'data'}.",
            )
    return MappingProxyType(dict(tags))
