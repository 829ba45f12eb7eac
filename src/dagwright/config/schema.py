"""Reading a user's ``config_schema=`` argument as a config field."""

from __future__ import annotations

from typing import Any

from .types import AnyType, Field, as_config_type

__all__ = ["as_config_type", "as_field", "ANY_OPTIONAL"]


ANY_OPTIONAL = Field(AnyType(), is_required=False)
"""The config of something declared without a schema: anything, or nothing."""


def as_field(schema: Any, where: str | None = None) -> Field:
    """The field a ``config_schema=`` argument stands for (``None``: anything, optional)."""
    if schema is None:
        return ANY_OPTIONAL
    if isinstance(schema, Field):
        return schema
    return Field(as_config_type(schema, where))
