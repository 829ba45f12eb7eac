"""What an op raises to end its step on purpose: ``Failure`` and ``RetryRequested``.

These are signals from user code to the step runner, not errors dagwright
raises, so they derive from :class:`Exception` (a failure they cause is the
user's, reported with the user's traceback). Both check their arguments
when they are made: a wrong argument raises
:class:`~dagwright.errors.InvalidInvocationError` naming it, in the op that
made it.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..errors import InvalidInvocationError
from ..metadata import MetadataValueUnion, normalize_metadata

__all__ = ["Failure", "RetryRequested"]


class Failure(Exception):
    """Raise from an op to fail its step with a description and metadata.

    The step's STEP_FAILURE event carries both in its ``user_failure_data``.
    ``metadata`` maps string labels to values, normalized to metadata values
    when the Failure is made (a value without a metadata form is an error).
    With ``allow_retries=False`` the op's retry policy does not retry this
    failure: the step fails at once (``None`` means ``True``, as in Dagster).
    """

    description: str | None
    metadata: Mapping[str, MetadataValueUnion]
    allow_retries: bool

    def __init__(
        self,
        description: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        allow_retries: bool | None = True,
    ) -> None:
        if description is not None and not isinstance(description, str):
            raise InvalidInvocationError(
                f"description must be a string, got {type(description).__name__}.",
                where="Failure",
                fix="pass description='what went wrong', or leave it out.",
            )
        if allow_retries is None:
            allow_retries = True
        if not isinstance(allow_retries, bool):
            raise InvalidInvocationError(
                f"allow_retries must be True or False, got {allow_retries!r}.",
                where="Failure",
            )
        self.description = description
        self.metadata = MappingProxyType(normalize_metadata(metadata, where="Failure"))
        self.allow_retries = allow_retries
        super().__init__(*(() if description is None else (description,)))

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its fields when it crosses processes (its metadata view cannot pickle).
        return (type(self), (self.description, dict(self.metadata), self.allow_retries))


class RetryRequested(Exception):
    """Raise from an op to ask for its step to be tried again.

    The step is retried while it has been retried fewer than ``max_retries``
    times (``context.retry_number < max_retries``), each time after
    ``seconds_to_wait`` seconds; this holds with or without a retry policy,
    and replaces the policy for the attempt that raised it. Once the
    retries are used up the step fails, reporting the exception this one
    was raised from (``raise RetryRequested(...) from error``), if any.
    ``seconds_to_wait=None`` means 0, as in Dagster.
    """

    max_retries: int
    seconds_to_wait: float

    def __init__(self, max_retries: int = 1, seconds_to_wait: float | None = 0) -> None:
        if seconds_to_wait is None:
            seconds_to_wait = 0
        if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
            raise InvalidInvocationError(
                f"max_retries must be a non-negative int, got {max_retries!r}.",
                where="RetryRequested",
                fix="pass max_retries=3 (how many times the step may be retried).",
            )
        if (
            not isinstance(seconds_to_wait, (int, float))
            or isinstance(seconds_to_wait, bool)
            or not 0 <= seconds_to_wait < float("inf")
        ):
            raise InvalidInvocationError(
                f"seconds_to_wait must be a non-negative, finite number, got {seconds_to_wait!r}.",
                where="RetryRequested",
                fix="pass seconds_to_wait=5 (seconds before the next attempt), or 0.",
            )
        self.max_retries = max_retries
        self.seconds_to_wait = float(seconds_to_wait)
        super().__init__(
            f"the op requested a retry (max_retries={max_retries}, "
            f"seconds_to_wait={seconds_to_wait})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its fields (its message is not an argument) when it crosses processes.
        return (type(self), (self.max_retries, self.seconds_to_wait), self.__dict__)
