"""Events: the immutable records of everything that happens in a run.

An :class:`Event` is a structured happening (a step started, an output was
yielded, a step failed); an :class:`EventLogEntry` is one line of a run's
event log: a timestamped, levelled wrapper around an event or around a
plain log message from ``context.log``. Both have a stable JSON form
(``to_json`` / ``from_json``) that storage and the API rely on.

Metadata in event data is always typed (``dagwright.metadata`` values, tagged
in JSON); the reports ops make (asset materializations and observations,
expectation results) are carried whole by the events that record them.
"""

from __future__ import annotations

import functools
from enum import StrEnum

import msgspec

from ..metadata import (
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    AssetMaterialization,
    AssetObservation,
    ExpectationResult,
    MetadataValueUnion,
)
from .error_info import ErrorInfo

__all__ = [
    "EventType",
    "Event",
    "EventLogEntry",
    "TypeCheckData",
    "StepInputData",
    "StepOutputData",
    "LoadedInputData",
    "HandledOutputData",
    "StepSuccessData",
    "StepFailureData",
    "StepSkippedData",
    "StepRetryData",
    "UserFailureData",
    "EngineEventData",
    "AssetCheckEvaluationData",
    "RunFailureData",
    "StepMaterializationData",
    "AssetObservationData",
    "StepExpectationResultData",
    "LogsCapturedData",
    "Metadata",
    "EventData",
    "STEP_EVENTS",
    "FAILURE_EVENTS",
]


class EventType(StrEnum):
    """The kinds of event a run records; values are the member names."""

    RUN_ENQUEUED = "RUN_ENQUEUED"
    RUN_DEQUEUED = "RUN_DEQUEUED"
    RUN_STARTING = "RUN_STARTING"
    RUN_START = "RUN_START"
    RUN_SUCCESS = "RUN_SUCCESS"
    RUN_FAILURE = "RUN_FAILURE"
    RUN_CANCELING = "RUN_CANCELING"
    RUN_CANCELED = "RUN_CANCELED"

    STEP_START = "STEP_START"
    STEP_INPUT = "STEP_INPUT"
    STEP_OUTPUT = "STEP_OUTPUT"
    STEP_SUCCESS = "STEP_SUCCESS"
    STEP_FAILURE = "STEP_FAILURE"
    STEP_SKIPPED = "STEP_SKIPPED"
    STEP_UP_FOR_RETRY = "STEP_UP_FOR_RETRY"
    STEP_RESTARTED = "STEP_RESTARTED"
    STEP_EXPECTATION_RESULT = "STEP_EXPECTATION_RESULT"
    STEP_WORKER_STARTING = "STEP_WORKER_STARTING"
    STEP_WORKER_STARTED = "STEP_WORKER_STARTED"

    LOADED_INPUT = "LOADED_INPUT"
    HANDLED_OUTPUT = "HANDLED_OUTPUT"

    ASSET_MATERIALIZATION = "ASSET_MATERIALIZATION"
    ASSET_MATERIALIZATION_PLANNED = "ASSET_MATERIALIZATION_PLANNED"
    ASSET_OBSERVATION = "ASSET_OBSERVATION"
    ASSET_CHECK_EVALUATION = "ASSET_CHECK_EVALUATION"

    RESOURCE_INIT_STARTED = "RESOURCE_INIT_STARTED"
    RESOURCE_INIT_SUCCESS = "RESOURCE_INIT_SUCCESS"
    RESOURCE_INIT_FAILURE = "RESOURCE_INIT_FAILURE"

    HOOK_COMPLETED = "HOOK_COMPLETED"
    HOOK_ERRORED = "HOOK_ERRORED"
    HOOK_SKIPPED = "HOOK_SKIPPED"

    ENGINE_EVENT = "ENGINE_EVENT"
    LOGS_CAPTURED = "LOGS_CAPTURED"


STEP_EVENTS = frozenset(
    {
        EventType.STEP_START,
        EventType.STEP_INPUT,
        EventType.STEP_OUTPUT,
        EventType.STEP_SUCCESS,
        EventType.STEP_FAILURE,
        EventType.STEP_SKIPPED,
        EventType.STEP_UP_FOR_RETRY,
        EventType.STEP_RESTARTED,
        EventType.STEP_EXPECTATION_RESULT,
        EventType.LOADED_INPUT,
        EventType.HANDLED_OUTPUT,
        EventType.ASSET_MATERIALIZATION,
        EventType.ASSET_OBSERVATION,
        EventType.ASSET_CHECK_EVALUATION,
    }
)
FAILURE_EVENTS = frozenset(
    {EventType.RUN_FAILURE, EventType.STEP_FAILURE, EventType.RESOURCE_INIT_FAILURE}
)


# --------------------------------------------------------------------------
# Event-specific data: one small struct per kind of event, tagged in JSON.

Metadata = dict[str, MetadataValueUnion]
"""Metadata as events hold it: typed values by key (see ``dagwright.metadata.normalize``)."""


class _Data(msgspec.Struct, frozen=True, kw_only=True, tag=True, gc=False):
    pass


class TypeCheckData(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """The outcome of checking one value against a type."""

    success: bool
    label: str
    type_name: str
    description: str | None = None
    metadata: Metadata = msgspec.field(default_factory=dict)


class StepInputData(_Data, frozen=True):
    input_name: str
    type_check: TypeCheckData | None = None


class StepOutputData(_Data, frozen=True):
    output_name: str
    mapping_key: str | None = None
    type_check: TypeCheckData | None = None
    metadata: Metadata = msgspec.field(default_factory=dict)


class LoadedInputData(_Data, frozen=True):
    input_name: str
    manager_key: str
    upstream_step_key: str | None = None
    upstream_output_name: str | None = None
    metadata: Metadata = msgspec.field(default_factory=dict)


class HandledOutputData(_Data, frozen=True):
    output_name: str
    manager_key: str
    mapping_key: str | None = None
    metadata: Metadata = msgspec.field(default_factory=dict)


class StepSuccessData(_Data, frozen=True):
    duration_ms: float


class UserFailureData(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """What a user said about a failure they raised on purpose (``Failure``)."""

    description: str | None = None
    metadata: Metadata = msgspec.field(default_factory=dict)


class StepFailureData(_Data, frozen=True):
    error: ErrorInfo | None = None
    error_source: str = "USER_CODE_ERROR"
    user_failure_data: UserFailureData | None = None


class StepRetryData(_Data, frozen=True):
    error: ErrorInfo | None = None
    seconds_to_wait: float = 0.0


class StepSkippedData(_Data, frozen=True):
    reason: str


class EngineEventData(_Data, frozen=True):
    metadata: Metadata = msgspec.field(default_factory=dict)
    error: ErrorInfo | None = None


class RunFailureData(_Data, frozen=True):
    """Why a run failed: ``reason`` is STEP_FAILURE, RESOURCE_INIT_FAILURE, INTERRUPTED,
    FRAMEWORK_ERROR, or (set by run monitoring) RUN_WORKER_DIED or START_TIMEOUT;
    ``failed_steps`` lists failed steps; ``error`` describes any other cause."""

    reason: str = "STEP_FAILURE"
    error: ErrorInfo | None = None
    failed_steps: list[str] = msgspec.field(default_factory=list)


class StepMaterializationData(_Data, frozen=True):
    """An ASSET_MATERIALIZATION event's data: the materialization the op reported."""

    materialization: AssetMaterialization


class AssetObservationData(_Data, frozen=True):
    """An ASSET_OBSERVATION event's data: the observation the op reported."""

    asset_observation: AssetObservation


class StepExpectationResultData(_Data, frozen=True):
    """A STEP_EXPECTATION_RESULT event's data: the result of the op's check."""

    expectation_result: ExpectationResult


class AssetCheckEvaluationData(_Data, frozen=True):
    """An ASSET_CHECK_EVALUATION event's data: the result of one asset check, and whether the
    check blocks what depends on the asset."""

    result: AssetCheckResult
    blocking: bool = False

    @property
    def asset_key(self) -> AssetKey | None:
        return self.result.asset_key

    @property
    def check_name(self) -> str | None:
        return self.result.check_name

    @property
    def passed(self) -> bool:
        return self.result.passed

    @property
    def severity(self) -> AssetCheckSeverity:
        return self.result.severity

    @property
    def metadata(self) -> dict[str, MetadataValueUnion]:
        return self.result.metadata

    @property
    def asset_check_key(self) -> AssetCheckKey | None:
        """The check evaluated: its asset and name (None if the result named neither)."""
        key, name = self.result.asset_key, self.result.check_name
        return AssetCheckKey(key, name) if key is not None and name is not None else None


class LogsCapturedData(_Data, frozen=True):
    """A LOGS_CAPTURED event's data: the files holding what ``step_keys`` wrote to stdout/stderr.

    ``file_key`` is the files' name within the run's log folder (the step key
    made file-safe); a reader tails them by ``stdout_path`` / ``stderr_path``.
    A file exists only once something was written to it.
    """

    file_key: str
    step_keys: list[str]
    stdout_path: str
    stderr_path: str


EventData = (
    StepInputData
    | StepOutputData
    | LoadedInputData
    | HandledOutputData
    | StepSuccessData
    | StepFailureData
    | StepRetryData
    | StepSkippedData
    | EngineEventData
    | RunFailureData
    | StepMaterializationData
    | AssetObservationData
    | StepExpectationResultData
    | AssetCheckEvaluationData
    | LogsCapturedData
)


# --------------------------------------------------------------------------


class Event(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Something that happened in a run: its kind, where (job, step, node) and its data.

    ``event_type_value`` is the kind as a string; ``event_type`` the enum.
    ``node_handle`` is the op's path in the job (``"graph.op"``).
    """

    event_type_value: str
    job_name: str
    message: str = ""
    step_key: str | None = None
    node_handle: str | None = None
    pid: int | None = None
    event_specific_data: EventData | None = None

    @property
    def event_type(self) -> EventType:
        return EventType(self.event_type_value)

    @property
    def node_name(self) -> str | None:
        """The name of the op this event concerns (the last part of its handle)."""
        handle = self.node_handle
        return handle.rsplit(".", 1)[-1] if handle else None

    @property
    def is_step_event(self) -> bool:
        return self.event_type_value in STEP_EVENTS

    @property
    def is_step_start(self) -> bool:
        return self.event_type_value == EventType.STEP_START

    @property
    def is_step_success(self) -> bool:
        return self.event_type_value == EventType.STEP_SUCCESS

    @property
    def is_step_failure(self) -> bool:
        return self.event_type_value == EventType.STEP_FAILURE

    @property
    def is_step_skipped(self) -> bool:
        return self.event_type_value == EventType.STEP_SKIPPED

    @property
    def is_step_up_for_retry(self) -> bool:
        return self.event_type_value == EventType.STEP_UP_FOR_RETRY

    @property
    def is_step_restarted(self) -> bool:
        return self.event_type_value == EventType.STEP_RESTARTED

    @property
    def is_successful_output(self) -> bool:
        return self.event_type_value == EventType.STEP_OUTPUT

    @property
    def is_handled_output(self) -> bool:
        return self.event_type_value == EventType.HANDLED_OUTPUT

    @property
    def is_loaded_input(self) -> bool:
        return self.event_type_value == EventType.LOADED_INPUT

    @property
    def is_step_materialization(self) -> bool:
        """Whether this is an ASSET_MATERIALIZATION event (Dagster's name)."""
        return self.event_type_value == EventType.ASSET_MATERIALIZATION

    is_asset_materialization = is_step_materialization

    @property
    def is_asset_observation(self) -> bool:
        return self.event_type_value == EventType.ASSET_OBSERVATION

    @property
    def is_expectation_result(self) -> bool:
        return self.event_type_value == EventType.STEP_EXPECTATION_RESULT

    @property
    def is_run_success(self) -> bool:
        return self.event_type_value == EventType.RUN_SUCCESS

    @property
    def is_run_failure(self) -> bool:
        return self.event_type_value == EventType.RUN_FAILURE

    @property
    def is_failure(self) -> bool:
        return self.event_type_value in FAILURE_EVENTS

    @property
    def is_engine_event(self) -> bool:
        return self.event_type_value == EventType.ENGINE_EVENT

    @property
    def step_failure_data(self) -> StepFailureData:
        """The failure data of a STEP_FAILURE event."""
        data = self.event_specific_data
        if not isinstance(data, StepFailureData):
            raise ValueError(f"{self.event_type_value} event has no step failure data")
        return data

    @property
    def step_retry_data(self) -> StepRetryData:
        """The retry data of a STEP_UP_FOR_RETRY event: the error and ``seconds_to_wait``."""
        data = self.event_specific_data
        if not isinstance(data, StepRetryData):
            raise ValueError(f"{self.event_type_value} event has no step retry data")
        return data

    @property
    def step_output_data(self) -> StepOutputData:
        data = self.event_specific_data
        if not isinstance(data, StepOutputData):
            raise ValueError(f"{self.event_type_value} event has no step output data")
        return data

    @property
    def step_input_data(self) -> StepInputData:
        data = self.event_specific_data
        if not isinstance(data, StepInputData):
            raise ValueError(f"{self.event_type_value} event has no step input data")
        return data

    @property
    def step_materialization_data(self) -> StepMaterializationData:
        """The data of an ASSET_MATERIALIZATION event (``.materialization``)."""
        data = self.event_specific_data
        if not isinstance(data, StepMaterializationData):
            raise ValueError(f"{self.event_type_value} event has no materialization data")
        return data

    @property
    def asset_observation_data(self) -> AssetObservationData:
        """The data of an ASSET_OBSERVATION event (``.asset_observation``)."""
        data = self.event_specific_data
        if not isinstance(data, AssetObservationData):
            raise ValueError(f"{self.event_type_value} event has no asset observation data")
        return data

    @property
    def step_expectation_result_data(self) -> StepExpectationResultData:
        """The data of a STEP_EXPECTATION_RESULT event (``.expectation_result``)."""
        data = self.event_specific_data
        if not isinstance(data, StepExpectationResultData):
            raise ValueError(f"{self.event_type_value} event has no expectation result data")
        return data

    @property
    def logs_captured_data(self) -> LogsCapturedData:
        """The data of a LOGS_CAPTURED event: where the step's stdout and stderr are written."""
        data = self.event_specific_data
        if not isinstance(data, LogsCapturedData):
            raise ValueError(f"{self.event_type_value} event has no logs captured data")
        return data

    @property
    def asset_key(self) -> AssetKey | None:
        """The asset a materialization or observation event is about; None for other events."""
        data = self.event_specific_data
        if isinstance(data, StepMaterializationData):
            return data.materialization.asset_key
        if isinstance(data, AssetObservationData):
            return data.asset_observation.asset_key
        if isinstance(data, AssetCheckEvaluationData):
            return data.result.asset_key
        return None

    @property
    def partition(self) -> str | None:
        """The partition a materialization or observation event is about, if any."""
        data = self.event_specific_data
        if isinstance(data, StepMaterializationData):
            return data.materialization.partition
        if isinstance(data, AssetObservationData):
            return data.asset_observation.partition
        return None


class EventLogEntry(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One line of a run's event log: an :class:`Event`, or a plain ``context.log`` message.

    ``level`` is a :mod:`logging` level; ``user_message`` the text shown for
    the line; ``event`` is ``None`` for plain log messages.
    """

    run_id: str
    timestamp: float
    level: int
    user_message: str
    job_name: str | None = None
    step_key: str | None = None
    event: Event | None = None

    @property
    def is_event(self) -> bool:
        return self.event is not None

    # Dagster's spelling, so code reading event logs runs unchanged.
    @property
    def dagster_event(self) -> Event | None:
        return self.event

    @property
    def is_dagster_event(self) -> bool:
        return self.event is not None

    @property
    def event_type(self) -> EventType | None:
        return self.event.event_type if self.event is not None else None

    @property
    def message(self) -> str:
        return self.user_message

    @property
    def asset_materialization(self) -> AssetMaterialization | None:
        """The materialization this entry records, if it records one."""
        data = self.event.event_specific_data if self.event is not None else None
        return data.materialization if isinstance(data, StepMaterializationData) else None

    @property
    def asset_observation(self) -> AssetObservation | None:
        """The observation this entry records, if it records one."""
        data = self.event.event_specific_data if self.event is not None else None
        return data.asset_observation if isinstance(data, AssetObservationData) else None

    def to_json(self) -> bytes:
        """The stable JSON form of this entry."""
        return _ENCODER.encode(self)

    @classmethod
    def from_json(cls, data: bytes | str) -> EventLogEntry:
        """Rebuild an entry from :meth:`to_json` output."""
        return _decoder().decode(data)


# Every field has a JSON form (metadata is typed), so no fallback for unknown objects.
_ENCODER = msgspec.json.Encoder()


@functools.cache
def _decoder() -> msgspec.json.Decoder[EventLogEntry]:
    # Built on first use: it resolves every event type, which a run that only writes skips.
    return msgspec.json.Decoder(EventLogEntry)
