"""Pythonic config: config schemas written as classes (pydantic models).

::

    class LoadConfig(Config):
        path: str
        limit: int = 100

    @op
    def load(config: LoadConfig): ...

A ``Config`` class describes its own config schema (``str``, ``int`` and
``bool`` fields also accept ``{"env": "NAME"}``); an op with a ``config``
parameter annotated with one receives an instance built from the run's
config. This module imports pydantic, so ``import dagwright`` never does:
it is loaded when a user first reads ``dagwright.Config``.
"""

from __future__ import annotations

import enum
import types
import typing
from typing import Any, ClassVar

import pydantic
from pydantic_core import PydanticUndefined

from ..errors import InvalidDefinitionError
from .run_config import EnvVar, IntEnvVar, to_config_value
from .types import (
    AnyType,
    Array,
    BoolSource,
    ConfigType,
    Enum,
    EnumValue,
    Field,
    Float,
    IntSource,
    Map,
    Noneable,
    Permissive,
    Shape,
    StringSource,
)

__all__ = ["Config", "PermissiveConfig", "explicit_config"]

_ANY = AnyType()


class Config(pydantic.BaseModel):
    """Base class of config schemas written as classes; instances are immutable."""

    model_config = pydantic.ConfigDict(frozen=True, extra="forbid", use_enum_values=False)

    __dagwright_config__: ClassVar[bool] = True
    _config_types: ClassVar[dict[type, Shape]] = {}
    # field -> environment variable, for fields given as EnvVar("NAME")
    _env_refs: dict[str, str] = pydantic.PrivateAttr(default_factory=dict)

    def __init__(self, **data: Any) -> None:
        refs = {k: v.env_var_name for k, v in data.items() if isinstance(v, EnvVar | IntEnvVar)}
        super().__init__(**data)
        self._env_refs = refs

    @classmethod
    def config_type(cls) -> Shape:
        """This class's config schema (computed once per class)."""
        cached = Config._config_types.get(cls)
        if cached is None:
            cached = _shape_of(cls)
            Config._config_types[cls] = cached
        return cached

    @classmethod
    def config_fields(cls) -> list[str]:
        """The fields that are config (all of them here; resources hold others too)."""
        return list(cls.model_fields)

    @classmethod
    def from_config_value(cls, value: Any) -> Config:
        """An instance from resolved run config (``None``: every field at its default)."""
        if isinstance(value, cls):
            return value
        return cls(**(value or {}))

    def to_config_dict(self) -> dict[str, Any]:
        """This instance in run config form (env var references as ``{env: NAME}``)."""
        given = explicit_config(self, type(self).config_fields())
        data = {k: v for k, v in given.items() if v is not None}
        extra = self.__pydantic_extra__ or {}
        data.update({k: to_config_value(v) for k, v in extra.items()})
        return data


class PermissiveConfig(Config):
    """A config class that also accepts (and keeps) fields it does not declare."""

    model_config = pydantic.ConfigDict(frozen=True, extra="allow")


def explicit_config(config: Config, names: list[str] | None = None) -> dict[str, Any]:
    """Config values of ``config`` in run config form (env var references as ``{env: NAME}``).

    ``names`` defaults to the fields given when it was made; an explicit ``None`` is kept.
    """
    if names is None:
        names = [n for n in type(config).config_fields() if n in config.model_fields_set]
    data: dict[str, Any] = {}
    for name in names:
        if name in config._env_refs:
            data[name] = {"env": config._env_refs[name]}
        else:
            data[name] = to_config_value(getattr(config, name))
    return data


def _shape_of(cls: type[Config]) -> Shape:
    fields: dict[str, Field] = {}
    for name in cls.config_fields():
        info = cls.model_fields[name]
        config_type = _config_type_of(cls, name, info.annotation)
        default: Any = info.get_default(call_default_factory=True)
        if default is PydanticUndefined:
            fields[name] = Field(config_type, description=info.description)
        else:
            fields[name] = Field(
                config_type, default_value=to_config_value(default), description=info.description
            )
    shape_class = Permissive if cls.model_config.get("extra") == "allow" else Shape
    return shape_class(fields, description=cls.__doc__)


def _config_type_of(cls: type, field: str, annotation: Any) -> ConfigType:
    if isinstance(annotation, str | typing.ForwardRef):
        name = annotation if isinstance(annotation, str) else annotation.__forward_arg__
        raise InvalidDefinitionError(
            f"the annotation {name!r} of field '{field}' could not be resolved.",
            where=f"config class '{cls.__name__}'",
            fix=f"define {name} before the class, in the same module.",
        )
    if annotation is str:
        return StringSource
    if annotation is int:
        return IntSource
    if annotation is bool:
        return BoolSource
    if annotation is float:
        return Float
    if annotation is Any or annotation is object:
        return _ANY
    if isinstance(annotation, type) and issubclass(annotation, Config):
        return annotation.config_type()
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return Enum.from_python_enum(annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return Noneable(_config_type_of(cls, field, rest[0]))
    if origin is typing.Literal and all(isinstance(a, str) for a in args):
        return Enum(f"{cls.__name__}.{field}", [EnumValue(a) for a in args])
    if origin is list and args:
        return Array(_config_type_of(cls, field, args[0]))
    if annotation is list:
        return Array(_ANY)
    if origin is dict and len(args) == 2 and args[0] is str:
        return Map(str, _config_type_of(cls, field, args[1]))
    if annotation is dict or origin is dict:
        return Permissive()
    raise InvalidDefinitionError(
        f"field '{field}' has the type {annotation!r}, which config cannot hold.",
        where=f"config class '{cls.__name__}'",
        fix="use str, int, float, bool, Any, an Enum, a Literal of strings, list[...], "
        "dict[str, ...], Optional[...] or another Config class.",
    )
