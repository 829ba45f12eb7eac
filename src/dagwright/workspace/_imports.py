"""Importing user code by module name or by file path, once per process.

A worker process rebuilds jobs from pointers, possibly many times; the user
module behind them must be executed once, like any import. Modules are
imported with :mod:`importlib` (so ``sys.modules`` remembers them); a file
is imported under a name made from its real path, so the same file gets the
same module name in every process (objects pickled from it can be loaded
again), and is executed again only when it changed on disk.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.machinery
import importlib.util
import os
import re
import sys
import threading
from types import ModuleType

from ..errors import JobPointerError

__all__ = [
    "FILE_MODULE_PREFIX",
    "add_to_sys_path",
    "file_module_name",
    "import_file",
    "import_module",
]

FILE_MODULE_PREFIX = "dagwright_file__"

_LOCK = threading.RLock()
# real path -> ((mtime in ns, size) when it was executed, module) of the files imported by
# path; the version is None for a file the process had imported otherwise (kept as it is).
_FILES: dict[str, tuple[tuple[int, int] | None, ModuleType]] = {}


def add_to_sys_path(directory: str) -> None:
    """Put ``directory`` first on ``sys.path`` (as running a script there would), once."""
    directory = os.path.abspath(directory)
    if directory not in sys.path:
        sys.path.insert(0, directory)


def import_module(name: str, *, pointer: str) -> ModuleType:
    """The module ``name``, imported if it is not yet; a clear error if it cannot be."""
    module = sys.modules.get(name)
    if module is not None:
        return module
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as error:
        missing = error.name or ""
        if missing and (name == missing or name.startswith(missing + ".")):
            top = name.partition(".")[0]
            raise JobPointerError(
                pointer=pointer,
                problem=f"no module named '{missing}' can be imported from this process's "
                "sys.path.",
                fix=f"install the package that holds it, or give working_directory=<the folder "
                f"that contains '{top}'>, or point at the file with python_file=...",
            ) from error
        raise _import_failed(pointer, f"module '{name}'", error) from error
    except Exception as error:
        raise _import_failed(pointer, f"module '{name}'", error) from error


def import_file(path: str, *, pointer: str) -> ModuleType:
    """The module made by executing the Python file at ``path`` (absolute), executed once.

    A file this process already imported some other way (as a module of a
    package, or as the script being run) is not executed again: that module
    is returned.
    """
    real = os.path.realpath(path)
    try:
        stat = os.stat(real)
    except FileNotFoundError:
        raise JobPointerError(
            pointer=pointer,
            problem=f"the file '{path}' does not exist.",
            fix="check the path; a relative python_file is read from working_directory when "
            f"given, else from the current directory ('{os.getcwd()}').",
        ) from None
    if not os.path.isfile(real):
        raise JobPointerError(
            pointer=pointer,
            problem=f"'{path}' is not a file.",
            fix="point at a .py file; for a package, use module=... instead of python_file.",
        )
    version = (stat.st_mtime_ns, stat.st_size)
    with _LOCK:
        cached = _FILES.get(real)
        if cached is not None and (cached[0] is None or cached[0] == version):
            return cached[1]
        elsewhere = _imported_elsewhere(real) if cached is None else None
        if elsewhere is not None:  # the process runs that module: keep it, changed or not
            _FILES[real] = (None, elsewhere)
            return elsewhere
        module = _execute_file(real, pointer)
        _FILES[real] = (version, module)
        return module


def file_module_name(real_path: str) -> str:
    """The module name a file imported by path gets: the same for one path in any process."""
    stem = re.sub(r"\W", "_", os.path.basename(real_path).split(".")[0])
    digest = hashlib.sha1(real_path.encode()).hexdigest()[:10]
    return f"{FILE_MODULE_PREFIX}{stem}_{digest}"


def _imported_elsewhere(real: str) -> ModuleType | None:
    base = os.path.basename(real)
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        # (compare base names first: realpath reads the disk)
        if (
            isinstance(file, str)
            and os.path.basename(file) == base
            and os.path.realpath(file) == real
        ):
            return module
    return None


def _execute_file(real: str, pointer: str) -> ModuleType:
    name = file_module_name(real)
    loader = importlib.machinery.SourceFileLoader(name, real)
    spec = importlib.util.spec_from_file_location(name, real, loader=loader)
    assert spec is not None  # a loader was given
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # as an import would: the file may import itself, or pickle
    try:
        loader.exec_module(module)
    except BaseException as error:
        sys.modules.pop(name, None)
        if not isinstance(error, Exception):
            raise
        raise _import_failed(pointer, f"the file '{real}'", error) from error
    return module


def _import_failed(pointer: str, what: str, error: BaseException) -> JobPointerError:
    if isinstance(error, ModuleNotFoundError) and error.name:
        fix = (
            f"install the package '{error.name.partition('.')[0]}' in this environment, or "
            "set working_directory to the folder it is in."
        )
    else:
        fix = f"correct the error in {what}; the traceback above shows where it is."
    return JobPointerError(
        pointer=pointer,
        problem=f"importing {what} raised {type(error).__name__}: {error}",
        fix=fix,
    )
