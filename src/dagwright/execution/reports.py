"""What an op reports about assets and its data becomes an event of its step.

An ``AssetMaterialization`` becomes ASSET_MATERIALIZATION, an
``AssetObservation`` ASSET_OBSERVATION and an ``ExpectationResult``
STEP_EXPECTATION_RESULT; each event carries the report whole. Reports come
from ``context.log_event(...)`` or are yielded by the op, and are recorded
at once, in order with the step's other events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InvalidInvocationError
from ..metadata import (
    REPORT_TYPES,
    AssetCheckResult,
    AssetMaterialization,
    AssetObservation,
    ExpectationResult,
    Report,
)
from ..records import (
    AssetObservationData,
    EventData,
    EventType,
    StepExpectationResultData,
    StepMaterializationData,
)

if TYPE_CHECKING:
    from ._run import RunContext
    from .state import ExecutionStep

__all__ = ["check_report", "record_report"]

_ASSET_MATERIALIZATION = EventType.ASSET_MATERIALIZATION.value
_ASSET_OBSERVATION = EventType.ASSET_OBSERVATION.value
_STEP_EXPECTATION_RESULT = EventType.STEP_EXPECTATION_RESULT.value


def check_report(event: object, where: str) -> Report:
    """``event`` if it is something ``context.log_event`` records, else a clear error."""
    if isinstance(event, REPORT_TYPES):
        return event
    raise InvalidInvocationError(
        f"context.log_event was given {type(event).__name__}; it records AssetMaterialization, "
        "AssetObservation and ExpectationResult.",
        where=where,
        fix="yield Output(...) for an output's value; use context.log.info(...) for a message, "
        "context.add_output_metadata(...) for metadata about an output.",
    )


def record_report(run: RunContext, step: ExecutionStep, report: Report) -> None:
    """Record ``report`` as an event of ``step``."""
    if isinstance(report, AssetCheckResult):
        from .asset_checks import record_check_result

        record_check_result(run, step, report)
        return
    kind, message, data = _event_of(report)
    run.log.event(kind, message, step_key=step.key, handle=step.spec.key, data=data)


def _event_of(report: Report) -> tuple[str, str, EventData]:
    if isinstance(report, AssetMaterialization):
        return (
            _ASSET_MATERIALIZATION,
            f"Materialized value {report.label}.",
            StepMaterializationData(materialization=report),
        )
    if isinstance(report, AssetObservation):
        return (
            _ASSET_OBSERVATION,
            f"Observed asset {report.label}.",
            AssetObservationData(asset_observation=report),
        )
    assert isinstance(report, ExpectationResult)
    label = f" {report.label}" if report.label else ""
    outcome = "passed" if report.success else "failed"
    return (
        _STEP_EXPECTATION_RESULT,
        f"Expectation{label} {outcome}.",
        StepExpectationResultData(expectation_result=report),
    )
