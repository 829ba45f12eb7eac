"""The one boundary around user code: an exception becomes a structured failure.

Every place dagwright calls user code (op bodies, resources, hooks, loggers,
type checks, config mappings) catches what it raises here and turns it into
a :class:`UserFailure` carrying the original exception, its error info (the
user's traceback) and the place it happened. Framework bugs are not caught
as user failures: they propagate as themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from ..errors import DagwrightError
from ..records import ErrorInfo

__all__ = ["UserFailure", "call_user", "user_iter", "describe", "Place"]

T = TypeVar("T")

Place = str | Callable[[], str]
"""Where user code runs (``"op 'add_one'"``); a function when naming it costs a string build."""


class UserFailure(Exception):
    """User code failed at ``place``; ``exception`` is what it raised, ``error`` its description."""

    def __init__(self, place: Place, exception: BaseException) -> None:
        self.place = place() if callable(place) else place
        self.exception = exception
        self.error, self.source = describe(exception)
        super().__init__(f"{self.place}: {type(exception).__name__}: {exception}")


def describe(exception: BaseException) -> tuple[ErrorInfo, str]:
    """Error info for ``exception`` and its source: a user's code or a rule dagwright checks."""
    source = "FRAMEWORK_ERROR" if isinstance(exception, DagwrightError) else "USER_CODE_ERROR"
    return ErrorInfo.from_exception(exception), source


def call_user(place: Place, fn: Callable[..., T], *args: Any) -> T:
    """Call ``fn(*args)`` as user code: whatever it raises comes out as a :class:`UserFailure`."""
    try:
        return fn(*args)
    except UserFailure:
        raise
    except Exception as exception:
        raise UserFailure(place, exception) from exception


def user_iter(place: Place, items: Iterator[T]) -> Iterator[T]:
    """Iterate a user's generator; what its code raises comes out as a :class:`UserFailure`."""
    while True:
        try:
            item = next(items)
        except StopIteration:
            return
        except UserFailure:
            raise
        except Exception as exception:
            raise UserFailure(place, exception) from exception
        yield item
