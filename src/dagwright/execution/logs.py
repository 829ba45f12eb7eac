"""A run's log: events and ``context.log`` lines, to the event log, the instance and loggers.

:class:`RunLog` is the single way a run records anything. Each line becomes
an :class:`~dagwright.records.EventLogEntry` kept for the result, buffered
for the instance (written in one batch per step, and on a persistent
instance also every half second by a background writer, so a long step's
start and log lines appear while it runs and survive a killed process; the
same writer records the run's heartbeat every two seconds, by which run
monitoring tells a dead run from a slow one) and, when its level is
high enough, handed to the run's sinks: the console by default, and
whatever the job's loggers build (see ``loggers.py``). A line below every
sink's level costs one comparison.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from typing import IO, TYPE_CHECKING, Any, ClassVar, Protocol

from ..records import ErrorInfo, Event, EventData, EventLogEntry, EventType
from ..storage.run_monitoring import HEARTBEAT_INTERVAL_SECONDS

if TYPE_CHECKING:
    from ..storage.instance import Instance

__all__ = [
    "RunLog",
    "StepLog",
    "LogSink",
    "BuiltinSink",
    "ConsoleSink",
    "format_entry",
    "console_level",
    "DEBUG",
    "INFO",
    "WARNING",
    "ERROR",
    "CRITICAL",
    "level_name",
    "record_step_interrupted",
    "record_ctrl_c",
]

# The standard logging levels (the same numbers as the logging module's, which
# this module does not import: it is not needed to run a job).
DEBUG = 10
INFO = 20
WARNING = 30
ERROR = 40
CRITICAL = 50
_NAMES = {DEBUG: "DEBUG", INFO: "INFO", WARNING: "WARNING", ERROR: "ERROR", CRITICAL: "CRITICAL"}
_LEVELS = {name: level for level, name in _NAMES.items()} | {"WARN": WARNING, "FATAL": CRITICAL}


def level_name(level: int) -> str:
    return _NAMES.get(level, f"Level {level}")


_FAILURES = frozenset({EventType.STEP_FAILURE, EventType.RUN_FAILURE})


def console_level(value: Any = None) -> int:
    """A logging level from a name or number; default ``DAGWRIGHT_LOG_LEVEL`` or INFO."""
    if value is None:
        value = os.environ.get("DAGWRIGHT_LOG_LEVEL", "INFO")
    if isinstance(value, int):
        return value
    return _LEVELS.get(str(value).upper(), INFO)


class LogSink(Protocol):
    """Somewhere log lines go; ``level`` is the lowest level it wants."""

    @property
    def level(self) -> int: ...

    def handle(self, entry: EventLogEntry) -> None: ...


@functools.lru_cache(maxsize=4)
def _stamp(second: int) -> str:
    # Many lines share a second; formatting local time is the slowest part of a line.
    return time.strftime("%Y-%m-%d %H:%M:%S %z", time.localtime(second))


def format_entry(entry: EventLogEntry, *, source: str = "dagwright") -> str:
    """One console line for an entry: time, level, job, run, step, event kind, message."""
    stamp = _stamp(int(entry.timestamp))
    parts = [entry.job_name or "system"]
    if entry.run_id:
        parts.append(entry.run_id)
    if entry.step_key:
        parts.append(entry.step_key)
    event = entry.event
    if event is not None:
        parts.append(event.event_type_value)
    parts.append(entry.user_message)
    line = f"{stamp} - {source} - {level_name(entry.level)} - {' - '.join(parts)}"
    if event is not None and event.event_type_value in _FAILURES:
        error = getattr(event.event_specific_data, "error", None)
        if isinstance(error, ErrorInfo):
            line += "\n\n" + error.to_string()
    return line


class BuiltinSink(ABC):
    """Base of the sinks dagwright writes itself (no :mod:`logging` in between).

    A logger function may return one instead of a :class:`logging.Logger`;
    the built-in loggers do, so that their lines cost no more than a format
    and a write.
    """

    __slots__ = ()

    @property
    @abstractmethod
    def level(self) -> int:
        """The lowest level this sink writes."""

    @abstractmethod
    def handle(self, entry: EventLogEntry) -> None:
        """Write one entry (already known to be at or above ``level``)."""


class ConsoleSink(BuiltinSink):
    """Writes lines to stderr (colored on a terminal); the default logger of every run.

    ``level=None`` reads ``DAGWRIGHT_LOG_LEVEL`` at every line (for ops called
    directly in tests, where there is no run to configure). ``name`` is the
    logger name shown in each line.
    """

    __slots__ = ("_color", "_level", "_name", "_stream")

    _COLORS: ClassVar[dict[int, str]] = {
        DEBUG: "\033[34m",
        INFO: "",
        WARNING: "\033[33m",
        ERROR: "\033[31m",
    }

    def __init__(
        self, level: int | None = INFO, stream: IO[str] | None = None, name: str = "dagwright"
    ) -> None:
        self._level = level
        self._stream = stream
        self._name = name
        self._color: bool | None = None

    @property
    def level(self) -> int:
        return self._level if self._level is not None else console_level()

    def handle(self, entry: EventLogEntry) -> None:
        if entry.level < self.level:
            return
        stream = self._stream or sys.stderr
        if self._color is None:
            self._color = bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get(
                "NO_COLOR"
            )
        line = format_entry(entry, source=self._name)
        color = self._COLORS.get(entry.level, "\033[31m") if self._color else ""
        stream.write(f"{color}{line}\033[0m\n" if color else line + "\n")


class RunLog:
    """Records a run's events and log lines; see the module docstring."""

    __slots__ = (
        "_buffer",
        "_flush_lock",
        "_instance",
        "_level",
        "_live",
        "_sinks",
        "entries",
        "job_name",
        "pid",
        "run_id",
    )

    LIVE_FLUSH_SECONDS: ClassVar[float] = 0.5
    """How often the background writer of a persistent run writes buffered entries."""

    HEARTBEAT_SECONDS: ClassVar[float] = HEARTBEAT_INTERVAL_SECONDS
    """How often the background writer records the run's heartbeat (the first at its start)."""

    def __init__(
        self,
        run_id: str,
        job_name: str,
        instance: Instance | None,
        sinks: list[LogSink],
    ) -> None:
        self.run_id = run_id
        self.job_name = job_name
        self.pid = os.getpid()
        self.entries: list[EventLogEntry] = []
        self._instance = instance
        # Appended by the run, drained by flush (possibly on the background writer's thread).
        self._buffer: deque[EventLogEntry] = deque()
        self._flush_lock = threading.Lock()
        self._live: tuple[threading.Event, threading.Thread] | None = None
        self._sinks = sinks
        self._level = min((s.level for s in sinks), default=CRITICAL + 1)

    def event(
        self,
        event_type: str,
        message: str,
        *,
        step_key: str | None = None,
        handle: str | None = None,
        data: EventData | None = None,
        level: int = DEBUG,
    ) -> Event:
        """Record an event (a step started, an output was handled, ...)."""
        event = Event(
            event_type_value=event_type,
            job_name=self.job_name,
            message=message,
            step_key=step_key,
            node_handle=handle,
            pid=self.pid,
            event_specific_data=data,
        )
        entry = EventLogEntry(
            run_id=self.run_id,
            timestamp=time.time(),
            level=level,
            user_message=message,
            job_name=self.job_name,
            step_key=step_key,
            event=event,
        )
        self._record(entry)
        return event

    def message(self, level: int, text: str, step_key: str | None = None) -> None:
        """Record a plain log line (``context.log.info(...)``)."""
        self._record(
            EventLogEntry(
                run_id=self.run_id,
                timestamp=time.time(),
                level=level,
                user_message=text,
                job_name=self.job_name,
                step_key=step_key,
            )
        )

    def record(self, entry: EventLogEntry) -> None:
        """Record an entry made elsewhere (by a worker process of this run)."""
        self._record(entry)

    def _record(self, entry: EventLogEntry) -> None:
        self.entries.append(entry)
        if self._instance is not None:
            self._buffer.append(entry)
        if entry.level >= self._level:
            for sink in self._sinks:
                if entry.level >= sink.level:
                    sink.handle(entry)

    @property
    def level(self) -> int:
        """The lowest level any logger of the run wants."""
        return self._level

    def flush(self) -> None:
        """Write buffered entries to the instance in one batch (in the order they were made)."""
        if not self._buffer or self._instance is None:
            return
        buffer = self._buffer
        with self._flush_lock:
            batch = [buffer.popleft() for _ in range(len(buffer))]
            if not batch:
                return
            try:
                self._instance.store_events(batch)
            except BaseException:
                buffer.extendleft(reversed(batch))  # kept for the next try; nothing is dropped
                raise

    def start_live_writer(self) -> None:
        """Record a heartbeat now, then from a background thread write buffered entries every
        ``LIVE_FLUSH_SECONDS`` and a heartbeat every ``HEARTBEAT_SECONDS``."""
        instance = self._instance
        if self._live is not None or instance is None:
            return
        instance.record_heartbeat(self.run_id)
        stop = threading.Event()
        beat = time.time()
        period = min(self.LIVE_FLUSH_SECONDS, self.HEARTBEAT_SECONDS)

        def write_periodically() -> None:
            nonlocal beat
            while not stop.wait(period):
                # A failed write keeps its entries; the run's own next flush raises it.
                with contextlib.suppress(Exception):
                    self.flush()
                now = time.time()
                # Wall clock: a machine waking from sleep beats at once (and one set back, too).
                if not beat <= now < beat + self.HEARTBEAT_SECONDS:
                    beat = now
                    with contextlib.suppress(Exception):
                        instance.record_heartbeat(self.run_id, now)

        name = f"dagwright-events-{self.run_id[:8]}"
        thread = threading.Thread(target=write_periodically, name=name, daemon=True)
        self._live = (stop, thread)
        thread.start()

    def stop_live_writer(self) -> None:
        """Stop the background writer (waiting for a write it is making) and write what is left."""
        if self._live is not None:
            stop, thread = self._live
            self._live = None
            stop.set()
            thread.join()
        self.flush()


class StepLog:
    """``context.log``: log lines attributed to one step, at the usual levels."""

    __slots__ = ("_log", "_step_key")

    def __init__(self, log: RunLog | None, step_key: str | None) -> None:
        self._log = log
        self._step_key = step_key

    def log(self, level: int, msg: object, *args: Any, **_: Any) -> None:
        text = str(msg) % args if args else str(msg)
        if self._log is None:
            _direct_sink.handle(
                EventLogEntry(run_id="", timestamp=time.time(), level=level, user_message=text)
            )
        else:
            self._log.message(level, text, self._step_key)

    def debug(self, msg: object, *args: Any, **kwargs: Any) -> None:
        self.log(DEBUG, msg, *args, **kwargs)

    def info(self, msg: object, *args: Any, **kwargs: Any) -> None:
        self.log(INFO, msg, *args, **kwargs)

    def warning(self, msg: object, *args: Any, **kwargs: Any) -> None:
        self.log(WARNING, msg, *args, **kwargs)

    warn = warning

    def error(self, msg: object, *args: Any, **kwargs: Any) -> None:
        self.log(ERROR, msg, *args, **kwargs)

    def critical(self, msg: object, *args: Any, **kwargs: Any) -> None:
        self.log(CRITICAL, msg, *args, **kwargs)

    def exception(self, msg: object, *args: Any, **kwargs: Any) -> None:
        import traceback

        text = str(msg) % args if args else str(msg)
        self.log(ERROR, f"{text}\n{traceback.format_exc()}")

    def isEnabledFor(self, level: int) -> bool:
        return level >= (self._log.level if self._log is not None else _direct_sink.level)


# Where context.log lines go when an op is called directly, outside any run.
_direct_sink = ConsoleSink(level=None)


def record_ctrl_c(log: RunLog) -> None:
    """The RUN_CANCELING of a run that Ctrl-C (not a cancel request) interrupted."""
    log.event(EventType.RUN_CANCELING, "Interrupted (Ctrl-C): canceling the run.", level=WARNING)


def record_step_interrupted(log: RunLog, step_key: str, handle: str) -> None:
    """The STEP_FAILURE of a step a cancel (or Ctrl-C) interrupted while it ran."""
    from ..records import StepFailureData

    log.event(
        EventType.STEP_FAILURE,
        f'Execution of step "{step_key}" was interrupted: the run was canceled.',
        step_key=step_key,
        handle=handle,
        data=StepFailureData(error=None, error_source="INTERRUPT"),
        level=ERROR,
    )
