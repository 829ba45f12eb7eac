"""Config schemas as data and as an editable starting point.

:func:`describe` gives a JSON-ready description of a config type (what the
API and the launchpad use to validate and to build forms); with
``defaults=False`` it marks which fields have a default without copying
the value (a job's hardcoded config becomes its schema's defaults, and
config values can be secrets: snapshots keep only the shape).
:func:`scaffold` writes the YAML a user would start editing: every required
field with a placeholder, every field with a default at its default, each
commented with its type.
"""

from __future__ import annotations

import enum
import json
import re
from typing import Any

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
)

__all__ = ["describe", "describe_field", "scaffold", "placeholder"]

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Words YAML 1.1 reads as booleans or null, which must stay quoted as keys.
_YAML_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "y", "n", "null"})


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return repr(value)


def describe(config_type: ConfigType, *, defaults: bool = True) -> dict[str, Any]:
    """A JSON-ready description of ``config_type`` (kinds, fields, defaults, descriptions).

    ``defaults=False`` replaces each field's ``default`` with ``has_default: true``.
    """
    # Shapes first, then Any: the kinds a job's run config schema is mostly made of.
    if isinstance(config_type, Shape):
        return {
            "kind": config_type.kind,
            "description": config_type.description,
            "fields": [
                _field(field, defaults, {"name": name})
                for name, field in config_type.fields.items()
            ],
        }
    if type(config_type) is AnyType:
        return {"kind": "any"}
    if isinstance(config_type, Scalar):
        return {"kind": "scalar", "type": config_type.name}
    if isinstance(config_type, Source):
        return {"kind": "source", "type": config_type.name, "scalar": config_type.scalar_type.name}
    if isinstance(config_type, ScalarUnion):
        return {
            "kind": "scalar_union",
            "scalar": describe(config_type.scalar_type, defaults=defaults),
            "non_scalar": describe(config_type.non_scalar_type, defaults=defaults),
        }
    if isinstance(config_type, Noneable | Array | InputValue):
        return {"kind": config_type.kind, "inner": describe(config_type.inner, defaults=defaults)}
    if isinstance(config_type, Map):
        return {
            "kind": "map",
            "key": config_type.key_type.name,
            "key_label": config_type.key_label_name,
            "inner": describe(config_type.inner, defaults=defaults),
        }
    if isinstance(config_type, Enum):
        return {
            "kind": "enum",
            "name": config_type.name,
            "values": [
                {"value": v.config_value, "description": v.description}
                for v in config_type.values.values()
            ],
        }
    return {"kind": "any"}


def describe_field(field: Field, *, defaults: bool = True) -> dict[str, Any]:
    """A JSON-ready description of one field: required-ness, description, type, default.

    ``defaults=False`` gives ``has_default: true`` instead of the default value.
    """
    return _field(field, defaults, {})


def _field(field: Field, defaults: bool, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` completed with the description of ``field``."""
    data["required"] = field.is_required
    data["description"] = field.description
    data["type"] = describe(field.config_type, defaults=defaults)
    if field.has_default:
        if defaults:
            data["default"] = _jsonable(field.default_value)
        else:
            data["has_default"] = True
    return data


# --------------------------------------------------------------------------
# Scaffolding


def placeholder(config_type: ConfigType) -> Any:
    """A value of the right kind for a required field that has no default."""
    if isinstance(config_type, Scalar | Source):
        scalar = config_type if isinstance(config_type, Scalar) else config_type.scalar_type
        return {"int": 0, "float": 0.0, "str": "", "bool": False}[scalar.name]
    if isinstance(config_type, Array):
        return []
    if isinstance(config_type, Map | Permissive):
        return {}
    if isinstance(config_type, Enum):
        return next(iter(config_type.values))
    if isinstance(config_type, ScalarUnion):
        return placeholder(config_type.scalar_type)
    if isinstance(config_type, InputValue):
        return placeholder(config_type.inner)
    return None


def _yaml_scalar(value: Any) -> str:
    # JSON's scalars, lists and dicts are valid YAML flow style.
    return json.dumps(_jsonable(value))


def _yaml_key(key: Any) -> str:
    text = str(key)
    plain = _PLAIN_KEY.fullmatch(text) and text.lower() not in _YAML_WORDS
    return text if plain else json.dumps(text)


def scaffold(config_type: ConfigType) -> str:
    """The YAML a user would start from: required fields and defaults, each with a comment."""
    lines = _emit(config_type, 0)
    return "\n".join(lines) + "\n" if lines else "{}\n"


def _emit(config_type: ConfigType, indent: int) -> list[str]:
    """Lines for the fields of a shape: required ones, and ones with a default."""
    if not isinstance(config_type, Shape) or isinstance(config_type, Selector):
        return []
    pad = " " * indent
    lines: list[str] = []
    for name, field in config_type.fields.items():
        inner = field.config_type
        if _is_preset(field):
            # A section given a value as a whole (a job's hardcoded config).
            nested = _dump(field.default_value, indent + 2)
            comment = _comment(field, "default shown")
            lines.append(f"{pad}{name}:" + ("" if nested else " {}") + f"  # {comment}")
            lines.extend(nested)
        elif isinstance(inner, Selector):
            if field.is_required:
                lines.extend(_emit_selector(name, field, inner, indent))
        elif isinstance(inner, Shape):
            # A section: shown when something in it must be filled in, or was preset.
            if field.is_required or _holds_preset(inner):
                nested = _emit(inner, indent + 2)
                lines.append(f"{pad}{name}:" + ("" if nested else " {}") + f"  # {_comment(field)}")
                lines.extend(nested)
        elif field.has_default:
            lines.append(f"{pad}{name}: {_yaml_scalar(field.default_value)}  # {_leaf(field)}")
        elif field.is_required:
            lines.append(f"{pad}{name}: {_yaml_scalar(placeholder(inner))}  # {_leaf(field)}")
    return lines


def _emit_selector(name: str, field: Field, selector: Selector, indent: int) -> list[str]:
    """A required selector: its first choice filled in, the others named in the comment."""
    pad = " " * indent
    choice = next(iter(selector.fields))
    chosen = selector.fields[choice].config_type
    alternatives = ", ".join(selector.fields)
    lines = [f"{pad}{name}:  # {_comment(field, 'choose one of: ' + alternatives)}"]
    if isinstance(chosen, Shape):
        nested = _emit(chosen, indent + 4)
        lines.append(f"{pad}  {choice}:" + ("" if nested else " {}"))
        lines.extend(nested)
    else:
        lines.append(f"{pad}  {choice}: {_yaml_scalar(placeholder(chosen))}")
    return lines


def _holds_preset(shape: Shape) -> bool:
    """Whether a section has a field, at any depth, that is a whole section with a default."""
    for field in shape.fields.values():
        inner = field.config_type
        if _is_preset(field) or (isinstance(inner, Shape) and _holds_preset(inner)):
            return True
    return False


def _is_preset(field: Field) -> bool:
    """A section with a default as a whole (not a selector's default choice)."""
    inner = field.config_type
    return isinstance(inner, Shape) and not isinstance(inner, Selector) and field.has_default


def _dump(value: Any, indent: int) -> list[str]:
    """A section's default (a mapping) as block YAML, so a user can edit it in place."""
    pad = " " * indent
    if not isinstance(value, dict):
        return []
    lines: list[str] = []
    for key, item in value.items():
        if isinstance(item, dict) and item:
            lines.append(f"{pad}{_yaml_key(key)}:")
            lines.extend(_dump(item, indent + 2))
        else:
            lines.append(f"{pad}{_yaml_key(key)}: {_yaml_scalar(item)}")
    return lines


def _comment(field: Field, extra: str | None = None) -> str:
    parts = ["required" if field.is_required else "optional"]
    if extra:
        parts.append(extra)
    if field.description:
        parts.append(field.description)
    return "; ".join(parts)


def _leaf(field: Field) -> str:
    parts = [field.config_type.describe(), "required" if field.is_required else "default"]
    if field.description:
        parts.append(field.description)
    return ", ".join(parts)
