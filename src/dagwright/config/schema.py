"""Reading a user's config schema (Python types, dicts, lists, ``Field``) as config types."""

from __future__ import annotations

import enum
import types
import typing
from typing import Any

from ..errors import InvalidDefinitionError
from .types import (
    AnyType,
    Array,
    Bool,
    ConfigType,
    Enum,
    Field,
    Float,
    Int,
    Map,
    Noneable,
    Permissive,
    Shape,
    String,
)

__all__ = ["as_config_type", "as_field", "ANY_OPTIONAL"]

_ANY = AnyType()
_SCALARS: dict[Any, ConfigType] = {int: Int, float: Float, str: String, bool: Bool}


def as_config_type(schema: Any, where: str | None = None) -> ConfigType:
    """The config type a user's schema stands for; raise InvalidDefinitionError if it is none."""
    if isinstance(schema, ConfigType):
        return schema
    if isinstance(schema, Field):
        raise InvalidDefinitionError(
            "a Field was given where a type is expected.",
            where=where,
            fix="use Field(...) only as the value of a dict key, or as the whole config_schema.",
        )
    scalar = _SCALARS.get(schema) if isinstance(schema, type) else None
    if scalar is not None:
        return scalar
    if schema is Any or schema is object or schema is None:
        return _ANY
    if isinstance(schema, type) and getattr(schema, "__dagwright_config__", False):
        pythonic: Any = schema  # a pythonic Config class describes its own schema
        found: ConfigType = pythonic.config_type()
        return found
    if isinstance(schema, dict):
        if len(schema) == 1:
            ((key, value),) = schema.items()
            if key in _SCALARS:  # {str: int}: any keys of one type
                return Map(key, value)
        return Shape(schema)
    if isinstance(schema, list):
        if len(schema) != 1:
            raise InvalidDefinitionError(
                f"a list in a config schema must hold exactly one type (the item type), got "
                f"{schema!r}.",
                where=where,
                fix="write [int] for a list of ints.",
            )
        return Array(schema[0])
    if schema is list:
        return Array(_ANY)
    if schema is dict:
        return Permissive()
    if isinstance(schema, type) and issubclass(schema, enum.Enum):
        return Enum.from_python_enum(schema)
    origin = typing.get_origin(schema)
    args = typing.get_args(schema)
    if origin in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return Noneable(as_config_type(rest[0], where))
    if origin is list and args:
        return Array(as_config_type(args[0], where))
    if origin is dict:
        return Map(args[0], args[1]) if len(args) == 2 and args[0] in _SCALARS else Permissive()
    if isinstance(schema, type) and issubclass(schema, ConfigType):
        raise InvalidDefinitionError(
            f"the class {schema.__name__} was given where a config type is expected.",
            where=where,
            fix=f"use an instance, e.g. {schema.__name__}(...).",
        )
    raise InvalidDefinitionError(
        f"{schema!r} is not a config type.",
        where=where,
        fix="use str, int, float, bool, Any, a dict of fields, [type], or a config type "
        "(Field, Shape, Permissive, Selector, Array, Map, Noneable, Enum, ScalarUnion, "
        "StringSource, ...).",
    )


ANY_OPTIONAL = Field(_ANY, is_required=False)
"""The config of something declared without a schema: anything, or nothing."""


def as_field(schema: Any, where: str | None = None) -> Field:
    """The field a ``config_schema=`` argument stands for (``None``: anything, optional)."""
    if schema is None:
        return ANY_OPTIONAL
    if isinstance(schema, Field):
        return schema
    return Field(as_config_type(schema, where))
