"""Jobs another process can rebuild: ``ReconstructableJob`` and ``reconstructable(job)``.

A :class:`ReconstructableJob` is a :class:`~.pointer.CodePointer` plus an op
selection: what executors hand to worker processes, which rebuild the job
from it (the user's code is imported once per process). ``reconstructable``
finds where a job was defined (the module recorded when it was made, and
the module-level name holding that very object) and points there; a job no
module-level name holds (made inside a function, in a notebook, at the
prompt) cannot be found by another process, and the error says what to do.
"""

from __future__ import annotations

import inspect
import os
import sys
import sysconfig
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import Any
from weakref import WeakKeyDictionary

from ..definitions.job import JobDefinition
from ..definitions.node import NodeDefinition
from ..definitions.repository import Definitions
from ..definitions.selection import parse_op_selection
from ..errors import InvalidInvocationError, JobPointerError
from ._imports import FILE_MODULE_PREFIX
from .pointer import CodePointer, kind_of

__all__ = ["ReconstructableJob", "build_reconstructable_job", "reconstructable"]

_MAIN_NAMES = frozenset({"__main__", "__mp_main__"})

_REBUILD_FIX = (
    "define the job at module level in a .py file, or build a pointer with "
    "CodePointer(python_file=..., attribute=...)"
)
_FUNCTION_FIX = (
    "define the function at module level in a .py file, or build a pointer to the job with "
    "CodePointer(python_file=..., attribute=...)."
)

# A job's subsets, cut once per process (workers rebuild the same subset for each step).
_SUBSETS: WeakKeyDictionary[JobDefinition, dict[tuple[str, ...], JobDefinition]] = (
    WeakKeyDictionary()
)


class ReconstructableJob:
    """A job another process can rebuild: a :class:`CodePointer` and an op selection.

    ``get_definition()`` imports the code (once per process) and returns the
    job, cut to the op selection. Pickling keeps only the pointer and the
    selection, never the job. Build one with ``reconstructable(job)``,
    :meth:`for_module`, :meth:`for_file` or ``ReconstructableJob(pointer)``.
    """

    __slots__ = ("_definition", "_op_selection", "_pointer")

    def __init__(
        self, pointer: CodePointer, op_selection: Sequence[str] | str | None = None
    ) -> None:
        if not isinstance(pointer, CodePointer):
            raise InvalidInvocationError(
                f"pointer must be a CodePointer, got {type(pointer).__name__}.",
                where="ReconstructableJob",
                fix="pass CodePointer(module=..., attribute=...), or use reconstructable(job).",
            )
        self._pointer = pointer
        clauses = parse_op_selection(op_selection) if op_selection else []
        self._op_selection: tuple[str, ...] | None = tuple(clauses) or None
        self._definition: JobDefinition | None = None

    @classmethod
    def for_module(
        cls, module: str, attribute: str, working_directory: str | None = None
    ) -> ReconstructableJob:
        """The job held by ``attribute`` of the importable module ``module``."""
        pointer = CodePointer(
            module=module, attribute=attribute, working_directory=working_directory
        )
        return cls(pointer)

    @classmethod
    def for_file(
        cls, python_file: str, attribute: str, working_directory: str | None = None
    ) -> ReconstructableJob:
        """The job held by ``attribute`` of the Python file ``python_file``."""
        path = python_file if working_directory else os.path.abspath(python_file)
        pointer = CodePointer(
            python_file=path, attribute=attribute, working_directory=working_directory
        )
        return cls(pointer)

    @property
    def pointer(self) -> CodePointer:
        return self._pointer

    @property
    def op_selection(self) -> list[str] | None:
        """The op selection the job is cut to, or None for the whole job."""
        return list(self._op_selection) if self._op_selection else None

    @property
    def job_name(self) -> str:
        """The job's name (the code is imported when the pointer does not record it)."""
        if self._pointer.job_name is not None:
            return self._pointer.job_name
        return self.get_definition().name

    def get_definition(self) -> JobDefinition:
        """The job, rebuilt from the pointer on first use, cut to the op selection."""
        if self._definition is None:
            self._definition = _subset(self._pointer.get_definition(), self._op_selection)
        return self._definition

    def subset_for_execution(
        self, op_selection: Sequence[str] | str | None = None
    ) -> ReconstructableJob:
        """The same job cut to ``op_selection`` (of the whole job; None for all of it).

        When the job is already loaded in this process the selection is
        checked at once.
        """
        subset = ReconstructableJob(self._pointer, op_selection)
        if self._definition is not None and subset._op_selection:
            subset._definition = _subset(self._definition, subset._op_selection)
        return subset

    def describe(self) -> str:
        """The job and where it lives, in words, for messages."""
        text = self._pointer.describe()
        if self._pointer.job_name is None or self._pointer.job_name == self._pointer.attribute:
            name = self._pointer.job_name or self._pointer.attribute
            text = f"job '{name}' at {text}"
        if self._op_selection:
            text += " (ops " + ", ".join(self._op_selection) + ")"
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        # Only the pointer and the selection travel; the job is rebuilt where it is needed.
        return (ReconstructableJob, (self._pointer, self._op_selection))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, ReconstructableJob)
            and self._pointer == other._pointer
            and self._op_selection == other._op_selection
        )

    def __hash__(self) -> int:
        pointer = self._pointer
        return hash((pointer.module, pointer.python_file, pointer.attribute, self._op_selection))

    def __repr__(self) -> str:
        return f"<ReconstructableJob {self.describe()}>"


def _subset(job: JobDefinition, op_selection: tuple[str, ...] | None) -> JobDefinition:
    if not op_selection:
        return job
    whole = job.get_subset(op_selection=None)  # a selection always selects from the whole job
    cuts = _SUBSETS.setdefault(whole, {})
    subset = cuts.get(op_selection)
    if subset is None:
        subset = cuts[op_selection] = whole.get_subset(op_selection=list(op_selection))
    return subset


# --------------------------------------------------------------------------
# reconstructable / build_reconstructable_job


def reconstructable(target: JobDefinition | Callable[[], JobDefinition]) -> ReconstructableJob:
    """A pointer to ``target`` that another process can rebuild it from.

    ``target`` is a job held by a module-level name (in a module, or in the
    script being run), or a module-level function without arguments that
    returns a job. Jobs made inside a function, or in a notebook or at the
    Python prompt, cannot be found by another process: that raises
    :class:`~dagwright.errors.JobPointerError` saying what to do.
    """
    if isinstance(target, JobDefinition):
        rebuilt = ReconstructableJob(_pointer_to_job(target))
        rebuilt._definition = target  # this process has it already
        return rebuilt
    if isinstance(target, NodeDefinition):
        raise JobPointerError(
            pointer=f"{kind_of(target)} '{target.name}'",
            problem=f"reconstructable() takes a job, and this is {kind_of(target, article=True)}.",
            fix="make a job from it at module level (graph.to_job(), or call it inside a @job) "
            "and pass that job.",
        )
    if inspect.isfunction(target):
        return ReconstructableJob(_pointer_to_function(target))
    raise JobPointerError(
        pointer=repr(target),
        problem=f"reconstructable() takes a job, and this is {kind_of(target, article=True)}.",
        fix="pass a job made with @job or graph.to_job(), defined at module level.",
    )


def build_reconstructable_job(
    reconstructor_module_name: str,
    reconstructor_function_name: str,
    reconstructable_args: Sequence[Any] | None = None,
    reconstructable_kwargs: Mapping[str, Any] | None = None,
    reconstructor_working_directory: str | None = None,
) -> ReconstructableJob:
    """A job another process rebuilds by calling a function of a module with arguments.

    For jobs made by a factory: the process that rebuilds the job imports
    ``reconstructor_module_name`` (from ``reconstructor_working_directory``,
    by default the current directory) and calls its
    ``reconstructor_function_name(*reconstructable_args, **reconstructable_kwargs)``,
    which returns the job. The arguments travel with the pointer, so they
    must pickle (and be JSON values for ``pointer.to_json()``).
    """
    pointer = CodePointer(
        module=reconstructor_module_name,
        attribute=reconstructor_function_name,
        working_directory=reconstructor_working_directory or os.getcwd(),
        builder_args=tuple(reconstructable_args or ()),
        builder_kwargs=dict(reconstructable_kwargs or {}),
    )
    return ReconstructableJob(pointer)


def _pointer_to_job(job: JobDefinition) -> CodePointer:
    what = f"job '{job.name}'"
    module_name, scope = job.defined_in or (None, None)
    found = _find_holder(job, module_name)
    if found is None:
        if job.op_selection:
            raise JobPointerError(
                pointer=what,
                problem="it is a subset of a job (op selection "
                f"{', '.join(job.op_selection)}), which no module-level name holds.",
                fix="pass the whole job and cut it: reconstructable(whole_job)"
                f".subset_for_execution({job.op_selection!r}).",
            )
        if _is_interactive(module_name):
            raise _interactive_error(what)
        if scope is not None and scope != "<module>":
            problem = (
                f"it was made inside '{scope}' (module '{module_name}'), and no module-level "
                "name holds it, so another process cannot find it."
            )
        else:
            place = f" (it was made in module '{module_name}')" if module_name else ""
            problem = f"no module-level name holds it{place}, so another process cannot find it."
        raise JobPointerError(
            pointer=what,
            problem=problem,
            fix=f"{_REBUILD_FIX}; a function that builds the job can be pointed at with "
            "build_reconstructable_job(module, function_name, args, kwargs).",
        )
    module, attribute = found
    return _pointer_to(module, attribute, job.name, what)


def _pointer_to_function(fn: Callable[..., Any]) -> CodePointer:
    what = f"function '{fn.__qualname__}'"
    if fn.__name__ == "<lambda>" or "<locals>" in fn.__qualname__:
        raise JobPointerError(
            pointer=what,
            problem="it is a lambda or a function defined inside another function, which "
            "another process cannot find.",
            fix=_FUNCTION_FIX,
        )
    required = [
        p.name
        for p in inspect.signature(fn).parameters.values()
        if p.default is inspect.Parameter.empty
        and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    ]
    if required:
        raise JobPointerError(
            pointer=what,
            problem=f"it takes arguments ({', '.join(required)}), and reconstructable() calls "
            "it without any.",
            fix=f"use build_reconstructable_job('{fn.__module__}', '{fn.__name__}', args, "
            "kwargs) to give the arguments.",
        )
    module = sys.modules.get(fn.__module__)
    if module is None or getattr(module, fn.__name__, None) is not fn:
        if _is_interactive(fn.__module__):
            raise _interactive_error(what)
        raise JobPointerError(
            pointer=what,
            problem=f"module '{fn.__module__}' has no attribute '{fn.__name__}' holding it, so "
            "another process cannot find it.",
            fix=_FUNCTION_FIX,
        )
    return _pointer_to(module, fn.__name__, None, what)


def _find_holder(job: JobDefinition, module_name: str | None) -> tuple[ModuleType, str] | None:
    """A module and one of its attributes holding ``job`` itself, or a ``Definitions`` /
    repository that holds it (an asset job is built inside one); its own module first."""
    home = sys.modules.get(module_name) if module_name else None
    found_in_main = None
    for module in [home, *[m for m in list(sys.modules.values()) if m is not home]]:
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        name = namespace.get("__name__")
        if not isinstance(name, str) or name.partition(".")[0] == "dagwright":
            continue
        for attribute, value in list(namespace.items()):
            if value is job or _holds_job(value, job):
                assert module is not None
                if module is home or name not in _MAIN_NAMES:
                    return module, attribute
                found_in_main = found_in_main or (module, attribute)
                break
    return found_in_main


def _holds_job(value: Any, job: JobDefinition) -> bool:
    """Whether ``value`` is a Definitions (or repository) whose job of that name is ``job``."""
    if not isinstance(value, Definitions) or not value.has_job(job.name):
        return False
    return value.get_job_def(job.name) is job


def _pointer_to(module: ModuleType, attribute: str, job_name: str | None, what: str) -> CodePointer:
    """The pointer to ``attribute`` of ``module``: by name when importable, else by file."""
    name = module.__name__
    file = getattr(module, "__file__", None)
    if name in _MAIN_NAMES:
        spec = getattr(module, "__spec__", None)
        spec_name = getattr(spec, "name", None)
        if isinstance(spec_name, str) and spec_name not in _MAIN_NAMES:
            name = spec_name  # run with python -m: importable by that name
        elif file:
            return CodePointer(
                python_file=os.path.abspath(file), attribute=attribute, job_name=job_name
            )
        else:
            raise _interactive_error(what)
    if not file:
        if getattr(module, "__spec__", None) is None:
            raise _interactive_error(what)
        return CodePointer(module=name, attribute=attribute, job_name=job_name)
    root = None if name.startswith(FILE_MODULE_PREFIX) else _import_root(name, file)
    if root is None:  # imported by path under a name of its own: load it by path
        return CodePointer(
            python_file=os.path.realpath(file), attribute=attribute, job_name=job_name
        )
    return CodePointer(
        module=name,
        attribute=attribute,
        job_name=job_name,
        working_directory=None if _is_install_location(root) else root,
    )


def _import_root(name: str, file: str) -> str | None:
    """The folder ``name`` is imported from (``/src`` for ``pkg.jobs`` in ``/src/pkg/jobs.py``),
    or None when the file's place does not match its module name."""
    folder, base = os.path.split(os.path.abspath(file))
    stem = base.split(".")[0]
    parts = name.split(".")
    if stem != "__init__":
        if stem != parts[-1]:
            return None
        parts = parts[:-1]
    for part in reversed(parts):
        folder, last = os.path.split(folder)
        if last != part:
            return None
    return folder


def _is_install_location(folder: str) -> bool:
    """Whether ``folder`` is where packages are installed (every process of this Python
    imports from it already)."""
    paths = sysconfig.get_paths()
    installed = {paths.get(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    real = os.path.realpath(folder)
    return any(real == os.path.realpath(path) for path in installed if path)


def _is_interactive(module_name: str | None) -> bool:
    """Whether code of ``module_name`` was run without a module another process can import:
    a notebook or the prompt (``__main__`` without a file), or code run with exec."""
    if module_name is None:
        return False
    module = sys.modules.get(module_name)
    if module is None:
        return True
    return module_name in _MAIN_NAMES and not getattr(module, "__file__", None)


def _interactive_error(what: str) -> JobPointerError:
    return JobPointerError(
        pointer=what,
        problem="it was defined where no other process can import it: in an interactive "
        "session (a notebook, the Python prompt), or in code run with exec or loaded by path "
        "outside sys.modules.",
        fix=f"{_REBUILD_FIX}, and import it from there.",
    )
