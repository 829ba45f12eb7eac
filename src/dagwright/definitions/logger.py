"""Logger definitions: where a run's log lines go besides the event log (console, files...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, overload

from ..config.schema import as_field
from ..errors import InvalidDefinitionError

__all__ = ["LoggerDefinition", "logger"]


class LoggerDefinition:
    """Builds a :class:`logging.Logger` for a run: ``logger_fn(init_context)`` returns it."""

    __slots__ = ("config_schema", "description", "logger_fn", "config_field")

    def __init__(
        self,
        logger_fn: Callable[[Any], Any],
        config_schema: Any = None,
        description: str | None = None,
    ) -> None:
        if not callable(logger_fn):
            raise InvalidDefinitionError(
                f"logger_fn must be a function, got {type(logger_fn).__name__}.",
                where="LoggerDefinition",
            )
        self.logger_fn = logger_fn
        self.config_schema = config_schema
        self.config_field = as_field(config_schema, "logger")
        self.description = description

    def __repr__(self) -> str:
        return f"LoggerDefinition({getattr(self.logger_fn, '__name__', '?')})"


@overload
def logger(logger_fn: Callable[[Any], Any]) -> LoggerDefinition: ...
@overload
def logger(
    logger_fn: None = None, *, config_schema: Any = None, description: str | None = None
) -> Callable[[Callable[[Any], Any]], LoggerDefinition]: ...
def logger(
    logger_fn: Callable[[Any], Any] | None = None,
    *,
    config_schema: Any = None,
    description: str | None = None,
) -> LoggerDefinition | Callable[[Callable[[Any], Any]], LoggerDefinition]:
    """Turn a function (init context -> ``logging.Logger``) into a logger definition."""

    def build(fn: Callable[[Any], Any]) -> LoggerDefinition:
        return LoggerDefinition(fn, config_schema, description if description else fn.__doc__)

    if logger_fn is not None:
        return build(logger_fn)
    return build
