"""Code pointers: where a job lives, as data, so that another process can rebuild it.

Executors that run steps in worker processes cannot send a job (it holds
functions and resources); they send where it lives: a module or a Python
file, and the attribute that holds the job (or a Definitions object and a
job name, or a function that builds the job). The worker imports the code
once and finds the job again; everything that can go wrong on the way (no
such file, an import error, a missing attribute, something that is not a
job) is a :class:`~dagwright.errors.JobPointerError` saying what to do.
``ReconstructableJob`` and ``reconstructable(job)`` (in :mod:`.rebuild`) are
built on these pointers.
"""

from __future__ import annotations

import inspect
import os
from types import ModuleType
from typing import Any

import msgspec

from ..definitions.graph import GraphDefinition
from ..definitions.job import JobDefinition
from ..definitions.node import NodeDefinition
from ..errors import JobPointerError, did_you_mean
from ._imports import add_to_sys_path, import_file, import_module

__all__ = ["CodePointer", "kind_of"]


class CodePointer(
    msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True, forbid_unknown_fields=True
):
    """Where a job lives: a module or a Python file, and the attribute that holds the job.

    Give exactly one of ``module`` (a dotted name importable from ``sys.path``)
    and ``python_file`` (a path; a relative one is read from
    ``working_directory``, else the current directory). ``attribute`` names
    a module-level object: a job; a ``Definitions``/repository object (anything
    with ``get_job(name)``), with ``job_name`` saying which job; or a function
    that builds either, called with ``builder_args`` and ``builder_kwargs``.
    When the attribute is (or builds) a job, a ``job_name`` is checked against
    it. ``working_directory`` is put first on ``sys.path`` before importing (a
    file's own folder is, when it is not given). Pointers are immutable,
    picklable and JSON-able (``to_json``; builder arguments must be JSON values
    for that).
    """

    attribute: str
    python_file: str | None = None
    module: str | None = None
    job_name: str | None = None
    working_directory: str | None = None
    builder_args: tuple[Any, ...] = ()
    builder_kwargs: dict[str, Any] = msgspec.field(default_factory=dict)

    def __post_init__(self) -> None:
        if (self.python_file is None) == (self.module is None):
            given = "both" if self.python_file is not None else "neither"
            raise JobPointerError(
                pointer=f"pointer to attribute '{self.attribute}'",
                problem=f"it names {given} of python_file and module.",
                fix="give exactly one: CodePointer(module='my_package.jobs', attribute=...) or "
                "CodePointer(python_file='jobs.py', attribute=...).",
            )

    def describe(self) -> str:
        """The pointer in words, for messages: ``attribute 'nightly' of module 'jobs'``."""
        where = f"module '{self.module}'" if self.module else f"file '{self.python_file}'"
        text = f"attribute '{self.attribute}' of {where}"
        if self.job_name is not None and self.job_name != self.attribute:
            text = f"job '{self.job_name}' of {text}"
        return text

    def load_module(self) -> ModuleType:
        """Import the module or file pointed at (once per process) and return it."""
        if self.working_directory is not None:
            add_to_sys_path(self.working_directory)
        if self.module is not None:
            return import_module(self.module, pointer=self.describe())
        path = self._file_path()
        if self.working_directory is None:
            add_to_sys_path(os.path.dirname(path))  # as running the file as a script would
        return import_file(path, pointer=self.describe())

    def load_target(self) -> Any:
        """The object the attribute holds (a job, a repository, a builder function)."""
        module = self.load_module()
        try:
            return getattr(module, self.attribute)
        except AttributeError:
            raise self._missing_attribute(module) from None

    def get_definition(self) -> JobDefinition:
        """Import the code pointed at and return the job."""
        target = self.load_target()
        if isinstance(target, JobDefinition | NodeDefinition) or _is_repository(target):
            if self.builder_args or self.builder_kwargs:
                raise self._error(
                    f"builder arguments were given, but attribute '{self.attribute}' is "
                    f"{kind_of(target, article=True)}, not a function.",
                    "leave builder_args and builder_kwargs out, or point at the function that "
                    "builds the job.",
                )
            return self._job_from(target)
        if inspect.isfunction(target) or inspect.ismethod(target):
            try:
                built = target(*self.builder_args, **self.builder_kwargs)
            except Exception as error:
                raise self._error(
                    f"calling {self.attribute}() to build the job raised "
                    f"{type(error).__name__}: {error}",
                    "correct the function (the traceback above shows where it failed), or the "
                    "builder arguments given to it.",
                ) from error
            return self._job_from(built, built_by=self.attribute)
        raise self._not_a_job(target)

    def to_json(self) -> bytes:
        """The pointer as JSON (read back with :meth:`from_json`)."""
        return msgspec.json.encode(self)

    @classmethod
    def from_json(cls, data: bytes | str) -> CodePointer:
        """A pointer from its JSON form."""
        return msgspec.json.decode(data, type=cls)

    # -- internals -------------------------------------------------------

    def _file_path(self) -> str:
        path = os.path.expanduser(str(self.python_file))
        if not os.path.isabs(path):
            path = os.path.join(self.working_directory or os.getcwd(), path)
        return os.path.abspath(path)

    def _job_from(self, target: Any, built_by: str | None = None) -> JobDefinition:
        if isinstance(target, JobDefinition):
            if self.job_name is not None and target.name != self.job_name:
                found = f"{built_by}() built" if built_by else f"attribute '{self.attribute}' holds"
                raise self._error(
                    f"{found} job '{target.name}', not job '{self.job_name}'.",
                    f"point at the attribute that holds job '{self.job_name}', or drop "
                    "job_name (the code may have changed since the pointer was made).",
                )
            return target
        if _is_repository(target):
            return self._job_from_repository(target)
        if built_by is not None:
            raise self._error(
                f"{built_by}() returned {kind_of(target, article=True)}, not a job.",
                "make the function return a JobDefinition (made with @job or graph.to_job()) "
                "or a Definitions object (then give job_name=...).",
            )
        raise self._not_a_job(target)

    def _job_from_repository(self, repository: Any) -> JobDefinition:
        names = _job_names(repository)
        listed = ", ".join(f"'{n}'" for n in sorted(names)) if names else "(unknown)"
        if self.job_name is None:
            raise self._error(
                f"attribute '{self.attribute}' holds {kind_of(repository, article=True)} of "
                "jobs, and the pointer does not say which job.",
                f"give job_name=... (its jobs: {listed}).",
            )
        if names is not None and self.job_name not in names:
            raise self._error(
                f"{kind_of(repository)} '{self.attribute}' has no job named '{self.job_name}'."
                f"{did_you_mean(self.job_name, names)}",
                f"use one of its jobs: {listed}.",
            )
        getter = getattr(repository, "get_job", None) or repository.get_job_def
        try:
            job = getter(self.job_name)
        except Exception as error:
            raise self._error(
                f"asking {kind_of(repository)} '{self.attribute}' for job '{self.job_name}' "
                f"raised {type(error).__name__}: {error}",
                f"use one of its jobs: {listed}.",
            ) from error
        if not isinstance(job, JobDefinition):
            raise self._error(
                f"{kind_of(repository)} '{self.attribute}' gave {kind_of(job, article=True)} for "
                f"'{self.job_name}', not a job.",
                "give the name of one of its jobs.",
            )
        return job

    def _missing_attribute(self, module: ModuleType) -> JobPointerError:
        targets = {
            name: value
            for name, value in vars(module).items()
            if isinstance(value, JobDefinition) or _is_repository(value)
        }
        by_job_name = [
            name
            for name, value in targets.items()
            if isinstance(value, JobDefinition) and value.name == self.attribute
        ]
        if by_job_name:
            hint = f" Job '{self.attribute}' is held by attribute '{by_job_name[0]}'."
        else:
            hint = did_you_mean(self.attribute, targets)
        listed = ", ".join(f"'{n}'" for n in sorted(targets))
        return self._error(
            f"it has no attribute '{self.attribute}'.{hint}",
            f"point at one of its jobs: {listed}."
            if targets
            else "define the job at module level there, or point at the module that does.",
        )

    def _not_a_job(self, target: Any) -> JobPointerError:
        if isinstance(target, GraphDefinition):
            fix = (
                f"point at a job made from it: {self.attribute}_job = "
                f"{self.attribute}.to_job(...) at module level."
            )
        elif isinstance(target, NodeDefinition):
            fix = "call it inside a @job and point at that job."
        else:
            fix = (
                "point at a JobDefinition (made with @job or graph.to_job()), a Definitions or "
                "repository object with job_name=..., or a function that returns a job."
            )
        return self._error(
            f"attribute '{self.attribute}' is {kind_of(target, article=True)}, not a job.",
            fix,
        )

    def _error(self, problem: str, fix: str) -> JobPointerError:
        return JobPointerError(pointer=self.describe(), problem=problem, fix=fix)


def _is_repository(value: Any) -> bool:
    """Whether ``value`` hands out jobs by name (a Definitions or repository object)."""
    if isinstance(value, type):
        return False
    return callable(getattr(value, "get_job", None)) or callable(
        getattr(value, "get_job_def", None)
    )


def _job_names(repository: Any) -> list[str] | None:
    """The names of a repository's jobs, when it can tell them."""
    try:
        names = getattr(repository, "job_names", None)
        if callable(names):
            names = names()
        if names is not None:
            return [str(n) for n in names]
        for method in ("get_all_jobs", "get_all_job_defs"):
            listing = getattr(repository, method, None)
            if callable(listing):
                return [job.name for job in listing()]
    except Exception:  # a repository that cannot list its jobs can still be asked for one
        return None
    return None


def kind_of(value: Any, *, article: bool = False) -> str:
    """What ``value`` is, in a word, for messages (``job``, ``graph``, ``op``, a type name),
    after "a" or "an" with ``article``."""
    word = _kind_word(value)
    if not article:
        return word
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def _kind_word(value: Any) -> str:
    if isinstance(value, JobDefinition):
        return "job"
    if isinstance(value, GraphDefinition):
        return "graph"
    if isinstance(value, NodeDefinition):
        return "op"
    if isinstance(value, ModuleType):
        return "module"
    return type(value).__name__
