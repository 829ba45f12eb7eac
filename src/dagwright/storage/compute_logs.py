"""Compute logs: what each step writes to stdout and stderr, kept in files per run and step.

:class:`LocalComputeLogManager` keeps them under one folder::

    <base_dir>/<run id>/<step file name>.out   (stdout)
    <base_dir>/<run id>/<step file name>.err   (stderr)

While ``manager.capture(run_id, step_key)`` is active, every write to
``sys.stdout`` / ``sys.stderr`` made by the code running in that context goes
to the step's files *and* still to the original streams (tee). Each write is
handed to the operating system at once (no buffer), so another process can
tail the files while the step runs; :meth:`LocalComputeLogManager.read` reads
them by byte offset. A file is created by the first write to it: a step that
printed nothing has no files, and reading them gives an empty chunk.

How the routing works, and what it cannot see:

* While at least one capture is active, ``sys.stdout`` and ``sys.stderr`` are
  replaced by proxies; the last capture to end puts the original streams
  back (unless something else replaced them meanwhile, which is left alone).
  A proxy writes to the files of the capture found in a
  :class:`contextvars.ContextVar`, so steps running at once on threads or as
  asyncio tasks each capture only their own output, and code outside any
  capture writes through untouched.
* asyncio tasks copy the context when they are created, so a task started
  inside a capture is captured with it (``asyncio.to_thread`` too). A plain
  ``threading.Thread`` or a ``ThreadPoolExecutor`` worker starts with an
  empty context: what it prints is not captured unless its target is run in
  a copy, ``threading.Thread(target=contextvars.copy_context().run,
  args=(fn,))``. Writes made after the capture ended (a thread that outlived
  its step) only reach the original streams.
* Only Python-level writes through ``sys.stdout`` / ``sys.stderr`` are seen.
  A stream grabbed before the capture started (``out = sys.stdout``, a
  ``logging.StreamHandler()`` built earlier), ``sys.stdout.buffer``, and C
  extensions or subprocesses writing to file descriptors 1 and 2 bypass the
  proxies; capturing those needs fd-level redirection, which belongs to an
  executor running each step in its own process.
* Capturing a step again (a retry) appends to its files.

Step keys and run ids become file names by keeping ``A-Z a-z 0-9 . _ -`` and
writing every other character as ``%XX`` per UTF-8 byte (``op[key-1]`` ->
``op%5Bkey-1%5D``, ``graph.op`` stays); keys made only of dots have them
escaped too (``..`` -> ``%2E%2E``) and the empty key is ``%``. Since ``%``
itself is escaped, two keys never share a file. A name longer than 200 characters is cut and ends
with a hash of the whole key. On a case-insensitive file system, keys that
differ only in case share a file.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import threading
from contextlib import AbstractContextManager
from contextvars import ContextVar, Token
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Literal

import msgspec

from ..errors import InvalidInvocationError
from ..records import LogsCapturedData

__all__ = ["LocalComputeLogManager", "LogChunk", "LogStream", "safe_file_name"]

LogStream = Literal["stdout", "stderr"]
"""Which of a step's two logs: ``"stdout"`` or ``"stderr"``."""

_SUFFIXES: dict[str, str] = {"stdout": ".out", "stderr": ".err"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_MAX_NAME = 200


class LogChunk(msgspec.Struct, frozen=True, gc=False):
    """Part of a log read from a byte offset.

    ``next_offset`` is where the next read should start (it never splits a
    UTF-8 character); ``has_more`` says the file already held more bytes
    than ``max_bytes`` let through.
    """

    data: str
    next_offset: int
    has_more: bool = False


@functools.lru_cache(maxsize=4096)  # step keys repeat run after run
def safe_file_name(key: str) -> str:
    """``key`` (a step key or run id) as a file name: see the module docstring for the mapping."""
    only_dots = not key.strip(".")  # "", "." and ".." must not name the folder or its parent
    if not only_dots and len(key) <= _MAX_NAME and _UNSAFE.search(key) is None:
        return key
    name = ("%2E" * len(key) or "%") if only_dots else _UNSAFE.sub(_escape, key)
    if len(name) > _MAX_NAME:
        import hashlib

        name = name[: _MAX_NAME - 17] + "~" + hashlib.sha256(key.encode()).hexdigest()[:16]
    return name


def _escape(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8", "surrogatepass"))


class LocalComputeLogManager:
    """Captures each step's stdout and stderr into files under ``base_dir`` and reads them back."""

    def __init__(self, base_dir: str | os.PathLike[str]) -> None:
        self._base_dir = os.fspath(base_dir)

    @property
    def base_dir(self) -> str:
        return self._base_dir

    def capture(self, run_id: str, step_key: str) -> AbstractContextManager[LogsCapturedData]:
        """A context manager capturing what the current context writes to stdout and stderr.

        It yields the LOGS_CAPTURED event data naming the files. Captures nest
        (the innermost one receives the writes) and may run at once in
        several threads or tasks, each with its own files.
        """
        file_key = safe_file_name(step_key)
        stem = os.path.join(self._base_dir, safe_file_name(run_id), file_key)
        data = LogsCapturedData(
            file_key=file_key,
            step_keys=[step_key],
            stdout_path=stem + ".out",
            stderr_path=stem + ".err",
        )
        return _Capture(data)

    def paths(self, run_id: str, step_key: str) -> tuple[Path, Path]:
        """The stdout and stderr files of a step (they exist once the step wrote to them)."""
        return self._path(run_id, step_key, "stdout"), self._path(run_id, step_key, "stderr")

    def read(
        self,
        run_id: str,
        step_key: str,
        stream: LogStream = "stdout",
        offset: int = 0,
        max_bytes: int | None = None,
    ) -> LogChunk:
        """What a step wrote to ``stream`` from byte ``offset`` on, at most ``max_bytes`` of it.

        Safe while the step is still writing: to tail, read again from the
        chunk's ``next_offset``. A log not written yet reads as empty. If a
        single character is longer than ``max_bytes``, that character is
        returned whole.
        """
        if offset < 0 or (max_bytes is not None and max_bytes < 1):
            raise InvalidInvocationError(
                f"cannot read compute logs from offset {offset} with max_bytes {max_bytes}",
                where=f"step '{step_key}' of run '{run_id}'",
                fix="pass an offset of 0 or more (a previous chunk's next_offset) and "
                "max_bytes of 1 or more, or None for everything.",
            )
        try:
            file = open(self._path(run_id, step_key, stream), "rb")  # noqa: SIM115
        except FileNotFoundError:
            return LogChunk(data="", next_offset=offset)
        with file:
            file.seek(offset)
            raw = file.read(-1 if max_bytes is None else max_bytes)
            end = _utf8_boundary(raw)
            if end == 0 and raw:  # one character longer than max_bytes: return it whole
                raw += file.read(_char_length(raw[0]) - len(raw))
                end = len(raw)
            next_offset = offset + end
            has_more = os.fstat(file.fileno()).st_size > next_offset
        return LogChunk(
            data=raw[:end].decode("utf-8", "replace"), next_offset=next_offset, has_more=has_more
        )

    def delete_run(self, run_id: str) -> None:
        """Remove every log of a run (nothing happens if it has none).

        Do it once the run has finished: a capture still writing would make
        the folder again.
        """
        import shutil

        shutil.rmtree(os.path.join(self._base_dir, safe_file_name(run_id)), ignore_errors=True)

    def _path(self, run_id: str, step_key: str, stream: str) -> Path:
        suffix = _SUFFIXES.get(stream)
        if suffix is None:
            raise InvalidInvocationError(
                f"there is no compute log stream {stream!r}",
                where=f"step '{step_key}' of run '{run_id}'",
                fix="ask for 'stdout' or 'stderr'.",
            )
        return Path(self._base_dir, safe_file_name(run_id), safe_file_name(step_key) + suffix)


def _char_length(lead: int) -> int:
    """The length of the UTF-8 character starting with byte ``lead`` (1 if it is not a lead)."""
    return 1 if lead < 0xC0 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def _utf8_boundary(raw: bytes) -> int:
    """The length of the longest prefix of ``raw`` that does not end inside a UTF-8 character."""
    size = len(raw)
    for back in range(1, min(4, size) + 1):
        byte = raw[size - back]
        if byte < 0x80:  # ASCII: the end is a whole character
            return size
        if byte >= 0xC0:  # the lead byte of the last character
            return size if _char_length(byte) <= back else size - back
    return size  # not UTF-8 at the end: leave it to the decoder to replace


# --------------------------------------------------------------------------
# Routing: the capture of the current context, and the proxies on sys.stdout / sys.stderr.


class _Capture:
    """One step's capture: the context manager, and the writer of its two files."""

    __slots__ = ("_closed", "_data", "_fds", "_lock", "_paths", "_token")

    def __init__(self, data: LogsCapturedData) -> None:
        self._data = data
        self._paths = (data.stdout_path, data.stderr_path)
        self._fds: list[int | None] = [None, None]
        self._lock = threading.Lock()
        self._closed = False
        self._token: Token[_Capture | None] | None = None

    def __enter__(self) -> LogsCapturedData:
        if self._token is not None:
            raise InvalidInvocationError(
                "a compute log capture was entered twice",
                where=f"step '{self._data.step_keys[0]}'",
                fix="call capture() again for each use.",
            )
        _install()
        self._token = _CURRENT.set(self)
        return self._data

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._token is not None:
                _CURRENT.reset(self._token)
        finally:
            with self._lock:
                self._closed = True
                for fd in self._fds:
                    if fd is not None:
                        os.close(fd)
                self._fds = [None, None]
            _uninstall()

    def write(self, index: int, text: str) -> None:
        data = text.encode("utf-8", "backslashreplace")
        with self._lock:
            if self._closed:
                return
            fd = self._fds[index]
            if fd is None:
                fd = self._fds[index] = self._open(self._paths[index])
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]

    @staticmethod
    def _open(path: str) -> int:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
        try:
            return os.open(path, flags, 0o644)
        except FileNotFoundError:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            return os.open(path, flags, 0o644)


_CURRENT: ContextVar[_Capture | None] = ContextVar("dagwright_compute_log", default=None)


class _TeeStream:
    """Stands in for sys.stdout or sys.stderr: each write goes to the current capture and on.

    Everything but writing and flushing is the original stream's
    (``encoding``, ``isatty()``, ``fileno()``, ...).
    """

    def __init__(self, original: IO[str] | None, index: int) -> None:
        self.original = original
        self._index = index

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        capture = _CURRENT.get()
        if capture is not None and text:
            capture.write(self._index, text)
        if self.original is not None:
            self.original.write(text)
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if self.original is not None:
            self.original.flush()

    def __getattr__(self, name: str) -> Any:
        if name == "original":  # not set yet (a copy being built): no delegation loop
            raise AttributeError(name)
        return getattr(self.original, name)


_INSTALL_LOCK = threading.Lock()
_depth = 0
_proxies: tuple[_TeeStream, _TeeStream] | None = None


def _install() -> None:
    """Put the proxies on sys.stdout / sys.stderr for the first active capture."""
    global _depth, _proxies
    with _INSTALL_LOCK:
        if _depth == 0:
            # A proxy left in place (someone swapped the streams while it was active and
            # put it back later) is reused, so that no write goes through two proxies.
            out = sys.stdout if isinstance(sys.stdout, _TeeStream) else _TeeStream(sys.stdout, 0)
            err = sys.stderr if isinstance(sys.stderr, _TeeStream) else _TeeStream(sys.stderr, 1)
            sys.stdout, sys.stderr = out, err
            _proxies = (out, err)
        _depth += 1


def _uninstall() -> None:
    """Put the original streams back when the last active capture ends."""
    global _depth, _proxies
    with _INSTALL_LOCK:
        _depth -= 1
        if _depth == 0 and _proxies is not None:
            out, err = _proxies
            if sys.stdout is out:
                sys.stdout = out.original
            if sys.stderr is err:
                sys.stderr = err.original
            _proxies = None
