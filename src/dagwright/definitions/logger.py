"""Logger definitions: where a run's log lines go besides the event log (console, files...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, overload

from ..config.schema import as_field
from ..config.types import Enum, EnumValue, Field
from ..errors import InvalidDefinitionError

__all__ = ["BUILTIN_LOGGER_CONFIG", "LOG_LEVEL_NAMES", "LoggerDefinition", "logger"]

LOG_LEVEL_NAMES = ("DEBUG", "INFO", "WARNING", "WARN", "ERROR", "CRITICAL", "FATAL")

# The config of the built-in loggers (the colored console and the JSON console):
# ``loggers.<name>.config`` in run config.
BUILTIN_LOGGER_CONFIG = Field(
    {
        "log_level": Field(
            Enum("LogLevel", [EnumValue(name) for name in LOG_LEVEL_NAMES]),
            is_required=False,
            description="The lowest level written (default: $DAGWRIGHT_LOG_LEVEL, else INFO).",
        ),
        "name": Field(
            str,
            is_required=False,
            description="The logger name shown in each line (default: dagwright).",
        ),
    },
    is_required=False,
)


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
