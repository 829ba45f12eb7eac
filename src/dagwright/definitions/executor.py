"""Executor definitions: how a job's steps are run (in this process, on workers, on a cluster).

The definition names an executor and its config schema; the execution layer
owns the code that runs steps. A built-in executor carries the name of its
engine (``in_process``, ``multiprocess``, ``dask``), which stays with it when
it is configured or renamed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..config.schema import as_field
from ..errors import InvalidDefinitionError
from ._util import check_name

__all__ = [
    "ExecutorDefinition",
    "in_process_executor",
    "multiprocess_executor",
    "dask_executor",
    "multi_or_in_process_executor",
    "thread_pool_executor",
    "async_executor",
    "executor",
    "MULTIPROCESS_CONFIG",
    "DASK_CONFIG",
]


class ExecutorDefinition:
    """A named way to run a job's steps, with a config schema.

    ``executor_creation_fn(init_context)`` builds a user-defined executor;
    built-in executors leave it ``None`` and name their ``engine`` instead.
    """

    __slots__ = (
        "_config",
        "_engine",
        "config_is_final",
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
        *,
        engine: str = "in_process",
    ) -> None:
        self.name = check_name(name, "executor")
        self._engine = engine
        self.config_schema = config_schema
        self.config_field = as_field(config_schema, f"executor '{name}'")
        self.executor_creation_fn = executor_creation_fn
        self.description = description
        self._config: dict[str, Any] = {}
        # Chosen by a user-defined executor: its config is this, not run config's.
        self.config_is_final = False

    @property
    def is_builtin(self) -> bool:
        return self.executor_creation_fn is None

    @property
    def engine(self) -> str | None:
        """The built-in engine that runs the steps (None for a user-defined executor, which
        picks one when a run starts)."""
        return self._engine if self.is_builtin else None

    @property
    def runs_steps_elsewhere(self) -> bool:
        """Whether steps run in other processes (outputs must then outlive the step's process)."""
        return self.engine in _OUT_OF_PROCESS

    @property
    def configured_values(self) -> dict[str, Any]:
        """Config values fixed by :meth:`configured`."""
        return dict(self._config)

    def configured(self, config: dict[str, Any], name: str | None = None) -> ExecutorDefinition:
        """This executor with some of its config fixed in advance (checked against its schema
        now; fields it leaves out may still come from run config)."""
        from ..config.types import Selector
        from ..config.validate import validate_field

        if isinstance(self.config_field.config_type, Selector):
            merged = dict(config)  # a choice replaces the one made before
        else:
            merged = {**self._config, **config}
        _, problems = validate_field(self.config_field, merged, "config")
        problems = [p for p in problems if p.reason != "MISSING_REQUIRED_FIELD"]
        if problems:
            listed = "; ".join(f"{p.path}: {p.problem}" for p in problems)
            raise InvalidDefinitionError(
                f"configured() was given config that does not fit its schema: {listed}",
                where=f"executor '{self.name}'",
                fix="use the fields of the executor's config schema.",
            )
        copy = ExecutorDefinition(
            name or self.name,
            self.config_schema,
            self.executor_creation_fn,
            self.description,
            engine=self._engine,
        )
        copy._config = merged
        return copy

    def __repr__(self) -> str:
        return f"ExecutorDefinition({self.name!r})"


in_process_executor = ExecutorDefinition(
    "in_process",
    description="Runs every step in the run's own process, one after another.",
)


def _tag_concurrency_limits() -> Any:
    from ..config.types import AnyType, Array, Field, Shape

    limit = Shape(
        {
            "key": Field(str),
            "value": Field(AnyType(), is_required=False),
            "limit": Field(int),
        }
    )
    return Field(
        Array(limit),
        is_required=False,
        description="At most `limit` steps with tag `key` (= `value`, if given) at once.",
    )


def _multiprocess_config() -> Any:
    from ..config.types import Array, Field, Selector, Shape

    return {
        "max_concurrent": Field(
            int,
            is_required=False,
            description="Steps run at once (worker processes); default: the number of CPUs.",
        ),
        "tag_concurrency_limits": _tag_concurrency_limits(),
        "start_method": Field(
            Selector(
                {
                    "forkserver": Shape({"preload_modules": Field(Array(str), is_required=False)}),
                    "spawn": Shape({}),
                }
            ),
            is_required=False,
            description="How workers start: forkserver (default on Linux) or spawn.",
        ),
    }


MULTIPROCESS_CONFIG = _multiprocess_config()
"""The config schema of :data:`multiprocess_executor` (Dagster's fields)."""

_OUT_OF_PROCESS = frozenset({"multiprocess", "dask"})

multiprocess_executor = ExecutorDefinition(
    "multiprocess",
    engine="multiprocess",
    config_schema=MULTIPROCESS_CONFIG,
    description="Runs steps on a pool of worker processes started once per run; outputs pass "
    "through a persistent IO manager.",
)


def _dask_config() -> Any:
    from ..config.types import Field, Permissive, Selector, Shape, StringSource

    local = Permissive(
        {
            "n_workers": Field(int, is_required=False, description="Worker processes to start."),
            "threads_per_worker": Field(
                int, is_required=False, description="Threads (steps at once) per worker."
            ),
            "processes": Field(
                bool,
                is_required=False,
                description="Workers in processes (True, Dask's default) or threads of the run "
                "process.",
            ),
        }
    )
    cluster = Selector(
        {
            "existing": Field(
                Shape({"address": Field(StringSource, description="The scheduler's address.")}),
                description="Connect to a running Dask scheduler.",
            ),
            "local": Field(
                local,
                description="Start a distributed.LocalCluster for the run (any LocalCluster "
                "keyword) and close it at the end.",
            ),
        }
    )
    return {
        "cluster": Field(
            cluster,
            is_required=False,
            description="Where the steps run; default: a LocalCluster with Dask's defaults.",
        ),
        "max_concurrent": Field(
            int,
            is_required=False,
            description="Steps submitted at once; default: every ready step (Dask queues them).",
        ),
        "tag_concurrency_limits": _tag_concurrency_limits(),
    }


DASK_CONFIG = _dask_config()
"""The config schema of :data:`dask_executor` (Dagster's ``cluster`` selector, plus the
multiprocess executor's concurrency limits)."""

dask_executor = ExecutorDefinition(
    "dask",
    engine="dask",
    config_schema=DASK_CONFIG,
    description="Runs each step as a task on a Dask cluster (an existing scheduler or a "
    "LocalCluster started for the run); needs the `dask` extra and a persistent IO manager.",
)


def _in_run_process_config(*, awaits: bool) -> Any:
    """The config of the thread pool executor, and with ``awaits`` of the async executor."""
    from ..config.types import Field

    config: dict[str, Any] = {}
    if awaits:
        config["max_concurrent"] = Field(
            int,
            is_required=False,
            description="Async steps awaited at once on the run's event loop; default: 1000.",
        )
    what = "Threads for the job's sync steps" if awaits else "Steps run at once (threads)"
    config["max_workers"] = Field(
        int, is_required=False, description=f"{what}; default: min(32, CPUs + 4)."
    )
    config["tag_concurrency_limits"] = _tag_concurrency_limits()
    config["cancel_timeout_seconds"] = Field(
        float,
        is_required=False,
        description="After a cancel, how long running steps get to end before they are "
        "recorded as interrupted and left behind; default: wait for them.",
    )
    return config


thread_pool_executor = ExecutorDefinition(
    "thread_pool",
    engine="thread_pool",
    config_schema=_in_run_process_config(awaits=False),
    description="Runs ready steps at once on threads of the run process (outputs may stay "
    "in memory); for steps that wait on IO.",
)

async_executor = ExecutorDefinition(
    "async",
    engine="async",
    config_schema=_in_run_process_config(awaits=True),
    description="Awaits the job's async steps concurrently on one event loop of the run "
    "process; sync steps run on a thread pool beside it.",
)

IN_RUN_PROCESS_CONCURRENT = frozenset({"thread_pool", "async"})
"""Engines that run several steps at once inside the run process."""


def _multi_or_in_process_config() -> Any:
    from ..config.types import Field, Selector, Shape

    return Field(
        Selector({"multiprocess": Shape(MULTIPROCESS_CONFIG), "in_process": Shape({})}),
        default_value={"multiprocess": {}},
        description="multiprocess: {...} (the multiprocess executor's config) or in_process: {}.",
    )


multi_or_in_process_executor = ExecutorDefinition(
    "multi_or_in_process",
    engine="multi_or_in_process",
    config_schema=_multi_or_in_process_config(),
    description="The default: runs launched from a job pointer on a persistent instance use "
    "the multiprocess executor, others run in process; run config "
    "`execution: {config: {multiprocess: {...}}}` or `{in_process: {}}` chooses.",
)
"""The executor of a job that names none (Dagster's default, with its run config)."""


def executor(
    name: str | Callable[..., Any] | None = None,
    config_schema: Any = None,
    description: str | None = None,
) -> Any:
    """Define an executor from a function ``fn(init_context)`` that returns the executor.

    Usable bare (``@executor``) or with arguments (``@executor(name=..., config_schema=...)``).
    """

    def define(fn: Callable[..., Any], chosen: str | None) -> ExecutorDefinition:
        return ExecutorDefinition(
            chosen or fn.__name__, config_schema, fn, description or fn.__doc__
        )

    if callable(name):
        return define(name, None)
    return lambda fn: define(fn, name)
