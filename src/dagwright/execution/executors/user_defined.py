"""User-defined executors: an ``@executor`` function picks and configures an engine at launch.

``@executor`` functions receive an :class:`InitExecutorContext` (the
executor's config from run config, and the job) and return the engine to
run the steps with: :class:`InProcessExecutor` or
:class:`MultiprocessExecutor` (with its settings). This lets a team wrap
the engines in its own config (say, "small"/"large" presets) while the
engines themselves stay dagwright's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ...definitions.executor import in_process_executor, multiprocess_executor
from ...errors import InvalidDefinitionError, UserCodeError
from .._boundary import UserFailure, call_user

if TYPE_CHECKING:
    from ...definitions.executor import ExecutorDefinition
    from ...definitions.job import JobDefinition

__all__ = [
    "InitExecutorContext",
    "InProcessExecutor",
    "MultiprocessExecutor",
    "choose_with_executor_fn",
]


class InitExecutorContext:
    """What an ``@executor`` function is given: its config and the job it will run."""

    __slots__ = ("executor_config", "executor_def", "job")

    def __init__(
        self, executor_config: Mapping[str, Any], job: JobDefinition, executor_def: Any
    ) -> None:
        self.executor_config = dict(executor_config)
        self.job = job
        self.executor_def = executor_def


class InProcessExecutor:
    """Run every step in the run's own process, one after another."""

    definition = in_process_executor

    def __init__(self) -> None:
        self.config: dict[str, Any] = {}


class MultiprocessExecutor:
    """Run steps on worker processes (see ``multiprocess_executor`` for each setting)."""

    definition = multiprocess_executor

    def __init__(
        self,
        max_concurrent: int | None = None,
        tag_concurrency_limits: Sequence[Mapping[str, Any]] | None = None,
        start_method: str | None = None,
    ) -> None:
        config: dict[str, Any] = {}
        if max_concurrent is not None:
            config["max_concurrent"] = max_concurrent
        if tag_concurrency_limits:
            config["tag_concurrency_limits"] = [dict(limit) for limit in tag_concurrency_limits]
        if start_method is not None:
            config["start_method"] = {start_method: {}}
        self.config = config


def choose_with_executor_fn(
    executor_def: ExecutorDefinition, job: JobDefinition, config: dict[str, Any]
) -> ExecutorDefinition:
    """The built-in executor (with its config fixed) that a user-defined one chose."""
    place = f"executor '{executor_def.name}' of job '{job.name}'"
    fn = executor_def.executor_creation_fn
    assert fn is not None
    try:
        chosen = call_user(place, fn, InitExecutorContext(config, job, executor_def))
    except UserFailure as failure:
        raise UserCodeError(place=place, user_exception=failure.exception) from (failure.exception)
    if not isinstance(chosen, InProcessExecutor | MultiprocessExecutor):
        raise InvalidDefinitionError(
            f"the executor function returned {type(chosen).__name__}, not an executor.",
            where=place,
            fix="return InProcessExecutor() or MultiprocessExecutor(max_concurrent=...).",
        )
    resolved = chosen.definition.configured(chosen.config)
    resolved.config_is_final = True
    return resolved
