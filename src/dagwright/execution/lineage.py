"""The lineage of a run: it, the run it re-executed, and so on back to the first, read from events.

A re-execution needs two facts about every step of the runs before it,
both read from their event logs (the source of truth, not the run status):

* how the step last ended: its record in the nearest run that has events
  for it (``from_failure`` re-executes the steps whose last outcome is not
  a success);
* where its outputs are: the nearest run in which it succeeded, the names
  of the outputs that attempt yielded and, for a dynamic output, its mapping
  keys in yield order (the IO manager loads them from that run).

Only the attempt that ended a step counts: the outputs of an attempt that
failed and was retried are forgotten, as they are in the run itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..records import EventType, StepOutputData

if TYPE_CHECKING:
    from ..records import Run
    from ..storage.instance import Instance

__all__ = ["StepRecord", "Lineage", "read_steps"]

_START = EventType.STEP_START.value
_RESTARTED = EventType.STEP_RESTARTED.value
_OUTPUT = EventType.STEP_OUTPUT.value
_SUCCESS = EventType.STEP_SUCCESS.value
_FAILURE = EventType.STEP_FAILURE.value
_SKIPPED = EventType.STEP_SKIPPED.value
_UP_FOR_RETRY = EventType.STEP_UP_FOR_RETRY.value
_STEP_TYPES = (_START, _RESTARTED, _OUTPUT, _SUCCESS, _FAILURE, _SKIPPED, _UP_FOR_RETRY)


class StepRecord:
    """How one step went in one run: ``status`` and what its last attempt yielded.

    ``status`` is ``SUCCESS``, ``FAILURE``, ``SKIPPED`` (skipped or abandoned)
    or ``STARTED`` (it never ended: the run was interrupted).
    """

    __slots__ = ("dynamic", "outputs", "run_id", "status")

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.status = "STARTED"
        self.outputs: set[str] = set()
        self.dynamic: dict[str, list[str]] = {}

    @property
    def succeeded(self) -> bool:
        return self.status == "SUCCESS"

    def __repr__(self) -> str:
        return f"StepRecord({self.status} in {self.run_id})"


def read_steps(instance: Instance, run_id: str) -> dict[str, StepRecord]:
    """Every step with events in run ``run_id``, and how it went."""
    records: dict[str, StepRecord] = {}
    for entry in instance.all_logs(run_id, of_type=_STEP_TYPES):
        event = entry.event
        key = event.step_key if event is not None else None
        if event is None or key is None:
            continue
        kind = event.event_type_value
        if kind in (_START, _RESTARTED):
            records[key] = StepRecord(run_id)  # a new attempt: earlier outputs are forgotten
            continue
        record = records.get(key)
        if record is None:
            record = records[key] = StepRecord(run_id)
        if kind == _OUTPUT:
            data = event.event_specific_data
            if isinstance(data, StepOutputData):
                record.outputs.add(data.output_name)
                if data.mapping_key is not None:
                    record.dynamic.setdefault(data.output_name, []).append(data.mapping_key)
        elif kind == _SUCCESS:
            record.status = "SUCCESS"
        elif kind == _FAILURE:
            record.status = "FAILURE"
        elif kind == _SKIPPED:
            record.status = "SKIPPED"
        elif kind == _UP_FOR_RETRY:
            record.status = "STARTED"
    return records


class Lineage:
    """The runs a re-execution descends from, nearest first, and each step's outcomes in them."""

    __slots__ = ("latest", "runs", "succeeded")

    def __init__(self, runs: list[Run], steps: list[dict[str, StepRecord]]) -> None:
        self.runs = runs
        # step key -> its record in the nearest run that has events for it
        self.latest: dict[str, StepRecord] = {}
        # step key -> its record in the nearest run where it succeeded
        self.succeeded: dict[str, StepRecord] = {}
        for records in steps:
            for key, record in records.items():
                self.latest.setdefault(key, record)
                if record.succeeded:
                    self.succeeded.setdefault(key, record)

    @classmethod
    def read(cls, instance: Instance, parent: Run) -> Lineage:
        """The lineage of a re-execution of ``parent``: ``parent``, its parent, ... the root.

        A run of the chain that was deleted ends the walk there: steps only it
        ran count as never run.
        """
        runs: list[Run] = []
        steps: list[dict[str, StepRecord]] = []
        seen: set[str] = set()
        run: Run | None = parent
        while run is not None and run.run_id not in seen:
            seen.add(run.run_id)
            runs.append(run)
            steps.append(read_steps(instance, run.run_id))
            parent_id = run.parent_run_id
            run = instance.get_run_by_id(parent_id) if parent_id is not None else None
        return cls(runs, steps)

    def mapping_keys(self, root: tuple[str, str]) -> list[str] | None:
        """The mapping keys dynamic output ``root`` (step key, output) had when its step last
        succeeded, or None if it never did."""
        record = self.succeeded.get(root[0])
        return list(record.dynamic.get(root[1], ())) if record is not None else None

    def not_succeeded(self) -> list[str]:
        """Keys of the steps whose last outcome in the lineage is not a success, sorted."""
        return sorted(k for k, record in self.latest.items() if not record.succeeded)

    def describe(self, step_key: str) -> str:
        """How ``step_key`` last went, for error messages."""
        record = self.latest.get(step_key)
        if record is None:
            return "no run of the lineage started it"
        ended = {"FAILURE": "failed", "SKIPPED": "was skipped", "STARTED": "never finished"}
        return f"it {ended.get(record.status, 'succeeded')} in run '{record.run_id}'"
