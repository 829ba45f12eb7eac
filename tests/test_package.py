"""The package root: a cheap import, and every public name available lazily."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import dagwright

HEAVY_MODULES = [
    "sqlalchemy",
    "starlette",
    "strawberry",
    "dask",
    "pydantic",
    "yaml",
    "asyncio",
    "msgspec",
    "dagwright.execution",
]

# The public API listed in the semantics notes.
DOCUMENTED_NAMES = [
    "op",
    "OpDefinition",
    "graph",
    "GraphDefinition",
    "job",
    "JobDefinition",
    "In",
    "Out",
    "DynamicOut",
    "GraphIn",
    "GraphOut",
    "InputMapping",
    "OutputMapping",
    "Output",
    "DynamicOutput",
    "Failure",
    "RetryRequested",
    "DependencyDefinition",
    "MultiDependencyDefinition",
    "DynamicCollectDependencyDefinition",
    "MappedInputPlaceholder",
    "NodeInvocation",
    "DataType",
    "TypeCheck",
    "Nothing",
    "RetryPolicy",
    "Backoff",
    "Jitter",
    "HookDefinition",
    "success_hook",
    "failure_hook",
    "HookContext",
    "build_hook_context",
    "ResourceDefinition",
    "resource",
    "InitResourceContext",
    "LoggerDefinition",
    "logger",
    "ExecutorDefinition",
    "in_process_executor",
    "PartitionsDefinition",
    "StaticPartitionsDefinition",
    "ConfigMapping",
    "config_mapping",
    "OpExecutionContext",
    "build_op_context",
    "ExecuteInProcessResult",
    "Instance",
    "Run",
    "RunStatus",
    "Event",
    "EventType",
    "EventLogEntry",
    "ErrorInfo",
    "DagwrightError",
    "InvalidDefinitionError",
    "InvalidInvocationError",
    "InvalidSubsetError",
    "InvariantViolationError",
    "RunConfigError",
    "TypeCheckError",
    "StepExecutionError",
    "UserCodeError",
]


def _python(code: str) -> str:
    """What a fresh interpreter prints (last line) after running ``code``."""
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return completed.stdout.strip().splitlines()[-1]


def _modules_after(code: str) -> set[str]:
    """The modules loaded by a fresh interpreter after running ``code``."""
    return set(
        json.loads(_python(f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"))
    )


@pytest.fixture(scope="module")
def modules_after_import() -> set[str]:
    return _modules_after("import dagwright")


@pytest.mark.parametrize("module", HEAVY_MODULES)
def test_import_dagwright_does_not_import(module: str, modules_after_import: set[str]) -> None:
    loaded = {m for m in modules_after_import if m == module or m.startswith(module + ".")}

    assert loaded == set()


def test_the_subprocess_check_sees_what_is_imported() -> None:
    # Guards the check above: a module that *is* imported shows up.
    assert "dagwright" in _modules_after("import dagwright")
    assert "json" in _modules_after("import json")


@pytest.mark.parametrize("name", sorted(dagwright.__all__))
def test_every_public_name_resolves(name: str) -> None:
    value = getattr(dagwright, name)

    assert value is not None


@pytest.mark.parametrize("name", DOCUMENTED_NAMES)
def test_every_documented_name_is_public(name: str) -> None:
    assert name in dagwright.__all__


def test_dir_lists_every_public_name() -> None:
    assert set(dagwright.__all__) <= set(dir(dagwright))


def test_dir_lists_public_names_in_a_fresh_interpreter() -> None:
    printed = _python("import dagwright\nprint(set(dagwright.__all__) <= set(dir(dagwright)))")

    assert printed == "True"


def test_public_names_are_the_objects_of_their_modules() -> None:
    from dagwright.execution.result import ExecuteInProcessResult
    from dagwright.records.events import EventType

    assert dagwright.ExecuteInProcessResult is ExecuteInProcessResult
    assert dagwright.EventType is EventType


def test_unknown_attribute_raises_attribute_error_naming_it() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        dagwright.no_such_name  # type: ignore[attr-defined]


def test_hasattr_is_false_for_an_unknown_attribute() -> None:
    assert not hasattr(dagwright, "no_such_name")


def test_from_import_of_an_unknown_name_raises_import_error() -> None:
    with pytest.raises(ImportError, match="no_such_name"):
        exec("from dagwright import no_such_name", {})


def test_version_is_a_string() -> None:
    assert isinstance(dagwright.__version__, str)
