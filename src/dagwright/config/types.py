"""Config types: what a piece of config may look like, checked when a run is launched.

Users write schemas with Python types and dicts (``{"path": str, "retries":
Field(int, default_value=3)}``) or with the classes here (``Shape``,
``Permissive``, ``Selector``, ``Array``, ``Map``, ``Noneable``, ``Enum``,
``ScalarUnion`` and the ``*Source`` types that read environment variables).
:func:`~.schema.as_config_type` turns any of them into a tree of
:class:`ConfigType`; :mod:`.validate` checks values against the tree.

A field is required unless it has a default or its type has an implicit
one: ``Noneable`` (None), a shape whose fields are all optional (its
fields' defaults), a selector with a single optional choice.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from .._sentinel import NO_VALUE
from ..errors import InvalidDefinitionError

__all__ = [
    "ConfigType",
    "Field",
    "AnyType",
    "Scalar",
    "Int",
    "Float",
    "String",
    "Bool",
    "Noneable",
    "Array",
    "Map",
    "Shape",
    "Permissive",
    "Selector",
    "Enum",
    "EnumValue",
    "ScalarUnion",
    "Source",
    "StringSource",
    "IntSource",
    "BoolSource",
    "InputValue",
    "field_names",
    "as_config_type",
]


class ConfigType:
    """A node of a config schema; ``kind`` names what it accepts."""

    kind = "any"

    @property
    def has_implicit_default(self) -> bool:
        """Whether a value may be left out entirely (the type supplies one)."""
        return False

    def describe(self) -> str:
        """A short, human name for the type (``int``, ``list[str]``, ``{path: str}``)."""
        return self.kind

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.describe()})"


class AnyType(ConfigType):
    """Any value at all."""

    kind = "any"

    def describe(self) -> str:
        return "Any"


class Scalar(ConfigType):
    """One of the four scalar types: ``int``, ``float``, ``str``, ``bool``."""

    kind = "scalar"

    def __init__(self, name: str, python_types: tuple[type, ...]) -> None:
        self.name = name
        self.python_types = python_types

    def accepts(self, value: Any) -> bool:
        if isinstance(value, bool):
            return bool in self.python_types
        return isinstance(value, self.python_types)

    def describe(self) -> str:
        return self.name


Int = Scalar("int", (int,))
Float = Scalar("float", (float, int))
String = Scalar("str", (str,))
Bool = Scalar("bool", (bool,))


class Field:
    """A field of a shape: its type, default value, whether it is required, a description.

    A field with a default is optional, and so is one whose type has an
    implicit default. ``is_required=False`` without a default makes the key
    simply absent when not given.
    """

    __slots__ = ("config_type", "default_value", "description", "is_required")

    def __init__(
        self,
        config: Any,
        default_value: Any = NO_VALUE,
        is_required: bool | None = None,
        description: str | None = None,
    ) -> None:
        if isinstance(config, Field):
            raise InvalidDefinitionError(
                "a Field was given as the type of a Field.",
                where="Field",
                fix="pass the type itself: Field(int, ...).",
            )
        self.config_type: ConfigType = as_config_type(config, "Field")
        self.description = description
        if is_required and default_value is not NO_VALUE:
            raise InvalidDefinitionError(
                "a field cannot be required and have a default value.",
                where="Field",
                fix="drop is_required=True (a field with a default is optional).",
            )
        if callable(default_value) and not isinstance(default_value, type):
            raise InvalidDefinitionError(
                "a default value cannot be a function.",
                where="Field",
                fix="give the value itself.",
            )
        if default_value is not NO_VALUE:
            from .validate import check_default

            check_default(self.config_type, default_value)
        self.default_value = default_value
        if is_required is None:
            is_required = default_value is NO_VALUE and not self.config_type.has_implicit_default
        self.is_required = is_required

    @property
    def has_default(self) -> bool:
        return self.default_value is not NO_VALUE

    @property
    def is_optional(self) -> bool:
        return not self.is_required

    def __repr__(self) -> str:
        default = f", default={self.default_value!r}" if self.has_default else ""
        required = "" if self.is_required else ", optional"
        return f"Field({self.config_type.describe()}{default}{required})"


def _fields(fields: Mapping[str, Any], where: str) -> dict[str, Field]:
    if not isinstance(fields, Mapping):
        raise InvalidDefinitionError(
            f"{where} needs a dict of field names to types, got {type(fields).__name__}.",
            where=where,
        )
    result: dict[str, Field] = {}
    for name, value in fields.items():
        if not isinstance(name, str):
            raise InvalidDefinitionError(
                f"field names must be strings, got {name!r}.",
                where=where,
                fix="to allow any keys of a type, use Map(str, ...) instead of a dict.",
            )
        try:
            result[name] = value if isinstance(value, Field) else Field(value)
        except InvalidDefinitionError as error:
            raise _inside_field(name, error) from None
    return result


def _inside_field(name: str, error: InvalidDefinitionError) -> InvalidDefinitionError:
    """``error``, about something inside field ``name``, saying so (``a.b: ...``)."""
    path = (name, *getattr(error, "config_path", ()))
    problem = getattr(error, "base_problem", error.problem)
    return InvalidDefinitionError(
        f"config field '{'.'.join(path)}': {problem}",
        where=error.where if error.where not in _GENERIC_WHERE else None,
        fix=error.fix,
        config_path=path,
        base_problem=problem,
    )


# Where-labels that only name a config class; a field's path says more.
_GENERIC_WHERE = frozenset({None, "Field", "Shape", "Permissive", "Selector", "Map", "Array"})


class Shape(ConfigType):
    """A dict with known keys; unknown keys are errors. ``fields`` maps names to types."""

    kind = "shape"

    def __init__(self, fields: Mapping[str, Any], description: str | None = None) -> None:
        self.fields = _fields(fields, type(self).__name__)
        self.description = description
        self.required = frozenset(n for n, f in self.fields.items() if f.is_required)

    @property
    def has_implicit_default(self) -> bool:
        return not self.required

    def describe(self) -> str:
        inner = ", ".join(
            f"{n}{'' if f.is_required else '?'}: {f.config_type.describe()}"
            for n, f in self.fields.items()
        )
        return "{" + inner + "}"


class Permissive(Shape):
    """A dict whose known keys are checked; other keys pass through unchecked."""

    kind = "permissive"

    def __init__(
        self, fields: Mapping[str, Any] | None = None, description: str | None = None
    ) -> None:
        super().__init__(fields or {}, description)

    def describe(self) -> str:
        known = super().describe()[1:-1]
        return "{" + (known + ", " if known else "") + "...}"


class Selector(Shape):
    """A dict with exactly one of its keys: a choice between named alternatives."""

    kind = "selector"

    def __init__(self, fields: Mapping[str, Any], description: str | None = None) -> None:
        super().__init__(fields, description)
        # A choice is never required field by field; exactly one key is.
        self.required = frozenset()

    @property
    def has_implicit_default(self) -> bool:
        if len(self.fields) != 1:
            return False
        (only,) = self.fields.values()
        return not only.is_required

    def describe(self) -> str:
        return "one of {" + " | ".join(self.fields) + "}"


class Noneable(ConfigType):
    """``None`` or a value of ``inner``; an optional field defaulting to ``None``."""

    kind = "noneable"

    def __init__(self, inner: Any) -> None:
        self.inner = as_config_type(inner, "Noneable")

    @property
    def has_implicit_default(self) -> bool:
        return True

    def describe(self) -> str:
        return f"Optional[{self.inner.describe()}]"


class Array(ConfigType):
    """A list whose items are all of ``inner``."""

    kind = "array"

    def __init__(self, inner: Any, description: str | None = None) -> None:
        self.inner = as_config_type(inner, "Array")
        self.description = description

    def describe(self) -> str:
        return f"list[{self.inner.describe()}]"


class Map(ConfigType):
    """A dict of arbitrary keys (of a scalar type) to values of ``inner``."""

    kind = "map"

    def __init__(self, key_type: Any, inner_type: Any, key_label_name: str | None = None) -> None:
        key = as_config_type(key_type, "Map")
        if not isinstance(key, Scalar):
            raise InvalidDefinitionError(
                f"Map keys must be a scalar type (str, int, float, bool), got {key.describe()}.",
                where="Map",
            )
        self.key_type = key
        self.inner = as_config_type(inner_type, "Map")
        self.key_label_name = key_label_name

    def describe(self) -> str:
        label = f"{self.key_label_name}: " if self.key_label_name else ""
        return f"dict[{label}{self.key_type.describe()}, {self.inner.describe()}]"


class EnumValue:
    """One value of an :class:`Enum`: ``config_value`` in config, ``python_value`` in code."""

    __slots__ = ("config_value", "description", "python_value")

    def __init__(
        self, config_value: str, python_value: Any = NO_VALUE, description: str | None = None
    ) -> None:
        if not isinstance(config_value, str):
            raise InvalidDefinitionError(
                f"enum values are written as strings in config, got {config_value!r}.",
                where="EnumValue",
            )
        self.config_value = config_value
        self.python_value = config_value if python_value is NO_VALUE else python_value
        self.description = description


class Enum(ConfigType):
    """One of a fixed set of names, each standing for a Python value."""

    kind = "enum"

    def __init__(self, name: str, enum_values: Sequence[EnumValue]) -> None:
        self.name = name
        self.values = {v.config_value: v for v in enum_values}
        if len(self.values) != len(enum_values):
            raise InvalidDefinitionError("two values have the same name.", where=f"Enum '{name}'")

    @classmethod
    def from_python_enum(cls, enum_type: type[enum.Enum]) -> Enum:
        """An enum config type whose names are ``enum_type``'s member names."""
        return cls(enum_type.__name__, [EnumValue(m.name, m) for m in enum_type])

    def to_python(self, config_value: str) -> Any:
        return self.values[config_value].python_value

    def to_config(self, python_value: Any) -> str | None:
        """The name a Python value is written as in config, if it is one of the values."""
        for value in self.values.values():
            if value.python_value == python_value or value.config_value == python_value:
                return value.config_value
        return None

    def describe(self) -> str:
        return f"{self.name}({' | '.join(self.values)})"


class ScalarUnion(ConfigType):
    """Either a scalar, or a richer form: ``ScalarUnion(str, {"path": str, "mode": str})``."""

    kind = "scalar_union"

    def __init__(self, scalar_type: Any, non_scalar_schema: Any) -> None:
        scalar = as_config_type(scalar_type, "ScalarUnion")
        if not isinstance(scalar, Scalar):
            raise InvalidDefinitionError(
                f"the first type of a ScalarUnion must be a scalar, got {scalar.describe()}.",
                where="ScalarUnion",
            )
        self.scalar_type = scalar
        self.non_scalar_type = as_config_type(non_scalar_schema, "ScalarUnion")

    def describe(self) -> str:
        return f"{self.scalar_type.describe()} | {self.non_scalar_type.describe()}"


class Source(ScalarUnion):
    """A scalar given directly or read from an environment variable: ``{"env": "NAME"}``."""

    kind = "source"

    def __init__(self, scalar: Scalar, name: str) -> None:
        super().__init__(scalar, Selector({"env": str}))
        self.name = name

    def describe(self) -> str:
        return f"{self.scalar_type.name} (or {{env: NAME}})"


_ANY_TYPE = AnyType()
_SCALARS: dict[Any, ConfigType] = {int: Int, float: Float, str: String, bool: Bool}


def as_config_type(schema: Any, where: str | None = None) -> ConfigType:
    """The config type a user's schema stands for; raise InvalidDefinitionError if it is none."""
    try:
        return _as_config_type(schema, where)
    except InvalidDefinitionError as error:
        if where is None or error.where == where or error.where not in _GENERIC_WHERE:
            raise
        raise InvalidDefinitionError(
            error.problem,
            where=where,
            fix=error.fix,
            config_path=getattr(error, "config_path", ()),
            base_problem=getattr(error, "base_problem", error.problem),
        ) from None


def _as_config_type(schema: Any, where: str | None = None) -> ConfigType:
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
        return _ANY_TYPE
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
        return Array(_ANY_TYPE)
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


StringSource = Source(String, "StringSource")
IntSource = Source(Int, "IntSource")
BoolSource = Source(Bool, "BoolSource")


class InputValue(ConfigType):
    """The value of an op input given in run config: bare, or as ``{"value": ...}``."""

    kind = "input"

    def __init__(self, inner: ConfigType) -> None:
        self.inner = inner

    @property
    def has_implicit_default(self) -> bool:
        return self.inner.has_implicit_default

    def describe(self) -> str:
        return self.inner.describe()


def field_names(fields: Mapping[str, Any] | Sequence[str]) -> str:
    """``'a', 'b'`` for error messages."""
    return ", ".join(f"'{f}'" for f in fields) or "(none)"
