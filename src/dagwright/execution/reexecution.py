"""Re-execution: running some steps of a finished run again, as a new run of the same lineage.

``execute_job(job, instance, reexecution_options=ReexecutionOptions(...))``
makes a new run whose ``parent_run_id`` is the run re-executed and whose
``root_run_id`` is the first run of the chain. It runs the selected steps;
the others emit nothing, and the outputs they made in an earlier run are
loaded from that run through the IO manager (see :mod:`.known_state`), so
the job's IO managers must keep outputs after a run: ``fs_io_manager`` or
any that stores them (on a persistent instance an unbound ``io_manager``
does).

:meth:`ReexecutionOptions.from_failure` selects the steps that did not
succeed: failed, skipped or abandoned, unfinished, or never started.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..definitions.tags import PARENT_RUN_ID_TAG, RESUME_RETRY_TAG, ROOT_RUN_ID_TAG
from ..errors import InvalidInvocationError, ReexecutionError
from ..records import RunStatus
from ..storage.instance import Instance
from .known_state import KnownState
from .lineage import Lineage
from .step_selection import StepGraph, parse_step_selection

if TYPE_CHECKING:
    from ..definitions.job import JobDefinition
    from ..records import Run

__all__ = ["ReexecutionOptions", "Reexecution", "plan_reexecution"]

_LINEAGE_TAGS = frozenset({PARENT_RUN_ID_TAG, ROOT_RUN_ID_TAG, RESUME_RETRY_TAG})


@dataclasses.dataclass(frozen=True)
class ReexecutionOptions:
    """Which run ``execute_job`` re-executes, and which of its steps.

    ``parent_run_id`` names a finished run of the job. ``step_selection``
    chooses the steps to run again, with op selection's syntax over step
    keys: ``"b"``, ``"*c"`` (c and every step upstream), ``"b+"`` (and one
    level downstream), ``"b*"`` (and everything downstream), ``"op[key]"``
    (one step of a mapped op); empty (the default) runs every step again.
    ``is_resume_retry`` is set by :meth:`from_failure`: the re-execution
    then also runs the steps no run of the lineage started, and is tagged
    ``dagwright/is_resume_retry``.
    """

    parent_run_id: str
    step_selection: Sequence[str] = ()
    is_resume_retry: bool = dataclasses.field(default=False, kw_only=True)

    def __post_init__(self) -> None:
        if not isinstance(self.parent_run_id, str) or not self.parent_run_id.strip():
            raise InvalidInvocationError(
                f"parent_run_id={self.parent_run_id!r} is not a run id.",
                where="ReexecutionOptions",
                fix="pass the id of the run to re-execute (result.run_id of that run).",
            )
        selection = self.step_selection
        if selection is None or (
            not isinstance(selection, str)
            and not (isinstance(selection, Sequence) and all(isinstance(c, str) for c in selection))
        ):
            raise InvalidInvocationError(
                f"step_selection={selection!r} is not a list of step selection clauses.",
                where="ReexecutionOptions",
                fix="pass strings like ['b', '*c', 'd+'], or leave it out to re-execute "
                "every step.",
            )
        object.__setattr__(self, "step_selection", tuple(parse_step_selection(selection)))

    @classmethod
    def from_failure(cls, run_id: str, instance: Instance) -> ReexecutionOptions:
        """Options re-executing the steps of failed run ``run_id`` that did not succeed.

        ``step_selection`` lists the steps whose last outcome in the run (or,
        for steps it did not run, in the run it re-executed, and so on) is a
        failure, a skip or no end; the steps no run started are added when
        the job is known, by ``execute_job``. Raises ReexecutionError if the
        run is not in ``instance`` or did not end in FAILURE.
        """
        if not isinstance(instance, Instance):
            raise InvalidInvocationError(
                f"instance must be the Instance the run was recorded in, got "
                f"{type(instance).__name__}.",
                where="ReexecutionOptions.from_failure",
                fix="pass the instance given to the first run, e.g. Instance.get().",
            )
        parent = finished_run(instance, run_id)
        if parent.status is not RunStatus.FAILURE:
            raise ReexecutionError(
                run_id=run_id,
                status=parent.status.value,
                problem="from_failure re-executes the steps of a failed run, and this run "
                + ("was canceled" if parent.status is RunStatus.CANCELED else "succeeded"),
                fix=f"choose the steps: ReexecutionOptions(parent_run_id='{run_id}', "
                f"step_selection=[...]), or re-execute every step: "
                f"ReexecutionOptions(parent_run_id='{run_id}').",
            )
        lineage = Lineage.read(instance, parent)
        return cls(run_id, tuple(lineage.not_succeeded()), is_resume_retry=True)


def finished_run(instance: Instance, run_id: str) -> Run:
    """The run ``run_id`` of ``instance``; ReexecutionError if it is missing or unfinished."""
    run = instance.get_run_by_id(run_id)
    if run is None:
        raise ReexecutionError(
            run_id=run_id,
            status=None,
            problem="the instance has no run with this id",
            fix="check the id (instance.get_run_ids() lists the runs) and pass the instance "
            "that recorded the run; an ephemeral instance keeps its runs only in the Instance "
            "object that recorded them.",
        )
    if not run.is_finished:
        raise ReexecutionError(
            run_id=run_id,
            status=run.status.value,
            problem="it has not finished, so how its steps end is not known yet",
            fix="wait until it ends (a run whose process died is marked FAILURE once that is "
            "detected), then re-execute it.",
        )
    return run


class Reexecution:
    """A re-execution, planned: the job (with the parent's op selection), the steps it runs,
    and what its run record takes from the parent (config, partition, tags, lineage)."""

    __slots__ = ("job", "known_state", "parent_tags", "partition_key", "run_config", "tags")

    def __init__(
        self,
        job: JobDefinition,
        known_state: KnownState,
        run_config: Any,
        partition_key: str | None,
        parent_tags: Mapping[str, str],
        tags: Mapping[str, str],
    ) -> None:
        self.job = job
        self.known_state = known_state
        self.run_config = run_config
        self.partition_key = partition_key
        # The parent's tags, under the job's and the caller's; the lineage tags over all.
        self.parent_tags = parent_tags
        self.tags = tags

    @property
    def parent_run_id(self) -> str:
        return self.known_state.parent_run_id

    @property
    def root_run_id(self) -> str:
        return self.known_state.root_run_id


def plan_reexecution(
    job: JobDefinition,
    instance: Instance,
    options: ReexecutionOptions,
    run_config: Any,
    op_selection: Sequence[str] | str | None,
) -> Reexecution:
    """Check ``options`` against the instance and ``job`` and work out the new run.

    ``run_config`` None means the parent's run config. Raises ReexecutionError,
    InvalidSubsetError (an unknown step) or InvalidInvocationError.
    """
    if not isinstance(options, ReexecutionOptions):
        raise InvalidInvocationError(
            f"reexecution_options must be a ReexecutionOptions, got {type(options).__name__}.",
            where="execute_job",
            fix="pass ReexecutionOptions(parent_run_id=..., step_selection=[...]) or "
            "ReexecutionOptions.from_failure(run_id, instance).",
        )
    if op_selection:
        raise InvalidInvocationError(
            "op_selection was given with reexecution_options; a re-execution runs the op "
            "selection of the run it re-executes.",
            where="execute_job",
            fix="choose the steps to run again with ReexecutionOptions(step_selection=[...]).",
        )
    parent = finished_run(instance, options.parent_run_id)
    if parent.job_name != job.name:
        raise ReexecutionError(
            run_id=parent.run_id,
            status=parent.status.value,
            problem=f"it is a run of job '{parent.job_name}', not of job '{job.name}'",
            fix=f"pass job '{parent.job_name}' to execute_job, or the id of a run of "
            f"job '{job.name}'.",
        )
    if parent.op_selection:
        job = job.get_subset(op_selection=parent.op_selection)
    lineage = Lineage.read(instance, parent)
    selected = _selected_steps(job, lineage, options, parent)
    known = KnownState(parent, lineage, job.flat_graph, selected)
    known.check(job, instance)
    lineage_tags = {PARENT_RUN_ID_TAG: parent.run_id, ROOT_RUN_ID_TAG: known.root_run_id}
    if options.is_resume_retry:
        lineage_tags[RESUME_RETRY_TAG] = "true"
    return Reexecution(
        job,
        known,
        parent.run_config if run_config is None else run_config,
        parent.partition_key,
        {k: v for k, v in parent.tags.items() if k not in _LINEAGE_TAGS},
        lineage_tags,
    )


def _selected_steps(
    job: JobDefinition, lineage: Lineage, options: ReexecutionOptions, parent: Run
) -> set[str] | None:
    """The step graph nodes the re-execution runs; None for every step."""
    if not options.step_selection and not options.is_resume_retry:
        return None
    graph = StepGraph(job.flat_graph, lineage.mapping_keys)
    selected = graph.select(options.step_selection, job.name) if options.step_selection else set()
    if options.is_resume_retry:
        _add_unstarted(job, graph, lineage, selected)
        if not selected:
            raise ReexecutionError(
                run_id=parent.run_id,
                status=parent.status.value,
                problem="every step it started succeeded and it started every step, so no "
                "step is left to re-execute from failure",
                fix=f"choose the steps: ReexecutionOptions(parent_run_id='{parent.run_id}', "
                "step_selection=[...]).",
            )
    return selected


def _add_unstarted(
    job: JobDefinition, graph: StepGraph, lineage: Lineage, selected: set[str]
) -> None:
    """Add the steps no run of the lineage started; all steps of an op mapped over a re-run
    dynamic output (its mapping keys are the new run's)."""
    for flat in job.flat_graph.ops.values():
        handle = flat.handle
        if flat.scope is None:
            if handle not in lineage.latest:
                selected.add(handle)
            continue
        if flat.scope[0] in selected:
            selected.add(handle)
            continue
        selected.update(s for s in graph.steps_of(handle) if s not in lineage.latest)
