"""Running jobs: plans, step state, the step runner, executors, contexts and results.

Names are exported lazily (PEP 562): a job's first ``execute_in_process`` imports
the step runner, not re-execution, job pointers or the direct-call contexts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "execute_in_process": f"{__name__}.api",
    "OpExecutionContext": f"{__name__}.context",
    "DirectOpContext": f"{__name__}.direct_context",
    "build_op_context": f"{__name__}.direct_context",
    "execute_job": f"{__name__}.execute_job",
    "HookContext": f"{__name__}.hooks",
    "build_hook_context": f"{__name__}.hooks",
    "ReexecutionOptions": f"{__name__}.reexecution",
    "InitResourceContext": f"{__name__}.resources",
    "Resources": f"{__name__}.resources",
    "ExecuteInProcessResult": f"{__name__}.result",
    "ExecuteJobResult": f"{__name__}.result",
}

__all__ = [
    "execute_in_process",
    "execute_job",
    "ReexecutionOptions",
    "DirectOpContext",
    "OpExecutionContext",
    "build_op_context",
    "HookContext",
    "build_hook_context",
    "InitResourceContext",
    "Resources",
    "ExecuteInProcessResult",
    "ExecuteJobResult",
]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from .api import execute_in_process
    from .context import OpExecutionContext
    from .direct_context import DirectOpContext, build_op_context
    from .execute_job import execute_job
    from .hooks import HookContext, build_hook_context
    from .reexecution import ReexecutionOptions
    from .resources import InitResourceContext, Resources
    from .result import ExecuteInProcessResult, ExecuteJobResult
