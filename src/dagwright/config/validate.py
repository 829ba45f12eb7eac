"""Checking config values against config types, filling defaults, reading env vars.

:func:`validate` walks a value and its type together and collects *every*
problem (missing fields, unknown fields with a did-you-mean, wrong types,
selectors with zero or two choices, unset environment variables), each with
its dotted path. It never raises for bad input; it returns what it resolved
and the list of problems.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping
from typing import Any

from .._sentinel import NO_VALUE
from ..errors import ConfigProblem, InvalidDefinitionError, did_you_mean
from .types import (
    AnyType,
    Array,
    ConfigType,
    Enum,
    Field,
    Map,
    Noneable,
    Permissive,
    Scalar,
    ScalarUnion,
    Selector,
    Shape,
    Source,
    field_names,
)

__all__ = ["validate", "validate_field", "check_default", "is_optional", "resolved_default"]

_MISSING: Any = NO_VALUE


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_name(value: Any) -> str:
    return type(value).__name__


def is_optional(config_type: ConfigType) -> bool:
    """Whether a value of this type may be left out entirely (everything in it is optional)."""
    if isinstance(config_type, Noneable):
        return True
    if isinstance(config_type, Selector):
        return not config_type.is_required
    if isinstance(config_type, Shape):
        return all(
            not f.is_required or is_optional(f.config_type) for f in config_type.fields.values()
        )
    return False


def resolved_default(field: Field, path: str, problems: list[ConfigProblem]) -> Any:
    """The value an absent field takes: its default (with nested defaults filled) or NO_VALUE."""
    if field.has_default:
        return validate(field.config_type, copy.deepcopy(field.default_value), path, problems)
    if isinstance(field.config_type, Noneable):
        return None
    if isinstance(field.config_type, Shape) and is_optional(field.config_type):
        return validate(field.config_type, {}, path, problems)
    return NO_VALUE


def validate_field(field: Field, value: Any, path: str = "") -> tuple[Any, list[ConfigProblem]]:
    """Check ``value`` (NO_VALUE when absent) against a field; return (resolved, problems)."""
    problems: list[ConfigProblem] = []
    if value is NO_VALUE:
        resolved = resolved_default(field, path, problems)
        if resolved is NO_VALUE and field.is_required and not is_optional(field.config_type):
            problems.append(_missing(path, field))
        return resolved, problems
    return validate(field.config_type, value, path, problems), problems


def _missing(path: str, field: Field) -> ConfigProblem:
    what = field.config_type.describe()
    description = f" ({field.description})" if field.description else ""
    return ConfigProblem(
        path,
        f"is required but was not given. Expected {what}{description}.",
    )


def validate(config_type: ConfigType, value: Any, path: str, problems: list[ConfigProblem]) -> Any:
    """Check ``value`` against ``config_type``; append problems; return the resolved value."""
    if isinstance(config_type, AnyType):
        return value
    if isinstance(config_type, Scalar):
        if config_type.accepts(value):
            return float(value) if config_type.name == "float" else value
        problems.append(_wrong(path, config_type.describe(), value))
        return value
    if isinstance(config_type, Noneable):
        return None if value is None else validate(config_type.inner, value, path, problems)
    if isinstance(config_type, Source):
        return _source(config_type, value, path, problems)
    if isinstance(config_type, ScalarUnion):
        if config_type.scalar_type.accepts(value):
            return value
        if isinstance(value, Mapping | list):
            return validate(config_type.non_scalar_type, value, path, problems)
        problems.append(_wrong(path, config_type.describe(), value))
        return value
    if isinstance(config_type, Array):
        if not isinstance(value, list | tuple):
            problems.append(_wrong(path, config_type.describe(), value))
            return value
        return [
            validate(config_type.inner, item, f"{path}[{index}]", problems)
            for index, item in enumerate(value)
        ]
    if isinstance(config_type, Enum):
        return _enum(config_type, value, path, problems)
    if isinstance(config_type, Map):
        return _map(config_type, value, path, problems)
    if isinstance(config_type, Selector):
        return _selector(config_type, value, path, problems)
    if isinstance(config_type, Shape):
        return _shape(config_type, value, path, problems)
    raise TypeError(f"unknown config type {config_type!r}")  # every ConfigType is handled above


def _wrong(path: str, expected: str, value: Any) -> ConfigProblem:
    return ConfigProblem(path, f"expected {expected} but got {_type_name(value)} ({_show(value)}).")


def _shape(shape: Shape, value: Any, path: str, problems: list[ConfigProblem]) -> Any:
    if value is None and is_optional(shape):
        value = {}
    if not isinstance(value, Mapping):
        problems.append(_wrong(path, shape.describe(), value))
        return value
    fields = shape.fields
    resolved: dict[str, Any] = {}
    for key, item in value.items():
        field = fields.get(key)
        if field is None:
            if isinstance(shape, Permissive):
                resolved[key] = item
            else:
                problems.append(_unknown(_join(path, key), key, fields))
            continue
        resolved[key] = validate(field.config_type, item, _join(path, key), problems)
    for key, field in fields.items():
        if key in value:
            continue
        filled = resolved_default(field, _join(path, key), problems)
        if filled is not NO_VALUE:
            resolved[key] = filled
        elif field.is_required:
            problems.append(_missing(_join(path, key), field))
    return resolved


def _unknown(path: str, key: object, fields: Mapping[str, Field]) -> ConfigProblem:
    hint = did_you_mean(str(key), fields)
    known = field_names(fields)
    return ConfigProblem(path, f"is not a field here.{hint} Fields: {known}.")


def _selector(selector: Selector, value: Any, path: str, problems: list[ConfigProblem]) -> Any:
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        problems.append(_wrong(path, selector.describe(), value))
        return value
    choices = field_names(selector.fields)
    if not value:
        if not selector.is_required:
            ((name, field),) = selector.fields.items()
            return {name: resolved_default(field, _join(path, name), problems)}
        problems.append(ConfigProblem(path, f"must choose exactly one of {choices}; got none."))
        return value
    if len(value) > 1:
        given = " and ".join(f"'{k}'" for k in value)
        problems.append(ConfigProblem(path, f"must choose exactly one of {choices}; got {given}."))
        return value
    ((key, item),) = value.items()
    chosen = selector.fields.get(key)
    if chosen is None:
        problems.append(_unknown(_join(path, key), key, selector.fields))
        return value
    field = chosen
    if item is None and is_optional(field.config_type):
        item = {}
    return {key: validate(field.config_type, item, _join(path, key), problems)}


def _map(config_type: Map, value: Any, path: str, problems: list[ConfigProblem]) -> Any:
    if not isinstance(value, Mapping):
        problems.append(_wrong(path, config_type.describe(), value))
        return value
    resolved = {}
    for key, item in value.items():
        if not config_type.key_type.accepts(key):
            label = config_type.key_label_name or "key"
            problems.append(
                ConfigProblem(
                    _join(path, key),
                    f"the {label} {key!r} is not a {config_type.key_type.describe()}.",
                )
            )
            continue
        resolved[key] = validate(config_type.inner, item, _join(path, key), problems)
    return resolved


def _enum(config_type: Enum, value: Any, path: str, problems: list[ConfigProblem]) -> Any:
    if isinstance(value, str) and value in config_type.values:
        return config_type.to_python(value)
    names = field_names(config_type.values)
    hint = did_you_mean(str(value), config_type.values) if isinstance(value, str) else ""
    problems.append(
        ConfigProblem(
            path,
            f"{_show(value)} is not one of {config_type.name}'s values.{hint} Values: {names}.",
        )
    )
    return value


def _source(source: Source, value: Any, path: str, problems: list[ConfigProblem]) -> Any:
    scalar = source.scalar_type
    if scalar.accepts(value):
        return value
    if isinstance(value, Mapping) and set(value) == {"env"} and isinstance(value["env"], str):
        name = value["env"]
        raw = os.environ.get(name)
        if raw is None:
            problems.append(
                ConfigProblem(
                    f"{path}.env" if path else "env",
                    f"environment variable '{name}' is not set.",
                    f"Set {name}, or give the value directly instead of {{env: {name}}}.",
                )
            )
            return value
        return _from_env(scalar, name, raw, path, problems)
    problems.append(
        ConfigProblem(
            path,
            f"expected {scalar.describe()} or {{env: VARIABLE_NAME}} but got "
            f"{_type_name(value)} ({_show(value)}).",
        )
    )
    return value


def _from_env(scalar: Scalar, name: str, raw: str, path: str, problems: list[ConfigProblem]) -> Any:
    if scalar.name == "str":
        return raw
    if scalar.name == "int":
        try:
            return int(raw)
        except ValueError:
            pass
    elif scalar.name == "bool":
        lowered = raw.strip().lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no"):
            return False
    problems.append(
        ConfigProblem(
            path,
            f"environment variable '{name}' is {raw!r}, which is not a {scalar.describe()}.",
        )
    )
    return raw


def check_default(config_type: ConfigType, default: Any) -> None:
    """Raise InvalidDefinitionError if ``default`` is not a valid value of ``config_type``."""
    problems: list[ConfigProblem] = []
    validate(config_type, copy.deepcopy(default), "", problems)
    if problems:
        details = "; ".join(str(p) for p in problems)
        raise InvalidDefinitionError(
            f"the default value {_show(default)} does not fit the field's type "
            f"{config_type.describe()}: {details}",
            where="Field",
            fix="give a default of the field's type.",
        )
