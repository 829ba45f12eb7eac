"""The result of running a job: success, events, and the outputs of its ops.

:class:`ExecuteInProcessResult` is what ``execute_in_process`` returns;
:class:`ExecuteJobResult` what ``execute_job`` returns, a context manager
whose outputs are released when its ``with`` block ends (as in Dagster).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..definitions._flatten import op_output_of
from ..definitions.outputs import DEFAULT_OUTPUT
from ..errors import DagwrightError, InvariantViolationError
from ..metadata import AssetMaterialization, AssetObservation, ExpectationResult
from ..records import (
    AssetCheckEvaluationData,
    AssetObservationData,
    Event,
    EventLogEntry,
    EventType,
    Run,
    StepExpectationResultData,
    StepFailureData,
    StepMaterializationData,
)
from ..records.events import STEP_EVENTS
from ._run import MemoryOutputs
from .output_loader import LAZY

if TYPE_CHECKING:
    from ..definitions.job import JobDefinition
    from .known_state import KnownState
    from .output_loader import OutputLoader

__all__ = ["ExecutionResult", "ExecuteInProcessResult", "ExecuteJobResult"]


class ExecutionResult:
    """What a run of a job gives back: whether it succeeded, its events, its outputs."""

    def __init__(
        self,
        run: Run,
        entries: Sequence[EventLogEntry],
        job: JobDefinition,
        outputs: MemoryOutputs,
    ) -> None:
        self._run = run
        self._entries = list(entries)
        self._events = [e.event for e in self._entries if e.event is not None]
        self._job = job
        self._outputs = outputs

    # -- the run -------------------------------------------------------------

    @property
    def success(self) -> bool:
        """Whether the run ended in SUCCESS."""
        return self._run.is_success

    @property
    def run_id(self) -> str:
        return self._run.run_id

    @property
    def run(self) -> Run:
        return self._run

    dagster_run = run

    @property
    def job_def(self) -> JobDefinition:
        return self._job

    # -- events ----------------------------------------------------------------

    @property
    def all_events(self) -> list[Event]:
        """Every event of the run, in order (plain ``context.log`` lines are in :attr:`entries`)."""
        return list(self._events)

    @property
    def entries(self) -> list[EventLogEntry]:
        """The run's whole event log: events and log lines, with timestamps and levels."""
        return list(self._entries)

    @property
    def all_node_events(self) -> list[Event]:
        """Every step event (events about ops, not about the run as a whole)."""
        return [e for e in self._events if e.event_type_value in STEP_EVENTS]

    def events_for_node(self, node_name: str) -> list[Event]:
        """Step events of the node ``node_name`` and, for a graph, of every op inside it."""
        prefix = node_name + "."
        return [
            e
            for e in self._events
            if e.event_type_value in STEP_EVENTS
            and e.node_handle is not None
            and (e.node_handle == node_name or e.node_handle.startswith(prefix))
        ]

    def filter_events(self, predicate: Callable[[Event], bool]) -> list[Event]:
        return [e for e in self._events if predicate(e)]

    def _of_type(self, event_type: EventType) -> list[Event]:
        return [e for e in self._events if e.event_type_value == event_type]

    def get_step_success_events(self) -> list[Event]:
        return self._of_type(EventType.STEP_SUCCESS)

    def get_step_failure_events(self) -> list[Event]:
        return self._of_type(EventType.STEP_FAILURE)

    def get_step_skipped_events(self) -> list[Event]:
        return self._of_type(EventType.STEP_SKIPPED)

    def get_failed_step_keys(self) -> set[str]:
        return {
            e.step_key
            for e in self._events
            if e.event_type_value == EventType.STEP_FAILURE and e.step_key is not None
        }

    def _single(self, event_type: EventType) -> Event:
        for event in self._events:
            if event.event_type_value == event_type:
                return event
        raise DagwrightError(f"No event of type {event_type.value} found.")

    def get_run_success_event(self) -> Event:
        return self._single(EventType.RUN_SUCCESS)

    def get_run_failure_event(self) -> Event:
        return self._single(EventType.RUN_FAILURE)

    get_job_success_event = get_run_success_event
    get_job_failure_event = get_run_failure_event

    def is_node_success(self, node_name: str) -> bool:
        return any(e.is_step_success for e in self.events_for_node(node_name))

    def is_node_failed(self, node_name: str) -> bool:
        return any(e.is_step_failure for e in self.events_for_node(node_name))

    def is_node_skipped(self, node_name: str) -> bool:
        return any(e.is_step_skipped for e in self.events_for_node(node_name))

    def is_node_untouched(self, node_name: str) -> bool:
        return not self.events_for_node(node_name)

    def failure_data_for_node(self, node_name: str) -> StepFailureData | None:
        for event in self.events_for_node(node_name):
            if event.is_step_failure:
                return event.step_failure_data
        return None

    # -- what ops reported -------------------------------------------------------

    def asset_materializations_for_node(self, node_name: str) -> list[AssetMaterialization]:
        """The materializations node ``node_name`` (and, for a graph, its ops) reported."""
        return [
            e.event_specific_data.materialization
            for e in self.events_for_node(node_name)
            if isinstance(e.event_specific_data, StepMaterializationData)
        ]

    def asset_observations_for_node(self, node_name: str) -> list[AssetObservation]:
        """The observations node ``node_name`` (and, for a graph, its ops) reported."""
        return [
            e.event_specific_data.asset_observation
            for e in self.events_for_node(node_name)
            if isinstance(e.event_specific_data, AssetObservationData)
        ]

    def expectation_results_for_node(self, node_name: str) -> list[ExpectationResult]:
        """The expectation results node ``node_name`` (and, for a graph, its ops) reported."""
        return [
            e.event_specific_data.expectation_result
            for e in self.events_for_node(node_name)
            if isinstance(e.event_specific_data, StepExpectationResultData)
        ]

    def get_asset_materialization_events(self) -> list[Event]:
        """Every ASSET_MATERIALIZATION event of the run."""
        return self._of_type(EventType.ASSET_MATERIALIZATION)

    def get_asset_observation_events(self) -> list[Event]:
        """Every ASSET_OBSERVATION event of the run."""
        return self._of_type(EventType.ASSET_OBSERVATION)

    def get_asset_check_evaluations(self) -> list[AssetCheckEvaluationData]:
        """The result of every asset check the run evaluated (asset, check name, passed,
        severity, metadata), in the order they were recorded."""
        return [
            e.event_specific_data
            for e in self._of_type(EventType.ASSET_CHECK_EVALUATION)
            if isinstance(e.event_specific_data, AssetCheckEvaluationData)
        ]

    def retry_attempts_for_node(self, node_name: str) -> int:
        return sum(
            1
            for e in self.events_for_node(node_name)
            if e.event_type_value == EventType.STEP_RESTARTED
        )

    # -- outputs ---------------------------------------------------------------

    def output_for_node(self, node_str: str, output_name: str = DEFAULT_OUTPUT) -> Any:
        """The value of output ``output_name`` of node ``node_str`` (``"graph.op"`` for nested).

        For an op that ran once per dynamic value, a dict of mapping key to value.
        """
        graph = self._job.graph
        node = graph.node_named(node_str)
        if output_name not in node.definition.output_dict:
            raise InvariantViolationError(
                f"node '{node_str}' has no output named '{output_name}' (outputs: "
                f"{', '.join(node.definition.output_dict) or 'none'})."
            )
        ref = op_output_of(node.definition, node_str, output_name)
        return self._value(ref.handle, ref.output, f"output '{output_name}' of node '{node_str}'")

    def asset_value(self, asset_key: Any) -> Any:
        """The value the run materialized for asset ``asset_key`` (a key, ``"a/b"`` or a list)."""
        from ..definitions.assets.specs import to_key

        key = to_key(asset_key)
        layer = self._job.asset_layer
        found = [h for h, k in (layer.outputs.items() if layer else ()) if k == key]
        if not found:
            raise InvariantViolationError(
                f"this run's job materializes no asset '{key.to_user_string()}'."
            )
        handle, output = found[0]
        return self._value(handle, output, f"asset '{key.to_user_string()}'")

    def output_value(self, output_name: str = DEFAULT_OUTPUT) -> Any:
        """The value of output ``output_name`` of the job's top-level graph."""
        graph = self._job.graph
        if not graph.output_defs:
            raise InvariantViolationError(
                f"'{graph.name}' has no outputs; read an op's output with output_for_node()."
            )
        for mapping in graph.output_mappings:
            if mapping.graph_output_name == output_name:
                node = graph.node_dict[mapping.mapped_node_name]
                ref = op_output_of(node.definition, node.name, mapping.mapped_node_output_name)
                return self._value(ref.handle, ref.output, f"top-level output '{output_name}'")
        raise InvariantViolationError(
            f"'{graph.name}' has no output '{output_name}' (outputs: "
            f"{', '.join(d.name for d in graph.output_defs)})."
        )

    def _mapping_keys(self, root: tuple[str, str]) -> list[str]:
        """The mapping keys dynamic output ``root`` had in this run."""
        return list(self._outputs.dynamic.get(root, {}))

    def _value(self, handle: str, output: str, label: str) -> Any:
        outputs = self._outputs
        flat = self._job.flat_graph.ops[handle]
        if flat.scope is not None:
            return {
                key: outputs.values[(f"{handle}[{key}]", output)]
                for key in self._mapping_keys(flat.scope)
                if (f"{handle}[{key}]", output) in outputs.values
            }
        if (handle, output) in outputs.dynamic:
            return dict(outputs.dynamic[(handle, output)])
        if (handle, output) in outputs.values:
            return outputs.values[(handle, output)]
        raise InvariantViolationError(
            f"No value was produced for {label}: its step failed, was skipped, or did not yield it."
        )


class ExecuteInProcessResult(ExecutionResult):
    """What ``execute_in_process`` returns: whether the run succeeded, its events, its outputs."""


class ExecuteJobResult(ExecutionResult):
    """What ``execute_job`` returns; use it as a context manager, as in Dagster.

    ``with execute_job(...) as result:`` — the run and its events stay
    readable after the block; the outputs of its ops (``output_for_node``,
    ``output_value``) are released when it ends, so a script that runs big
    jobs does not keep their data alive. A re-execution's result reads only
    the outputs of the steps it executed; :attr:`reused_steps` names the
    others it read from earlier runs.
    """

    def __init__(
        self,
        run: Run,
        entries: Sequence[EventLogEntry],
        job: JobDefinition,
        outputs: MemoryOutputs,
        known_state: KnownState | None = None,
        loader: OutputLoader | None = None,
    ) -> None:
        super().__init__(run, entries, job, outputs)
        self._known = known_state
        self._released = False
        # Reads outputs kept by IO managers (steps that ran in other processes).
        self._loader = loader

    def __enter__(self) -> ExecuteJobResult:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._released = True
        self._outputs = MemoryOutputs()  # let the values go
        if self._loader is not None:
            self._loader.close()

    @property
    def parent_run_id(self) -> str | None:
        """The run this one re-executes (None unless it is a re-execution)."""
        return self._run.parent_run_id

    @property
    def reused_steps(self) -> Mapping[str, str]:
        """Steps this re-execution did not execute whose outputs it read, by the run that
        made them (empty for a run that is not a re-execution)."""
        return dict(self._known.reused_steps) if self._known is not None else {}

    def _mapping_keys(self, root: tuple[str, str]) -> list[str]:
        known = self._known
        reused = known.dynamic_keys(root) if known is not None else None
        return reused if reused is not None else super()._mapping_keys(root)

    def _value(self, handle: str, output: str, label: str) -> Any:
        if self._released:
            raise InvariantViolationError(
                f"the outputs of run '{self.run_id}' were released when its "
                "`with execute_job(...) as result:` block ended; read "
                f"{label} inside the block."
            )
        known = self._known
        producer = known.producer(handle) if known is not None else None
        if producer is not None:
            raise InvariantViolationError(
                f"step '{handle}' was not executed by re-execution '{self.run_id}': its "
                f"outputs are those of run '{producer}'. Read {label} from that run (its "
                "IO manager stored it), or select the step to run it again."
            )
        value = super()._value(handle, output, label)
        if self._loader is None:
            return value
        load = self._loader.load
        if self._job.flat_graph.ops[handle].scope is not None:  # mapped: by mapping key
            return {k: load(f"{handle}[{k}]", handle, output, None) for k in value}
        if (handle, output) in self._outputs.dynamic:
            return {k: load(handle, handle, output, k) for k in value}
        return load(handle, handle, output, None) if value is LAZY else value
