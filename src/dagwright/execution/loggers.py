"""Loggers: where a run's lines go besides the event log, built once per run.

A run starts every logger its job declares (``logger_defs``), whether or not
run config mentions it; a job that declares none gets :func:`default_loggers`,
the colored console as ``console`` (with :func:`default_system_loggers`'
config under whatever ``loggers.console.config`` gives). The built-in
loggers, :data:`colored_console_logger` and :data:`json_console_logger` (one
JSON object per line), write to stderr themselves, with no :mod:`logging`
machinery in between, and take ``log_level`` and ``name`` from
``loggers.<name>.config``. A user logger (``@logger``) returns a
:class:`logging.Logger`, which gets each line as a record.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

import msgspec

from ..definitions.logger import BUILTIN_LOGGER_CONFIG, LoggerDefinition
from ..records import ErrorInfo, EventLogEntry
from ._boundary import call_user
from .logs import BuiltinSink, ConsoleSink, LogSink, console_level, level_name

if TYPE_CHECKING:
    from ..definitions.job import JobDefinition
    from ..storage.instance import Instance

__all__ = [
    "InitLoggerContext",
    "JsonSink",
    "PythonLoggerSink",
    "build_init_logger_context",
    "build_sinks",
    "colored_console_logger",
    "default_loggers",
    "default_system_loggers",
    "json_console_logger",
]


class InitLoggerContext:
    """What a logger function receives: its config, its definition, the job and the run."""

    __slots__ = ("job_def", "logger_config", "logger_def", "run_id")

    def __init__(
        self,
        logger_config: Any,
        logger_def: LoggerDefinition | None = None,
        job_def: JobDefinition | None = None,
        run_id: str | None = None,
    ) -> None:
        self.logger_config = logger_config
        self.logger_def = logger_def
        self.job_def = job_def
        self.run_id = run_id

    @property
    def job_name(self) -> str | None:
        return self.job_def.name if self.job_def is not None else None

    def __repr__(self) -> str:
        return f"InitLoggerContext(run_id={self.run_id!r}, job={self.job_name!r})"


def build_init_logger_context(
    logger_config: Any = None, job_def: JobDefinition | None = None
) -> InitLoggerContext:
    """An init context to call a logger function in a unit test (no run, ``run_id`` None)."""
    return InitLoggerContext(logger_config, None, job_def, None)


# --------------------------------------------------------------------------
# Sinks


class JsonSink(BuiltinSink):
    """Writes each line to stderr as one JSON object.

    Keys: ``timestamp`` (ISO 8601, UTC, milliseconds), ``level``, ``name``,
    ``run_id``, ``job_name``, ``step_key`` (null for run-level lines),
    ``message``; for an event also ``event_type``, and for a failure event
    ``error`` (``cls_name``, ``message``, ``stack`` of the user's frames, and
    its ``cause``/``context``).
    """

    __slots__ = ("_level", "_name", "_stream")

    def __init__(
        self, level: int = 20, stream: IO[str] | None = None, name: str = "dagwright"
    ) -> None:
        self._level = level
        self._stream = stream
        self._name = name

    @property
    def level(self) -> int:
        return self._level

    def handle(self, entry: EventLogEntry) -> None:
        if entry.level < self._level:
            return
        (self._stream or sys.stderr).write(json_line(entry, self._name) + "\n")


_JSON = msgspec.json.Encoder()


def json_line(entry: EventLogEntry, name: str = "dagwright") -> str:
    """The JSON object :class:`JsonSink` writes for ``entry`` (one line, no newline)."""
    stamp = entry.timestamp
    millis = int(stamp * 1000) % 1000
    record: dict[str, Any] = {
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(stamp)) + f".{millis:03d}Z",
        "level": level_name(entry.level),
        "name": name,
        "run_id": entry.run_id,
        "job_name": entry.job_name,
        "step_key": entry.step_key,
        "message": entry.user_message,
    }
    event = entry.event
    if event is not None:
        record["event_type"] = event.event_type_value
        error = getattr(event.event_specific_data, "error", None)
        if isinstance(error, ErrorInfo):
            record["error"] = error
    return _JSON.encode(record).decode()


class PythonLoggerSink:
    """Hands lines to a :class:`logging.Logger` (what user-defined loggers return).

    The logger's handlers are user code: one that raises is reported once on
    stderr and then left out, so a broken logger never fails a run.
    """

    __slots__ = ("_broken", "_logger", "_name", "level")

    def __init__(self, logger: Any, name: str) -> None:
        self._logger = logger
        self._name = name
        self._broken = False
        self.level = logger.getEffectiveLevel()

    def handle(self, entry: EventLogEntry) -> None:
        if self._broken:
            return
        event = entry.event
        text = entry.user_message
        if event is not None:
            text = f"{event.event_type_value} - {text}"
        prefix = f"{entry.job_name or 'system'} - {entry.run_id}"
        if entry.step_key:
            prefix += f" - {entry.step_key}"
        try:
            self._logger.log(entry.level, f"{prefix} - {text}")
        except Exception as error:
            self._broken = True
            sys.stderr.write(
                f"dagwright: logger '{self._name}' raised {type(error).__name__}: {error}; "
                "it gets no more lines from this run.\n"
            )


# --------------------------------------------------------------------------
# The built-in loggers


def _builtin_settings(init_context: InitLoggerContext) -> tuple[int, str]:
    config = init_context.logger_config
    settings: Mapping[str, Any] = config if isinstance(config, Mapping) else {}
    return console_level(settings.get("log_level")), settings.get("name") or "dagwright"


def _colored_console(init_context: InitLoggerContext) -> ConsoleSink:
    """The default logger: one line per entry on stderr, colored on a terminal."""
    level, name = _builtin_settings(init_context)
    return ConsoleSink(level, name=name)


def _json_console(init_context: InitLoggerContext) -> JsonSink:
    """One JSON object per line on stderr, for log collectors."""
    level, name = _builtin_settings(init_context)
    return JsonSink(level, name=name)


colored_console_logger = LoggerDefinition(
    _colored_console,
    config_schema=BUILTIN_LOGGER_CONFIG,
    description="The default colored console logger (stderr).",
)
json_console_logger = LoggerDefinition(
    _json_console,
    config_schema=BUILTIN_LOGGER_CONFIG,
    description="A JSON console logger: one JSON object per line (stderr).",
)


def default_loggers() -> Mapping[str, LoggerDefinition]:
    """The loggers a job has when it defines none: ``{"console": colored_console_logger}``."""
    return {"console": colored_console_logger}


def default_system_loggers(
    instance: Instance | None = None,
) -> Sequence[tuple[LoggerDefinition, Mapping[str, Any]]]:
    """The logger a run uses when its run config configures none, with that config.

    The level is ``$DAGWRIGHT_LOG_LEVEL`` (else INFO); ``instance`` is taken
    for Dagster's signature and not read.
    """
    level = level_name(console_level())
    return [(colored_console_logger, {"name": "dagwright", "log_level": level})]


def build_sinks(job: JobDefinition, run_config: Mapping[str, Any], run_id: str) -> list[LogSink]:
    """Start the run's loggers: the job's ``logger_defs``, or the default console if it has none.

    Each logger's config is ``loggers.<name>.config`` of the resolved run
    config. A logger function that raises becomes a :class:`UserFailure`.
    """
    section = run_config.get("loggers")
    configs: Mapping[str, Any] = section if isinstance(section, Mapping) else {}
    started: list[tuple[str, LoggerDefinition, Any]] = [
        (name, definition, _config_of(configs, name))
        for name, definition in job.logger_defs.items()
    ]
    if not started:
        given = _config_of(configs, "console") or {}
        for definition, default_config in default_system_loggers():
            started.append(("console", definition, {**default_config, **given}))
    sinks: list[LogSink] = []
    for name, definition, config in started:
        init = InitLoggerContext(config, definition, job, run_id)
        made = call_user(f"logger '{name}'", definition.logger_fn, init)
        sinks.append(made if isinstance(made, BuiltinSink) else PythonLoggerSink(made, name))
    return sinks


def _config_of(configs: Mapping[str, Any], name: str) -> Any:
    section = configs.get(name)
    return section.get("config") if isinstance(section, Mapping) else None
