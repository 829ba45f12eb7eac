"""Config mapping: a narrower config interface that is translated into a job's full config."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, overload

from ..errors import InvalidDefinitionError
from .schema import as_field

__all__ = ["ConfigMapping", "config_mapping"]


class ConfigMapping:
    """Translates outer config (validated against ``config_schema``) into a job's run config.

    ``config_fn(outer_config)`` returns the full run config of the job
    (``{"ops": {...}, "resources": {...}}``); users launching the job only
    see the outer schema.
    """

    __slots__ = (
        "config_fn",
        "config_schema",
        "description",
        "receive_processed_config_values",
        "config_field",
    )

    def __init__(
        self,
        config_fn: Callable[[Any], Any],
        config_schema: Any = None,
        receive_processed_config_values: bool = True,
        description: str | None = None,
    ) -> None:
        if not callable(config_fn):
            raise InvalidDefinitionError(
                f"config_fn must be a function, got {type(config_fn).__name__}.",
                where="ConfigMapping",
            )
        self.config_fn = config_fn
        self.config_schema = config_schema
        self.config_field = as_field(config_schema, "config mapping")
        self.receive_processed_config_values = receive_processed_config_values
        self.description = description

    def resolve(self, outer: Any) -> Any:
        """The inner run config for ``outer`` (what ``config_fn`` returns)."""
        return self.config_fn(outer)

    def __repr__(self) -> str:
        return f"ConfigMapping({getattr(self.config_fn, '__name__', '?')})"


@overload
def config_mapping(config_fn: Callable[[Any], Any]) -> ConfigMapping: ...
@overload
def config_mapping(
    config_fn: None = None,
    *,
    config_schema: Any = None,
    receive_processed_config_values: bool = True,
) -> Callable[[Callable[[Any], Any]], ConfigMapping]: ...
def config_mapping(
    config_fn: Callable[[Any], Any] | None = None,
    *,
    config_schema: Any = None,
    receive_processed_config_values: bool = True,
) -> ConfigMapping | Callable[[Callable[[Any], Any]], ConfigMapping]:
    """Turn a function from outer config to a job's run config into a :class:`ConfigMapping`."""

    def build(fn: Callable[[Any], Any]) -> ConfigMapping:
        return ConfigMapping(
            fn,
            config_schema=config_schema,
            receive_processed_config_values=receive_processed_config_values,
            description=fn.__doc__,
        )

    if config_fn is not None:
        return build(config_fn)
    return build
