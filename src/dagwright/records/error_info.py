"""A serializable description of an exception: what the user sees when a step fails."""

from __future__ import annotations

import os

import msgspec

__all__ = ["ErrorInfo"]

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class ErrorInfo(msgspec.Struct, frozen=True, kw_only=True):
    """An exception turned into data: its class, message, traceback lines and causes.

    ``stack`` holds the formatted traceback frames of the user's code only;
    dagwright's own frames are dropped so the user sees where *their* code
    failed. ``cause`` and ``context`` follow ``raise ... from`` and implicit
    chaining.
    """

    message: str
    cls_name: str
    stack: list[str] = msgspec.field(default_factory=list)
    cause: ErrorInfo | None = None
    context: ErrorInfo | None = None

    @classmethod
    def from_exception(cls, exc: BaseException, *, user_frames_only: bool = True) -> ErrorInfo:
        """Describe ``exc`` and its chain; keep only user frames when asked (the default)."""
        return _describe(exc, user_frames_only, depth=0)

    def to_string(self) -> str:
        """The error as Python would print it: traceback lines, then ``Class: message``."""
        parts: list[str] = []
        if self.cause is not None:
            parts.append(self.cause.to_string())
            parts.append("\nThe above exception was the direct cause of the following exception:\n")
        elif self.context is not None:
            parts.append(self.context.to_string())
            parts.append("\nDuring handling of the above exception, another exception occurred:\n")
        if self.stack:
            parts.append("Traceback (most recent call last):\n" + "".join(self.stack))
        parts.append(self.message if self.message.endswith("\n") else self.message + "\n")
        return "".join(parts)


def _describe(exc: BaseException, user_frames_only: bool, depth: int) -> ErrorInfo:
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    if user_frames_only:
        kept = [f for f in frames if not _is_framework_file(f.filename)]
        if kept or not _raised_by_framework_check(exc):
            frames = traceback.StackSummary.from_list(kept or list(frames))
        else:
            # dagwright found a problem (a failed type check, a bad output) and its
            # message says where; its own frames would only hide that.
            frames = traceback.StackSummary.from_list([])
    message = "".join(traceback.format_exception_only(type(exc), exc)).rstrip("\n")
    cause = context = None
    if depth < 10:
        if exc.__cause__ is not None:
            cause = _describe(exc.__cause__, user_frames_only, depth + 1)
        elif exc.__context__ is not None and not exc.__suppress_context__:
            context = _describe(exc.__context__, user_frames_only, depth + 1)
    return ErrorInfo(
        message=message,
        cls_name=type(exc).__name__,
        stack=traceback.format_list(frames),
        cause=cause,
        context=context,
    )


def _raised_by_framework_check(exc: BaseException) -> bool:
    return any(cls.__name__ == "DagwrightError" for cls in type(exc).__mro__)


def _is_framework_file(filename: str) -> bool:
    return filename.startswith(_PACKAGE_DIR)
