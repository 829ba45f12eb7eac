"""Recording asset check results, and stopping a step whose blocking check failed.

A check result an op yields (or passes to ``context.log_event``) names
its asset and check, or leaves them to the check it belongs to: the
step's ``@asset_check``, or the one check spec of its asset. It is
recorded as ASSET_CHECK_EVALUATION; a failed result of a blocking check
with severity ERROR fails the step once its outputs are handled, so the
assets downstream of the checked one do not run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from msgspec.structs import replace

from ..definitions.failure import Failure
from ..errors import InvalidInvocationError
from ..metadata import AssetCheckResult, AssetCheckSeverity
from ..records import AssetCheckEvaluationData, EventType
from ._boundary import UserFailure

if TYPE_CHECKING:
    from ._run import RunContext
    from .state import ExecutionStep

__all__ = ["record_check_result", "raise_if_blocked"]

_ASSET_CHECK_EVALUATION = EventType.ASSET_CHECK_EVALUATION.value


def record_check_result(run: RunContext, step: ExecutionStep, result: AssetCheckResult) -> None:
    """Record ``result`` (its asset and check filled in from the step's checks)."""
    layer = run.job.asset_layer
    specs = layer.checks_of(step.spec.key) if layer is not None else []
    spec = None
    for candidate in specs:
        if (result.check_name in (None, candidate.name)) and (
            result.asset_key in (None, candidate.asset_key)
        ):
            if spec is not None and result.check_name is None:
                raise InvalidInvocationError(
                    "an AssetCheckResult without check_name, from a step with several checks.",
                    where=f"step '{step.key}'",
                    fix="pass check_name= (and asset_key= if the checks are of several assets).",
                )
            spec = candidate
    if spec is None and (result.check_name is None or result.asset_key is None):
        raise InvalidInvocationError(
            "an AssetCheckResult that does not say which check it is, from a step that "
            "declares no matching check.",
            where=f"step '{step.key}'",
            fix="declare the check (@asset_check, or check_specs=[AssetCheckSpec(...)] on the "
            "asset) or pass asset_key= and check_name=.",
        )
    blocking = spec is not None and spec.blocking
    if spec is not None:
        result = replace(result, asset_key=spec.asset_key, check_name=spec.name)
    label = result.asset_key.to_user_string() if result.asset_key else "?"
    outcome = "passed" if result.passed else f"failed ({result.severity.value})"
    run.log.event(
        _ASSET_CHECK_EVALUATION,
        f"Asset check '{result.check_name}' of '{label}' {outcome}.",
        step_key=step.key,
        handle=step.spec.key,
        data=AssetCheckEvaluationData(result=result, blocking=blocking),
    )
    if blocking and not result.passed and result.severity is AssetCheckSeverity.ERROR:
        run.blocked_steps.setdefault(step.key, []).append(f"{label}:{result.check_name}")


def raise_if_blocked(run: RunContext, step: ExecutionStep, place: str) -> None:
    """Fail ``step`` if one of its blocking checks failed (its outputs are already handled)."""
    failed = run.blocked_steps.pop(step.key, None)
    if failed:
        failure = Failure(
            description=f"blocking asset check {', '.join(failed)} failed, so the assets "
            "downstream of it do not run",
            allow_retries=False,
        )
        raise UserFailure(place, failure)
