"""The execution state of one run, shared by its steps (never stored on definitions)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .clock import current_clock

if TYPE_CHECKING:
    from ..definitions.executor import ExecutorDefinition
    from ..definitions.job import JobDefinition
    from ..definitions.resources import ResourceDefinition
    from ..records import Run
    from ..storage.instance import Instance
    from .clock import Clock
    from .logs import RunLog
    from .plan import ExecutionPlan
    from .resources import ResourceSet
    from .state import ExecutionStep

__all__ = ["RunContext", "MemoryOutputs"]


class MemoryOutputs:
    """Step outputs kept in memory: values by (step key, output), dynamic ones by mapping key."""

    __slots__ = ("dynamic", "values")

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], Any] = {}
        self.dynamic: dict[tuple[str, str], dict[str, Any]] = {}


class RunContext:
    """Everything a run's steps share: the run record, plan, log, resources and outputs.

    ``clock`` is where the run gets the time and its retry waits: the clock
    current when the run was made (see :mod:`dagwright.execution.clock`).
    """

    __slots__ = (
        "clock",
        "cancel",
        "compute_logs",
        "executor_def",
        "inline_io",
        "job_source",
        "on_main_thread",
        "running_step",
        "data_versions",
        "blocked_steps",
        "instance",
        "job",
        "log",
        "outputs",
        "partition_key",
        "plan",
        "resource_defs",
        "resources",
        "run",
    )

    def __init__(
        self,
        run: Run,
        job: JobDefinition,
        plan: ExecutionPlan,
        log: RunLog,
        resources: ResourceSet,
        instance: Instance,
        clock: Clock | None = None,
    ) -> None:
        self.run = run
        self.job = job
        self.plan = plan
        self.log = log
        self.resources = resources
        # The job's resources, plus the default IO manager of a persistent instance.
        self.resource_defs: Mapping[str, ResourceDefinition] = job.resource_defs
        self.outputs = MemoryOutputs()
        self.instance = instance
        self.partition_key = run.partition_key
        # IO manager keys whose outputs the step runner keeps in ``outputs`` itself
        # (in-memory managers); set when the run's resources start.
        self.inline_io: frozenset[str] = frozenset({"io_manager"})
        self.clock = clock if clock is not None else current_clock()
        # Where steps' stdout/stderr are captured (persistent instances only).
        self.compute_logs = instance.compute_log_manager
        # How steps run (None: in this process), and how other processes rebuild the job.
        self.executor_def: ExecutorDefinition | None = None
        self.job_source: Any = None
        # Set when the run is asked to cancel; the step running in this process, if any.
        self.cancel = threading.Event()
        self.running_step: ExecutionStep | None = None
        # The data version of each asset this process materialized in the run (lineage tags).
        self.data_versions: dict[Any, str] = {}
        # Steps whose blocking asset checks failed: (asset:check) of each, until the step ends.
        self.blocked_steps: dict[str, list[str]] = {}
        self.on_main_thread = threading.current_thread() is threading.main_thread()

    @property
    def run_id(self) -> str:
        return self.run.run_id

    @property
    def run_config(self) -> Any:
        return self.plan.run_config
