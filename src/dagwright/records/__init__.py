"""Records: the immutable, JSON-serializable facts of runs (events, run records, errors).

Records sit below storage and execution: both import them, and they import
no other dagwright layer.
"""

from .error_info import ErrorInfo
from .events import (
    AssetObservationData,
    EngineEventData,
    Event,
    EventData,
    EventLogEntry,
    EventType,
    HandledOutputData,
    LoadedInputData,
    LogsCapturedData,
    Metadata,
    RunFailureData,
    StepExpectationResultData,
    StepFailureData,
    StepInputData,
    StepMaterializationData,
    StepOutputData,
    StepRetryData,
    StepSkippedData,
    StepSuccessData,
    TypeCheckData,
    UserFailureData,
)
from .runs import FINISHED_STATUSES, Run, RunStatus

__all__ = [
    "ErrorInfo",
    "EngineEventData",
    "Event",
    "EventData",
    "EventLogEntry",
    "EventType",
    "HandledOutputData",
    "LoadedInputData",
    "LogsCapturedData",
    "RunFailureData",
    "StepFailureData",
    "StepInputData",
    "StepOutputData",
    "StepSkippedData",
    "StepRetryData",
    "StepSuccessData",
    "TypeCheckData",
    "UserFailureData",
    "StepMaterializationData",
    "AssetObservationData",
    "StepExpectationResultData",
    "Metadata",
    "FINISHED_STATUSES",
    "Run",
    "RunStatus",
]
