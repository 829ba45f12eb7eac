"""Checking config values against config types, filling defaults, reading env vars.

:func:`validate` walks a value and its type together and collects *every*
problem (missing fields, unknown fields with a did-you-mean, wrong types,
selectors with zero or two choices, unset environment variables), each with
its dotted path. It never raises for bad input: it appends to the problem
list and returns what it resolved.
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
    InputValue,
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

__all__ = ["validate", "validate_field", "check_default", "absent_value"]

MISSING = "MISSING_REQUIRED_FIELD"
UNKNOWN = "FIELD_NOT_DEFINED"
MISMATCH = "RUNTIME_TYPE_MISMATCH"
SELECTOR = "SELECTOR_FIELD_ERROR"
ENV = "FAILED_POST_PROCESSING"


def _join(path: str, key: object) -> str:
    return f"{path}.{key}" if path else str(key)


def _show(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 60 else text[:57] + "..."


def absent_value(field: Field, path: str, problems: list[ConfigProblem]) -> Any:
    """The value an absent field takes: its default (with nested defaults filled), the implicit
    default of its type, or NO_VALUE (required: a problem is added; optional: left out)."""
    if field.has_default:
        return validate(field.config_type, copy.deepcopy(field.default_value), path, problems)
    config_type = field.config_type
    if field.is_required:
        if isinstance(config_type, Shape) and config_type.required:
            # Name what is missing inside, not just the outermost absent key.
            return validate(config_type, {}, path, problems)
        problems.append(_missing(path, field))
        return NO_VALUE
    if config_type.has_implicit_default:
        return _implicit_default(config_type, path, problems)
    return NO_VALUE


def _implicit_default(config_type: ConfigType, path: str, problems: list[ConfigProblem]) -> Any:
    if isinstance(config_type, Noneable):
        return None
    if isinstance(config_type, InputValue):
        return _implicit_default(config_type.inner, path, problems)
    return validate(config_type, {}, path, problems)


def validate_field(field: Field, value: Any, path: str = "") -> tuple[Any, list[ConfigProblem]]:
    """Check ``value`` (NO_VALUE when absent) against a field; return (resolved, problems)."""
    problems: list[ConfigProblem] = []
    if value is NO_VALUE:
        return absent_value(field, path, problems), problems
    return validate(field.config_type, value, path, problems), problems


def _missing(path: str, field: Field) -> ConfigProblem:
    description = f" ({field.description})" if field.description else ""
    return ConfigProblem(
        path,
        f"is required but was not given. Expected {field.config_type.describe()}{description}.",
        reason=MISSING,
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
    if isinstance(config_type, InputValue):
        if isinstance(value, Mapping) and len(value) == 1 and "value" in value:
            value = value["value"]
        return validate(config_type.inner, value, path, problems)
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
    return ConfigProblem(
        path,
        f"expected {expected} but got {type(value).__name__} ({_show(value)}).",
        reason=MISMATCH,
    )


def _shape(shape: Shape, value: Any, path: str, problems: list[ConfigProblem]) -> Any:
    if value is None and shape.has_implicit_default:
        value = {}  # an empty YAML mapping ("my_op:") means "nothing to say"
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
        if key not in value:
            filled = absent_value(field, _join(path, key), problems)
            if filled is not NO_VALUE:
                resolved[key] = filled
    return resolved


def _unknown(path: str, key: object, fields: Mapping[str, Field]) -> ConfigProblem:
    return ConfigProblem(
        path,
        f"is not a field here.{did_you_mean(str(key), fields)} Fields: {field_names(fields)}.",
        reason=UNKNOWN,
    )


def _selector(selector: Selector, value: Any, path: str, problems: list[ConfigProblem]) -> Any:
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        problems.append(_wrong(path, selector.describe(), value))
        return value
    choices = field_names(selector.fields)
    if not value:
        if selector.has_implicit_default:
            ((name, field),) = selector.fields.items()
            chosen_value = absent_value(field, _join(path, name), problems)
            return {} if chosen_value is NO_VALUE else {name: chosen_value}
        problems.append(
            ConfigProblem(path, f"must choose exactly one of {choices}; got none.", reason=SELECTOR)
        )
        return value
    if len(value) > 1:
        given = " and ".join(f"'{k}'" for k in value)
        problems.append(
            ConfigProblem(
                path, f"must choose exactly one of {choices}; got {given}.", reason=SELECTOR
            )
        )
        return value
    ((key, item),) = value.items()
    chosen = selector.fields.get(key)
    if chosen is None:
        problems.append(_unknown(_join(path, key), key, selector.fields))
        return value
    if item is None and isinstance(chosen.config_type, Shape):
        item = {}  # "choice:" with nothing under it: the choice's fields at their defaults
    return {key: validate(chosen.config_type, item, _join(path, key), problems)}


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
                    reason=MISMATCH,
                )
            )
            continue
        resolved[key] = validate(config_type.inner, item, _join(path, key), problems)
    return resolved


def _enum(config_type: Enum, value: Any, path: str, problems: list[ConfigProblem]) -> Any:
    if isinstance(value, str) and value in config_type.values:
        return config_type.to_python(value)
    hint = did_you_mean(value, config_type.values) if isinstance(value, str) else ""
    problems.append(
        ConfigProblem(
            path,
            f"{_show(value)} is not one of {config_type.name}'s values.{hint} "
            f"Values: {field_names(config_type.values)}.",
            reason=MISMATCH,
        )
    )
    return value


def _source(source: Source, value: Any, path: str, problems: list[ConfigProblem]) -> Any:
    scalar = source.scalar_type
    if scalar.accepts(value):
        return float(value) if scalar.name == "float" else value
    if isinstance(value, Mapping) and set(value) == {"env"} and isinstance(value["env"], str):
        name = value["env"]
        raw = os.environ.get(name)
        if raw is None:
            problems.append(
                ConfigProblem(
                    path,
                    f"environment variable '{name}' is not set.",
                    f"Set {name}, or give the value directly instead of {{env: {name}}}.",
                    reason=ENV,
                )
            )
            return value
        return _from_env(scalar, name, raw, path, problems)
    problems.append(
        ConfigProblem(
            path,
            f"expected {scalar.describe()} or {{env: VARIABLE_NAME}} but got "
            f"{type(value).__name__} ({_show(value)}).",
            reason=MISMATCH,
        )
    )
    return value


_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off", ""})


def _from_env(scalar: Scalar, name: str, raw: str, path: str, problems: list[ConfigProblem]) -> Any:
    if scalar.name == "str":
        return raw
    if scalar.name == "int":
        try:
            return int(raw.strip())
        except ValueError:
            pass
    elif scalar.name == "bool":
        lowered = raw.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    problems.append(
        ConfigProblem(
            path,
            f"environment variable '{name}' is {raw!r}, which is not a {scalar.describe()}.",
            reason=ENV,
        )
    )
    return raw


def check_default(config_type: ConfigType, default: Any) -> None:
    """Raise InvalidDefinitionError if ``default`` is not a valid value of ``config_type``.

    A default may leave out fields that have defaults of their own, and may
    name environment variables that are only set where runs happen.
    """
    problems: list[ConfigProblem] = []
    validate(config_type, copy.deepcopy(default), "", problems)
    problems = [p for p in problems if p.reason != ENV]
    if problems:
        details = "; ".join(str(p) for p in problems)
        raise InvalidDefinitionError(
            f"the default value {_show(default)} does not fit the field's type "
            f"{config_type.describe()}: {details}",
            where="Field",
            fix="give a default of the field's type.",
        )
