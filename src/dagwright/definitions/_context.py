"""The marker base class of every context handed to user code.

Definitions must recognise a context (a compute function's ``context``
parameter, a context passed to a direct op call) without importing the
execution layer that builds it; execution's context classes derive from
this marker.
"""

from __future__ import annotations

__all__ = ["ExecutionContextBase"]


class ExecutionContextBase:
    """Base class of the contexts dagwright passes to compute functions."""

    __slots__ = ()
