"""Executor definitions: how a job's steps are run (in this process, on workers, on a cluster).

The definition names an executor and its config schema; the execution layer
owns the code that runs steps. Built-in executors are looked up by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..config.schema import as_field
from ._util import check_name

__all__ = ["ExecutorDefinition", "in_process_executor"]


class ExecutorDefinition:
    """A named way to run a job's steps, with a config schema.

    ``executor_creation_fn(init_context)`` builds a user-defined executor;
    built-in executors leave it ``None`` and are resolved by ``name``.
    """

    __slots__ = (
        "_config",
        "config_field",
        "config_schema",
        "description",
        "executor_creation_fn",
        "name",
    )

    def __init__(
        self,
        name: str,
        config_schema: Any = None,
        executor_creation_fn: Callable[..., Any] | None = None,
        description: str | None = None,
    ) -> None:
        self.name = check_name(name, "executor")
        self.config_schema = config_schema
        self.config_field = as_field(config_schema, f"executor '{name}'")
        self.executor_creation_fn = executor_creation_fn
        self.description = description
        self._config: dict[str, Any] = {}

    @property
    def is_builtin(self) -> bool:
        return self.executor_creation_fn is None

    @property
    def configured_values(self) -> dict[str, Any]:
        """Config values fixed by :meth:`configured`."""
        return dict(self._config)

    def configured(self, config: dict[str, Any], name: str | None = None) -> ExecutorDefinition:
        """This executor with some of its config fixed in advance."""
        copy = ExecutorDefinition(
            name or self.name, self.config_schema, self.executor_creation_fn, self.description
        )
        copy._config = {**self._config, **config}
        return copy

    def __repr__(self) -> str:
        return f"ExecutorDefinition({self.name!r})"


in_process_executor = ExecutorDefinition(
    "in_process",
    description="Runs every step in the run's own process, one after another.",
)
