"""The one boundary around user code: an exception becomes a structured failure.

Every place dagwright calls user code (op bodies, resources, hooks, loggers,
type checks, config mappings) catches what it raises here and turns it into
a :class:`UserFailure` carrying the original exception, its error info (the
user's traceback) and the place it happened. Framework bugs are not caught
as user failures: they propagate as themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from ..errors import DagwrightError
from ..records import ErrorInfo

__all__ = ["UserFailure", "user_code", "call_user", "describe"]

T = TypeVar("T")


class UserFailure(Exception):
    """User code failed at ``place``; ``exception`` is what it raised, ``error`` its description."""

    def __init__(self, place: str, exception: BaseException) -> None:
        self.place = place
        self.exception = exception
        self.error, self.source = describe(exception)
        super().__init__(f"{place}: {type(exception).__name__}: {exception}")


def describe(exception: BaseException) -> tuple[ErrorInfo, str]:
    """Error info for ``exception`` and its source: a user's code or a rule dagwright checks."""
    source = "FRAMEWORK_ERROR" if isinstance(exception, DagwrightError) else "USER_CODE_ERROR"
    return ErrorInfo.from_exception(exception), source


@contextmanager
def user_code(place: str) -> Iterator[None]:
    """Run the body as user code: whatever it raises comes out as a :class:`UserFailure`."""
    try:
        yield
    except UserFailure:
        raise
    except Exception as exception:
        raise UserFailure(place, exception) from exception


def call_user(place: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call ``fn`` as user code (see :func:`user_code`)."""
    try:
        return fn(*args, **kwargs)
    except UserFailure:
        raise
    except Exception as exception:
        raise UserFailure(place, exception) from exception
