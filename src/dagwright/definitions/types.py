"""Types of the values that flow between ops, and the checks run at each step boundary.

A :class:`DataType` names a type and knows how to check a value against it.
Python annotations (``int``, ``list[str]``, ``Optional[float]``, a class)
are turned into data types by :func:`resolve_type`; custom types are built
with ``DataType(type_check_fn=..., name=...)``. ``Nothing`` marks inputs and
outputs that carry no value, only an ordering.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from ..errors import InvalidDefinitionError, TypeCheckError
from ..metadata import normalize_metadata

__all__ = [
    "TypeCheck",
    "DataType",
    "Nothing",
    "Any_",
    "Int",
    "Float",
    "String",
    "Bool",
    "resolve_type",
    "type_name_of",
    "short_repr",
    "type_check_error",
]


class TypeCheck:
    """The result of a type check: success or not, why, and metadata about the value.

    ``metadata`` values are normalized to metadata values (``{"rows": 3}`` holds
    ``IntMetadataValue(3)``).
    """

    __slots__ = ("description", "metadata", "success")

    def __init__(
        self,
        success: bool,
        description: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self.success = bool(success)
        self.description = description
        self.metadata = normalize_metadata(metadata, where="TypeCheck") if metadata else {}

    def __repr__(self) -> str:
        return f"TypeCheck(success={self.success}, description={self.description!r})"


_PASSED = TypeCheck(True)
_FAILED = TypeCheck(False)


class DataType:
    """A named type of value with a check run wherever a value crosses a step boundary.

    ``type_check_fn(context, value)`` returns a bool or a :class:`TypeCheck`;
    it runs for every input and output of this type.
    """

    __slots__ = (
        "_check",
        "_user_fn",
        "description",
        "inner",
        "kind",
        "name",
        "python_type",
        "runs_user_code",
    )

    def __init__(
        self,
        type_check_fn: Callable[[Any, Any], bool | TypeCheck],
        name: str | None = None,
        description: str | None = None,
        *,
        key: str | None = None,
    ) -> None:
        if not callable(type_check_fn):
            raise InvalidDefinitionError(
                f"type_check_fn must be a function (context, value) -> bool | TypeCheck, "
                f"got {type(type_check_fn).__name__}.",
                where=f"DataType {name or key or '?'}",
            )
        _check_two_arguments(type_check_fn, name or key)
        self.name: str = name or key or str(getattr(type_check_fn, "__name__", "DataType"))
        self.description = description
        self._user_fn: Callable[[Any, Any], bool | TypeCheck] | None = type_check_fn
        self._check: Callable[[Any], bool] | None = None
        self.kind = "user"
        self.inner: tuple[DataType, ...] = ()
        self.python_type: Any = None
        # Whether checking a value calls user code (this type's check, or an inner type's).
        self.runs_user_code = True

    @classmethod
    def _builtin(
        cls,
        name: str,
        check: Callable[[Any], bool] | None,
        kind: str,
        inner: tuple[DataType, ...] = (),
        python_type: Any = None,
        description: str | None = None,
    ) -> DataType:
        dt = cls.__new__(cls)
        dt.name = name
        dt.description = description
        dt._user_fn = None
        dt._check = check
        dt.kind = kind
        dt.inner = inner
        dt.python_type = python_type
        dt.runs_user_code = any(i.runs_user_code for i in inner)
        return dt

    # -- what the type is -----------------------------------------------

    @property
    def display_name(self) -> str:
        return self.name

    @property
    def is_nothing(self) -> bool:
        return self.kind == "nothing"

    @property
    def is_any(self) -> bool:
        return self.kind == "any"

    @property
    def is_user_defined(self) -> bool:
        return self._user_fn is not None

    @property
    def loadable_from_config(self) -> bool:
        """Whether a value of this type can be written in run config (scalars, lists, dicts)."""
        if self.kind in ("any", "scalar", "list", "dict"):
            return all(i.loadable_from_config for i in self.inner)
        if self.kind == "optional":
            return self.inner[0].loadable_from_config
        return False

    # -- checking values ------------------------------------------------

    def type_check(self, context: Any, value: Any) -> TypeCheck:
        """Check ``value``; a user-defined check may raise, and the caller decides what it means."""
        if self._user_fn is not None:
            result = self._user_fn(context, value)
            if isinstance(result, TypeCheck):
                return result
            if isinstance(result, bool):
                return _PASSED if result else TypeCheck(False)
            raise InvalidDefinitionError(
                f"its type_check_fn returned {type(result).__name__}; it must return a bool "
                "or a TypeCheck.",
                where=f"DataType '{self.name}'",
                fix="return True/False or TypeCheck(success=..., description=...).",
            )
        check = self._check
        if check is None or check(value):
            return _PASSED
        return _FAILED

    def __repr__(self) -> str:
        return f"DataType({self.name})"


def _check_two_arguments(fn: Callable[..., Any], name: str | None) -> None:
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return  # builtins without a signature: trust them
    try:
        signature.bind(None, None)
    except TypeError:
        raise InvalidDefinitionError(
            f"its type_check_fn takes {len(signature.parameters)} argument(s); it must take two: "
            "(context, value).",
            where=f"DataType '{name or getattr(fn, '__name__', '?')}'",
            fix="define it as def check(context, value) -> bool | TypeCheck.",
        ) from None


def type_name_of(value: Any) -> str:
    """A short name for the type of ``value`` (``int``, ``list``, ``mypkg.Thing``)."""
    cls = type(value)
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def short_repr(value: Any, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters (and never raising)."""
    try:
        text = repr(value)
    except Exception:
        return f"<{type_name_of(value)}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def type_check_error(
    *,
    op: str,
    step_key: str,
    kind: str,
    name: str,
    dagster_type: DataType,
    value: Any,
    result: Any,
) -> TypeCheckError:
    """The error for ``value`` failing ``dagster_type`` at input/output ``name`` of ``op``."""
    return TypeCheckError(
        op=op,
        step_key=step_key,
        kind=kind,
        name=name,
        expected=dagster_type.name,
        got=type_name_of(value),
        value=f"({short_repr(value)})",
        description=result.description,
        metadata=dict(result.metadata),
    )


# --------------------------------------------------------------------------
# Builtin types


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_float(v: Any) -> bool:
    # Like PEP 484, an int is acceptable where a float is expected.
    return isinstance(v, (float, int)) and not isinstance(v, bool)


def _is_str(v: Any) -> bool:
    return isinstance(v, str)


def _is_bool(v: Any) -> bool:
    return isinstance(v, bool)


def _is_none(v: Any) -> bool:
    return v is None


Any_ = DataType._builtin("Any", None, "any", python_type=Any)
Nothing = DataType._builtin(
    "Nothing",
    _is_none,
    "nothing",
    python_type=type(None),
    description="No value: the input or output only orders steps.",
)
Int = DataType._builtin("int", _is_int, "scalar", python_type=int)
Float = DataType._builtin("float", _is_float, "scalar", python_type=float)
String = DataType._builtin("str", _is_str, "scalar", python_type=str)
Bool = DataType._builtin("bool", _is_bool, "scalar", python_type=bool)

_SCALARS: dict[Any, DataType] = {int: Int, float: Float, str: String, bool: Bool}


def _list_of(inner: DataType, container: type[Any], label: str) -> DataType:
    if inner.is_any:
        return DataType._builtin(label, lambda v: isinstance(v, container), "list", (inner,))
    item_ok = _value_check(inner)

    def check(v: Any) -> bool:
        return isinstance(v, container) and all(item_ok(x) for x in v)

    return DataType._builtin(f"{label}[{inner.name}]", check, "list", (inner,), container)


def _dict_of(key: DataType, val: DataType) -> DataType:
    if key.is_any and val.is_any:
        return DataType._builtin("dict", lambda v: isinstance(v, dict), "dict", (key, val), dict)
    key_ok, val_ok = _value_check(key), _value_check(val)

    def check(v: Any) -> bool:
        return isinstance(v, dict) and all(key_ok(k) and val_ok(x) for k, x in v.items())

    return DataType._builtin(f"dict[{key.name}, {val.name}]", check, "dict", (key, val), dict)


def _optional_of(inner: DataType) -> DataType:
    ok = _value_check(inner)
    return DataType._builtin(
        f"Optional[{inner.name}]", lambda v: v is None or ok(v), "optional", (inner,)
    )


def _union_of(members: tuple[DataType, ...]) -> DataType:
    checks = [_value_check(m) for m in members]
    return DataType._builtin(
        " | ".join(m.name for m in members),
        lambda v: any(c(v) for c in checks),
        "union",
        members,
    )


def _instance_of(cls: type) -> DataType:
    name = (
        cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    )
    return DataType._builtin(name, lambda v: isinstance(v, cls), "class", python_type=cls)


def _value_check(dt: DataType) -> Callable[[Any], bool]:
    """A plain predicate for ``dt``, used inside container checks."""
    if dt._user_fn is not None:
        fn = dt._user_fn

        def user_ok(v: Any) -> bool:
            result = fn(None, v)
            return result.success if isinstance(result, TypeCheck) else bool(result)

        return user_ok
    check = dt._check
    return check if check is not None else (lambda v: True)


# --------------------------------------------------------------------------
# From annotations to data types


def resolve_type(annotation: Any, *, where: str | None = None) -> DataType:
    """Turn a type given by a user (annotation, Python type, DataType) into a :class:`DataType`."""
    if isinstance(annotation, DataType):
        return annotation
    try:
        return _resolve_cached(annotation)
    except TypeError:  # unhashable annotation objects
        return _resolve(annotation, where)
    except InvalidDefinitionError as error:
        if where is not None and error.where is None:
            raise InvalidDefinitionError(error.problem, where=where, fix=error.fix) from None
        raise


@lru_cache(maxsize=1024)
def _resolve_cached(annotation: Any) -> DataType:
    return _resolve(annotation, None)


def _resolve(annotation: Any, where: str | None) -> DataType:
    if isinstance(annotation, DataType):
        return annotation
    if annotation is None or annotation is type(None):
        return Nothing
    if annotation is Any or annotation is object:
        return Any_
    scalar = _SCALARS.get(annotation)
    if scalar is not None:
        return scalar
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _resolve(args[0], where)
    if origin in (typing.Union, types.UnionType):
        members = tuple(a for a in args if a is not type(None))
        inner = (
            _resolve(members[0], where)
            if len(members) == 1
            else _union_of(tuple(_resolve(m, where) for m in members))
        )
        return _optional_of(inner) if len(members) < len(args) else inner
    if annotation in (list, typing.List) or origin is list:  # noqa: UP006
        return _list_of(_resolve(args[0], where) if args else Any_, list, "list")
    if annotation in (set, typing.Set) or origin is set:  # noqa: UP006
        return _list_of(_resolve(args[0], where) if args else Any_, set, "set")
    if annotation in (frozenset, typing.FrozenSet) or origin is frozenset:  # noqa: UP006
        return _list_of(_resolve(args[0], where) if args else Any_, frozenset, "frozenset")
    if annotation in (tuple, typing.Tuple) or origin is tuple:  # noqa: UP006
        return _tuple_of(tuple(_resolve(a, where) for a in args if a is not Ellipsis), args)
    if annotation in (dict, typing.Dict) or origin is dict:  # noqa: UP006
        key, val = (_resolve(args[0], where), _resolve(args[1], where)) if args else (Any_, Any_)
        return _dict_of(key, val)
    if origin is typing.Literal:
        allowed = frozenset(args)
        return DataType._builtin(
            f"Literal[{', '.join(repr(a) for a in args)}]",
            lambda v: v in allowed,
            "literal",
        )
    if origin is not None and isinstance(origin, type):
        # Other generics (Sequence[int], Iterator[str], ...): check the container only.
        return _instance_of(origin)
    if isinstance(annotation, type):
        return _instance_of(annotation)
    raise InvalidDefinitionError(
        f"{annotation!r} is not a type dagwright can check.",
        where=where,
        fix="annotate with a Python type (int, list[str], a class), a DataType, or Any.",
    )


def _tuple_of(members: tuple[DataType, ...], args: tuple[Any, ...]) -> DataType:
    if not args or Ellipsis in args:
        inner = members[0] if members else Any_
        return _list_of(inner, tuple, "tuple")
    checks = [_value_check(m) for m in members]

    def check(v: Any) -> bool:
        return (
            isinstance(v, tuple)
            and len(v) == len(checks)
            and all(c(x) for c, x in zip(checks, v, strict=True))
        )

    return DataType._builtin(
        f"tuple[{', '.join(m.name for m in members)}]", check, "tuple", members, tuple
    )
